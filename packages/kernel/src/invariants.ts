// The invariant checker, modelled on seL4's abstract invariants: the CDT is acyclic and its
// links are symmetric, every cap points to a live object of its type and is counted, every live
// object has a cap, thread states match queue membership, back-references (bindings, reply
// links, mappings) are symmetric, endpoint queues are priority-ordered, and objects lie inside
// their untyped parent. MCS: refill lists are valid, donation call stacks and YieldTo links are
// symmetric, the release queue holds exactly the runnable threads waiting for a refill, ordered,
// none of them ready. K5 enclaves: the isolation rules of enclave-invariants.ts. Tests run it
// after every kernel operation. Relies on state.ts and
// sched/refills.ts.

import { ObjectType } from '@k5/abi';
import type { Cap, Slot } from './cspace/cap';
import {
  type CNode,
  type Endpoint,
  EndpointState,
  type KObject,
  type Notification,
  type Reply,
  type SchedContext,
  type Tcb,
  ThreadState,
  THREAD_STATE_NAMES,
} from './objects/kobject';
import { checkEnclaveInvariants } from './enclave-invariants';
import { checkRefillInvariants } from './sched/refills';
import { releaseTime } from './sched/release-queue';
import { isRunnable, isSchedulable, scReleased } from './sched/scheduler';
import type { KernelState } from './state';

function slotsOf(obj: KObject): readonly Slot[] {
  if (obj.type === ObjectType.CNode) return (obj as CNode).slots;
  if (obj.type === ObjectType.Tcb) return (obj as Tcb).privateSlots;
  return [];
}

/** Checks every invariant; returns one message per violation (empty when all hold). */
export function checkInvariants(k: KernelState): string[] {
  const out: string[] = [];
  const counts = new Map<KObject, number>();
  const caps = new Set<Cap>();
  for (const obj of k.objects) {
    if (!obj.live) out.push(`object ${obj.id} is in the live set but marked dead`);
    for (const s of slotsOf(obj)) {
      const c = s.cap;
      if (c === null) continue;
      caps.add(c);
      if (c.slot !== s)
        out.push(`cap in slot ${s.index} of object ${obj.id} does not point back to its slot`);
      if (!c.obj.live || !k.objects.has(c.obj))
        out.push(`cap in object ${obj.id} slot ${s.index} points to dead object ${c.obj.id}`);
      if (c.type !== c.obj.type)
        out.push(`cap type ${c.type} does not match object ${c.obj.id} of type ${c.obj.type}`);
      counts.set(c.obj, (counts.get(c.obj) ?? 0) + 1);
    }
  }
  for (const c of caps) {
    // CDT: links symmetric and acyclic.
    if (c.parent) {
      if (!caps.has(c.parent))
        out.push(`cap of object ${c.obj.id} has a parent that is not stored in any slot`);
      let seen = 0;
      for (let p: Cap | null = c.parent; p; p = p.parent)
        if (++seen > caps.size) {
          out.push(`CDT cycle above cap of object ${c.obj.id}`);
          break;
        }
      let found = false;
      for (let s = c.parent.firstChild; s; s = s.nextSibling) if (s === c) found = true;
      if (!found) out.push(`cap of object ${c.obj.id} is missing from its parent's child list`);
    }
    for (let ch = c.firstChild; ch; ch = ch.nextSibling) {
      if (ch.parent !== c)
        out.push(`child of cap of object ${c.obj.id} does not name it as parent`);
      if (ch.nextSibling && ch.nextSibling.prevSibling !== ch)
        out.push(`sibling links broken under object ${c.obj.id}`);
    }
    if (c.mappedTo && !c.mappedTo.mappings.some((m) => m.cap === c))
      out.push(`region cap of object ${c.obj.id} maps a thread that does not list it`);
  }
  for (const obj of k.objects) {
    const n = counts.get(obj) ?? 0;
    if (n === 0 && obj.type !== ObjectType.SchedControl && obj.type !== ObjectType.IrqControl)
      out.push(`live object ${obj.id} (type ${obj.type}) has no cap`);
    if (n !== obj.capCount) out.push(`object ${obj.id} counts ${obj.capCount} caps but ${n} exist`);
    const u = obj.untyped;
    if (u?.live && (obj.base < u.base || obj.base + 2 ** obj.sizeBits > u.base + 2 ** u.sizeBits)) {
      out.push(`object ${obj.id} lies outside its untyped ${u.id}`);
    }
    if (u?.live && obj.base + 2 ** obj.sizeBits > u.base + u.watermark)
      out.push(`object ${obj.id} lies above its untyped's watermark`);
    checkObject(k, obj, out);
  }
  // Ready queues hold exactly the schedulable, non-running threads.
  for (let p = 0; p < 256; p++) {
    let prev: Tcb | null = null;
    for (let t = k.readyHead[p] ?? null; t; t = t.schedNext) {
      if (t.priority !== p)
        out.push(`thread ${t.id} of priority ${t.priority} is in ready queue ${p}`);
      if (!isSchedulable(t))
        out.push(`thread ${t.id} in a ready queue is ${THREAD_STATE_NAMES[t.state]}`);
      if (t === k.current) out.push(`running thread ${t.id} is also in a ready queue`);
      if (t.schedPrev !== prev) out.push(`ready-queue links broken at thread ${t.id}`);
      prev = t;
    }
    const bit = (k.readyBitmap[p >>> 5]! >>> (p & 31)) & 1;
    if ((bit === 1) !== (k.readyHead[p] !== null))
      out.push(`ready bitmap bit ${p} disagrees with its queue`);
  }
  for (let w = 0; w < k.readyBitmap.length; w++)
    if ((((k.readyWords >>> w) & 1) === 1) !== (k.readyBitmap[w] !== 0))
      out.push(`ready summary bit ${w} disagrees with bitmap word ${w}`);
  if (k.current && !k.current.live) out.push(`the current thread ${k.current.id} is dead`);
  checkReleaseQueue(k, out);
  checkPendingRestarts(k, out);
  if (k.enclaves.length > 0) checkEnclaveInvariants(k, out);
  return out;
}

