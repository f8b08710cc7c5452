// The IPC fastpath (after seL4's fastpath_call and fastpath_reply_recv): Call and ReplyRecv in
// the common client/server case, handled without the general dispatcher, endpoint code and
// scheduler. Every condition the slow path would branch on is checked first, touching nothing;
// when one does not hold the fastpath returns false and the slow path runs. When all hold, the
// slow path's outcome is fixed (no donation, no budget or timeout case, no one else to pick) and
// the fastpath writes exactly that outcome: same registers, reply links, queues, thread states,
// scheduler state, time charged and timer. test/fastpath-equivalence.test.ts checks this step by
// step against the slow path; a change to the slow path's rules must be mirrored here (or a new
// bail-out added). Relies on cspace/lookup.ts, the scheduler, budget and timer modules.

import {
  FAST_MESSAGE_REGISTERS,
  IpcBufferWord,
  messageInfoExtraCaps,
  messageInfoLength,
  ObjectType,
  Rights,
  Syscall,
  type Ticks,
} from '@k5/abi';
import { lookupCapFast } from '../cspace/lookup';
import {
  type Endpoint,
  EndpointState,
  NO_LEASES,
  type Reply,
  type SchedContext,
  type Tcb,
  ThreadState,
} from '../objects/kobject';
import { budgetLeft, commitTime } from '../sched/budget';
import { type KernelState, SchedulerAction } from '../state';
import { queueInsert } from './queue';

/** Hit counters of the fastpath (tests use them to see that it fires). */
export interface FastpathStats {
  calls: number;
  replyRecvs: number;
}

/** New zeroed counters. */
export function newFastpathStats(): FastpathStats {
  return { calls: 0, replyRecvs: 0 };
}

/** Info word bits other than the length: the label (extra caps and unwrapped are zero here). */
const LABEL_BITS = 0xfffff000;

/**
 * Handles the syscall in `t`'s registers if it is a Call or ReplyRecv that the fastpath covers,
 * including the end of the kernel entry. Returns false, having changed nothing, otherwise.
 */
export function tryFastpath(k: KernelState, t: Tcb, stats: FastpathStats): boolean {
  // A trace sink observes every intermediate step: the slow path emits them in order.
  if (k.trace !== null || !isQuietEntry(k, t)) return false;
  const n = k.port.syscallNumber(t.context);
  if (n === Syscall.Call) {
    if (!fastCall(k, t)) return false;
    stats.calls++;
    return true;
  }
  if (n === Syscall.ReplyRecv) {
    if (!fastReplyRecv(k, t)) return false;
    stats.replyRecvs++;
    return true;
  }
  return false;
}

/**
 * The entry starts from the plain state: the running budget is not used up (the slow path's
 * entry check would end the slice), the scheduler will resume `t`, nothing waits for a refill
 * or a delayed restart (schedule's wake-ups have nothing to do), `t` is in no queue and is a
 * plain thread (checked here once for both fast syscalls).
 */
function isQuietEntry(k: KernelState, t: Tcb): boolean {
  return (
    k.action === SchedulerAction.ResumeCurrent &&
    k.candidate === null &&
    k.current === t &&
    k.releaseQueue.length === 0 &&
    k.pendingRestarts.length === 0 &&
    !t.inReadyQueue &&
    (t.state === ThreadState.Running || t.state === ThreadState.Restart) &&
    isPlainThread(k, t) &&
    budgetLeft(k)
  );
}

/** A message that fits the fast registers and carries no caps. */
function isFastMessage(info: number): boolean {
  return messageInfoExtraCaps(info) === 0 && messageInfoLength(info) <= FAST_MESSAGE_REGISTERS;
}

/**
 * A thread that can take part: its own context (not donated along a call), usable now without
 * a sporadic unblock check, not waiting for a refill, no YieldTo in progress.
 */
