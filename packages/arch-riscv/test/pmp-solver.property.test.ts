// Property: for random task region sets, the solver's entries, written into a register file
// that already holds a locked kernel entry and read back through the checker, grant exactly
// the requested permissions at every region's boundary bytes and nothing outside; the entry
// count equals an exhaustive search's minimum; or the solver reports a fit error exactly when
// that minimum exceeds the free entries.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RiscvError } from '../src/errors';
import { PmpAccess, PmpChecker } from '../src/pmp/checker';
import { PMP_L, PMP_R, PMP_W, PMP_X, PmpRegisters } from '../src/pmp/registers';
import { applyPmpLayout, type PmpRegion, solvePmp, solvePmpFor } from '../src/pmp/solver';
import { PrivilegeMode } from '../src/trap';

const KERNEL_END = 0x1000;

interface Shape {
  gapKind: number;
  gap: number;
  sizeKind: number;
  size: number;
  perms: number;
}

const shape = fc.record({
  gapKind: fc.integer({ min: 0, max: 2 }),
  gap: fc.integer({ min: 1, max: 16 }),
  sizeKind: fc.integer({ min: 0, max: 2 }),
  size: fc.integer({ min: 1, max: 70 }),
  perms: fc.constantFrom(PMP_R, PMP_R | PMP_W, PMP_R | PMP_X, PMP_R | PMP_W | PMP_X, PMP_X),
});

function build(shapes: Shape[], granule: number): PmpRegion[] {
  let cursor = KERNEL_END;
  const out: PmpRegion[] = [];
  for (const s of shapes) {
    if (s.gapKind === 1) cursor += s.gap * granule;
    let size: number;
    if (s.sizeKind === 0) {
      // naturally aligned power of two
      size = Math.max(granule, 2 ** (3 + (s.size % 6)));
      cursor = Math.ceil(cursor / size) * size;
    } else if (s.sizeKind === 1) size = granule;
    else size = s.size * granule;
    out.push({
      base: cursor,
      size,
      read: (s.perms & PMP_R) !== 0,
      write: (s.perms & PMP_W) !== 0,
      execute: (s.perms & PMP_X) !== 0,
    });
    cursor += size;
  }
  return out;
}

const permsOf = (r: PmpRegion) =>
  (r.read ? PMP_R : 0) | (r.write ? PMP_W : 0) | (r.execute ? PMP_X : 0);

/** Exhaustive minimum entry count over every encoding choice, regions in address order. */
function bruteForceMinimum(regions: PmpRegion[], granule: number, firstBottom: number): number {
  const sorted = [...regions].sort((a, b) => a.base - b.base);
  const merged: Array<{ base: number; end: number; perms: number }> = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && last.end === r.base && last.perms === permsOf(r)) last.end += r.size;
    else merged.push({ base: r.base, end: r.base + r.size, perms: permsOf(r) });
  }
  let best = Infinity;
  const walk = (i: number, bottom: number, cost: number) => {
    if (cost >= best) return;
    if (i === merged.length) {
      best = cost;
      return;
    }
    const r = merged[i]!;
    const size = r.end - r.base;
    const pow2 = size >= 8 && size >= granule && (size & (size - 1)) === 0 && r.base % size === 0;
    if (pow2 || (granule === 4 && size === 4)) walk(i + 1, -1, cost + 1);
    walk(i + 1, r.end, cost + (bottom === r.base ? 1 : 2));
  };
  walk(0, firstBottom, 0);
  return merged.length === 0 ? 0 : best;
}

describe('PMP solver through the checker', () => {
  it('grants exactly the requested permissions, with the minimum entry count, or reports no fit', () => {
    fc.assert(
      fc.property(
        fc.array(shape, { maxLength: 9 }),
        fc.boolean(),
        fc.constantFrom(0, 1),
        fc.constantFrom(16, 64),
        (shapes, withKernel, g, entries) => {
          const granule = 4 << g;
          const regions = build(shapes, granule);
          const pmp = new PmpRegisters({ entries: entries as 16 | 64, granularity: g });
          if (withKernel) {
            // A locked, permission-less TOR entry over [0, KERNEL_END): kernel-only memory.
            pmp.writeAddr(0, KERNEL_END / 4);
            pmp.writeEntryConfig(0, (1 << 3) | PMP_L);
          }
          const free = entries - (withKernel ? 1 : 0);
          const minimum = bruteForceMinimum(regions, granule, withKernel ? KERNEL_END : 0);
          let layout: ReturnType<typeof solvePmp>;
          try {
            layout = solvePmpFor(pmp, regions);
          } catch (e) {
            expect(e).toBeInstanceOf(RiscvError);
            expect((e as RiscvError).code).toBe('pmp-does-not-fit');
            expect(minimum).toBeGreaterThan(free);
            return;
          }
          expect(layout.used).toBe(minimum);
          applyPmpLayout(pmp, layout);
          const check = new PmpChecker(pmp);
          const expected = (address: number, access: number): boolean => {
            for (const r of regions) {
              if (address >= r.base && address < r.base + r.size)
                return (permsOf(r) & access) !== 0;
            }
            return false;
          };
          const probes = new Set<number>();
          for (const r of regions) {
            for (const p of [r.base - 1, r.base, r.base + 1, r.base + r.size - 1, r.base + r.size])
              probes.add(p);
          }
          probes.add(KERNEL_END - 1);
          probes.add(0);
          for (const address of probes) {
            for (const access of [PmpAccess.Read, PmpAccess.Write, PmpAccess.Execute]) {
              const got = check.allows(address, 1, access, PrivilegeMode.User);
              expect(got, `0x${address.toString(16)} access ${access}`).toBe(
                expected(address, access),
              );
            }
          }
          // The kernel entry is untouched.
          if (withKernel) expect(pmp.entryConfig(0)).toBe((1 << 3) | PMP_L);
        },
      ),
      { numRuns: process.env.K5_SOAK ? 20_000 : 400 },
    );
  });

  it('regions that do not fit in 16 entries fit in 64', () => {
    const regions = Array.from({ length: 20 }, (_, i) => ({
      base: 0x1000 + i * 0x20,
      size: 0x10,
      read: true,
      write: i % 2 === 0,
    }));
    expect(() => solvePmp(regions)).toThrow(RiscvError);
    expect(solvePmp(regions, { entryCount: 64 }).used).toBe(20);
  });
});
