/**
 * `@k5/userspace`: What K5 tasks import: syscall wrappers, client/server helpers, name service, defmt logging.
 *
 * @packageDocumentation
 */

/** The npm name of this package. */
export const PACKAGE_NAME = '@k5/userspace';
