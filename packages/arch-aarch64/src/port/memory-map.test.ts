import { AccessKind } from '@k5/kernel';
import { describe, expect, it } from 'vitest';
import { grantsAllow, planMemoryMap, touchesRefined } from './memory-map';

const R = AccessKind.Read;
const W = AccessKind.Write;
const X = AccessKind.Execute;

describe('planMemoryMap', () => {
  it('maps a page-sized grant exactly, with nothing refined', () => {
    expect(planMemoryMap([{ base: 0x2000_1000, size: 0x1000, access: R | W }])).toEqual({
      mappings: [{ va: 0x2000_1000, size: 0x1000, access: R | W }],
      refined: [],
    });
  });

  it('merges neighbours with equal rights so the builder can use blocks', () => {
    // Two 1 MiB grants side by side make one 2 MiB mapping (a level-2 block when aligned).
    const plan = planMemoryMap([
      { base: 0x2010_0000, size: 0x10_0000, access: R | X },
      { base: 0x2000_0000, size: 0x10_0000, access: R | X },
    ]);
    expect(plan.mappings).toEqual([{ va: 0x2000_0000, size: 0x20_0000, access: R | X }]);
  });

  it('rounds a sub-page grant out to its page and marks the page refined', () => {
    // 1 KiB at 0x2000_0400 lies in the page 0x2000_0000-0x2000_0fff.
    const plan = planMemoryMap([{ base: 0x2000_0400, size: 0x400, access: R | W }]);
    expect(plan.mappings).toEqual([{ va: 0x2000_0000, size: 0x1000, access: R | W }]);
    expect(plan.refined).toEqual([{ start: 0x2000_0000, end: 0x2000_1000 }]);
  });

  it('gives a page shared by two grants the union of their rights', () => {
    const plan = planMemoryMap([
      { base: 0x2000_0000, size: 0x400, access: R | X },
      { base: 0x2000_0800, size: 0x400, access: W },
    ]);
    expect(plan.mappings).toEqual([{ va: 0x2000_0000, size: 0x1000, access: R | W | X }]);
    expect(plan.refined).toEqual([{ start: 0x2000_0000, end: 0x2000_1000 }]);
  });

  it('refines a write-only grant (AArch64 has no write-only encoding)', () => {
    const plan = planMemoryMap([{ base: 0x2000_2000, size: 0x2000, access: W }]);
    expect(plan.mappings).toEqual([{ va: 0x2000_2000, size: 0x2000, access: W }]);
    expect(plan.refined).toEqual([{ start: 0x2000_2000, end: 0x2000_4000 }]);
  });

  it('ignores grants without rights or bytes', () => {
    expect(
      planMemoryMap([
        { base: 0x2000_0000, size: 0x1000, access: 0 },
        { base: 0x2000_1000, size: 0, access: R },
      ]),
    ).toEqual({ mappings: [], refined: [] });
  });
});

describe('the exact check of refined pages', () => {
  const grants = [{ base: 0x2000_0400, size: 0x400, access: R | W }];

  it('allows only accesses inside one grant with the right', () => {
    expect(grantsAllow(grants, 0x2000_0400, 4, R)).toBe(true);
    expect(grantsAllow(grants, 0x2000_07fc, 4, W)).toBe(true);
    expect(grantsAllow(grants, 0x2000_07fe, 4, R)).toBe(false); // crosses the end
    expect(grantsAllow(grants, 0x2000_03fc, 4, R)).toBe(false); // just below
    expect(grantsAllow(grants, 0x2000_0400, 4, X)).toBe(false);
  });

  it('finds refined ranges an access touches', () => {
    const refined = [{ start: 0x2000_0000, end: 0x2000_1000 }];
    expect(touchesRefined(refined, 0x2000_0ffc, 8)).toBe(true);
    expect(touchesRefined(refined, 0x2000_1000, 4)).toBe(false);
    expect(touchesRefined(refined, 0x1fff_fffc, 4)).toBe(false);
  });
});
