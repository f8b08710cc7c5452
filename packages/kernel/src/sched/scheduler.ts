// The fixed-priority scheduler with seL4 MCS's ready-queue rules: 256 priorities, FIFO within
// one, a bitmap to find the highest non-empty queue, the running thread kept out of the queues,
// a preempted thread enqueued at the head and a yielding or expired one at the tail, and
// possibleSwitchTo's direct switch to a woken thread. A thread is schedulable when it is
// runnable, has a scheduling context and is not waiting in the release queue for a refill.
// schedule() ends every kernel entry: release due threads, choose, charge the old context,
// program the timer, tell the port what runs. Relies on state.ts, objects/kobject.ts and the
// budget, release-queue and timer modules beside it.

import type { Ticks } from '@k5/abi';
import { completeYieldTo } from '../objects/schedcontext';
import { THREAD_STATE_NAMES, type SchedContext, type Tcb, ThreadState } from '../objects/kobject';
import { SchedulerAction, type KernelState } from '../state';
import { switchSchedContext } from './budget';
import { releaseDequeueReady, releaseEnqueue, releaseRemove } from './release-queue';
import { programTimer } from './timer';

/** Whether a thread's state lets it run. */
export function isRunnable(t: Tcb): boolean {
  return t.state === ThreadState.Running || t.state === ThreadState.Restart;
}

/**
 * Whether the scheduler may pick the thread (seL4 MCS isSchedulable): runnable, with a scheduling
 * context, and not waiting in the release queue.
 */
export function isSchedulable(t: Tcb): boolean {
  return (
    (t.state === ThreadState.Running || t.state === ThreadState.Restart) &&
    t.sc !== null &&
    !t.inReleaseQueue
  );
}

/**
 * Whether a context may be used now (seL4 sc_released): its head refill is ready and holds at
 * least the minimum budget. An unconfigured context has an unlimited budget in K5.
 */
export function scReleased(k: KernelState, sc: SchedContext): boolean {
  return sc.refills === null || sc.refills.isReleased(k.now as Ticks);
}

/** Moves a thread out of the ready queues into the release queue until its next refill. */
export function postpone(k: KernelState, t: Tcb): void {
  schedDequeue(k, t);
  releaseEnqueue(k, t);
  k.reprogram = true;
  if (k.trace)
    k.trace({ kind: 'budget', time: k.now, thread: t.id, sc: t.sc?.id ?? 0, event: 'postponed' });
}

/**
 * seL4 schedContext_resume: a schedulable thread whose context cannot be used now waits in the
 * release queue, so that every schedulable thread is ready and sufficient.
 */
export function resumeSchedContext(k: KernelState, sc: SchedContext | null): void {
  const t = sc?.tcb;
  if (sc && t && isSchedulable(t) && !scReleased(k, sc)) postpone(k, t);
}

function setBit(k: KernelState, prio: number): void {
  const w = prio >>> 5;
  k.readyBitmap[w]! |= 1 << (prio & 31);
  k.readyWords |= 1 << w;
}

function clearBit(k: KernelState, prio: number): void {
  const w = prio >>> 5;
  k.readyBitmap[w]! &= ~(1 << (prio & 31));
  if (k.readyBitmap[w] === 0) k.readyWords &= ~(1 << w);
}

/** The highest priority with a ready thread, or -1 (two count-leading-zeros, seL4's two levels). */
export function highestReadyPriority(k: KernelState): number {
  const words = k.readyWords;
  if (words === 0) return -1;
  const w = 31 - Math.clz32(words);
  return w * 32 + 31 - Math.clz32(k.readyBitmap[w]!);
}

/** Puts a thread at the head of its priority's queue (seL4 tcbSchedEnqueue). */
export function schedEnqueue(k: KernelState, t: Tcb): void {
  if (t.inReadyQueue) return;
  const p = t.priority;
  const head = k.readyHead[p]!;
  t.schedPrev = null;
  t.schedNext = head;
  if (head) head.schedPrev = t;
  else k.readyTail[p] = t;
  k.readyHead[p] = t;
  t.inReadyQueue = true;
  setBit(k, p);
}

/** Puts a thread at the tail of its priority's queue (seL4 tcbSchedAppend). */
export function schedAppend(k: KernelState, t: Tcb): void {
  if (t.inReadyQueue) return;
  const p = t.priority;
  const tail = k.readyTail[p]!;
  t.schedNext = null;
  t.schedPrev = tail;
  if (tail) tail.schedNext = t;
  else k.readyHead[p] = t;
  k.readyTail[p] = t;
  t.inReadyQueue = true;
  setBit(k, p);
}

/** Removes a thread from the ready queues if it is there. */
export function schedDequeue(k: KernelState, t: Tcb): void {
  if (!t.inReadyQueue) return;
  const p = t.priority;
  if (t.schedPrev) t.schedPrev.schedNext = t.schedNext;
  else k.readyHead[p] = t.schedNext;
  if (t.schedNext) t.schedNext.schedPrev = t.schedPrev;
  else k.readyTail[p] = t.schedPrev;
  t.schedNext = null;
  t.schedPrev = null;
  t.inReadyQueue = false;
  if (k.readyHead[p] === null) clearBit(k, p);
}

/** Asks for a fresh choice at the end of this kernel entry (seL4 rescheduleRequired). */
export function rescheduleRequired(k: KernelState): void {
  if (k.action === SchedulerAction.SwitchTo && k.candidate && isSchedulable(k.candidate)) {
    schedEnqueue(k, k.candidate);
  }
  k.candidate = null;
  k.action = SchedulerAction.ChooseNew;
}

