// Reply objects (MCS): Call pushes the caller into the receiver's Reply object; replying through
// it resumes the caller. A Call to a passive server (no scheduling context) donates the caller's
// context along with it; the replies of nested donating calls form seL4's call stack
// (stackPrev/stackNext, the head reply holding the context), and the context goes back one
// level when the head reply is used or deleted. K5 adds Hubris-style leases: the caller's IPC
// buffer may describe up to MAX_LEASES memory ranges it lends for the duration of the call; they
// are checked against the caller's memory map when the call is received, and end with the reply.
// Relies on ipc/transfer.ts, objects/schedcontext.ts, faults/fault-reply.ts, the scheduler and
// arch/port.ts for access checks.

import { FaultLabel, IpcBufferWord, LeaseAttribute, MAX_LEASES } from '@k5/abi';
import { AccessKind } from '../arch/port';
import { completeFaultReply } from '../faults/fault-reply';
import { transferMessage } from '../ipc/transfer';
import {
  isRunnable,
  possibleSwitchToReleased,
  postpone,
  scReleased,
  setThreadState,
} from '../sched/scheduler';
import { timeoutFault } from '../sched/timeout-hook';
import type { KernelState } from '../state';
import { type Lease, NO_LEASES, type Reply, type Tcb, ThreadState } from './kobject';
import { donateSchedContext } from './schedcontext';

/** Reads and checks the leases a caller describes in its IPC buffer. */
function collectLeases(k: KernelState, caller: Tcb): readonly Lease[] {
  if (caller.ipcBuffer === 0 || caller.faultWords !== null) return NO_LEASES;
  const buf = caller.ipcBuffer;
  const count = Math.min(k.memory.read32(buf + IpcBufferWord.LeaseCount * 4), MAX_LEASES);
  if (count === 0) return NO_LEASES;
  const leases: Lease[] = [];
  for (let i = 0; i < count; i++) {
    const w = buf + (IpcBufferWord.Leases + 3 * i) * 4;
    const address = k.memory.read32(w);
    const length = k.memory.read32(w + 4);
    const attributes = k.memory.read32(w + 8) & (LeaseAttribute.Read | LeaseAttribute.Write);
    // A lease the caller could not access itself is dropped, with the rest after it.
    const kind =
      (attributes & LeaseAttribute.Read ? AccessKind.Read : 0) |
      (attributes & LeaseAttribute.Write ? AccessKind.Write : 0);
    if (
      length > 0 &&
      kind !== 0 &&
      !k.port.checkAccess(caller.context, address, length, kind as AccessKind)
    )
      break;
    leases.push({ address, length, attributes });
  }
  return leases;
}

/**
 * Links a caller into a Reply object and blocks it (seL4 MCS reply_push). When `canDonate` and
 * the callee has no context of its own, the caller's context is donated to it and the reply
 * becomes the head of that context's call stack.
 */
export function replyPush(
  k: KernelState,
  caller: Tcb,
  reply: Reply,
  canGrant: boolean,
  callee: Tcb | null = null,
  canDonate = false,
): void {
  reply.caller = caller;
  reply.canGrant = canGrant;
  reply.leases = collectLeases(k, caller);
  caller.replyObject = reply;
  setThreadState(k, caller, ThreadState.BlockedOnReply);
  if (k.trace)
    k.trace({
      kind: 'block',
      time: k.now,
      thread: caller.id,
      state: 'BlockedOnReply',
      object: reply.id,
    });
  const sc = caller.sc;
  if (sc === null || callee === null || callee.sc !== null || !canDonate) return;
  const outer = sc.reply;
  reply.stackPrev = outer;
  if (outer !== null) {
    outer.stackNext = reply;
    outer.donated = null;
  }
  reply.donated = sc;
  sc.reply = reply;
  donateSchedContext(k, sc, callee);
}

