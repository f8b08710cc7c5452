// The typed errors of the port. Every mistake a user can make (a register write the architecture
// calls UNPREDICTABLE, a region set that does not fit, a bad frame address) is reported as one of
// these, with a `code` a program can switch on and a message that says what to do.

/**
 * Base class of every error thrown by `@k5/arch-armv8m`.
 *
 * @typeParam C - the union of codes this error kind can carry.
 */
export class ArmV8mError<C extends string = string> extends Error {
  /** A stable machine-readable code, for example `region-out-of-range`. */
  readonly code: C;

  /**
   * @param code - the stable code.
   * @param message - what went wrong and what to do about it.
   */
  constructor(code: C, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Codes of {@link MpuRegisterError}. */
export type MpuRegisterErrorCode =
  | 'not-a-register'
  | 'region-out-of-range'
  | 'unpredictable-value'
  | 'bad-access';

/** A register access the MPU (PMSAv8 or PMSAv7) or the SAU model cannot perform. */
export class MpuRegisterError extends ArmV8mError<MpuRegisterErrorCode> {}

/** Codes of {@link MpuSolverError}. */
export type MpuSolverErrorCode =
  | 'bad-option'
  | 'bad-range'
  | 'misaligned'
  | 'write-without-read'
  | 'execute-without-read'
  | 'device-execute'
  | 'system-space-execute'
  | 'private-peripheral-bus'
  | 'conflicting-overlap'
  | 'too-many-regions'
  | 'inexact';

/** A region set the MPU region solvers cannot turn into registers. */
export class MpuSolverError extends ArmV8mError<MpuSolverErrorCode> {}

/** Codes of {@link ExceptionModelError}. */
export type ExceptionModelErrorCode =
  | 'bad-register'
  | 'bad-value'
  | 'bad-exc-return'
  | 'misaligned-stack'
  | 'bad-argument-count';

/** A bad use of the register file, the exception frames or the syscall ABI. */
export class ExceptionModelError extends ArmV8mError<ExceptionModelErrorCode> {}

/** Codes of {@link InterruptError}. */
export type InterruptErrorCode = 'bad-exception-number' | 'bad-value' | 'not-a-register';

/** A bad use of the NVIC, the system handler registers or SysTick. */
export class InterruptError extends ArmV8mError<InterruptErrorCode> {}
