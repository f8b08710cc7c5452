// Endpoints: seL4's sendIPC and receiveIPC with MCS reply objects and scheduling-context
// donation (Call to a passive server, NBSendRecv without return, notification-bound contexts
// returned when a borrower blocks), cancelling a thread's IPC, and the bulk cancels used when an
// endpoint dies or CancelBadgedSends runs. Relies on ipc/queue.ts, ipc/transfer.ts,
// objects/reply.ts, objects/schedcontext.ts, objects/notification.ts and the scheduler.

import { FaultLabel } from '@k5/abi';
import { type Endpoint, EndpointState, type Reply, type Tcb, ThreadState } from './kobject';
import { queueInsert, queuePop, queueRemove } from '../ipc/queue';
import { transferMessage } from '../ipc/transfer';
import {
  makeRunnable,
  possibleSwitchTo,
  rescheduleRequired,
  setThreadState,
} from '../sched/scheduler';
import type { KernelState } from '../state';
import { completeBoundSignal, notificationQueueCancel } from './notification';
import { replyPush, replyRemoveTcb } from './reply';
import {
  donateSchedContext,
  maybeDonateSchedContext,
  maybeReturnSchedContext,
} from './schedcontext';

function traceBlock(k: KernelState, t: Tcb, state: string, object: number): void {
  if (k.trace) k.trace({ kind: 'block', time: k.now, thread: t.id, state, object });
}

/** Whether a blocked sender is delivering a timeout fault (its context cannot be donated). */
function sendingTimeout(t: Tcb): boolean {
  return t.faultWords !== null && t.faultLabel === FaultLabel.Timeout;
}

/**
 * Send phase on an endpoint (seL4 MCS sendIPC). `canDonate` (default: a Call or fault message
 * other than a timeout) lets a passive receiver take the sender's scheduling context; NBSendRecv
 * passes true for a plain send, which donates without return.
 */
export function sendIPC(
  k: KernelState,
  blocking: boolean,
  doCall: boolean,
  badge: number,
  canGrant: boolean,
  canGrantReply: boolean,
  thread: Tcb,
  ep: Endpoint,
  canDonate: boolean = doCall && !sendingTimeout(thread),
): void {
  if (ep.state !== EndpointState.Recv) {
    if (!blocking) return;
    thread.sendBadge = badge;
    thread.sendCanGrant = canGrant;
    thread.sendCanGrantReply = canGrantReply;
    thread.sendIsCall = doCall;
    thread.blockedOn = ep;
    setThreadState(k, thread, ThreadState.BlockedOnSend);
    queueInsert(ep.queue, thread);
    ep.state = EndpointState.Send;
    traceBlock(k, thread, 'BlockedOnSend', ep.id);
    return;
  }
  const dest = queuePop(ep.queue)!;
  if (ep.queue.length === 0) ep.state = EndpointState.Idle;
  dest.blockedOn = null;
  thread.sendIsCall = doCall;
  transferMessage(k, thread, dest, badge, canGrant, ep);
  const reply = dest.recvReply;
  dest.recvReply = null;
  if (reply) reply.receiver = null;
  if (doCall || thread.faultWords !== null) {
    if (reply && (canGrant || canGrantReply))
      replyPush(k, thread, reply, canGrant, dest, canDonate);
    else setThreadState(k, thread, ThreadState.Inactive);
  } else if (canDonate && dest.sc === null && thread.sc !== null) {
    donateSchedContext(k, thread.sc, dest);
  }
  setThreadState(k, dest, ThreadState.Running);
  possibleSwitchTo(k, dest);
}

