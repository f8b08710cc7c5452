// Fault delivery: records the fault on the thread (supervisors read it with TCB_GetFault), then
// sends it as a message to the thread's fault endpoint (seL4), or, without one, stops the thread
// and signals its supervisor's notification (K5, after Hubris), or just stops it. Timeout faults
// use the timeout endpoint instead (faults/timeout.ts). Relies on objects/endpoint.ts,
// objects/notification.ts and the scheduler.

import { ObjectType, Rights } from '@k5/abi';
import type { Cap } from '../cspace/cap';
import { sendIPC } from '../objects/endpoint';
import { has } from '../objects/invocation';
import { type Endpoint, type Notification, type Tcb, ThreadState } from '../objects/kobject';
import { sendSignal } from '../objects/notification';
import { setThreadState } from '../sched/scheduler';
import type { KernelState } from '../state';
import type { FaultMessage } from './messages';

/**
 * Whether a cap can take fault messages (seL4 validFaultHandler): an endpoint cap with Write and
 * Grant or GrantReply, so that the handler can reply.
 */
export function isValidFaultHandler(cap: Cap | null): cap is Cap {
  return (
    cap !== null &&
    cap.type === ObjectType.Endpoint &&
    has(cap.rights, Rights.Write) &&
    (cap.rights & (Rights.Grant | Rights.GrantReply)) !== 0
  );
}

/** Sends a fault message through `cap` as a Call from `t` (t blocks until the reply). */
export function sendFaultIPC(k: KernelState, t: Tcb, cap: Cap, fault: FaultMessage): void {
  t.faultLabel = fault.label;
  t.faultWords = fault.words;
  sendIPC(
    k,
    true,
    true,
    cap.badge,
    has(cap.rights, Rights.Grant),
    has(cap.rights, Rights.GrantReply),
    t,
    cap.obj as Endpoint,
  );
}

/**
 * Delivers a fault of `t`. Returns how it was taken: `'endpoint'` (t now waits for the reply),
 * `'supervisor'` (t stopped, its supervisor signalled) or `'none'` (t stopped).
 */
export function deliverFault(
  k: KernelState,
  t: Tcb,
  fault: FaultMessage,
): 'endpoint' | 'supervisor' | 'none' {
  t.lastFaultLabel = fault.label;
  t.lastFaultWords = fault.words;
  t.lastFaultTime = k.now;
  const cap = t.faultSlot.cap;
  const handled = isValidFaultHandler(cap);
  if (k.trace) k.trace({ kind: 'fault', time: k.now, thread: t.id, label: fault.label, handled });
  if (handled) {
    sendFaultIPC(k, t, cap, fault);
    return 'endpoint';
  }
  setThreadState(k, t, ThreadState.Inactive);
  const sup = t.supervisorSlot.cap;
  if (sup !== null && sup.type === ObjectType.Notification && has(sup.rights, Rights.Write)) {
    sendSignal(k, sup.obj as Notification, sup.badge);
    return 'supervisor';
  }
  return 'none';
}
