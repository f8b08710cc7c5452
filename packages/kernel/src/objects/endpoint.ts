// Endpoints: seL4's sendIPC and receiveIPC with MCS reply objects, cancelling a thread's IPC,
// and the bulk cancels used when an endpoint dies or CancelBadgedSends runs. Relies on
// ipc/queue.ts, ipc/transfer.ts, objects/reply.ts, objects/notification.ts and the scheduler.

import {
  type Endpoint,
  EndpointState,
  NO_LEASES,
  type Reply,
  type Tcb,
  ThreadState,
} from './kobject';
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
import { replyPush, replyUnlinkCaller } from './reply';

function traceBlock(k: KernelState, t: Tcb, state: string, object: number): void {
  if (k.trace) k.trace({ kind: 'block', time: k.now, thread: t.id, state, object });
}

/** Send phase on an endpoint (seL4 sendIPC). */
export function sendIPC(
  k: KernelState,
  blocking: boolean,
  doCall: boolean,
  badge: number,
  canGrant: boolean,
  canGrantReply: boolean,
  thread: Tcb,
  ep: Endpoint,
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
  if (doCall) {
    if (reply && (canGrant || canGrantReply)) replyPush(k, thread, reply, canGrant);
    else setThreadState(k, thread, ThreadState.Inactive);
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
  if (reply !== null && reply.caller !== null) replyUnlinkCaller(k, reply);
  const ntfn = thread.boundNotification;
  if (ntfn?.active && ep.state !== EndpointState.Send) {
    completeBoundSignal(k, thread, ntfn);
    return;
  }
  if (ep.state !== EndpointState.Send) {
    if (!blocking) {
      k.port.setResult(thread.context, 0, 0);
      k.port.setResult(thread.context, 1, 0);
      return;
    }
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
  if (sender.sendIsCall) {
    if (reply && (sender.sendCanGrant || sender.sendCanGrantReply)) {
      replyPush(k, sender, reply, sender.sendCanGrant);
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
      if (t.replyObject) {
        const r = t.replyObject;
        r.caller = null;
        r.leases = NO_LEASES;
        t.replyObject = null;
      }
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
