// Timeout faults (seL4 MCS handleTimeout): when a thread's scheduling context runs out of
// budget and the thread has a valid timeout endpoint, the kernel sends it a Timeout fault
// carrying the SC's badge and consumed time; the thread waits for the handler's reply. The MCS
// scheduler detects the expiry and calls raiseTimeoutFault. Relies on faults/deliver.ts.

import type { Tcb } from '../objects/kobject';
import type { KernelState } from '../state';
import { isValidFaultHandler, sendFaultIPC } from './deliver';
import { timeoutFaultMessage } from './messages';

/** Whether `t` has a timeout endpoint that can take a timeout fault (seL4 validTimeoutHandler). */
export function hasTimeoutHandler(t: Tcb): boolean {
  return isValidFaultHandler(t.timeoutSlot.cap);
}

/**
 * Raises a timeout fault for `t` whose scheduling context (badge `badge`) consumed `consumed`
 * ticks. Returns false and changes nothing when `t` has no valid timeout endpoint (the caller
 * then just waits for the next refill, as seL4 does); true when the fault was sent.
 * @public
 */
export function raiseTimeoutFault(
  k: KernelState,
  t: Tcb,
  badge: number,
  consumed: number,
): boolean {
  const cap = t.timeoutSlot.cap;
  if (!isValidFaultHandler(cap)) return false;
  const fault = timeoutFaultMessage(badge, consumed);
  t.lastFaultLabel = fault.label;
  t.lastFaultWords = fault.words;
  t.lastFaultTime = k.now;
  if (k.trace)
    k.trace({ kind: 'fault', time: k.now, thread: t.id, label: fault.label, handled: true });
  sendFaultIPC(k, t, cap, fault);
  return true;
}