function isPlainThread(k: KernelState, t: Tcb): boolean {
  const sc: SchedContext | null = t.sc;
  if (sc === null) return false;
  const refills = sc.refills;
  return (
    sc.live &&
    sc.reply === null &&
    // scReleased, without its call for the unconfigured case.
    (refills === null || (!sc.sporadic && refills.isReleased(k.now as Ticks))) &&
    !t.inReleaseQueue &&
    t.yieldTo === null &&
    t.faultWords === null
  );
}

/** A Reply object outside any donation call stack. */
function isPlainReply(reply: Reply): boolean {
  return reply.donated === null && reply.stackPrev === null && reply.stackNext === null;
}

/** Whether the caller lends memory with this call (the slow path then builds a lease list). */
function hasLeases(k: KernelState, t: Tcb): boolean {
  return t.ipcBuffer !== 0 && k.memory.read32(t.ipcBuffer + IpcBufferWord.LeaseCount * 4) !== 0;
}

/** Delivers a fast message: MRs register to register, then the badge and info words. */
function deliver(k: KernelState, from: Tcb, to: Tcb, info: number, badge: number): void {
  const port = k.port;
  const s = from.context;
  const r = to.context;
  const length = messageInfoLength(info);
  for (let i = 0; i < length; i++) port.setResult(r, 2 + i, port.argument(s, 2 + i));
  port.setResult(r, 0, badge);
  port.setResult(r, 1, ((info & LABEL_BITS) | length) >>> 0);
}

/**
 * Whether a ready thread is more urgent than priority `p` (highestReadyPriority() > p), reading
 * only the bitmap words at and above `p`'s.
 */
function readyAbove(k: KernelState, p: number): boolean {
  const bm = k.readyBitmap;
  const own = p >>> 5;
  for (let w = bm.length - 1; w > own; w--) if (bm[w] !== 0) return true;
  // Bits of `p`'s word above its own bit (two shifts: a shift by 32 would be a shift by 0).
  return (bm[own]! >>> (p & 31)) >>> 1 !== 0;
}

/**
 * Ends the entry with `next` running, as schedule() does once it has chosen it, then
 * switchSchedContext and programTimer (budget.ts, timer.ts) written out for this case: charge
 * and switch the scheduling context, rearm the timer if the deadline moved, tell the port. The
 * entry was quiet (isQuietEntry: no release queue, no pending restart), so the only deadline
 * left is `next`'s own budget expiry.
 */
function switchTo(k: KernelState, next: Tcb): void {
  k.action = SchedulerAction.ResumeCurrent;
  k.candidate = null;
  k.current = next;
  // isPlainThread: a live context of its own.
  const sc = next.sc!;
  const refills = sc.refills;
  if (sc !== k.curSc) {
    k.reprogram = true;
    if (refills !== null && !sc.sporadic) refills.unblockCheck(k.now as Ticks);
  }
  if (k.reprogram) {
    commitTime(k);
    k.curSc = sc;
    k.reprogram = false;
    const deadline = refills === null ? null : k.now + refills.capacity(k.consumed as Ticks);
    if (deadline !== k.timerDeadline) {
      k.timerDeadline = deadline;
      k.port.setTimer(deadline);
    }
  } else {
    k.curSc = sc;
  }
  k.port.switchTo?.(next.context);
}

/**
 * Call: a receiver with a Reply object waits on the endpoint, and it is at least as urgent as
 * every ready thread (the slow path queues it at the head of its priority, then picks the
 * highest).
 */
