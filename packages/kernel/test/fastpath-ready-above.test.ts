// The fastpath's "is a ready thread more urgent than p" check (readyAbove) and the scheduler's
// highestReadyPriority (both on the two-level ready bitmap) agree with the plain maximum of the
// non-empty ready queues, for every priority and any set of them, including none and all.
import { NUM_PRIORITIES } from '@k5/abi';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readyAbove } from '../src/ipc/fastpath';
import { createKernel } from '../src/kernel';
import { highestReadyPriority } from '../src/sched/scheduler';

describe('readyAbove', () => {
  const k = createKernel().state;

  function setReady(priorities: readonly number[]): number {
    k.readyBitmap.fill(0);
    k.readyWords = 0;
    for (const p of priorities) {
      k.readyBitmap[p >>> 5]! |= 1 << (p & 31);
      k.readyWords |= 1 << (p >>> 5);
    }
    return priorities.length === 0 ? -1 : Math.max(...priorities);
  }

  it('is highestReadyPriority() > p for random ready sets', () => {
    const priority = fc.integer({ min: 0, max: NUM_PRIORITIES - 1 });
    fc.assert(
      fc.property(fc.array(priority, { maxLength: 6 }), priority, (ready, p) => {
        const top = setReady(ready);
        expect(highestReadyPriority(k)).toBe(top);
        expect(readyAbove(k, p)).toBe(top > p);
      }),
      { numRuns: 3000 },
    );
  });

  it('checks every priority against one ready thread at each word boundary', () => {
    for (const ready of [[], [0], [31], [32], [127], [128], [224], [255], [0, 255]]) {
      const top = setReady(ready);
      expect(highestReadyPriority(k)).toBe(top);
      for (let p = 0; p < NUM_PRIORITIES; p++) expect(readyAbove(k, p)).toBe(top > p);
    }
  });
});
