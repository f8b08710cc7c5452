// The IPC fastpath (after seL4's fastpath_call and fastpath_reply_recv): Call and ReplyRecv in
// the common client/server case, handled without the general dispatcher, endpoint code and
// scheduler. Every condition the slow path would branch on is checked first, touching nothing;
// when one does not hold the fastpath returns false and the slow path runs. When all hold, the
// slow path's outcome is fixed (no donation, no budget or timeout case, no one else to pick) and
// the fastpath writes exactly that outcome: same registers, reply links, queues, thread states,
// scheduler state, time charged and timer. test/fastpath-equivalence.test.ts checks this step by
// step against the slow path; a change to the slow path's rules must be mirrored here (or a new
// bail-out added). Every instruction counts here (the kernel-entries figure of the bench): the
// one-level CSpace lookup is inline, MRs move with the port's bulk copy when it has one, the
// ready bitmap is read unrolled, nothing is charged when no time was consumed. Relies on
// cspace/lookup.ts, the scheduler, budget and timer modules.

import {
  FAST_MESSAGE_REGISTERS,
  IpcBufferWord,
  messageInfoExtraCaps,
  messageInfoLength,
  ObjectType,
  Rights,
  Syscall,
  type Ticks,
  WORD_BITS,
} from '@k5/abi';
import type { Cap } from '../cspace/cap';
import { lookupCapFast } from '../cspace/lookup';
import {
  type CNode,
  type Endpoint,
  EndpointState,
  NO_LEASES,
  type Reply,
  type SchedContext,
  type Tcb,
  ThreadState,
} from '../objects/kobject';
import { commitTime } from '../sched/budget';
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
 * The entry starts from the plain state: the scheduler will resume `t`, nothing waits for a
 * refill or a delayed restart (schedule's wake-ups have nothing to do), `t` is in no queue, is a
 * plain thread and is charged to its own context, which can pay for the entry (the slow path's
 * entry check would otherwise end the slice). Checked here once for both fast syscalls.
 */
function isQuietEntry(k: KernelState, t: Tcb): boolean {
  const sc = t.sc;
  // Every entry ends with the current thread's context charged (switchSchedContext); anything
  // else is left to the slow path. With it, budgetLeft(k) is the refill check below.
  if (sc === null || sc !== k.curSc || k.current !== t) return false;
  if (
    k.action !== SchedulerAction.ResumeCurrent ||
    k.candidate !== null ||
    k.releaseQueue.length !== 0 ||
    k.pendingRestarts.length !== 0 ||
    t.inReadyQueue ||
    (t.state !== ThreadState.Running && t.state !== ThreadState.Restart) ||
    t.inReleaseQueue ||
    t.yieldTo !== null ||
    t.faultWords !== null ||
    !sc.live ||
    sc.reply !== null
  )
    return false;
  const refills = sc.refills;
  // isPlainThread's release check and budgetLeft's budget check (unconfigured: unlimited).
  return (
    refills === null ||
    (!sc.sporadic &&
      refills.isReleased(k.now as Ticks) &&
      refills.isSufficient(k.consumed as Ticks))
  );
}

/** A message that fits the fast registers and carries no caps. */
function isFastMessage(info: number): boolean {
  return messageInfoExtraCaps(info) === 0 && messageInfoLength(info) <= FAST_MESSAGE_REGISTERS;
}

/**
 * lookupCapFast with the usual CSpace, one CNode whose guard and radix take the whole word,
 * resolved inline (no loop, no call): the guard is the address's top bits, the slot index the
 * rest. Every other shape goes to lookupCapFast. Same result (test/fastpath-lookup.test.ts).
 */
export function lookupCapOneLevel(root: Cap | null, cptr: number): Cap | null {
  if (root !== null && root.type === ObjectType.CNode) {
    const cnode = root.obj as CNode;
    const radix = cnode.radix;
    const guardBits = root.guardBits;
    // Both widths in 1..31, so both shifts below are exact.
    if (guardBits + radix === WORD_BITS && radix !== 0 && guardBits !== 0) {
      if (cptr >>> radix !== root.guard) return null;
      return cnode.slots[cptr & ((1 << radix) - 1)]!.cap;
    }
  }
  return lookupCapFast(root, cptr);
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
  // MR i is slot 2 + i (isFastMessage: length <= FAST_MESSAGE_REGISTERS).
  if (port.copyRegisters !== undefined) port.copyRegisters(s, r, 2, length);
  else for (let i = 0; i < length; i++) port.setResult(r, 2 + i, port.argument(s, 2 + i));
  port.setResult(r, 0, badge);
  port.setResult(r, 1, ((info & LABEL_BITS) | length) >>> 0);
}

/**
 * Whether a ready thread is more urgent than priority `p` (highestReadyPriority() > p): a
 * non-empty bitmap word above `p`'s (the level-1 summary), or a bit above `p`'s in its own word.
 */
export function readyAbove(k: KernelState, p: number): boolean {
  const own = p >>> 5;
  // Two shifts each: a shift by 32 would be a shift by 0.
  return (k.readyWords >>> own) >>> 1 !== 0 || (k.readyBitmap[own]! >>> (p & 31)) >>> 1 !== 0;
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
    // commitTime charges nothing when nothing was consumed (host tasks that only do IPC).
    if (k.consumed !== 0) commitTime(k);
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
  const cap = lookupCapOneLevel(t.cspaceSlot.cap, port.argument(ctx, 0));
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
  const replyCap = lookupCapOneLevel(root, replyCptr);
  if (replyCap === null || replyCap.type !== ObjectType.Reply) return false;
  const reply = replyCap.obj as Reply;
  const caller = reply.caller;
  if (caller === null || caller.state !== ThreadState.BlockedOnReply || !isPlainReply(reply))
    return false;
  if (!isPlainThread(k, caller) || caller.sc === t.sc) return false;
  const epCap = lookupCapOneLevel(root, port.argument(ctx, 0));
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