/** Delayed restarts: live threads, each once, marked with their time, in time order. */
function checkPendingRestarts(k: KernelState, out: string[]): void {
  let prev = -Infinity;
  const seen = new Set<Tcb>();
  for (const t of k.pendingRestarts) {
    if (!t.live) out.push(`dead thread ${t.id} waits for a delayed restart`);
    if (seen.has(t)) out.push(`thread ${t.id} waits twice for a delayed restart`);
    seen.add(t);
    if (t.restartAt === null) out.push(`thread ${t.id} waits for a restart without a time`);
    else if (t.restartAt < prev) out.push(`delayed restarts are out of order at thread ${t.id}`);
    else prev = t.restartAt;
  }
}

function checkReleaseQueue(k: KernelState, out: string[]): void {
  let prev = -Infinity;
  const queued = new Set<Tcb>();
  for (const t of k.releaseQueue) {
    queued.add(t);
    if (!t.live) out.push(`dead thread ${t.id} is in the release queue`);
    if (!t.inReleaseQueue) out.push(`thread ${t.id} is in the release queue without its flag`);
    if (t.inReadyQueue) out.push(`thread ${t.id} is in both the release and a ready queue`);
    if (t === k.current) out.push(`running thread ${t.id} is in the release queue`);
    if (!isRunnable(t) || t.sc === null)
      out.push(`thread ${t.id} in the release queue is not runnable with a context`);
    else if (scReleased(k, t.sc))
      out.push(`thread ${t.id} in the release queue could run now (refill ready)`);
    const time = releaseTime(t);
    if (time < prev) out.push(`release queue is not ordered at thread ${t.id}`);
    prev = time;
  }
  for (const o of k.objects)
    if (o.type === ObjectType.Tcb && (o as Tcb).inReleaseQueue && !queued.has(o as Tcb))
      out.push(`thread ${o.id} is flagged in the release queue but not in it`);
  if (k.current !== null && k.current.sc !== k.curSc)
    out.push(`the charged context is not the running thread ${k.current.id}'s`);
}

function checkSchedContext(sc: SchedContext, out: string[]): void {
  if (sc.tcb && sc.tcb.sc !== sc)
    out.push(`sched context ${sc.id} thread binding is not symmetric`);
  if (sc.refills !== null) {
    for (const v of checkRefillInvariants(sc.refills))
      out.push(`sched context ${sc.id} refills: ${v.message}`);
    if (sc.refills.budget !== sc.budget || sc.refills.period !== sc.period)
      out.push(`sched context ${sc.id} budget/period disagree with its refills`);
  }
  if (sc.reply && sc.reply.donated !== sc)
    out.push(`sched context ${sc.id} call stack head does not name it`);
  if (sc.yieldFrom && sc.yieldFrom.yieldTo !== sc)
    out.push(`sched context ${sc.id} yield link is not symmetric`);
}

