// The back-off policy: delays double per consecutive crash up to the cap, a healthy run resets
// the streak, tasks do not share streaks; panic text decodes the kernel's packing.
import { FaultLabel } from '@k5/abi';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { panicText, RestartBackoff } from './supervisor';

describe('RestartBackoff', () => {
  it('doubles per consecutive crash up to maxDelay', () => {
    const b = new RestartBackoff({ initialDelay: 10, maxDelay: 100, resetAfter: 1000 });
    const delays: number[] = [];
    let t = 0;
    for (let i = 0; i < 6; i++) {
      const d = b.delayFor(1, t);
      delays.push(d);
      t += d + 1; // crashes right after each restart
    }
    expect(delays).toEqual([10, 20, 40, 80, 100, 100]);
    expect(b.crashes(1)).toBe(6);
  });

  it('a run of resetAfter ticks starts a new streak; tasks have their own streaks', () => {
    const b = new RestartBackoff({ initialDelay: 5, maxDelay: 1000, resetAfter: 50 });
    expect(b.delayFor(1, 0)).toBe(5);
    expect(b.delayFor(1, 6)).toBe(10);
    expect(b.delayFor(2, 7)).toBe(5);
    // released at 16; faulting at 66 = ran 50 ticks: healthy.
    expect(b.delayFor(1, 66)).toBe(5);
  });

  it('never exceeds maxDelay and never shrinks within a streak (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.double({ min: 1, max: 4, noNaN: true }),
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 30 }),
        (initialDelay, extra, factor, gaps) => {
          const maxDelay = initialDelay + extra;
          const b = new RestartBackoff({ initialDelay, maxDelay, factor, resetAfter: 10_000 });
          let t = 0;
          let last = 0;
          for (const g of gaps) {
            const d = b.delayFor(7, t);
            expect(d).toBeLessThanOrEqual(Math.round(maxDelay));
            expect(d).toBeGreaterThanOrEqual(last);
            last = d;
            t += d + g;
          }
        },
      ),
    );
  });

  it.each([
    [{ initialDelay: -1, maxDelay: 10, resetAfter: 1 }],
    [{ initialDelay: 10, maxDelay: 5, resetAfter: 1 }],
    [{ initialDelay: 1, maxDelay: 5, resetAfter: 1, factor: 0.5 }],
    [{ initialDelay: 1, maxDelay: Number.NaN, resetAfter: 1 }],
  ])('rejects %o', (policy) => {
    expect(() => new RestartBackoff(policy)).toThrow(RangeError);
  });
});

describe('panicText', () => {
  it('decodes the packed message bytes and ignores other faults', () => {
    const bytes = new TextEncoder().encode('sensor lost');
    const words = [0x800, bytes.length];
    for (let w = 0; w * 4 < bytes.length; w++) {
      let v = 0;
      for (let j = 0; j < 4 && w * 4 + j < bytes.length; j++) v |= bytes[w * 4 + j]! << (8 * j);
      words.push(v >>> 0);
    }
    expect(panicText({ label: FaultLabel.Panic, generation: 0, time: 0, words })).toBe(
      'sensor lost',
    );
    expect(panicText({ label: FaultLabel.VmFault, generation: 0, time: 0, words })).toBe('');
  });
});
