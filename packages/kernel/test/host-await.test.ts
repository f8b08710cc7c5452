// Host tasks awaiting host promises (ctx.await): run() stops with reason 'await' and resumes
// nothing until runAsync settles the promise; a value comes back, a rejection is thrown into the
// task where it can be caught, and an uncaught one is the task's fault. Simulated time does not
// move while waiting.

import type { BootInfo, HostTask } from '@k5/abi';
import { describe, expect, it } from 'vitest';
import { bootSystem } from '../src/boot';

function system(body: HostTask) {
  return bootSystem({ root: (_boot: BootInfo) => body });
}

describe('ctx.await', () => {
  it('returns the settled value under runAsync, with no simulated time passing', async () => {
    const got: unknown[] = [];
    const times: number[] = [];
    const s = system(function* (ctx) {
      times.push(s.kernel.now);
      got.push(yield* ctx.await(Promise.resolve(41).then((x) => x + 1)));
      times.push(s.kernel.now);
      got.push(yield* ctx.await(new Promise((r) => setTimeout(() => r('late'), 5))));
    });
    const result = await s.executor.runAsync({ checkInvariants: true });
    expect(result.reason).toBe('idle');
    expect(got).toEqual([42, 'late']);
    expect(times[1]).toBe(times[0]);
  });

  it('stops a synchronous run with reason await and resumes nothing until settled', async () => {
    let after = 0;
    const s = system(function* (ctx) {
      yield* ctx.await(Promise.resolve());
      after++;
    });
    expect(s.run().reason).toBe('await');
    expect(s.run().reason).toBe('await');
    expect(after).toBe(0);
    await s.executor.runAsync();
    expect(after).toBe(1);
  });

  it('throws a rejection into the task, and an uncaught one faults it', async () => {
    const caught: string[] = [];
    const s = system(function* (ctx) {
      try {
        yield* ctx.await(Promise.reject(new Error('engine busy')));
      } catch (e) {
        caught.push((e as Error).message);
      }
      yield* ctx.await(Promise.reject(new Error('fatal')));
      caught.push('not reached');
    });
    await s.executor.runAsync({ checkInvariants: true });
    expect(caught).toEqual(['engine busy']);
    expect(s.rootThread.lastFaultLabel).not.toBe(0);
  });
});
