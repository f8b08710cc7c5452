// MCS scheduling scenarios modelled on the seL4 test suite's scheduler tests (own scenarios, all
// in simulated time): periodic budgets run in proportion, round-robin threads share a priority
// one slice each per round, a yielding thread waits for its next refill, and the timer is only
// armed when something is due.

import { describe, expect, it } from 'vitest';
import type { Sys } from '@k5/userspace';
import type { GenericPort } from '../../src/arch/generic-port';
import { makeFixture, type ThreadSpec } from '../fixture';
import { configure, runUntil, slices, usedBy } from './harness';

/** A thread that only computes, in chunks far longer than any budget. */
const spinner = (name: string, priority = 100): ThreadSpec => ({
  name,
  priority,
  *body(sys: Sys) {
    for (;;) yield* sys.work(1_000_000);
  },
});

describe('periodic scheduling contexts', () => {
  // Ticks are microseconds: 20 ms of budget every 25, 50 or 100 ms.
  it.each([25_000, 50_000, 100_000])(
    'a 20 ms budget over %i µs gets exactly its share against a background spinner',
    (period) => {
      const f = makeFixture([spinner('periodic', 200), spinner('background', 10)]);
      const sc = configure(f, 0, { budget: 20_000, period });
      const horizon = 1_000_000;
      runUntil(f, horizon);
      const periods = horizon / period;
      expect(usedBy(f, sc)).toBe(20_000 * periods);
      expect(usedBy(f, f.threads[1]!.sc!)).toBe(horizon - 20_000 * periods);
    },
  );

  it('three periodic contexts of equal priority run in proportion to budget / period', () => {
    const f = makeFixture([spinner('p25'), spinner('p50'), spinner('p100'), spinner('bg', 1)]);
    const scs = [25_000, 50_000, 100_000].map((period, i) =>
      configure(f, i, { budget: 5_000, period }),
    );
    runUntil(f, 1_000_000);
    const used = scs.map((sc) => usedBy(f, sc));
    expect(used).toEqual([200_000, 100_000, 50_000]);
  });

  it('a sporadic context never exceeds its budget in any window of one period', () => {
    // The thread blocks and wakes at odd times; its runs are checked against sliding windows.
    const f = makeFixture(
      [
        {
          name: 'bursty',
          priority: 200,
          *body(sys: Sys) {
            for (let i = 0; ; i++) {
              yield* sys.work(700 + ((i * 379) % 1300));
              yield* sys.nbWait(5);
              yield* sys.work(50);
              yield* sys.yield();
            }
          },
        },
        spinner('bg', 1),
      ],
      { trace: true },
    );
    configure(f, 0, { budget: 2_000, period: 10_000, extraRefills: 6, sporadic: true });
    runUntil(f, 300_000);
    const id = f.threads[0]!.id;
    const runs = slices(f, f.kernel.now).filter(([t]) => t === id);
    for (const [, start] of runs) {
      const end = start + 10_000;
      const inWindow = runs.reduce(
        (s, [, a, b]) => s + Math.max(0, Math.min(b, end) - Math.max(a, start)),
        0,
      );
      expect(inWindow).toBeLessThanOrEqual(2_000);
    }
  });
});

describe('round robin', () => {
  it('four equal-priority threads each get exactly one slice per round', () => {
    const f = makeFixture([spinner('a'), spinner('b'), spinner('c'), spinner('d')], {
      trace: true,
    });
    for (let i = 0; i < 4; i++) configure(f, i, { budget: 1_000, period: 1_000 });
    runUntil(f, 40_000);
    const ids = f.threads.map((t) => t.id);
    const runs = slices(f, 40_000);
    expect(runs).toHaveLength(40);
    runs.forEach(([thread, start, end], n) => {
      expect(thread).toBe(ids[n % 4]);
      expect(start).toBe(n * 1_000);
      expect(end).toBe((n + 1) * 1_000);
    });
  });

  it('a preempted thread keeps its place at the head of its queue', () => {
    // a and b share priority 100; h (priority 200) gets 100 ticks every 1.5 slices and preempts
    // whoever runs. The preempted thread resumes with the rest of its slice before the other one.
    const f = makeFixture([spinner('a'), spinner('b'), spinner('h', 200)], { trace: true });
    // Configuring re-queues a thread at the head of its priority (seL4), so configure b first.
    configure(f, 1, { budget: 1_000, period: 1_000 });
    configure(f, 0, { budget: 1_000, period: 1_000 });
    configure(f, 2, { budget: 100, period: 1_500 });
    runUntil(f, 6_000);
    const [a, b, h] = f.threads.map((t) => t.id);
    const order = slices(f, 6_000);
    // h runs [0,100); a takes a whole slice [100,1100); b runs from 1100 until h's refill at
    // 1500 preempts it; b then finishes the rest of its slice before a runs again.
    expect(order.slice(0, 5)).toEqual([
      [h, 0, 100],
      [a, 100, 1_100],
      [b, 1_100, 1_500],
      [h, 1_500, 1_600],
      [b, 1_600, 2_200],
    ]);
  });
});

