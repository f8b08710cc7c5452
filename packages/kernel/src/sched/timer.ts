// Kernel time (CONTRACT.md): the one-shot deadline the kernel arms through the port (tickless —
// disarmed when nothing is due), the timer event that charges the running context and releases
// refilled threads, and advance(), which lets simulated time pass and stops at the deadline.
// The earliest deadline is the running context's budget expiry, the first release-queue refill
// or a delayed supervisor restart. Relies on budget.ts, release-queue.ts and the scheduler.

import type { Ticks } from '@k5/abi';
import { KernelUsageError } from '../errors';
import { nextRestartDeadline, releaseDueRestarts } from '../supervision/restart-queue';
import type { KernelState } from '../state';
import { checkBudget } from './budget';
import { nextReleaseTime } from './release-queue';
import { schedule } from './scheduler';

/** The earliest time at which the kernel must act, or null when nothing is due. */
export function nextDeadline(k: KernelState): number | null {
  let d: number | null = null;
  const r = k.current?.sc?.refills;
  if (r) d = k.now + r.capacity(k.consumed as Ticks);
  const release = nextReleaseTime(k);
  if (release !== null && (d === null || release < d)) d = release;
  const restart = nextRestartDeadline(k);
  if (restart !== null && (d === null || restart < d)) d = restart;
  return d;
}

/** Arms the port's timer for the earliest deadline, only when it changed (seL4 setNextInterrupt). */
export function programTimer(k: KernelState): void {
  k.reprogram = false;
  const d = nextDeadline(k);
  if (d === k.timerDeadline) return;
  k.timerDeadline = d;
  k.port.setTimer(d);
}

/**
 * The timer fired (now is at or past the deadline): charge the running context — ending its
 * time slice if the budget is used up — then release refilled threads and due supervisor
 * restarts, and reschedule.
 */
export function handleTimerEvent(k: KernelState): void {
  checkBudget(k);
  k.reprogram = true;
  releaseDueRestarts(k);
  schedule(k);
}

function spend(k: KernelState, ticks: number): void {
  k.now += ticks;
  if (k.current !== null) k.consumed += ticks;
}

/**
 * Lets `ticks` pass while the current thread runs (or while idle). Stops at an armed deadline
 * inside the interval, handles it and returns the ticks left unspent (> 0) for the caller to
 * spend when that thread runs again; 0 when all were spent. While idle it keeps jumping from
 * deadline to deadline until a thread becomes current or the ticks are spent.
 */
export function advanceTime(k: KernelState, ticks: number): number {
  if (!Number.isSafeInteger(ticks) || ticks < 0) {
    throw new KernelUsageError(
      'bad-config',
      `advance: ticks must be a non-negative integer, got ${ticks}`,
    );
  }
  let left = ticks;
  let stalled = 0;
  for (;;) {
    const d = k.timerDeadline;
    if (d === null || k.now + left < d) {
      spend(k, left);
      return 0;
    }
    const step = Math.max(0, d - k.now);
    spend(k, step);
    left -= step;
    const wasIdle = k.current === null;
    handleTimerEvent(k);
    if (left === 0) return 0;
    if (!wasIdle || k.current !== null) return left;
    // Idle and the deadline did not move past now: nothing more can happen in this interval.
    stalled = step === 0 ? stalled + 1 : 0;
    if (stalled > 1) {
      spend(k, left);
      return 0;
    }
  }
}