function checkObject(k: KernelState, obj: KObject, out: string[]): void {
  switch (obj.type) {
    case ObjectType.Endpoint: {
      const ep = obj as Endpoint;
      const want =
        ep.state === EndpointState.Send ? ThreadState.BlockedOnSend : ThreadState.BlockedOnReceive;
      if ((ep.state === EndpointState.Idle) !== (ep.queue.length === 0))
        out.push(`endpoint ${ep.id} state disagrees with its queue`);
      ep.queue.forEach((t, i) => {
        if (t.state !== want || t.blockedOn !== ep)
          out.push(`thread ${t.id} queued on endpoint ${ep.id} is ${THREAD_STATE_NAMES[t.state]}`);
        if (i > 0 && ep.queue[i - 1]!.priority < t.priority)
          out.push(`endpoint ${ep.id} queue is not priority-ordered`);
      });
      break;
    }
    case ObjectType.Notification: {
      const n = obj as Notification;
      for (const t of n.queue)
        if (t.state !== ThreadState.BlockedOnNotification || t.blockedOn !== n)
          out.push(
            `thread ${t.id} queued on notification ${n.id} is ${THREAD_STATE_NAMES[t.state]}`,
          );
      if (n.active && n.queue.length > 0) out.push(`notification ${n.id} is active with waiters`);
      if (n.boundTcb && n.boundTcb.boundNotification !== n)
        out.push(`notification ${n.id} binding is not symmetric`);
      if (n.sc && n.sc.notification !== n)
        out.push(`notification ${n.id} sched-context binding is not symmetric`);
      break;
    }
    case ObjectType.Reply: {
      const r = obj as Reply;
      if (r.caller && (r.caller.replyObject !== r || r.caller.state !== ThreadState.BlockedOnReply))
        out.push(`reply ${r.id} caller link is not symmetric`);
      if (r.receiver && r.receiver.recvReply !== r)
        out.push(`reply ${r.id} receiver link is not symmetric`);
      if (r.donated && r.donated.reply !== r)
        out.push(`reply ${r.id} heads a call stack its context does not name`);
      if (r.donated && r.stackNext) out.push(`reply ${r.id} is a call-stack head with a successor`);
      if (r.stackNext && r.stackNext.stackPrev !== r)
        out.push(`reply ${r.id} call-stack links are not symmetric`);
      if (r.stackPrev && r.stackPrev.stackNext !== r)
        out.push(`reply ${r.id} call-stack back link is not symmetric`);
      break;
    }
    case ObjectType.SchedContext:
      checkSchedContext(obj as SchedContext, out);
      break;
    case ObjectType.Tcb: {
      const t = obj as Tcb;
      const s = t.state;
      if (
        (s === ThreadState.BlockedOnSend ||
          s === ThreadState.BlockedOnReceive ||
          s === ThreadState.BlockedOnNotification) &&
        (t.blockedOn === null || !t.blockedOn.queue.includes(t))
      ) {
        out.push(`thread ${t.id} is ${THREAD_STATE_NAMES[s]} but not queued`);
      }
      if (
        s !== ThreadState.BlockedOnSend &&
        s !== ThreadState.BlockedOnReceive &&
        s !== ThreadState.BlockedOnNotification &&
        t.blockedOn !== null
      ) {
        out.push(`thread ${t.id} is ${THREAD_STATE_NAMES[s]} but still names a blocking object`);
      }
      if (t.replyObject && t.replyObject.caller !== t)
        out.push(`thread ${t.id} reply link is not symmetric`);
      if (t.recvReply && t.recvReply.receiver !== t)
        out.push(`thread ${t.id} receive-reply link is not symmetric`);
      if (t.boundNotification && t.boundNotification.boundTcb !== t)
        out.push(`thread ${t.id} notification binding is not symmetric`);
      if (t.sc && t.sc.tcb !== t) out.push(`thread ${t.id} sched-context binding is not symmetric`);
      if (t.yieldTo && t.yieldTo.yieldFrom !== t)
        out.push(`thread ${t.id} yield link is not symmetric`);
      if (isSchedulable(t) && !t.inReadyQueue && t !== k.current && t !== k.candidate)
        out.push(`schedulable thread ${t.id} is neither running nor queued`);
      for (const m of t.mappings)
        if (m.cap.mappedTo !== t) out.push(`thread ${t.id} mapping is not symmetric`);
      break;
    }
    default:
      break;
  }
}
