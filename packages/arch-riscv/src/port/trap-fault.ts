// What a synchronous trap of a U-mode thread means to the kernel: an access fault (mcause 1, 5,
// 7) is a VmFault with the faulting address from mtval, the same words a host task's refused
// access produces (status is the AccessKind, isInstructionFetch 1 for fetches); every other
// exception is a UserException carrying mcause and mtval. ecall is not a fault (the runner
// makes it a syscall). Relies on `@k5/abi`'s fault layouts and the trap causes.

import { FaultLabel } from '@k5/abi';
import { AccessKind } from '@k5/kernel';
import { ExceptionCause } from '../trap';

/** A kernel fault derived from a trap: its label and message words (per `FAULT_LAYOUTS`). */
export interface TrapFault {
  /** VmFault or UserException. */
  readonly label: typeof FaultLabel.VmFault | typeof FaultLabel.UserException;
  /** The fault message words: VmFault ip, address, isInstructionFetch, status; UserException ip, sp, number, code. */
  readonly words: number[];
}

/**
 * The fault a synchronous exception of a U-mode thread raises.
 *
 * @param mcause - the exception code (no interrupt bit)
 * @param mtval - the trap value
 * @param pc - the faulting instruction's address (mepc)
 * @param sp - the thread's x2
 */
export function faultForTrap(mcause: number, mtval: number, pc: number, sp: number): TrapFault {
  switch (mcause) {
    case ExceptionCause.InstructionAccessFault:
      return { label: FaultLabel.VmFault, words: [pc, mtval >>> 0, 1, AccessKind.Execute] };
    case ExceptionCause.LoadAccessFault:
      return { label: FaultLabel.VmFault, words: [pc, mtval >>> 0, 0, AccessKind.Read] };
    case ExceptionCause.StoreAccessFault:
      return { label: FaultLabel.VmFault, words: [pc, mtval >>> 0, 0, AccessKind.Write] };
    default:
      return { label: FaultLabel.UserException, words: [pc, sp, mcause, mtval >>> 0] };
  }
}
