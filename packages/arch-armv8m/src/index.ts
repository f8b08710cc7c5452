/**
 * `@k5/arch-armv8m`: The ARMv8-M port of K5: exception model, SVC ABI, NVIC, SysTick, PMSAv8/PMSAv7 MPU and solver, SAU.
 *
 * @packageDocumentation
 */

/** The npm name of this package. */
export const PACKAGE_NAME = '@k5/arch-armv8m';
