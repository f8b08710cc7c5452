// The typed error of this package: anything a caller can get wrong (an overlapping memory
// region, a PMP layout that does not fit, a bad register index) is reported as a
// `RiscvError` with a stable `code`, never as a crash. Relies on nothing.

/** Stable codes of {@link RiscvError}. */
export type RiscvErrorCode =
  /** A memory region or device is malformed (alignment, size, range). */
  | 'invalid-region'
  /** Two regions of the memory bus overlap. */
  | 'overlapping-region'
  /** A register index, CSR number or option is out of range. */
  | 'invalid-argument'
  /** The requested PMP regions need more entries than are free. */
  | 'pmp-does-not-fit'
  /** A PMP region is not aligned to the PMP granule or is empty. */
  | 'pmp-misaligned-region'
  /** Two requested PMP regions overlap. */
  | 'pmp-overlapping-regions'
  /** A requested PMP region cannot be encoded (write without read). */
  | 'pmp-unencodable-permissions'
  /** A requested PMP region overlaps an entry reserved for the kernel. */
  | 'pmp-reserved-conflict'
  /** An enclave's memory, entry points or the monitor's region are malformed or overlap. */
  | 'enclave-invalid-layout'
  /** An enclave was entered at an address that is not one of its declared entry points. */
  | 'enclave-bad-entry'
  /** The operation does not fit the enclave's state (entering a running enclave, ...). */
  | 'enclave-bad-state'
  /** The security monitor has no free guard PMP entry or register save area left. */
  | 'enclave-out-of-resources';

/** The error every user-caused failure in `@k5/arch-riscv` throws. */
export class RiscvError extends Error {
  /** What went wrong, as a stable code. */
  readonly code: RiscvErrorCode;

  /**
   * @param code - the stable code
   * @param message - what was wrong and what to do about it
   */
  constructor(code: RiscvErrorCode, message: string) {
    super(message);
    this.name = 'RiscvError';
    this.code = code;
  }
}
