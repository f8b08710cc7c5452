// From ARMv8-M fault status to the kernel's fault call: a MemManage or BusFault becomes a VmFault
// message (ip, address, isInstructionFetch, status = CFSR), a UsageFault or HardFault a
// UserException (ip, sp, exception number, code = CFSR or HFSR), laid out as @k5/abi's
// FAULT_LAYOUTS say. A SecureFault (TrustZone-M: SFSR set, CFSR clear) is a VmFault too, with
// SFAR (or the PC, for INVEP) as the address and SFSR as the status. Relies on `faults.ts` for
// decoding, `nvic.ts` for exception numbers and `trustzone/sfsr.ts`.

import { FaultLabel } from '@k5/abi';
import { decodeFault, type FaultStatus } from '../faults';
import { ExceptionNumber } from '../nvic';
import { SFSR } from '../trustzone/sfsr';

/** The label and words the kernel's `fault(thread, label, words)` call takes. */
export interface KernelFaultMessage {
  /** VmFault for memory and bus faults, UserException for the rest. */
  readonly label: typeof FaultLabel.VmFault | typeof FaultLabel.UserException;
  /** The message words in the layout of `@k5/abi` for that label. */
  readonly words: readonly number[];
  /** The exception the CPU took (MemManage, BusFault, SecureFault, UsageFault or HardFault). */
  readonly exception: ExceptionNumber;
}

/**
 * Builds the kernel fault message for a thread that faulted at `pc` with stack pointer `sp`.
 * A SecureFault becomes a VmFault whose status word is SFSR (tell it from a CFSR by `exception`).
 * A memory or bus fault without a valid address register (MMARVALID/BFARVALID clear, as for an
 * instruction fetch) reports the PC as the address, which is where a fetch faulted. Returns
 * undefined when the status records no fault.
 */
export function faultMessage(
  status: FaultStatus,
  pc: number,
  sp: number,
): KernelFaultMessage | undefined {
  const cfsr = status.cfsr >>> 0;
  const sfsr = (status.sfsr ?? 0) >>> 0;
  if (cfsr === 0 && sfsr !== 0) {
    const address = sfsr & SFSR.SFARVALID ? (status.sfar ?? pc) : pc;
    return {
      label: FaultLabel.VmFault,
      words: [pc >>> 0, address >>> 0, sfsr & SFSR.INVEP ? 1 : 0, sfsr],
      exception: ExceptionNumber.SecureFault,
    };
  }
  const record = decodeFault(status);
  switch (record.kind) {
    case 'memory':
    case 'bus': {
      const fetch = record.access === 'execute';
      return {
        label: FaultLabel.VmFault,
        words: [pc >>> 0, (record.address ?? pc) >>> 0, fetch ? 1 : 0, cfsr],
        exception: record.kind === 'memory' ? ExceptionNumber.MemManage : ExceptionNumber.BusFault,
      };
    }
    case 'usage':
      return {
        label: FaultLabel.UserException,
        words: [pc >>> 0, sp >>> 0, ExceptionNumber.UsageFault, cfsr],
        exception: ExceptionNumber.UsageFault,
      };
    case 'hard':
      return {
        label: FaultLabel.UserException,
        words: [pc >>> 0, sp >>> 0, ExceptionNumber.HardFault, (status.hfsr ?? 0) >>> 0],
        exception: ExceptionNumber.HardFault,
      };
    case 'none':
      return undefined;
  }
}
