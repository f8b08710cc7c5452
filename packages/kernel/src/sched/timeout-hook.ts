// The one place the scheduler hands a budget overrun to the fault path (seL4 handleTimeout via
// endTimeslice). The timeout-fault message itself belongs to faults/timeout.ts; this file keeps
// the scheduler's side of that boundary small. Relies on faults/timeout.ts.

import { raiseTimeoutFault } from '../faults/timeout';
import type { SchedContext, Tcb } from '../objects/kobject';
import type { KernelState } from '../state';

/**
 * Raises a timeout fault for `t`, whose context `sc` ran out of budget, if it has a timeout
 * handler. Returns true when the fault was delivered (the thread is now blocked in it; the
 * context's consumed time was reported and is reset, as seL4's message does), false to let the
 * scheduler postpone the thread until its next refill.
 */
export function timeoutFault(k: KernelState, t: Tcb, sc: SchedContext): boolean {
  if (!raiseTimeoutFault(k, t, sc.badge, sc.consumed)) return false;
  sc.consumed = 0;
  return true;
}
