// Replying to a fault message (seL4 handleFaultReply, with K5's one register layout): a reply
// labelled 0 resumes the faulting thread, any other label leaves it stopped. The reply's MRs
// overwrite registers in @k5/abi's FAULT_REPLY_REGISTERS order (ip, sp, a0..a6), as many as the
// reply's length. Whether the thread retries the faulting trap or continues after it follows
// FAULT_RESUME. Relies on ipc/transfer.ts and the scheduler.

import { FAULT_REPLY_REGISTERS, FAULT_RESUME, messageInfoLabel, messageInfoLength } from '@k5/abi';
import { getMR } from '../ipc/transfer';
import { isOutsider } from '../objects/enclave-isolation';
import { type Tcb, ThreadState } from '../objects/kobject';
import { setThreadState } from '../sched/scheduler';
import type { KernelState } from '../state';

/** The register index a fault-reply word writes (ip, sp, then the argument slots). */
function replyRegister(k: KernelState, i: number): number {
  const c = k.port.convention;
  if (i === 0) return c.pcRegister;
  if (i === 1) return c.spRegister;
  return c.argumentRegisters[i - 2]!;
}

/**
 * Completes a reply from `replier` to `caller`, which was waiting with a fault message. Sets the
 * caller's registers and state; the reply path then calls possibleSwitchTo. A new ip discards a
 * host task's generator so that it starts again at that address.
 * @public
 */
export function completeFaultReply(k: KernelState, replier: Tcb, caller: Tcb): void {
  const info = k.port.argument(replier.context, 1);
  const label = caller.faultLabel;
  caller.faultWords = null;
  caller.faultLabel = 0;
  if (messageInfoLabel(info) !== 0) {
    setThreadState(k, caller, ThreadState.Inactive);
    return;
  }
  // A handler outside an enclave may restart its thread, never set its registers (K5).
  const n = isOutsider(replier, caller)
    ? 0
    : Math.min(messageInfoLength(info), FAULT_REPLY_REGISTERS.length);
  const pc = k.port.convention.pcRegister;
  for (let i = 0; i < n; i++) {
    const reg = replyRegister(k, i);
    const value = getMR(k, replier, i) >>> 0;
    if (reg === pc && value !== k.port.readRegister(caller.context, pc)) caller.host = null;
    k.port.writeRegister(caller.context, reg, value);
  }
  const resume = FAULT_RESUME[label] === 'continue' ? ThreadState.Running : ThreadState.Restart;
  setThreadState(k, caller, resume);
}