/**
 * A thread became runnable through IPC, a signal, a reply or Resume: switch to it directly if
 * the scheduler is otherwise resuming the current thread, else queue it (seL4 MCS
 * possibleSwitchTo). A sporadic context first gets its unblock check (budget not used while
 * blocked is not saved up); a context that cannot be used now sends the thread to the release
 * queue instead.
 */
export function possibleSwitchTo(k: KernelState, t: Tcb): void {
  const sc = t.sc;
  if (sc === null || !isRunnable(t) || t.inReleaseQueue) return;
  if (sc.sporadic && sc !== k.curSc && sc.refills?.unblockCheck(k.now as Ticks)) k.reprogram = true;
  if (!scReleased(k, sc)) {
    if (t !== k.current) postpone(k, t);
    return;
  }
  possibleSwitchToReleased(k, t);
}

/**
 * possibleSwitchTo for a thread whose context is known to be usable now, without the sporadic
 * unblock check (seL4 awaken and doReplyTransfer call it this way).
 */
export function possibleSwitchToReleased(k: KernelState, t: Tcb): void {
  if (t === k.current && k.action === SchedulerAction.ResumeCurrent) return;
  if (k.action !== SchedulerAction.ResumeCurrent) {
    rescheduleRequired(k);
    schedEnqueue(k, t);
  } else {
    k.action = SchedulerAction.SwitchTo;
    k.candidate = t;
  }
}

/** Releases every thread whose head refill has become ready (seL4 awaken). */
export function awaken(k: KernelState): void {
  for (let t = releaseDequeueReady(k); t !== null; t = releaseDequeueReady(k)) {
    if (k.trace) k.trace({ kind: 'wake', time: k.now, thread: t.id, reason: 'refill' });
    if (t.sc && !scReleased(k, t.sc)) releaseEnqueue(k, t);
    else possibleSwitchToReleased(k, t);
  }
}

/** Sets a thread's state, keeping scheduler bookkeeping consistent (seL4 setThreadState). */
export function setThreadState(k: KernelState, t: Tcb, state: ThreadState): void {
  t.state = state;
  if (k.trace)
    k.trace({ kind: 'state', time: k.now, thread: t.id, state: THREAD_STATE_NAMES[state]! });
  if (!isSchedulable(t)) {
    schedDequeue(k, t);
    if (t.sc === null || !isRunnable(t)) releaseRemove(k, t);
    if (t === k.current && k.action === SchedulerAction.ResumeCurrent) rescheduleRequired(k);
    if (k.candidate === t) {
      k.candidate = null;
      k.action = SchedulerAction.ChooseNew;
    }
  }
}

/** Makes a thread runnable from outside IPC (Resume, restart after cancel): queue and maybe switch. */
export function makeRunnable(k: KernelState, t: Tcb, state: ThreadState): void {
  setThreadState(k, t, state);
  possibleSwitchTo(k, t);
}

function switchToThread(k: KernelState, t: Tcb | null): void {
  if (t) schedDequeue(k, t);
  if (k.current !== t && k.trace) {
    k.trace({ kind: 'switch', time: k.now, from: k.current?.id ?? 0, to: t?.id ?? 0 });
  }
  k.current = t;
}

function chooseThread(k: KernelState): void {
  const p = highestReadyPriority(k);
  switchToThread(k, p < 0 ? null : k.readyHead[p]!);
}

/**
 * Ends a kernel entry: releases threads whose refills came, applies the scheduler action, charges
 * the context that ran if the context changes, reprograms the timer when a deadline moved, and
 * tells the port which context runs next (`k.current`, null = idle).
 */
export function schedule(k: KernelState): void {
  awaken(k);
  chooseNext(k);
  switchSchedContext(k);
  if (k.reprogram) programTimer(k);
  const cur = k.current;
  if (cur?.yieldTo) completeYieldTo(k, cur);
  k.port.switchTo?.(cur?.context ?? null);
}

/**
 * Applies the scheduler action following seL4's schedule(): a preempted runnable thread goes
 * back to the head of its queue; a direct-switch candidate of lower priority than the current
 * thread, or not the highest ready, is queued instead; one of equal priority to a still-runnable
 * current thread goes to the tail.
 */
function chooseNext(k: KernelState): void {
  const cur = k.current;
  if (cur !== null && !cur.live) k.current = null;
  const current = k.current;
  if (k.action === SchedulerAction.ResumeCurrent) {
    if (current === null || isSchedulable(current)) return;
    chooseThread(k);
    return;
  }
  const wasRunnable = current !== null && isSchedulable(current);
  if (wasRunnable) schedEnqueue(k, current!);
  if (k.action === SchedulerAction.SwitchTo && k.candidate) {
    const c = k.candidate;
    k.candidate = null;
    k.action = SchedulerAction.ResumeCurrent;
    if (!isSchedulable(c)) {
      chooseThread(k);
      return;
    }
    const fastfail = current === null || c.priority < current.priority;
    if (fastfail && highestReadyPriority(k) > c.priority) {
      schedEnqueue(k, c);
      chooseThread(k);
    } else if (wasRunnable && c.priority === current!.priority) {
      schedAppend(k, c);
      chooseThread(k);
    } else {
      switchToThread(k, c);
    }
    return;
  }
  k.action = SchedulerAction.ResumeCurrent;
  chooseThread(k);
}

/** Changes a thread's priority, moving it between queues (seL4 setPriority). */
export function setPriority(k: KernelState, t: Tcb, prio: number): void {
  const queued = t.inReadyQueue;
  schedDequeue(k, t);
  t.priority = prio;
  if (queued) {
    schedEnqueue(k, t);
    rescheduleRequired(k);
  } else if (t === k.current) {
    rescheduleRequired(k);
  }
}
