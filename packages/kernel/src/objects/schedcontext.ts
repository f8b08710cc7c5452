// Scheduling contexts: binding to a thread (which makes it schedulable) or a notification,
// unbinding, donation (a context moving to a passive thread over Call, NBSendRecv or a bound
// notification's signal, and back), Consumed and YieldTo, and cleaning up when a context or a
// thread goes away. Budgets and refills live in sched/refills.ts; SchedControl_ConfigureFlags
// is decoded in sched/configure.ts. Relies on the scheduler and ipc/transfer.ts.

import type { Ticks } from '@k5/abi';
import { InvocationLabel, ObjectType } from '@k5/abi';
import { writeKernelReply } from '../ipc/transfer';
import { commitTime } from '../sched/budget';
import { releaseRemove } from '../sched/release-queue';
import {
  isRunnable,
  isSchedulable,
  rescheduleRequired,
  resumeSchedContext,
  schedDequeue,
  schedEnqueue,
  setThreadState,
} from '../sched/scheduler';
import type { KernelState } from '../state';
import { err, type Invocation, type SyscallError } from './invocation';
import { type Notification, type SchedContext, type Tcb, ThreadState } from './kobject';

/** A checked SchedContext operation. */
export type SchedContextOp =
  | { readonly kind: 'BindTcb'; readonly sc: SchedContext; readonly tcb: Tcb }
  | { readonly kind: 'BindNotification'; readonly sc: SchedContext; readonly ntfn: Notification }
  | {
      readonly kind: 'Unbind';
      readonly sc: SchedContext;
      readonly tcb: boolean;
      readonly ntfn: boolean;
      /** Also drop the call-stack link (SchedContext_Unbind does, UnbindObject does not). */
      readonly reply: boolean;
    }
  | { readonly kind: 'Consumed'; readonly sc: SchedContext }
  | { readonly kind: 'YieldTo'; readonly sc: SchedContext; readonly from: Tcb };

/** Ticks as the two message words (low, high) that Consumed and YieldTo return. */
export function consumedWords(ticks: number): number[] {
  return [ticks >>> 0, Math.floor(ticks / 2 ** 32) >>> 0];
}

/** Returns and resets a context's consumed time (seL4 schedContext_updateConsumed). */
export function takeConsumed(sc: SchedContext): number[] {
  const words = consumedWords(sc.consumed);
  sc.consumed = 0;
  return words;
}

/** Decodes a SchedContext invocation. Changes nothing. */
export function decodeSchedContext(inv: Invocation): SchedContextOp | SyscallError {
  const sc = inv.cap.obj as SchedContext;
  switch (inv.label) {
    case InvocationLabel.SchedContextBind: {
      if (inv.extraCaps.length < 1)
        return err.truncated('SchedContext_Bind needs a TCB or notification cap');
      const c = inv.extraCaps[0]!.cap;
      if (c?.type === ObjectType.Tcb) {
        const tcb = c.obj as Tcb;
        if (sc.tcb !== null || tcb.sc !== null)
          return err.illegalOperation(
            'SchedContext_Bind: the context or the thread is already bound',
          );
        if (!isRunnable(tcb) && tcb.state !== ThreadState.Inactive && !releasedNow(inv.k, sc))
          return err.illegalOperation(
            'SchedContext_Bind: the thread is blocked and the context has no usable budget now',
          );
        return { kind: 'BindTcb', sc, tcb };
      }
      if (c?.type === ObjectType.Notification) {
        const ntfn = c.obj as Notification;
        if (sc.notification !== null || ntfn.sc !== null)
          return err.illegalOperation(
            'SchedContext_Bind: the context or the notification is already bound',
          );
        return { kind: 'BindNotification', sc, ntfn };
      }
      return err.invalidCapability(
        1,
        'SchedContext_Bind: extra cap 0 must be a TCB or notification',
      );
    }
    case InvocationLabel.SchedContextUnbind:
      if (sc.tcb !== null && sc.tcb === inv.thread)
        return err.illegalOperation(
          'SchedContext_Unbind: a thread cannot unbind its own running context',
        );
      return { kind: 'Unbind', sc, tcb: true, ntfn: true, reply: true };
    case InvocationLabel.SchedContextUnbindObject: {
      if (inv.extraCaps.length < 1)
        return err.truncated('SchedContext_UnbindObject needs a TCB or notification cap');
      const c = inv.extraCaps[0]!.cap;
      if (c?.type === ObjectType.Tcb && sc.tcb === c.obj) {
        if (c.obj === inv.thread)
          return err.illegalOperation(
            'SchedContext_UnbindObject: a thread cannot unbind its own running context',
          );
        return { kind: 'Unbind', sc, tcb: true, ntfn: false, reply: false };
      }
      if (c?.type === ObjectType.Notification && sc.notification === c.obj)
        return { kind: 'Unbind', sc, tcb: false, ntfn: true, reply: false };
      if (c?.type !== ObjectType.Tcb && c?.type !== ObjectType.Notification)
        return err.invalidCapability(
          1,
          'SchedContext_UnbindObject: extra cap 0 must be a TCB or notification',
        );
      return err.illegalOperation(
        'SchedContext_UnbindObject: the object is not bound to this context',
      );
    }
    case InvocationLabel.SchedContextConsumed:
      return { kind: 'Consumed', sc };
    case InvocationLabel.SchedContextYieldTo: {
      const from = inv.thread;
      const target = sc.tcb;
      if (target === null)
        return err.illegalOperation('SchedContext_YieldTo: the context is bound to no thread');
      if (target === from)
        return err.illegalOperation('SchedContext_YieldTo: a thread cannot yield to itself');
      if (target.priority > from.mcp)
        return err.illegalOperation(
          `SchedContext_YieldTo: the target's priority ${target.priority} is above the caller's MCP ${from.mcp}`,
        );
      if (from.yieldTo !== null)
        return err.illegalOperation('SchedContext_YieldTo: the caller is already yielding');
      return { kind: 'YieldTo', sc, from };
    }
    default:
      return err.illegalOperation(`label ${inv.label} is not a SchedContext method`);
  }
}

