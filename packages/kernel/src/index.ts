/**
 * `@k5/kernel`: The portable K5 microkernel core: capabilities, IPC, MCS scheduling, faults, IRQs, untyped memory, supervision, enclaves.
 *
 * @packageDocumentation
 */

/** The npm name of this package. */
export const PACKAGE_NAME = '@k5/kernel';