/** Receive phase on an endpoint (seL4 MCS receiveIPC). */
export function receiveIPC(
  k: KernelState,
  thread: Tcb,
  ep: Endpoint,
  blocking: boolean,
  reply: Reply | null,
  canGrant: boolean,
): void {
  // A reply object still holding an unanswered caller is reused: that caller is cancelled (seL4).
  if (reply !== null && reply.caller !== null && reply.caller !== thread)
    cancelIPC(k, reply.caller);
  const ntfn = thread.boundNotification;
  if (ntfn?.active && ep.state !== EndpointState.Send) {
    completeBoundSignal(k, thread, ntfn);
    maybeDonateSchedContext(k, thread, ntfn);
    return;
  }
  if (ep.state !== EndpointState.Send) {
    if (!blocking) {
      k.port.setResult(thread.context, 0, 0);
      k.port.setResult(thread.context, 1, 0);
      return;
    }
    // A thread running on a context lent by its bound notification gives it back to block.
    if (ntfn) maybeReturnSchedContext(k, ntfn, thread);
    thread.blockedOn = ep;
    thread.recvReply = reply;
    thread.recvCanGrant = canGrant;
    if (reply) reply.receiver = thread;
    setThreadState(k, thread, ThreadState.BlockedOnReceive);
    queueInsert(ep.queue, thread);
    ep.state = EndpointState.Recv;
    traceBlock(k, thread, 'BlockedOnReceive', ep.id);
    return;
  }
  const sender = queuePop(ep.queue)!;
  if (ep.queue.length === 0) ep.state = EndpointState.Idle;
  sender.blockedOn = null;
  transferMessage(k, sender, thread, sender.sendBadge, sender.sendCanGrant, ep);
  if (sender.sendIsCall || sender.faultWords !== null) {
    if (reply && (sender.sendCanGrant || sender.sendCanGrantReply)) {
      const canDonate = sender.sc !== null && !sendingTimeout(sender);
      replyPush(k, sender, reply, sender.sendCanGrant, thread, canDonate);
    } else {
      setThreadState(k, sender, ThreadState.Inactive);
    }
  } else {
    setThreadState(k, sender, ThreadState.Running);
    possibleSwitchTo(k, sender);
  }
}

/**
 * Takes a thread out of whatever IPC it is blocked in and leaves it Inactive (seL4 cancelIPC;
 * the caller sets the state it wants afterwards).
 */
export function cancelIPC(k: KernelState, t: Tcb): void {
  switch (t.state) {
    case ThreadState.BlockedOnSend:
    case ThreadState.BlockedOnReceive: {
      const ep = t.blockedOn as Endpoint;
      queueRemove(ep.queue, t);
      if (ep.queue.length === 0) ep.state = EndpointState.Idle;
      t.blockedOn = null;
      if (t.recvReply) {
        t.recvReply.receiver = null;
        t.recvReply = null;
      }
      t.faultWords = null;
      break;
    }
    case ThreadState.BlockedOnNotification:
      notificationQueueCancel(t);
      break;
    case ThreadState.BlockedOnReply:
      replyRemoveTcb(t);
      t.faultWords = null;
      break;
    default:
      return;
  }
  setThreadState(k, t, ThreadState.Inactive);
}

/** Restarts every thread queued on a dying endpoint (seL4 cancelAllIPC). */
export function cancelAllIPC(k: KernelState, ep: Endpoint): void {
  const queued = ep.queue.splice(0);
  ep.state = EndpointState.Idle;
  for (const t of queued) {
    t.blockedOn = null;
    if (t.recvReply) {
      t.recvReply.receiver = null;
      t.recvReply = null;
    }
    t.faultWords = null;
    makeRunnable(k, t, ThreadState.Restart);
  }
  rescheduleRequired(k);
}

/** Restarts every sender queued with `badge` (seL4 cancelBadgedSends). */
export function cancelBadgedSends(k: KernelState, ep: Endpoint, badge: number): void {
  if (ep.state !== EndpointState.Send) return;
  const keep: Tcb[] = [];
  const cancelled: Tcb[] = [];
  for (const t of ep.queue) (t.sendBadge === badge ? cancelled : keep).push(t);
  ep.queue.length = 0;
  ep.queue.push(...keep);
  if (keep.length === 0) ep.state = EndpointState.Idle;
  for (const t of cancelled) {
    t.blockedOn = null;
    t.faultWords = null;
    makeRunnable(k, t, ThreadState.Restart);
  }
  rescheduleRequired(k);
}
