// Delayed restarts (supervision back-off): a thread a supervisor restarted with a delay waits,
// Inactive, in the kernel's pending-restart list ordered by release time; the MCS timer path
// releases the due ones and folds the earliest release time into the timer deadline; destroying a
// thread drops its entry (cspace/delete.ts). Relies on state.ts and the scheduler.

import { type Tcb, ThreadState } from '../objects/kobject';
import { makeRunnable } from '../sched/scheduler';
import type { KernelState } from '../state';

/** Holds `t` (Inactive) until kernel time `at`, then makes it runnable from its entry point. */
export function scheduleRestart(k: KernelState, t: Tcb, at: number): void {
  cancelPendingRestart(k, t);
  t.restartAt = at;
  const q = k.pendingRestarts;
  let i = q.length;
  // FIFO among equal times: insert after every entry due no later.
  while (i > 0 && q[i - 1]!.restartAt! > at) i--;
  q.splice(i, 0, t);
  k.reprogram = true;
}

/** Drops `t`'s pending restart, if any (Resume, Suspend or a new restart supersede it). */
export function cancelPendingRestart(k: KernelState, t: Tcb): void {
  if (t.restartAt === null) return;
  t.restartAt = null;
  const i = k.pendingRestarts.indexOf(t);
  if (i >= 0) k.pendingRestarts.splice(i, 1);
  k.reprogram = true;
}

/** Makes every thread whose delayed restart is due (at or before `k.now`) runnable. @public */
export function releaseDueRestarts(k: KernelState): void {
  const q = k.pendingRestarts;
  while (q.length > 0 && q[0]!.restartAt! <= k.now) {
    const t = q.shift()!;
    t.restartAt = null;
    k.reprogram = true;
    if (t.state === ThreadState.Inactive) makeRunnable(k, t, ThreadState.Restart);
  }
}

/** The earliest pending restart time, or null (part of the kernel's timer deadline). @public */
export function nextRestartDeadline(k: KernelState): number | null {
  const q = k.pendingRestarts;
  return q.length > 0 ? q[0]!.restartAt : null;
}
