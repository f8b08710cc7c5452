// Notifications: Signal ORs a badge into the word or wakes the first waiter; Wait takes and
// clears the word; a notification bound to a TCB delivers to that thread's endpoint Recv. With
// MCS, a notification's bound scheduling context is lent to a passive thread it wakes and
// returned when that thread blocks on it again. Relies on ipc/queue.ts and the scheduler.

import { EndpointState, type Endpoint, type Notification, type Tcb, ThreadState } from './kobject';
import { queueInsert, queuePop, queueRemove } from '../ipc/queue';
import {
  makeRunnable,
  possibleSwitchTo,
  rescheduleRequired,
  setThreadState,
} from '../sched/scheduler';
import type { KernelState } from '../state';
import { maybeDonateSchedContext, maybeReturnSchedContext } from './schedcontext';

/** Signal (seL4 sendSignal). */
export function sendSignal(k: KernelState, ntfn: Notification, badge: number): void {
  if (k.trace)
    k.trace({ kind: 'signal', time: k.now, notification: ntfn.id, badge, word: ntfn.word | badge });
  if (ntfn.queue.length > 0) {
    const t = queuePop(ntfn.queue)!;
    t.blockedOn = null;
    k.port.setResult(t.context, 0, badge);
    k.port.setResult(t.context, 1, 0);
    setThreadState(k, t, ThreadState.Running);
    maybeDonateSchedContext(k, t, ntfn);
    possibleSwitchTo(k, t);
    return;
  }
  const bound = ntfn.boundTcb;
  if (!ntfn.active && bound !== null && bound.state === ThreadState.BlockedOnReceive) {
    // Deliver to the bound thread's endpoint receive (seL4: cancelIPC then complete).
    const ep = bound.blockedOn as Endpoint;
    queueRemove(ep.queue, bound);
    if (ep.queue.length === 0) ep.state = EndpointState.Idle;
    bound.blockedOn = null;
    if (bound.recvReply) {
      bound.recvReply.receiver = null;
      bound.recvReply = null;
    }
    k.port.setResult(bound.context, 0, badge);
    k.port.setResult(bound.context, 1, 0);
    setThreadState(k, bound, ThreadState.Running);
    maybeDonateSchedContext(k, bound, ntfn);
    possibleSwitchTo(k, bound);
    return;
  }
  ntfn.word = (ntfn.word | badge) >>> 0;
  ntfn.active = true;
}

/** Wait / NBWait / Recv on a notification (seL4 receiveSignal). */
export function receiveSignal(k: KernelState, t: Tcb, ntfn: Notification, blocking: boolean): void {
  if (ntfn.active) {
    k.port.setResult(t.context, 0, ntfn.word);
    k.port.setResult(t.context, 1, 0);
    ntfn.word = 0;
    ntfn.active = false;
    maybeDonateSchedContext(k, t, ntfn);
    return;
  }
  if (!blocking) {
    k.port.setResult(t.context, 0, 0);
    k.port.setResult(t.context, 1, 0);
    return;
  }
  t.blockedOn = ntfn;
  setThreadState(k, t, ThreadState.BlockedOnNotification);
  queueInsert(ntfn.queue, t);
  // A passive waiter running on the notification's lent context gives it back (seL4 MCS).
  maybeReturnSchedContext(k, ntfn, t);
  if (k.trace)
    k.trace({
      kind: 'block',
      time: k.now,
      thread: t.id,
      state: 'BlockedOnNotification',
      object: ntfn.id,
    });
}

/** Delivers a bound notification's pending word to its thread instead of an endpoint message. */
export function completeBoundSignal(k: KernelState, t: Tcb, ntfn: Notification): void {
  k.port.setResult(t.context, 0, ntfn.word);
  k.port.setResult(t.context, 1, 0);
  ntfn.word = 0;
  ntfn.active = false;
  maybeDonateSchedContext(k, t, ntfn);
}

/** Removes a waiter from its notification's queue. */
export function notificationQueueCancel(t: Tcb): void {
  const ntfn = t.blockedOn as Notification;
  queueRemove(ntfn.queue, t);
  t.blockedOn = null;
}

/** Restarts every waiter of a dying notification and unbinds it (seL4 cancelAllSignals). */
export function cancelAllSignals(k: KernelState, ntfn: Notification): void {
  const queued = ntfn.queue.splice(0);
  for (const t of queued) {
    t.blockedOn = null;
    makeRunnable(k, t, ThreadState.Restart);
  }
  if (ntfn.boundTcb) {
    ntfn.boundTcb.boundNotification = null;
    ntfn.boundTcb = null;
  }
  if (ntfn.sc) {
    ntfn.sc.notification = null;
    ntfn.sc = null;
  }
  rescheduleRequired(k);
}
