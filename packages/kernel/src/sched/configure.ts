// SchedControl_ConfigureFlags (seL4 decodeSchedControl_ConfigureFlags and
// invokeSchedControl_ConfigureFlags): checks budget, period and extra refills against the minimum
// budget and the refill slots the context object has room for, then (re)starts the context's
// refills — preserving the bandwidth of a context whose thread is runnable — and lets the thread
// run or wait for its first refill. `configureSchedContext` is the same operation for boot code
// and tests. Relies on refills.ts, budget.ts and the scheduler.

import { InvocationLabel, ObjectType, type Ticks } from '@k5/abi';
import { err, type Invocation, type SyscallError } from '../objects/invocation';
import type { SchedContext } from '../objects/kobject';
import type { KernelState } from '../state';
import { commitTime } from './budget';
import { MIN_REFILLS, RefillList } from './refills';
import { releaseRemove } from './release-queue';
import {
  isRunnable,
  possibleSwitchTo,
  rescheduleRequired,
  resumeSchedContext,
  schedDequeue,
} from './scheduler';

/** Flag bit of SchedControl_ConfigureFlags: sporadic rather than constant bandwidth (seL4). @public */
export const SCHED_CONTEXT_SPORADIC = 1;

/** Bytes of a scheduling context object before its refill slots (K5's layout). @public */
export const SCHED_CONTEXT_HEADER_BYTES = 64;

/** Bytes of one refill slot (two 64-bit words, as in seL4). @public */
export const REFILL_BYTES = 16;

/** The largest budget or period, in ticks: one message word. @public */
export const MAX_PERIOD_TICKS = 0xffff_ffff;

/** Refill slots a scheduling context of `sizeBits` holds (seL4 refill_absolute_max). @public */
export function maxRefillsForSize(sizeBits: number): number {
  return Math.floor((2 ** sizeBits - SCHED_CONTEXT_HEADER_BYTES) / REFILL_BYTES);
}

/** What SchedControl_ConfigureFlags sets. @public */
export interface SchedParams {
  /** Ticks of execution per period (at least the minimum budget). */
  readonly budget: number;
  /** Replenishment period in ticks; `budget === period` is round robin. */
  readonly period: number;
  /** Refill slots beyond the two every context has. */
  readonly extraRefills: number;
  /** Badge reported in timeout faults. */
  readonly badge: number;
  /** Unblock check when the thread wakes (sporadic) instead of when it is switched to. */
  readonly sporadic: boolean;
}

/** A checked SchedControl operation. */
export interface SchedControlOp {
  readonly sc: SchedContext;
  readonly params: SchedParams;
}

function isTicks(v: number): boolean {
  return Number.isSafeInteger(v) && v >= 0 && v <= MAX_PERIOD_TICKS;
}

/** Checks parameters for `sc` the way seL4 does; null when they are valid. Changes nothing. */
export function checkSchedParams(
  k: KernelState,
  sc: SchedContext,
  p: SchedParams,
): SyscallError | null {
  const min = k.timing.minBudget;
  if (!isTicks(p.budget) || p.budget < min)
    return err.range(
      min,
      MAX_PERIOD_TICKS,
      `budget ${p.budget} is below the minimum budget ${min}`,
    );
  if (!isTicks(p.period) || p.period < min)
    return err.range(
      min,
      MAX_PERIOD_TICKS,
      `period ${p.period} is below the minimum budget ${min}`,
    );
  if (p.budget > p.period)
    return err.range(min, p.period, `budget ${p.budget} exceeds the period ${p.period}`);
  const most = maxRefillsForSize(sc.sizeBits) - MIN_REFILLS;
  if (!Number.isSafeInteger(p.extraRefills) || p.extraRefills < 0 || p.extraRefills > most)
    return err.range(
      0,
      most,
      `${p.extraRefills} extra refills do not fit: a ${2 ** sc.sizeBits}-byte context holds at most ${most}`,
    );
  return null;
}

/** Decodes SchedControl_ConfigureFlags. Changes nothing. */
export function decodeSchedControl(inv: Invocation): SchedControlOp | SyscallError {
  if (inv.label !== InvocationLabel.SchedControlConfigureFlags)
    return err.illegalOperation(`label ${inv.label} is not a SchedControl method`);
  if (inv.length < 5 || inv.extraCaps.length < 1)
    return err.truncated(
      'SchedControl_ConfigureFlags needs budget, period, extra refills, badge, flags and a SchedContext cap',
    );
  const c = inv.extraCaps[0]!.cap;
  if (c === null || c.type !== ObjectType.SchedContext)
    return err.invalidCapability(
      1,
      'SchedControl_ConfigureFlags: extra cap 0 must be a SchedContext',
    );
  const sc = c.obj as SchedContext;
  const params: SchedParams = {
    budget: inv.mr(0),
    period: inv.mr(1),
    extraRefills: inv.mr(2),
    badge: inv.mr(3),
    sporadic: (inv.mr(4) & SCHED_CONTEXT_SPORADIC) !== 0,
  };
  const e = checkSchedParams(inv.k, sc, params);
  return e ?? { sc, params };
}

/** Applies a checked configuration (cannot fail). */
export function performSchedControl(k: KernelState, op: SchedControlOp): number[] {
  const { sc, params: p } = op;
  const t = sc.tcb;
  if (t !== null) {
    releaseRemove(k, t);
    schedDequeue(k, t);
    // Bill what the context used so far under the old parameters.
    if (k.curSc === sc) commitTime(k);
  }
  const refills = sc.refills ?? new RefillList(k.timing);
  refills.applyConfiguration(
    { budget: p.budget as Ticks, period: p.period as Ticks, extraRefills: p.extraRefills },
    k.now as Ticks,
    t !== null && isRunnable(t),
    maxRefillsForSize(sc.sizeBits),
  );
  sc.refills = refills;
  sc.budget = p.budget;
  sc.period = p.period;
  sc.badge = p.badge >>> 0;
  sc.sporadic = p.sporadic;
  k.reprogram = true;
  if (t !== null) {
    resumeSchedContext(k, sc);
    if (t === k.current) rescheduleRequired(k);
    else if (isRunnable(t)) possibleSwitchTo(k, t);
  }
  return [];
}

/**
 * Configures a scheduling context as SchedControl_ConfigureFlags would (same checks, same
 * effect), for boot code and tests. Returns the error instead of applying invalid parameters.
 * @public
 */
export function configureSchedContext(
  k: KernelState,
  sc: SchedContext,
  p: SchedParams,
): SyscallError | null {
  const e = checkSchedParams(k, sc, p);
  if (e) return e;
  performSchedControl(k, { sc, params: p });
  return null;
}
