// The typed errors of the ARMv8-M kernel port: a context id the port never issued (or already
// released), a memory map the PMSAv8 solver cannot express, an enclave the SAU cannot enforce
// (bad domain, too few SAU regions) or a Secure stack whose integrity signature is gone. Relies on `errors.ts` for the
// package's error base class.

import { ArmV8mError, type MpuSolverError } from '../errors';

/** Codes of {@link ArmV8mPortError}. */
export type ArmV8mPortErrorCode =
  | 'unknown-context'
  | 'unsolvable-memory-map'
  | 'bad-option'
  | 'bad-enclave'
  | 'unknown-enclave'
  | 'sau-exhausted'
  | 'integrity-signature';

/**
 * A mistake in using {@link ArmV8mPort}: an unknown context, a bad constructor option, an enclave
 * the SAU cannot enforce (`bad-enclave`, `sau-exhausted`), a thread joining an enclave the port
 * does not know (`unknown-enclave`), a preempted enclave's Secure stack without its integrity
 * signature (`integrity-signature`), or a thread memory map that cannot be turned into MPU regions (then {@link ArmV8mPortError.solverError}
 * says why, with the solver's own code: `misaligned`, `too-many-regions`, `write-without-read`...).
 */
export class ArmV8mPortError extends ArmV8mError<ArmV8mPortErrorCode> {
  /** The solver's error, for `unsolvable-memory-map`. */
  readonly solverError: MpuSolverError | undefined;

  /**
   * @param code - the stable code.
   * @param message - what went wrong and what to do about it.
   * @param solverError - the solver's error behind an `unsolvable-memory-map`.
   */
  constructor(code: ArmV8mPortErrorCode, message: string, solverError?: MpuSolverError) {
    super(code, message);
    this.solverError = solverError;
  }
}
