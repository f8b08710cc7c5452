/**
 * `@k5/abi`: The K5 kernel/task contract: syscall numbers, invocation labels, error codes, rights, object types, fault and message layouts.
 *
 * @packageDocumentation
 */

/** The npm name of this package. */
export const PACKAGE_NAME = '@k5/abi';