/**
 * Unlinks the head reply of a call stack from its caller and gives the donated context back to
 * the caller, unless the caller has meanwhile got another one (seL4 reply_pop).
 */
function replyPop(k: KernelState, reply: Reply, caller: Tcb): void {
  const sc = reply.donated!;
  const prev = reply.stackPrev;
  unlinkCaller(reply, caller);
  if (sc.live && caller.sc === null) donateSchedContext(k, sc, caller);
  sc.reply = prev;
  if (prev !== null) {
    prev.stackNext = null;
    prev.donated = sc;
  }
  reply.stackPrev = null;
  reply.donated = null;
}

function unlinkCaller(reply: Reply, caller: Tcb): void {
  reply.caller = null;
  reply.leases = NO_LEASES;
  caller.replyObject = null;
}

/**
 * Takes a reply out of its call stack (seL4 reply_remove): the head is popped, returning the
 * context one level; a reply in the middle breaks the chain there and the context stays where
 * it is.
 */
export function replyRemove(k: KernelState, reply: Reply, caller: Tcb): void {
  if (reply.donated !== null) {
    replyPop(k, reply, caller);
    return;
  }
  if (reply.stackNext !== null) reply.stackNext.stackPrev = null;
  if (reply.stackPrev !== null) reply.stackPrev.stackNext = null;
  reply.stackNext = null;
  reply.stackPrev = null;
  unlinkCaller(reply, caller);
}

/**
 * Unlinks a caller that stops waiting for its reply (cancelled, suspended): the chain is broken
 * at its reply and no context moves (seL4 reply_remove_tcb).
 */
export function replyRemoveTcb(caller: Tcb): void {
  const reply = caller.replyObject;
  if (reply === null) return;
  if (reply.donated !== null) reply.donated.reply = null;
  else if (reply.stackNext !== null) reply.stackNext.stackPrev = null;
  if (reply.stackPrev !== null) reply.stackPrev.stackNext = null;
  reply.donated = null;
  reply.stackNext = null;
  reply.stackPrev = null;
  unlinkCaller(reply, caller);
}

/**
 * A Reply object is deleted or restarted while a caller waits on it: the caller can no longer
 * be replied to and becomes Inactive; a context donated through this reply goes back to it.
 */
export function replyUnlinkCaller(k: KernelState, reply: Reply): void {
  const caller = reply.caller;
  if (caller === null) return;
  replyRemove(k, reply, caller);
  caller.faultWords = null;
  setThreadState(k, caller, ThreadState.Inactive);
}

/**
 * Replies through a Reply object (seL4 MCS doReplyTransfer): the donated context goes back, the
 * caller gets the replier's message and runs again — or, if the context it got back has no
 * usable budget, waits for its next refill (or raises a timeout fault). A reply to a fault
 * message restarts the faulting thread instead. A Reply object without a caller is ignored, as
 * in seL4.
 */
export function doReplyTransfer(k: KernelState, replier: Tcb, reply: Reply): void {
  const caller = reply.caller;
  if (caller === null) return;
  const wasFault = caller.faultWords !== null;
  const wasTimeout = wasFault && caller.faultLabel === FaultLabel.Timeout;
  const canGrant = reply.canGrant;
  replyRemove(k, reply, caller);
  if (wasFault) {
    completeFaultReply(k, replier, caller);
  } else {
    const saved = replier.sendIsCall;
    replier.sendIsCall = false;
    const length = transferMessage(k, replier, caller, 0, canGrant, null);
    replier.sendIsCall = saved;
    if (k.trace) k.trace({ kind: 'reply', time: k.now, from: replier.id, to: caller.id, length });
    setThreadState(k, caller, ThreadState.Running);
  }
  const sc = caller.sc;
  if (sc === null || !isRunnable(caller)) return;
  if (scReleased(k, sc)) possibleSwitchToReleased(k, caller);
  else if (wasTimeout || !timeoutFault(k, caller, sc)) postpone(k, caller);
}
