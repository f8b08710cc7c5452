// Time for a simulator on the port: the kernel counts ticks (kernel.now) and the generic
// timer's CNTPCT_EL0 counts the same ticks, so CNTP_CVAL_EL0 (written by setTimer) compares
// against the kernel's own clock. `advanceClock` lets time pass on both: the kernel handles every
// deadline it reaches inside `advance` (and re-arms CNTP_CVAL), then the counter is brought to
// kernel.now, so the timer's PPI is not left pending for a deadline already handled.
// Relies on timer.ts.

import type { GenericTimer } from '../timer';

/** The kernel's clock (a `@k5/kernel` Kernel has these, see CONTRACT.md). */
export interface KernelClock {
  /** Kernel time in ticks. */
  readonly now: number;
  /** The armed deadline, or null when nothing is due. */
  readonly deadline: number | null;
  /** Lets `ticks` pass; returns the ticks left unspent when a deadline switched threads. */
  advance(ticks: number): number;
}

/**
 * Lets `ticks` pass on the kernel's clock and the timer's counter; returns the ticks the kernel
 * left unspent (a deadline inside the interval switched threads).
 */
export function advanceClock(timer: GenericTimer, kernel: KernelClock, ticks: number): number {
  const left = kernel.advance(ticks);
  syncCounter(timer, kernel.now);
  return left;
}

/** Brings CNTPCT_EL0 forward to `now` (it never goes back). */
export function syncCounter(timer: GenericTimer, now: number): void {
  const target = BigInt(now);
  const current = timer.cntpct;
  if (target > current) timer.advance(target - current);
}
