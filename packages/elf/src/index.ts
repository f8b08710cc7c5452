/**
 * `@k5/elf`: ELF32/ELF64 reading (headers, sections, segments, symbols), the DWARF parts tools need, and a small ELF writer.
 *
 * @packageDocumentation
 */

/** The npm name of this package. */
export const PACKAGE_NAME = '@k5/elf';
