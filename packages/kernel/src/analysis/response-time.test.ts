// Response-time analysis on hand-checked examples. Each derivation is written out beside its
// table row: w⁰ = C + B, wⁿ⁺¹ = C + B + Σ ⌈(wⁿ + J_j)/T_j⌉·C_j over tasks of priority ≥ mine.

import { describe, expect, it } from 'vitest';
import { analyseSchedulability, type TaskResponse } from './response-time';
import { AnalysisError, type AnalysisTask, type TaskSet } from './task-set';

const task = (
  name: string,
  priority: number,
  budget: number,
  period: number,
  more: Partial<AnalysisTask> = {},
): AnalysisTask => ({ name, priority, budget, period, ...more });

function byName(set: TaskSet): Record<string, TaskResponse> {
  return Object.fromEntries(analyseSchedulability(set).tasks.map((t) => [t.name, t]));
}

type Row = [name: string, responseTime: number | null, met: boolean, trace: number[]];

describe('analyseSchedulability', () => {
  describe('classic three tasks C = (1, 2, 3), T = (4, 6, 12), rate-monotonic priorities', () => {
    const set: TaskSet = {
      tasks: [task('t1', 3, 1, 4), task('t2', 2, 2, 6), task('t3', 1, 3, 12)],
    };
    it.each<Row>([
      // t1: no higher task → w⁰ = 1, done.
      ['t1', 1, true, [1]],
      // t2: 2; 2 + ⌈2/4⌉·1 = 3; 2 + ⌈3/4⌉·1 = 3 → R = 3.
      ['t2', 3, true, [2, 3]],
      // t3: 3; 3 + ⌈3/4⌉ + ⌈3/6⌉·2 = 6; 3 + ⌈6/4⌉ + ⌈6/6⌉·2 = 7; 3 + ⌈7/4⌉ + ⌈7/6⌉·2 = 9;
      //     3 + ⌈9/4⌉ + ⌈9/6⌉·2 = 10; 3 + ⌈10/4⌉ + ⌈10/6⌉·2 = 10 → R = 10 ≤ 12.
      ['t3', 10, true, [3, 6, 7, 9, 10]],
    ])('%s', (name, r, met, trace) => {
      const t = byName(set)[name]!;
      expect([t.responseTime, t.deadlineMet, t.trace]).toEqual([r, met, trace]);
    });

    it('is schedulable with U = 1/4 + 2/6 + 3/12 = 5/6', () => {
      const report = analyseSchedulability(set);
      expect(report.schedulable).toBe(true);
      expect(report.utilisation).toBeCloseTo(5 / 6, 12);
    });

    it('an explicit deadline 9 for t3 fails: the iterates reach 10 > 9 and stop', () => {
      const t3 = byName({
        tasks: [task('t1', 3, 1, 4), task('t2', 2, 2, 6), task('t3', 1, 3, 12, { deadline: 9 })],
      })['t3']!;
      expect([t3.responseTime, t3.deadlineMet, t3.trace]).toEqual([null, false, [3, 6, 7, 9, 10]]);
    });
  });

  it.each<Row>([
    // Burns & Wellings' example a (3/7), b (3/12), c (5/20):
    // b: 3; 3 + ⌈3/7⌉·3 = 6; 3 + ⌈6/7⌉·3 = 6.
    ['b', 6, true, [3, 6]],
    // c: 5; 5 + ⌈5/7⌉·3 + ⌈5/12⌉·3 = 11; 5 + 2·3 + 1·3 = 14; 5 + 2·3 + 2·3 = 17;
    //    5 + 3·3 + 2·3 = 20; 5 + ⌈20/7⌉·3 + ⌈20/12⌉·3 = 20 → R = 20 = D.
    ['c', 20, true, [5, 11, 14, 17, 20]],
  ])('Burns & Wellings: task %s', (name, r, met, trace) => {
    const t = byName({ tasks: [task('a', 3, 3, 7), task('b', 2, 3, 12), task('c', 1, 5, 20)] })[
      name
    ]!;
    expect([t.responseTime, t.deadlineMet, t.trace]).toEqual([r, met, trace]);
  });

  it.each<[string, AnalysisTask[], Row]>([
    // U = 1/2 + 2/4 = 1 exactly, harmonic: lo: 2; 2 + ⌈2/2⌉ = 3; 2 + ⌈3/2⌉ = 4; 2 + ⌈4/2⌉ = 4 → 4 = D.
    [
      'utilisation exactly 1, harmonic',
      [task('hi', 2, 1, 2), task('lo', 1, 2, 4)],
      ['lo', 4, true, [2, 3, 4]],
    ],
    // U = 2/4 + 3/6 = 1, not harmonic: lo: 3; 3 + ⌈3/4⌉·2 = 5; 3 + ⌈5/4⌉·2 = 7 > 6 → stop.
    [
      'utilisation exactly 1, not harmonic',
      [task('hi', 2, 2, 4), task('lo', 1, 3, 6)],
      ['lo', null, false, [3, 5, 7]],
    ],
    // U = 3/4 + 3/6 = 1.25: lo: 3; 3 + 3 = 6; 3 + ⌈6/4⌉·3 = 9 > 6 → stop instead of diverging.
    [
      'overload stops at the deadline',
      [task('hi', 2, 3, 4), task('lo', 1, 3, 6)],
      ['lo', null, false, [3, 6, 9]],
    ],
    // Equal priorities interfere both ways: a: 1; 1 + ⌈1/6⌉·2 = 3; 1 + ⌈3/6⌉·2 = 3.
    [
      'equal priorities count as interference',
      [task('a', 1, 1, 4), task('b', 1, 2, 6)],
      ['a', 3, true, [1, 3]],
    ],
    // Jitter: hi (1/4, J 1), lo (3/6): 3; 3 + ⌈(3+1)/4⌉ = 4; 3 + ⌈(4+1)/4⌉ = 5; 3 + ⌈6/4⌉ = 5.
    // Without the jitter it would be 3, 4, 4 → 4.
    [
      'jitter of a higher task',
      [task('hi', 2, 1, 4, { jitter: 1 }), task('lo', 1, 3, 6)],
      ['lo', 5, true, [3, 4, 5]],
    ],
    // Own jitter adds to R: hi: w = 1, R = 1 + 2 = 3.
    ['own jitter', [task('hi', 2, 1, 4, { jitter: 2 }), task('lo', 1, 1, 6)], ['hi', 3, true, [1]]],
    // Own jitter can miss: w⁰ = 1, 1 + 4 > 4 → stops at once.
    [
      'own jitter past the deadline',
      [task('hi', 2, 1, 4, { jitter: 4 })],
      ['hi', null, false, [1]],
    ],
  ])('%s', (_label, tasks, [name, r, met, trace]) => {
    const t = byName({ tasks })[name]!;
    expect([t.responseTime, t.deadlineMet, t.trace]).toEqual([r, met, trace]);
  });

  describe('passive servers reached by Call', () => {
    // Server S at priority 10. H (5): C 2, T 10, calls S for 1. M (3): C 3, T 15, no calls.
    // L (1): C 4, T 20, calls S for 3. B_H = B_M = 3 (L's request runs at 10 above both), B_L = 0.
    const set: TaskSet = {
      servers: [{ name: 'S', priority: 10 }],
      tasks: [
        task('H', 5, 2, 10, { calls: [{ server: 'S', work: 1 }] }),
        task('M', 3, 3, 15),
        task('L', 1, 4, 20, { calls: [{ server: 'S', work: 3 }] }),
      ],
    };
    it.each<[string, number, number, number[]]>([
      // H: 2 + 3 = 5, nothing above.
      ['H', 3, 5, [5]],
      // M: 3 + 3 = 6; 6 + ⌈6/10⌉·2 = 8; 6 + ⌈8/10⌉·2 = 8.
      ['M', 3, 8, [6, 8]],
      // L: 4; 4 + ⌈4/10⌉·2 + ⌈4/15⌉·3 = 9; 4 + 2 + 3 = 9.
      ['L', 0, 9, [4, 9]],
    ])('%s: B = %i, R = %i', (name, b, r, trace) => {
      const t = byName(set)[name]!;
      expect([t.blocking.blocking, t.responseTime, t.deadlineMet, t.trace]).toEqual([
        b,
        r,
        true,
        trace,
      ]);
    });

    it('names the request that blocks', () => {
      expect(byName(set)['M']!.blocking.blockedBy).toEqual({ server: 'S', client: 'L' });
    });
  });

  describe('constant-bandwidth contexts', () => {
    // The set of issue 4: hi (11): 45/100, lo (10): 116/400. As sporadic contexts:
    // lo: 116; 116 + ⌈116/100⌉·45 = 206; 116 + 3·45 = 251; 116 + ⌈251/100⌉·45 = 251.
    const tasks = [task('lo', 10, 116, 400), task('hi', 11, 45, 100)];
    const cbs = (names: string[]) =>
      tasks.map((t) => (names.includes(t.name) ? { ...t, sporadic: false } : t));

    it('a sporadic set is bounded as usual', () => {
      const lo = byName({ tasks })['lo']!;
      expect([lo.responseTime, lo.deadlineMet, lo.unbounded, lo.trace]).toEqual([
        251,
        true,
        null,
        [116, 206, 251],
      ]);
    });

    it('a preemptible constant-bandwidth task gets no bound, and the set is not schedulable', () => {
      const report = analyseSchedulability({ tasks: cbs(['lo']) });
      const lo = report.tasks[0]!;
      // The iteration is still reported: what a sporadic context would give.
      expect([lo.responseTime, lo.deadlineMet, lo.unbounded, lo.trace]).toEqual([
        null,
        false,
        'constant-bandwidth',
        [116, 206, 251],
      ]);
      expect(report.schedulable).toBe(false);
    });

    it('one that nothing can delay keeps its bound, and still interferes by its budget', () => {
      const [lo, hi] = analyseSchedulability({ tasks: cbs(['hi']) }).tasks;
      expect([hi!.responseTime, hi!.unbounded]).toEqual([45, null]);
      expect([lo!.responseTime, lo!.unbounded]).toEqual([251, null]);
    });

    it('blocking by a lower task is a delay too', () => {
      const t = byName({
        servers: [{ name: 'S', priority: 20 }],
        tasks: [
          task('hi', 11, 45, 100, { sporadic: false }),
          task('lo', 10, 116, 400, { calls: [{ server: 'S', work: 5 }] }),
        ],
      })['hi']!;
      expect([t.blocking.blocking, t.responseTime, t.unbounded]).toEqual([
        5,
        null,
        'constant-bandwidth',
      ]);
    });

    it('a deadline miss says so', () => {
      const t = byName({ tasks: [task('hi', 2, 3, 4), task('lo', 1, 3, 6)] })['lo']!;
      expect([t.responseTime, t.unbounded]).toEqual([null, 'past-deadline']);
    });
  });

  it('reports results in input order and an empty set as schedulable', () => {
    const report = analyseSchedulability({ tasks: [task('lo', 1, 1, 10), task('hi', 9, 1, 10)] });
    expect(report.tasks.map((t) => t.name)).toEqual(['lo', 'hi']);
    expect(analyseSchedulability({ tasks: [] })).toEqual({
      schedulable: true,
      utilisation: 0,
      tasks: [],
    });
  });

  it('throws a typed error for bad input', () => {
    expect(() => analyseSchedulability({ tasks: [task('x', 1, 1, 0)] })).toThrow(AnalysisError);
  });
});
