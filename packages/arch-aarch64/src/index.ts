/**
 * `@k5/arch-aarch64`: The AArch64 port of K5: EL0/EL1 exceptions, translation tables with ASIDs, TLB model, GIC, generic timer.
 *
 * @packageDocumentation
 */

/** The npm name of this package. */
export const PACKAGE_NAME = '@k5/arch-aarch64';
