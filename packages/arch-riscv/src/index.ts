/**
 * `@k5/arch-riscv`: The RISC-V port of K5: trap model, ecall ABI, CLINT, PLIC, PMP and solver, and a reference RV32IMAC hart.
 *
 * @packageDocumentation
 */

/** The npm name of this package. */
export const PACKAGE_NAME = '@k5/arch-riscv';
