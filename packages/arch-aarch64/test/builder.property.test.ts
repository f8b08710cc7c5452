// Property: walking the builder's tables gives exactly the requested mappings and permissions at
// region boundaries, faults everywhere else, uses the largest blocks alignment allows, and
// allocates no table that no leaf needs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AccessKind,
  AccessPermission,
  createWalkContext,
  DEFAULT_TCR,
  FramePool,
  type Mapping,
  PageTableBuilder,
  SparseMemory,
  translate,
  walk,
} from '../src/index';

// K5_SOAK=1 runs the properties much longer (minutes); the default run stays fast.
const SOAK = process.env.K5_SOAK === '1';
const SOAK_TIMEOUT = SOAK ? 900_000 : undefined;

const PAGE = 4096;
const MiB2 = 2 ** 21;
const GiB = 2 ** 30;

// Expected permissions straight from the AP/XN tables of the Arm ARM (not from the code).
function expectedAllowed(m: Mapping, access: AccessKind, el: 0 | 1): boolean {
  if (access === AccessKind.Execute)
    return el === 0 ? !m.uxn : !m.pxn && m.ap !== AccessPermission.ReadWrite;
  if (el === 1) return access === AccessKind.Read || m.ap === 0 || m.ap === 1;
  return access === AccessKind.Read ? m.ap === 1 || m.ap === 3 : m.ap === 1;
}

const regionSpec = fc.record({
  gap: fc.integer({ min: 0, max: 700 }),
  align: fc.constantFrom(PAGE, MiB2, GiB),
  unit: fc.constantFrom(PAGE, MiB2, GiB),
  count: fc.integer({ min: 1, max: 3 }),
  extraPages: fc.integer({ min: 0, max: 2 }),
  paSkew: fc.constantFrom(0, 0, PAGE),
  ap: fc.constantFrom(0, 1, 2, 3),
  uxn: fc.boolean(),
  pxn: fc.boolean(),
  attrIndx: fc.integer({ min: 0, max: 7 }),
  global: fc.boolean(),
});

type RegionSpec = typeof regionSpec extends fc.Arbitrary<infer T> ? T : never;

function layout(specs: RegionSpec[]) {
  const out: Mapping[] = [];
  let va = 0;
  let pa = 0x1_0000_0000;
  for (const s of specs) {
    const size =
      s.count * (s.unit === GiB ? GiB : s.unit === MiB2 ? MiB2 : 5 * PAGE) + s.extraPages * PAGE;
    va = Math.ceil((va + s.gap * PAGE) / s.align) * s.align;
    // PA congruent with VA modulo 1 GiB (so blocks are possible), unless skewed by a page; large
    // regions are never skewed (a skewed GiB would be 262,144 pages: slow, and no new coverage).
    const skew = s.unit === GiB ? 0 : s.paSkew;
    pa = Math.ceil(pa / GiB) * GiB + (va % GiB) + skew;
    out.push({
      va,
      pa,
      size,
      ap: s.ap,
      uxn: s.uxn,
      pxn: s.pxn,
      attrIndx: s.attrIndx,
      global: s.global,
    });
    va += size;
    pa += size;
  }
  return out;
}