function releasedNow(k: KernelState, sc: SchedContext): boolean {
  return sc.refills === null || sc.refills.isReleased(k.now as Ticks);
}

/** Performs a SchedContext operation; returns the reply words. */
export function performSchedContext(k: KernelState, op: SchedContextOp): number[] {
  const sc = op.sc;
  switch (op.kind) {
    case 'BindTcb':
      bindTcb(k, sc, op.tcb);
      return [];
    case 'BindNotification':
      sc.notification = op.ntfn;
      op.ntfn.sc = sc;
      return [];
    case 'Unbind':
      if (op.tcb && sc.tcb) unbindTcb(k, sc);
      if (op.ntfn && sc.notification) {
        sc.notification.sc = null;
        sc.notification = null;
      }
      if (op.reply) dropCallStack(sc);
      return [];
    case 'Consumed':
      // K5: the caller's own running context is billed first, so the answer is up to date.
      if (sc === k.curSc) {
        commitTime(k);
        k.reprogram = true;
      }
      return takeConsumed(sc);
    case 'YieldTo':
      return yieldTo(k, sc, op.from);
  }
}

/**
 * Binds a context to a thread (seL4 schedContext_bindTCB): a runnable thread becomes
 * schedulable, or waits in the release queue if the context has no usable budget now.
 */
export function bindTcb(k: KernelState, sc: SchedContext, t: Tcb): void {
  t.sc = sc;
  sc.tcb = t;
  if (sc.sporadic && sc !== k.curSc) sc.refills?.unblockCheck(k.now as Ticks);
  resumeSchedContext(k, sc);
  if (isSchedulable(t) && t !== k.current) {
    schedEnqueue(k, t);
    rescheduleRequired(k);
  }
}

/** Unbinds a context from its thread (seL4 schedContext_unbindTCB). */
export function unbindTcb(k: KernelState, sc: SchedContext): void {
  const t = sc.tcb;
  if (t === null) return;
  if (t === k.current) rescheduleRequired(k);
  schedDequeue(k, t);
  releaseRemove(k, t);
  t.sc = null;
  sc.tcb = null;
  setThreadState(k, t, t.state);
}

/**
 * Moves a context to another thread (seL4 schedContext_donate): the thread that held it stops
 * being schedulable.
 */
