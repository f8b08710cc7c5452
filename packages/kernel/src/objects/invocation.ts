// The shared shape of kernel-object invocations: what a decoder is given (the invoked cap and
// slot, the label, message registers, extra caps) and the typed error it returns. Decoders
// change nothing; performers cannot fail. Relies on @k5/abi and cspace/.

import { KernelError, type LookupFailure, type RightsWord } from '@k5/abi';
import type { Cap, Slot } from '../cspace/cap';
import type { LookupFault } from '../cspace/lookup';
import type { KernelState } from '../state';
import type { Tcb } from './kobject';

/** Everything a decoder may read. */
export interface Invocation {
  readonly k: KernelState;
  readonly thread: Tcb;
  readonly cap: Cap;
  readonly slot: Slot;
  readonly label: number;
  /** Message length (clamped to what the thread could send). */
  readonly length: number;
  /** Message register `i` (0 beyond the length). */
  mr(i: number): number;
  /** The extra caps' slots, looked up in the invoker's CSpace. */
  readonly extraCaps: readonly Slot[];
}

/**
 * A decode error: an seL4 error code with the detail words the reply carries and a message that
 * says what was wrong. Returned, never thrown.
 * @public
 */
export class SyscallError {
  readonly code: KernelError;
  readonly detail: readonly number[];
  readonly message: string;
  constructor(code: KernelError, detail: readonly number[], message: string) {
    this.code = code;
    this.detail = detail;
    this.message = message;
  }
}

/** Helpers that build each error with its detail words. */
export const err = {
  invalidArgument: (n: number, msg: string) =>
    new SyscallError(KernelError.InvalidArgument, [n], msg),
  invalidCapability: (n: number, msg: string) =>
    new SyscallError(KernelError.InvalidCapability, [n], msg),
  illegalOperation: (msg: string) => new SyscallError(KernelError.IllegalOperation, [], msg),
  range: (min: number, max: number, msg: string) =>
    new SyscallError(KernelError.RangeError, [min, max], msg),
  alignment: (msg: string) => new SyscallError(KernelError.AlignmentError, [], msg),
  failedLookup: (wasSource: boolean, f: LookupFault, msg: string) =>
    new SyscallError(KernelError.FailedLookup, [wasSource ? 1 : 0, ...lookupFaultWords(f)], msg),
  truncated: (msg: string) => new SyscallError(KernelError.TruncatedMessage, [], msg),
  deleteFirst: (msg: string) => new SyscallError(KernelError.DeleteFirst, [], msg),
  revokeFirst: (msg: string) => new SyscallError(KernelError.RevokeFirst, [], msg),
  notEnoughMemory: (left: number, msg: string) =>
    new SyscallError(KernelError.NotEnoughMemory, [left], msg),
};

/** The message words of a lookup failure: kind, then its detail (seL4 layout). */
export function lookupFaultWords(f: LookupFault): number[] {
  switch (f.kind as LookupFailure) {
    case 2:
      return [f.kind, f.bitsLeft];
    case 3:
      return [f.kind, f.bitsLeft, f.bitsFound];
    case 4:
      return [f.kind, f.bitsLeft, f.bitsFound, f.guardSize];
    default:
      return [f.kind];
  }
}

/** Whether `rights` has every bit of `need`. */
export function has(rights: RightsWord, need: number): boolean {
  return (rights & need) === need;
}