describe('yield', () => {
  it('a yielding thread never runs again before its next refill', () => {
    const resumed: number[] = [];
    let kernelNow = () => 0;
    const f = makeFixture(
      [
        {
          name: 'yielder',
          priority: 200,
          *body(sys: Sys) {
            for (;;) {
              resumed.push(kernelNow());
              yield* sys.work(300);
              yield* sys.yield();
            }
          },
        },
        spinner('bg', 1),
      ],
      { trace: true },
    );
    kernelNow = () => f.kernel.now;
    const sc = configure(f, 0, { budget: 1_000, period: 10_000, sporadic: true });
    runUntil(f, 100_000);
    expect(resumed.length).toBeGreaterThan(5);
    for (let i = 1; i < resumed.length; i++)
      expect(resumed[i]! - resumed[i - 1]!).toBeGreaterThanOrEqual(10_000);
    // Consumed counts only what ran, not the budget given up.
    expect(usedBy(f, sc)).toBe(300 * resumed.length);
    // The trace names each of those ends a yield, not an expiry.
    const ends = f.trace.ofKind('budget').filter((e) => e.sc === sc.id);
    expect(ends.filter((e) => e.event === 'yielded').length).toBeGreaterThanOrEqual(
      resumed.length - 1,
    );
    expect(ends.some((e) => e.event === 'expired')).toBe(false);
  });

  it('round-robin yield goes to the tail with a fresh slice', () => {
    const log: string[] = [];
    const task = (name: string): ThreadSpec => ({
      name,
      *body(sys: Sys) {
        for (let i = 0; i < 3; i++) {
          log.push(name);
          yield* sys.work(10);
          yield* sys.yield();
        }
      },
    });
    const f = makeFixture([task('a'), task('b')]);
    configure(f, 0, { budget: 1_000, period: 1_000 });
    configure(f, 1, { budget: 1_000, period: 1_000 });
    runUntil(f, 10_000);
    expect(log).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
  });
});

describe('tickless timer', () => {
  it('arms no timer when nothing is due and the budget expiry when a thread runs', () => {
    const f = makeFixture([
      {
        name: 'waiter',
        *body(sys: Sys) {
          yield* sys.work(100);
          yield* sys.wait(5);
        },
      },
    ]);
    const port = f.kernel.port as GenericPort;
    configure(f, 0, { budget: 1_000, period: 5_000 });
    expect(port.timerDeadline).toBe(1_000);
    runUntil(f, 1_000_000);
    expect(f.threads[0]!.state).toBe(6); // BlockedOnNotification
    expect(port.timerDeadline).toBeNull();
    expect(f.kernel.deadline).toBeNull();
  });

  it('an unconfigured (unlimited) context arms nothing', () => {
    const f = makeFixture([spinner('free')]);
    runUntil(f, 10);
    expect(f.kernel.now).toBe(1_000_000);
    expect(f.kernel.deadline).toBeNull();
  });

  it('a postponed thread arms the timer for its release', () => {
    const f = makeFixture([spinner('free', 1), spinner('limited', 200)]);
    configure(f, 1, { budget: 100, period: 1_000 });
    // 'limited' runs from 0: its budget ends at 100.
    expect(f.kernel.current?.name).toBe('limited');
    expect(f.kernel.deadline).toBe(100);
    runUntil(f, 100);
    expect(f.kernel.now).toBe(100);
    expect(f.kernel.current?.name).toBe('free');
    expect(f.threads[1]!.inReleaseQueue).toBe(true);
    expect(f.kernel.deadline).toBe(1_000);
  });

  it('tells the port which context runs after every entry', () => {
    const f = makeFixture([spinner('a'), spinner('b')]);
    const port = f.kernel.port as GenericPort;
    configure(f, 0, { budget: 50, period: 50 });
    configure(f, 1, { budget: 50, period: 50 });
    for (let i = 0; i < 10; i++) {
      runUntil(f, (i + 1) * 50);
      expect(port.running).toBe(f.kernel.current?.context ?? null);
    }
  });
});
