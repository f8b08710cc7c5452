// Restart back-off in simulated time: a task that crashes right after every restart is
// restarted with exponentially growing delays, and a lower-priority task keeps making progress;
// without back-off the same crash loop starves it completely.
import { Rights } from '@k5/abi';
import { RestartBackoff, restartWithBackoff, tcbSetSupervisor } from '@k5/userspace';
import { describe, expect, it } from 'vitest';
import { Cap } from '../src/cspace/cap';
import { placeCap } from '../src/cspace/cdt';
import { C, makeFixture } from './fixture';

const WORKER = C.free;
const EVENTS = C.free + 1;

/** Runs a crash-looping worker, its supervisor and a low-priority task for `horizon` ticks. */
function crashLoop(initialDelay: number, maxDelay: number, horizon: number) {
  const backoff = new RestartBackoff({ initialDelay, maxDelay, resetAfter: 10_000 });
  const delays: number[] = [];
  const faultTimes: number[] = [];
  let lowProgress = 0;
  const f = makeFixture([
    {
      name: 'supervisor',
      priority: 200,
      *body(s) {
        expect(yield* tcbSetSupervisor(s, WORKER, EVENTS)).toBe(0);
        for (;;) {
          yield* s.wait(C.ntfn(0));
          const r = yield* restartWithBackoff(s, WORKER, 1, backoff);
          delays.push(r!.delay);
          faultTimes.push(r!.report.time);
        }
      },
    },
    {
      name: 'crasher',
      priority: 150,
      *body(s) {
        yield* s.work(10);
        yield* s.panic('crash');
      },
    },
    {
      name: 'low',
      priority: 50,
      *body(s) {
        for (;;) {
          yield* s.work(1);
          lowProgress++;
        }
      },
    },
  ]);
  placeCap(f.cnodes[0]!.slots[WORKER]!, new Cap(f.threads[1]!.type, f.threads[1]!, Rights.All));
  const n = f.notifications[0]!;
  placeCap(f.cnodes[0]!.slots[EVENTS]!, new Cap(n.type, n, Rights.All, 1));
  const k = f.kernel.state;
  while (k.now < horizon) f.executor.run({ maxSteps: 1, checkInvariants: true });
  return { delays, faultTimes, lowProgress };
}

describe('restart back-off', () => {
  it('delays double per crash up to the cap', () => {
    const { delays, faultTimes } = crashLoop(10, 160, 2000);
    expect(delays.slice(0, 7)).toEqual([10, 20, 40, 80, 160, 160, 160]);
    // Each incarnation runs its 10 ticks after the previous delay.
    for (let i = 1; i < faultTimes.length; i++)
      expect(faultTimes[i]! - faultTimes[i - 1]!).toBe(delays[i - 1]! + 10);
  });

  it('a crash loop with back-off leaves the lower-priority task most of the CPU', () => {
    const { delays, lowProgress } = crashLoop(10, 160, 2000);
    const crasherTime = 10 * (delays.length + 1);
    expect(lowProgress).toBeGreaterThanOrEqual(2000 - crasherTime - 10);
    expect(lowProgress).toBeGreaterThan(1700);
  });

  it('without back-off the same crash loop starves the lower-priority task', () => {
    const { delays, lowProgress } = crashLoop(0, 0, 2000);
    expect(delays.every((d) => d === 0)).toBe(true);
    expect(lowProgress).toBe(0);
  });
});
