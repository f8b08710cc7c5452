/**
 * `@k5/defmt`: A defmt log decoder and encoder, byte-compatible with the Rust defmt-decoder and defmt-print, for Node and browsers.
 *
 * @packageDocumentation
 */

/** The npm name of this package. */
export const PACKAGE_NAME = '@k5/defmt';
