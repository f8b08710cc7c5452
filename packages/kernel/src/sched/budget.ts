// Charging time to scheduling contexts (seL4 MCS commitTime, chargeBudget, checkBudget,
// endTimeslice, switchSchedContext and the Yield system call's budget part). The kernel counts
// the ticks the current thread ran since the last charge in `k.consumed`; they are charged to
// `k.curSc`, the context that was running, when the context changes or the timer is
// reprogrammed, and checked against the head refill at every kernel entry. Unconfigured
// contexts (K5: unlimited budget) only count consumed time. Relies on refills.ts and the
// scheduler.

import type { Ticks } from '@k5/abi';
import type { SchedContext, Tcb } from '../objects/kobject';
import { ThreadState } from '../objects/kobject';
import type { KernelState } from '../state';
import {
  isRunnable,
  isSchedulable,
  postpone,
  rescheduleRequired,
  schedAppend,
  scReleased,
  setThreadState,
} from './scheduler';
import { timeoutFault } from './timeout-hook';

/** Charges `k.consumed` to the context that ran while the budget lasts (seL4 commitTime). */
export function commitTime(k: KernelState): void {
  const sc = k.curSc;
  const used = k.consumed;
  k.consumed = 0;
  if (sc === null || !sc.live) return;
  sc.consumed += used;
  const r = sc.refills;
  if (r === null || used === 0) return;
  // Every entry checks the budget first, so the head still covers `used`; charging an exhausted
  // head anyway (chargeBudget) keeps the refills valid should a caller skip that check.
  if (r.isSufficient(used as Ticks)) r.commit(used as Ticks);
  else r.chargeBudget(used as Ticks);
}

/**
 * The running context's budget is used up (seL4 chargeBudget): charge what was used, then end
 * the current thread's time slice — a timeout fault when allowed and handled, otherwise the tail
 * of its ready queue if the next refill is usable now, else the release queue.
 */
export function chargeBudget(
  k: KernelState,
  used: number,
  canTimeoutFault: boolean,
  event: 'expired' | 'yielded' = 'expired',
): void {
  const sc = k.curSc;
  k.consumed = 0;
  if (sc === null || !sc.live) return;
  sc.consumed += used;
  sc.refills?.chargeBudget(used as Ticks);
  const t = k.current;
  if (t !== null && t.sc === sc && isSchedulable(t)) {
    endTimeslice(k, t, sc, canTimeoutFault, event);
    rescheduleRequired(k);
    k.reprogram = true;
  }
}

function endTimeslice(
  k: KernelState,
  t: Tcb,
  sc: SchedContext,
  canTimeoutFault: boolean,
  event: 'expired' | 'yielded',
): void {
  if (k.trace) k.trace({ kind: 'budget', time: k.now, thread: t.id, sc: sc.id, event });
  if (canTimeoutFault && sc.refills !== null && !sc.refills.roundRobin) {
    if (timeoutFault(k, t, sc)) return;
  }
  if (scReleased(k, sc)) schedAppend(k, t);
  else postpone(k, t);
}

/**
 * At a kernel entry: whether the running context still holds at least the minimum budget after
 * charging what was consumed (seL4 checkBudget). If not, the budget is charged and the time
 * slice ends; the entry must not perform its operation.
 */
export function checkBudget(k: KernelState): boolean {
  if (budgetLeft(k)) return true;
  chargeBudget(k, k.consumed, true);
  return false;
}

/** Whether the running context can still pay for a kernel entry. Changes nothing. */
export function budgetLeft(k: KernelState): boolean {
  const sc = k.curSc;
  const r = sc?.refills;
  if (sc === null || !sc.live || r === null || r === undefined) return true;
  return r.isReady(k.now as Ticks) && r.isSufficient(k.consumed as Ticks);
}

/**
 * checkBudget for a syscall: when the budget ran out the thread is left in Restart, so that the
 * syscall runs again once the thread has budget (seL4 checkBudgetRestart).
 */
export function checkBudgetRestart(k: KernelState): boolean {
  const ok = checkBudget(k);
  const t = k.current;
  if (!ok && t !== null && isRunnable(t)) setThreadState(k, t, ThreadState.Restart);
  return ok;
}

/**
 * Switches the charged context to the current thread's at the end of an entry (seL4
 * switchSchedContext): a new context gets the constant-bandwidth unblock check and forces the
 * timer to be reprogrammed; reprogramming charges the old one first.
 */
export function switchSchedContext(k: KernelState): void {
  const next = k.current?.sc ?? null;
  if (next !== k.curSc) {
    k.reprogram = true;
    if (next !== null && !next.sporadic && next.refills !== null)
      next.refills.unblockCheck(k.now as Ticks);
  }
  if (k.reprogram) commitTime(k);
  k.curSc = next;
}

/**
 * The budget part of Yield (seL4 MCS handleYield): the rest of the head refill is given up until
 * the next refill, and the thread goes to the tail of its queue or waits for that refill.
 * Consumed time counts only what really ran.
 */
export function yieldBudget(k: KernelState, t: Tcb): void {
  const sc = k.curSc;
  const r = sc?.refills;
  if (sc === null || !sc.live || r === null || r === undefined || t.sc !== sc) {
    // Unlimited budget: an ordinary yield to the tail.
    rescheduleRequired(k);
    if (isSchedulable(t)) schedAppend(k, t);
    return;
  }
  const consumed = sc.consumed + k.consumed;
  chargeBudget(k, r.head().amount, false, 'yielded');
  sc.consumed = consumed;
}
