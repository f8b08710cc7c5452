// Response-time analysis against the real MCS kernel (issue 4). Random fixed-priority task sets
// of 2–5 tasks (priorities 1–8, so ties occur), each task a host thread on its own sporadic
// scheduling context (budget ≤ period, implicit deadline, 0–3 extra refills) whose jobs work
// `budget − slack` ticks and then Yield, which gives up the rest of the head refill until the
// next period. Whenever the analysis declares a set schedulable, the kernel runs it from a
// synchronous release for 20 periods of the longest task (at least one hyperperiod: every period
// divides 600), with the invariant checker after every step, and every job k of every task must
// complete by k·T + R (and so by its deadline). The slack is at least the minimum budget: the
// Yield that ends a job is a kernel entry, which the kernel allows only with that much left.
//
// Below, the scenario issue 4 reported, pinned: it ran on constant-bandwidth contexts
// (SchedControl without the sporadic flag), which seL4 re-anchors at every resumption after a
// preemption, so the task's own budget drifts later; the analysis now refuses to bound such a
// task. Also pinned: that drift with ample refill slots, and the closing Yield's minimum budget.
// K5_SOAK=1 runs 2,000 sets over 60 periods of the longest task.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyseSchedulability } from '../../src/analysis/response-time';
import type { AnalysisTask } from '../../src/analysis/task-set';
import { makeFixture, type ThreadSpec } from '../fixture';
import { configure, runUntil } from './harness';

const SOAK = process.env['K5_SOAK'] === '1';
const RUNS = SOAK ? 2_000 : 200;
const PERIODS_OF_LONGEST = SOAK ? 60 : 20;

/** The kernel's default minimum budget (kernel WCET 1 tick, seL4 MIN_BUDGET = 2 × WCET). */
const MIN_BUDGET = 2;

interface KernelTask extends AnalysisTask {
  /** Ticks of work per job: the budget minus a slack of at least the minimum budget. */
  readonly work: number;
  readonly extraRefills: number;
  readonly sporadic: boolean;
}

/** A task with fixed numbers; sporadic with no extra refills unless told. */
const kernelTask = (
  name: string,
  priority: number,
  budget: number,
  period: number,
  work: number,
  more: { extraRefills?: number; sporadic?: boolean } = {},
): KernelTask => ({
  name,
  priority,
  budget,
  period,
  work,
  extraRefills: more.extraRefills ?? 0,
  sporadic: more.sporadic ?? true,
});

/**
 * Runs the set on the kernel from time 0 until `horizon` and returns, per task, the times at
 * which its jobs finished their work (the job's thread records the time before it Yields).
 */
function runOnKernel(tasks: readonly KernelTask[], horizon: number): number[][] {
  const completions: number[][] = tasks.map(() => []);
  let now = () => 0;
  const specs: ThreadSpec[] = tasks.map((t, i) => ({
    name: t.name,
    priority: t.priority,
    *body(sys) {
      for (;;) {
        yield* sys.work(t.work);
        completions[i]!.push(now());
        yield* sys.yield();
      }
    },
  }));
  const f = makeFixture(specs);
  // The generator's slack relies on the default minimum budget.
  expect(f.kernel.state.timing.minBudget).toBe(MIN_BUDGET);
  now = () => f.kernel.now;
  tasks.forEach((t, i) => {
    configure(f, i, {
      budget: t.budget,
      period: t.period,
      extraRefills: t.extraRefills,
      sporadic: t.sporadic,
    });
  });
  runUntil(f, horizon);
  return completions;
}

/**
 * The jobs outside their bounds: finished after k·T + R (or not at all although that bound lies
 * before the horizon), or before k·T + work, which only a wrong job count could give.
 */
function jobsOutOfBounds(
  tasks: readonly KernelTask[],
  responses: readonly number[],
  completions: readonly number[][],
  horizon: number,
): string[] {
  const out: string[] = [];
  tasks.forEach((t, i) => {
    const r = responses[i]!;
    const done = completions[i]!;
    for (let job = 0; job * t.period + r < horizon; job++) {
      const release = job * t.period;
      const at = done[job];
      if (at === undefined || at > release + r || at < release + t.work) {
        out.push(
          `${t.name}#${job}: done ${at ?? 'never'}, bounds ${release + t.work}..${release + r}`,
        );
      }
    }
  });
  return out;
}

const PERIODS = [20, 30, 40, 50, 60, 75, 100, 120, 150, 200, 300];

const taskSetArb = fc
  .record({
    utilisation: fc.double({ min: 0.3, max: 1, noNaN: true }),
    tasks: fc.array(
      fc.record({
        period: fc.constantFrom(...PERIODS),
        weight: fc.double({ min: 0.05, max: 1, noNaN: true }),
        slack: fc.integer({ min: MIN_BUDGET, max: MIN_BUDGET + 3 }),
        priority: fc.integer({ min: 1, max: 8 }),
        extraRefills: fc.integer({ min: 0, max: 3 }),
      }),
      { minLength: 2, maxLength: 5 },
    ),
  })
  .map(({ utilisation, tasks }) => {
    const total = tasks.reduce((s, t) => s + t.weight, 0);
    return tasks.map((r, i): KernelTask => {
      const share = (utilisation * r.weight) / total;
      const budget = Math.min(r.period, Math.max(r.slack + 1, Math.round(share * r.period)));
      return {
        name: `t${i}`,
        priority: r.priority,
        budget,
        period: r.period,
        work: budget - r.slack,
        extraRefills: r.extraRefills,
        sporadic: true,
      };
    });
  });