function fastCall(k: KernelState, t: Tcb): boolean {
  const port = k.port;
  const ctx = t.context;
  const info = port.argument(ctx, 1);
  if (!isFastMessage(info)) return false;
  const cap = lookupCapFast(t.cspaceSlot.cap, port.argument(ctx, 0));
  if (cap === null || cap.type !== ObjectType.Endpoint) return false;
  const rights = cap.rights;
  // Without Write the Call fails; without Grant or GrantReply the caller is not linked.
  if ((rights & Rights.Write) === 0 || (rights & (Rights.Grant | Rights.GrantReply)) === 0)
    return false;
  const ep = cap.obj as Endpoint;
  if (ep.state !== EndpointState.Recv) return false;
  const dest = ep.queue[0]!;
  const reply = dest.recvReply;
  if (reply === null || reply.caller !== null || !isPlainReply(reply)) return false;
  // A passive receiver (no context) would get the caller's by donation.
  if (!isPlainThread(k, dest) || dest.sc === t.sc) return false;
  if (readyAbove(k, dest.priority) || hasLeases(k, t)) return false;

  // The slow path's outcome (syscalls.ts sendPhase, endpoint.ts sendIPC, reply.ts replyPush,
  // then schedule choosing `dest`).
  t.fastMrs = FAST_MESSAGE_REGISTERS;
  const queue = ep.queue;
  // The head leaves (a lone waiter is popped: cheaper than shifting, same result).
  if (queue.length === 1) {
    queue.pop();
    ep.state = EndpointState.Idle;
  } else {
    queue.shift();
  }
  dest.blockedOn = null;
  t.sendIsCall = true;
  deliver(k, t, dest, info, cap.badge);
  dest.recvReply = null;
  reply.receiver = null;
  reply.caller = t;
  reply.canGrant = (rights & Rights.Grant) !== 0;
  reply.leases = NO_LEASES;
  t.replyObject = reply;
  t.state = ThreadState.BlockedOnReply;
  dest.state = ThreadState.Running;
  switchTo(k, dest);
  return true;
}

/**
 * ReplyRecv: the Reply object holds a caller blocked on it (not a fault), no sender waits on
 * the endpoint and no signal is pending, and the slow path would switch to the caller (it is at
 * least as urgent as the replier, or as every ready thread).
 */
function fastReplyRecv(k: KernelState, t: Tcb): boolean {
  const port = k.port;
  const ctx = t.context;
  const info = port.argument(ctx, 1);
  if (!isFastMessage(info)) return false;
  const replyCptr = port.argument(ctx, 6);
  if (replyCptr === 0) return false;
  const root = t.cspaceSlot.cap;
  const replyCap = lookupCapFast(root, replyCptr);
  if (replyCap === null || replyCap.type !== ObjectType.Reply) return false;
  const reply = replyCap.obj as Reply;
  const caller = reply.caller;
  if (caller === null || caller.state !== ThreadState.BlockedOnReply || !isPlainReply(reply))
    return false;
  if (!isPlainThread(k, caller) || caller.sc === t.sc) return false;
  const epCap = lookupCapFast(root, port.argument(ctx, 0));
  if (epCap === null || epCap.type !== ObjectType.Endpoint || (epCap.rights & Rights.Read) === 0)
    return false;
  const ep = epCap.obj as Endpoint;
  // A waiting sender would be received at once; a bound notification may deliver a signal or
  // take back a lent context.
  if (ep.state === EndpointState.Send || t.boundNotification !== null) return false;
  if (caller.priority < t.priority && readyAbove(k, caller.priority)) return false;

  // The slow path's outcome (syscalls.ts ReplyRecv, reply.ts doReplyTransfer, endpoint.ts
  // receiveIPC blocking, then schedule switching to the caller).
  t.fastMrs = FAST_MESSAGE_REGISTERS;
  reply.caller = null;
  reply.leases = NO_LEASES;
  caller.replyObject = null;
  deliver(k, t, caller, info, 0);
  caller.state = ThreadState.Running;
  t.blockedOn = ep;
  t.recvReply = reply;
  t.recvCanGrant = (epCap.rights & Rights.Grant) !== 0;
  reply.receiver = t;
  t.state = ThreadState.BlockedOnReceive;
  queueInsert(ep.queue, t);
  ep.state = EndpointState.Recv;
  switchTo(k, caller);
  return true;
}
