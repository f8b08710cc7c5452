// Errors an embedder can cause by misusing the kernel's host API (bad configuration, running a
// stopped system). Errors a task causes are never thrown: they become seL4 error replies or
// faults. Relies on nothing.

/** Codes of {@link KernelUsageError}. @public */
export type KernelUsageErrorCode =
  | 'bad-memory'
  | 'bad-config'
  | 'unknown-program'
  | 'no-such-thread'
  | 'step-limit'
  | 'program-address'
  | 'await-unsettled'
  | 'no-such-enclave';

/** A misuse of the kernel's host-side API, with what to do about it. @public */
export class KernelUsageError extends Error {
  readonly code: KernelUsageErrorCode;

  constructor(code: KernelUsageErrorCode, message: string) {
    super(message);
    this.name = 'KernelUsageError';
    this.code = code;
  }
}