describe('response-time analysis against the MCS kernel', () => {
  it('every job of a set declared schedulable completes within its release plus the analysed R', () => {
    let schedulable = 0;
    fc.assert(
      fc.property(taskSetArb, (tasks) => {
        const report = analyseSchedulability({ tasks });
        if (!report.schedulable) return;
        schedulable++;
        const responses = report.tasks.map((r) => r.responseTime!);
        responses.forEach((r, i) => {
          expect(r).toBeLessThanOrEqual(tasks[i]!.period);
        });
        const horizon = PERIODS_OF_LONGEST * Math.max(...tasks.map((t) => t.period));
        const completions = runOnKernel(tasks, horizon);
        expect(jobsOutOfBounds(tasks, responses, completions, horizon)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
    // The generator must give the property schedulable sets to check.
    expect(schedulable).toBeGreaterThan(RUNS / 4);
  });
});

describe('the scenario of issue 4: lo 116/400 at priority 10, hi 45/100 at 11', () => {
  // lo works 114 and hi 43 per job. As sporadic contexts the analysis gives R_lo = 251, R_hi = 45.
  const base = (sporadic: boolean) => [
    kernelTask('lo', 10, 116, 400, 114, { sporadic }),
    kernelTask('hi', 11, 45, 100, 43, { sporadic }),
  ];

  it('on sporadic contexts every job meets the analysed bound', () => {
    const tasks = base(true);
    const report = analyseSchedulability({ tasks });
    expect(report.tasks.map((t) => t.responseTime)).toEqual([251, 45]);
    const completions = runOnKernel(tasks, 3_200);
    // lo runs [43, 100) and [143, 200) and records its completion when it runs again at 243;
    // the two pieces come back as one refill (400, 114) and the Yield's 2 join it: job 1
    // repeats job 0 exactly.
    expect(completions[0]).toEqual([243, 643, 1043, 1443, 1843, 2243, 2643, 3043]);
    expect(jobsOutOfBounds(tasks, [251, 45], completions, 3_200)).toEqual([]);
  });

  it('on constant-bandwidth contexts lo gets no bound, and it does miss its deadline', () => {
    const tasks = base(false);
    const lo = analyseSchedulability({ tasks }).tasks[0]!;
    expect([lo.responseTime, lo.unbounded]).toEqual([null, 'constant-bandwidth']);
    // Resumed at 143, lo's head moves from 100 to 143 (unblock check at the switch), so its
    // second piece comes back at 543, not adjacent to the first at (443, 57); with two slots the
    // tail is delayed to (486, 114). Job 1, released at 400, starts at 486 and finishes at 943.
    const completions = runOnKernel(tasks, 3_200);
    expect(completions[0]!.slice(0, 2)).toEqual([243, 943]);
    expect(completions[0]!.length).toBeLessThan(8);
  });

  it('with enough refill slots constant bandwidth still drifts: delays add up job after job', () => {
    // Equal priorities, 12 slots each. What a sporadic context would give: R = 55 for b.
    const tasks = [
      kernelTask('a', 1, 7, 100, 5, { extraRefills: 10, sporadic: false }),
      kernelTask('b', 1, 48, 150, 46, { extraRefills: 10, sporadic: false }),
    ];
    const r = analyseSchedulability({ tasks: tasks.map((t) => ({ ...t, sporadic: true })) });
    const rb = r.tasks[1]!.responseTime!;
    const b = runOnKernel(tasks, 6_000)[1]!;
    expect(rb).toBe(55);
    // Completion minus (release + 55): half a tick later with every job, past the bound from
    // job 10 on and growing without end.
    const lateness = b.map((at, job) => at - job * 150 - rb);
    expect(lateness.slice(0, 4)).toEqual([-4, -4, -3, -3]);
    expect(lateness.slice(-2)).toEqual([15, 15]);
    lateness.forEach((l, job) => {
      if (job > 0) expect(l).toBeGreaterThanOrEqual(lateness[job - 1]!);
    });
  });

  it('the Yield that ends a job needs the minimum budget left', () => {
    // Slack 1 < minimum budget 2. Job 0 works [0, 2) and cannot enter the kernel with 1 tick
    // left: the charge turns (0, 3) into (19, 3) (the 1-tick head merged into the used refill),
    // the Yield runs at 19 and gives up that whole refill, and job 1 starts at 39: each job
    // takes 39 ticks instead of 20.
    const tasks = [kernelTask('a', 2, 3, 20, 2)];
    expect(analyseSchedulability({ tasks }).tasks[0]!.responseTime).toBe(3);
    const a = runOnKernel(tasks, 200)[0]!;
    expect(a).toEqual([2, 41, 80, 119, 158, 197]);
    expect(jobsOutOfBounds(tasks, [3], [a], 200)).not.toEqual([]);
  });
});