describe('page-table builder, walked', () => {
  it(
    'gives exactly the requested mappings',
    () => {
      fc.assert(
        fc.property(fc.array(regionSpec, { minLength: 2, maxLength: 6 }), (specs) => {
          const mappings = layout(specs);
          const memory = new SparseMemory();
          const builder = new PageTableBuilder(memory, new FramePool(0x8000_0000_0000, 4096));
          for (const m of mappings) builder.map(m);
          const ctx = createWalkContext(DEFAULT_TCR, { asid: 5, baddr: builder.root });
          const inside = (va: number) => mappings.some((m) => va >= m.va && va < m.va + m.size);

          const leaves: { va: number; level: number }[] = [];
          for (const m of mappings) {
            for (const off of [
              0,
              1,
              PAGE - 1,
              PAGE,
              Math.floor(m.size / 2),
              m.size - PAGE,
              m.size - 1,
            ]) {
              for (const access of [AccessKind.Read, AccessKind.Write, AccessKind.Execute]) {
                for (const el of [0, 1] as const) {
                  const r = translate(memory, ctx, m.va + off, access, el);
                  const allowed = expectedAllowed(m, access, el);
                  expect(r.ok).toBe(allowed);
                  if (r.ok) {
                    expect(r.pa).toBe(m.pa + off);
                    expect(r.entry.attrIndx).toBe(m.attrIndx);
                    expect(r.entry.nG).toBe(!m.global);
                  } else {
                    expect(r.fault.kind).toBe('permission');
                  }
                }
              }
            }
            for (const outside of [m.va - 1, m.va + m.size]) {
              if (outside >= 0 && !inside(outside)) {
                expect(walk(memory, ctx, outside)).toMatchObject({
                  ok: false,
                  fault: { kind: 'translation' },
                });
              }
            }
            // Largest blocks: every 1 GiB / 2 MiB chunk with VA and PA aligned is one block.
            for (const size of [GiB, MiB2]) {
              const first = Math.ceil(m.va / size) * size;
              for (let va = first; va + size <= m.va + m.size; va += size) {
                if ((m.pa + (va - m.va)) % size === 0) {
                  const r = walk(memory, ctx, va);
                  expect(r.ok && r.entry.size >= size).toBe(true);
                }
              }
            }
            // Collect the leaves for the table count.
            for (let va = m.va; va < m.va + m.size; ) {
              const r = walk(memory, ctx, va);
              if (!r.ok) throw new Error('hole inside a mapping');
              leaves.push({ va, level: r.entry.level });
              va = r.entry.vaBase + r.entry.size;
            }
          }
          // Fewest tables: the root plus one table per distinct parent slot some leaf needs.
          const need = [new Set<number>(), new Set<number>(), new Set<number>()];
          for (const l of leaves) {
            if (l.level >= 1) need[0]!.add(Math.floor(l.va / 2 ** 39));
            if (l.level >= 2) need[1]!.add(Math.floor(l.va / GiB));
            if (l.level >= 3) need[2]!.add(Math.floor(l.va / MiB2));
          }
          expect(builder.tables).toBe(1 + need[0]!.size + need[1]!.size + need[2]!.size);
        }),
        { numRuns: SOAK ? 3000 : 150 },
      );
    },
    SOAK_TIMEOUT,
  );

  it(
    'after random unmaps, unmapped pages fault and the rest still translate',
    () => {
      fc.assert(
        fc.property(
          fc.array(regionSpec, { minLength: 1, maxLength: 4 }),
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 600 })), { maxLength: 4 }),
          (specs, cuts) => {
            const mappings = layout(specs);
            const memory = new SparseMemory();
            const builder = new PageTableBuilder(memory, new FramePool(0x8000_0000_0000, 4096));
            for (const m of mappings) builder.map(m);
            const end = mappings.at(-1)!.va + mappings.at(-1)!.size;
            const holes: [number, number][] = [];
            for (const [start, pages] of cuts) {
              const va = (start % (end / PAGE)) * PAGE;
              const size = Math.min(pages * PAGE, end - va);
              builder.unmap(va, size, { tlbi: () => {} });
              holes.push([va, va + size]);
            }
            const ctx = createWalkContext(DEFAULT_TCR, { asid: 5, baddr: builder.root });
            const probes = new Set<number>();
            for (const [a, b] of holes) for (const p of [a - PAGE, a, b - PAGE, b]) probes.add(p);
            for (const m of mappings) for (const p of [m.va, m.va + m.size - PAGE]) probes.add(p);
            for (const p of probes) {
              if (p < 0) continue;
              const m = mappings.find((x) => p >= x.va && p < x.va + x.size);
              const holed = holes.some(([a, b]) => p >= a && p < b);
              const r = walk(memory, ctx, p);
              if (m === undefined || holed) expect(r.ok).toBe(false);
              else expect(r).toMatchObject({ ok: true, entry: { paBase: expect.any(Number) } });
              if (r.ok && m) expect(r.entry.paBase + (p - r.entry.vaBase)).toBe(m.pa + (p - m.va));
            }
            // Emptied tables were freed: what is left is still the fewest tables for the leaves.
            // Walk the whole span, skipping an invalid slot's full size at the level it faults.
            const sizes = [2 ** 39, GiB, MiB2, PAGE];
            const need = [new Set<number>(), new Set<number>(), new Set<number>()];
            for (let va = 0; va < end; ) {
              const r = walk(memory, ctx, va);
              if (!r.ok) {
                const size = sizes[r.fault.level]!;
                va = va - (va % size) + size;
                continue;
              }
              const l = r.entry.level;
              if (l >= 1) need[0]!.add(Math.floor(va / 2 ** 39));
              if (l >= 2) need[1]!.add(Math.floor(va / GiB));
              if (l >= 3) need[2]!.add(Math.floor(va / MiB2));
              va = r.entry.vaBase + r.entry.size;
            }
            expect(builder.tables).toBe(1 + need[0]!.size + need[1]!.size + need[2]!.size);
          },
        ),
        { numRuns: SOAK ? 2000 : 100 },
      );
    },
    SOAK_TIMEOUT,
  );
});
