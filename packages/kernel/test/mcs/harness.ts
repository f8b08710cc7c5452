// Shared helpers of the MCS scenario tests: configure fixture threads' scheduling contexts,
// make a thread passive, and drive the host executor through simulated time — when every
// thread waits, time jumps to the kernel's next deadline, as an idle CPU would sleep until the
// timer fires. The invariant checker runs after every step.

import type { SchedContext, Tcb } from '../../src/objects/kobject';
import { unbindTcb } from '../../src/objects/schedcontext';
import { configureSchedContext, type SchedParams } from '../../src/sched/configure';
import { schedule } from '../../src/sched/scheduler';
import type { Fixture } from '../fixture';

/** Configures thread `i`'s context (throws on a configuration error) and reschedules. */
export function configure(
  f: Fixture,
  i: number,
  p: Partial<SchedParams> & { budget: number; period: number },
): SchedContext {
  const k = f.kernel.state;
  const sc = f.threads[i]!.sc!;
  const e = configureSchedContext(k, sc, {
    extraRefills: 0,
    badge: 0,
    sporadic: false,
    ...p,
  });
  if (e) throw new Error(e.message);
  schedule(k);
  return sc;
}

/** Takes thread `i`'s context away (it becomes passive) and reschedules; returns the context. */
export function makePassive(f: Fixture, i: number): SchedContext {
  const k = f.kernel.state;
  const sc = f.threads[i]!.sc!;
  unbindTcb(k, sc);
  schedule(k);
  return sc;
}

/** Ticks charged to a context so far, including what the running thread has not been billed. */
export function usedBy(f: Fixture, sc: SchedContext): number {
  const k = f.kernel.state;
  return sc.consumed + (k.curSc === sc ? k.consumed : 0);
}

/**
 * Runs until simulated time reaches `until` (or nothing is left to do), one executor step at a
 * time, jumping over idle time to the next deadline. Returns the steps taken.
 */
export function runUntil(f: Fixture, until: number, maxSteps = 2_000_000): number {
  const kernel = f.kernel;
  let steps = 0;
  while (kernel.now < until && steps < maxSteps) {
    const r = f.executor.run({ maxSteps: 1, checkInvariants: true });
    steps++;
    if (r.reason !== 'idle') continue;
    const d = kernel.deadline;
    if (d === null) break;
    kernel.advance(Math.max(0, Math.min(d, until) - kernel.now));
    kernel.assertInvariants();
  }
  return steps;
}

/** Time slices from the trace: [thread id, start, end) for every stretch a thread ran. */
export function slices(f: Fixture, until: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  let cur = 0;
  let since = 0;
  for (const e of f.trace.ofKind('switch')) {
    if (e.time > since && cur !== 0) out.push([cur, since, e.time]);
    if (e.time >= since) since = e.time;
    cur = e.to;
  }
  if (cur !== 0 && until > since) out.push([cur, since, until]);
  return out;
}

/** The thread's id. */
export const idOf = (t: Tcb): number => t.id;
