import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyOneShot,
  planOneShot,
  SYST_CALIB,
  SYST_CSR,
  SYST_CSR_COUNTFLAG,
  SYST_CVR,
  SYST_RVR,
  SysTick,
} from './systick';

function running(reload: number): SysTick {
  const t = new SysTick();
  t.write(SYST_RVR, reload);
  t.write(SYST_CVR, 0);
  t.write(SYST_CSR, 0b111);
  return t;
}

describe('SysTick', () => {
  it('reloads on the tick after zero and wraps every RVR + 1 ticks', () => {
    const t = running(99);
    expect(t.advance(1)).toBe(0); // 0 -> reload to 99, no COUNTFLAG
    expect(t.read(SYST_CVR)).toBe(99);
    expect(t.advance(98)).toBe(0);
    expect(t.read(SYST_CVR)).toBe(1);
    expect(t.advance(1)).toBe(1); // 1 -> 0 sets COUNTFLAG
    expect(t.read(SYST_CSR) & SYST_CSR_COUNTFLAG).toBe(SYST_CSR_COUNTFLAG);
    expect(t.read(SYST_CSR) & SYST_CSR_COUNTFLAG).toBe(0); // cleared by the read
    expect(t.advance(500)).toBe(5);
  });

  it('keeps 24 bits of RVR, clears CVR and COUNTFLAG on any CVR write, and CALIB is read-only', () => {
    const t = running(0xffffffff);
    expect(t.read(SYST_RVR)).toBe(0xffffff);
    t.advance(2);
    t.write(SYST_CVR, 0x1234);
    expect(t.read(SYST_CVR)).toBe(0);
    expect(t.read(SYST_CALIB)).toBe(0x80000000);
    expect(() => t.write(SYST_CALIB, 0)).toThrow(/read-only/);
  });

  it('with RVR 0 the counter stops at zero', () => {
    const t = running(0);
    expect(t.advance(1000)).toBe(0);
    expect(t.cyclesUntilZero()).toBeUndefined();
  });

  it('advance(n) agrees with n single ticks (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 6 }),
        (reload, steps) => {
          const fast = running(reload);
          const slow = running(reload);
          for (const n of steps) {
            let slowWraps = 0;
            for (let i = 0; i < n; i++) slowWraps += slow.advance(1);
            expect(fast.advance(n)).toBe(slowWraps);
            expect(fast.current).toBe(slow.current);
          }
        },
      ),
    );
  });

  it('a one-shot plan fires exactly after the delay', () => {
    const plan = planOneShot(1000);
    expect(plan).toEqual({ kind: 'program', reload: 999, firesAfter: 1000, rearm: false });
    const t = new SysTick();
    applyOneShot(t, plan);
    expect(t.advance(999)).toBe(0);
    expect(t.advance(1)).toBe(1);
    expect(planOneShot(2 ** 24 + 5)).toEqual({
      kind: 'program',
      reload: 0xffffff,
      firesAfter: 2 ** 24,
      rearm: true,
    });
    expect(planOneShot(1)).toEqual({ kind: 'pend-now' });
  });
});