export function donateSchedContext(k: KernelState, sc: SchedContext, to: Tcb): void {
  const from = sc.tcb;
  if (from !== null) {
    schedDequeue(k, from);
    releaseRemove(k, from);
    from.sc = null;
    if (from === k.current || from === k.candidate) rescheduleRequired(k);
  }
  sc.tcb = to;
  to.sc = sc;
  if (k.trace) k.trace({ kind: 'donate', time: k.now, sc: sc.id, from: from?.id ?? 0, to: to.id });
}

/**
 * A passive thread woken by a signal on a notification with a free bound context borrows that
 * context (seL4 maybeDonateSchedContext). Call before possibleSwitchTo.
 */
export function maybeDonateSchedContext(k: KernelState, t: Tcb, ntfn: Notification): void {
  if (t.sc !== null) return;
  const sc = ntfn.sc;
  if (sc === null || sc.tcb !== null) return;
  donateSchedContext(k, sc, t);
  if (sc !== k.curSc) sc.refills?.unblockCheck(k.now as Ticks);
  resumeSchedContext(k, sc);
}

/**
 * A thread that blocks while running on a context lent by a notification gives it back
 * (seL4 maybeReturnSchedContext).
 */
export function maybeReturnSchedContext(k: KernelState, ntfn: Notification, t: Tcb): void {
  const sc = ntfn.sc;
  if (sc === null || sc !== t.sc) return;
  schedDequeue(k, t);
  releaseRemove(k, t);
  t.sc = null;
  sc.tcb = null;
  if (k.trace) k.trace({ kind: 'donate', time: k.now, sc: sc.id, from: t.id, to: 0 });
  if (t === k.current) rescheduleRequired(k);
}

function dropCallStack(sc: SchedContext): void {
  const head = sc.reply;
  if (head === null) return;
  head.donated = null;
  sc.reply = null;
}

// seL4 invokeSchedContext_YieldTo: if the target can run and is not below the caller, it runs
// now, ahead of the caller, and the caller learns the consumed time when it runs again.
function yieldTo(k: KernelState, sc: SchedContext, from: Tcb): number[] {
  if (sc.yieldFrom !== null) completeYieldTo(k, sc.yieldFrom);
  resumeSchedContext(k, sc);
  const target = sc.tcb!;
  if (!isSchedulable(target)) return takeConsumed(sc);
  if (target.priority < from.priority) {
    schedDequeue(k, target);
    schedEnqueue(k, target);
    return takeConsumed(sc);
  }
  from.yieldTo = sc;
  sc.yieldFrom = from;
  schedDequeue(k, target);
  schedEnqueue(k, from);
  schedEnqueue(k, target);
  rescheduleRequired(k);
  return [];
}

/** The yielder runs again: it receives the target context's consumed time (seL4). */
export function completeYieldTo(k: KernelState, yielder: Tcb): void {
  const sc = yielder.yieldTo;
  if (sc === null) return;
  writeKernelReply(k, yielder, 0, takeConsumed(sc));
  cancelYieldTo(yielder);
}

/** Drops a pending YieldTo without reporting (seL4 schedContext_cancelYieldTo). */
export function cancelYieldTo(yielder: Tcb): void {
  const sc = yielder.yieldTo;
  if (sc === null) return;
  sc.yieldFrom = null;
  yielder.yieldTo = null;
}

/**
 * Cleans a context that is being destroyed: unbinds its thread and notification, cuts its call
 * stack and completes a pending YieldTo (seL4 schedContext finalisation). For cspace/delete.ts.
 */
export function finaliseSchedContext(k: KernelState, sc: SchedContext): void {
  unbindTcb(k, sc);
  if (sc.notification) {
    sc.notification.sc = null;
    sc.notification = null;
  }
  dropCallStack(sc);
  if (sc.yieldFrom !== null) completeYieldTo(k, sc.yieldFrom);
  if (k.curSc === sc) {
    k.curSc = null;
    k.consumed = 0;
  }
}

/**
 * Drops a dying thread's scheduling links: release queue, YieldTo in both directions, its
 * context binding (seL4 TCB finalisation). For cspace/delete.ts.
 */
export function releaseSchedulingOf(k: KernelState, t: Tcb): void {
  schedDequeue(k, t);
  releaseRemove(k, t);
  cancelYieldTo(t);
  const sc = t.sc;
  if (sc !== null) {
    if (sc.yieldFrom !== null) completeYieldTo(k, sc.yieldFrom);
    unbindTcb(k, sc);
  }
}
