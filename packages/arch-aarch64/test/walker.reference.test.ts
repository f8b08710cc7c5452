// Differential test: the fast walker (32-bit halves, Numbers) against a slow reference walker
// written here from the Arm ARM's description with BigInt bit fields, over random table trees
// (random descriptor kinds, attributes, out-of-range addresses) and random VAs, T0SZ and IPS.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWalkContext, DEFAULT_TCR, SparseMemory, walk, writeU64 } from '../src/index';

const SOAK = process.env.K5_SOAK === '1';

const bits = (v: bigint, hi: number, lo: number) =>
  (v >> BigInt(lo)) & ((1n << BigInt(hi - lo + 1)) - 1n);

type RefResult =
  | {
      ok: true;
      pa: bigint;
      level: number;
      ap: number;
      pxn: boolean;
      uxn: boolean;
      nG: boolean;
      attrIndx: number;
    }
  | { ok: false; kind: string; level: number };

/** The reference: one level at a time, straight from the descriptor layout. */
function referenceWalk(
  read: (pa: bigint) => bigint,
  t0sz: number,
  paBits: number,
  baddr: bigint,
  va: bigint,
): RefResult {
  const inputBits = 64 - t0sz;
  if (va >> BigInt(inputBits) !== 0n) return { ok: false, kind: 'translation', level: 0 };
  if (baddr >> BigInt(paBits) !== 0n) return { ok: false, kind: 'address-size', level: 0 };
  let level = 4 - Math.ceil((inputBits - 12) / 9);
  const startBits = inputBits - 12 - 9 * (3 - level);
  const align = 1n << BigInt(Math.max(startBits + 3, 6));
  let table = baddr - (baddr % align);
  let apTable = 0n;
  let pxnTable = false;
  let uxnTable = false;
  for (;;) {
    const shift = 12 + 9 * (3 - level);
    const index =
      bits(va, shift + 8, shift) &
      ((1n << BigInt(level === 4 - Math.ceil((inputBits - 12) / 9) ? startBits : 9)) - 1n);
    const d = read(table + index * 8n);
    if (bits(d, 0, 0) === 0n) return { ok: false, kind: 'translation', level };
    const isTable = bits(d, 1, 1) === 1n;
    if (isTable && level < 3) {
      const next = bits(d, 47, 12) << 12n;
      if (next >> BigInt(paBits) !== 0n) return { ok: false, kind: 'address-size', level };
      apTable |= bits(d, 62, 61);
      pxnTable ||= bits(d, 59, 59) === 1n;
      uxnTable ||= bits(d, 60, 60) === 1n;
      table = next;
      level++;
      continue;
    }
    if (!isTable && (level === 0 || level === 3)) return { ok: false, kind: 'translation', level };
    const oa = bits(d, 47, shift) << BigInt(shift);
    if (oa >> BigInt(paBits) !== 0n) return { ok: false, kind: 'address-size', level };
    if (bits(d, 10, 10) === 0n) return { ok: false, kind: 'access-flag', level };
    let ap = bits(d, 7, 6);
    if ((apTable & 1n) !== 0n) ap &= 2n; // no EL0 access
    if ((apTable & 2n) !== 0n) ap |= 2n; // read-only
    return {
      ok: true,
      pa: oa + bits(va, shift - 1, 0),
      level,
      ap: Number(ap),
      pxn: bits(d, 53, 53) === 1n || pxnTable,
      uxn: bits(d, 54, 54) === 1n || uxnTable,
      nG: bits(d, 11, 11) === 1n,
      attrIndx: Number(bits(d, 4, 2)),
    };
  }
}

const TABLES = [0x1000, 0x2000, 0x3000, 0x4000, 0x5000];

// A descriptor: invalid, a table pointing at one of the frames (or beyond the PA size), a
// block/page with random attributes and an output address in or beyond range, or random bits.
const descriptor = fc.oneof(
  { weight: 1, arbitrary: fc.constant(0n) },
  {
    weight: 7,
    arbitrary: fc
      .tuple(fc.constantFrom(...TABLES, 2 ** 40, 2 ** 44), fc.integer({ min: 0, max: 31 }))
      .map(([addr, hiBits]) => BigInt(addr) | 3n | (BigInt(hiBits) << 59n)),
  },
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.oneof(
          fc.bigInt({ min: 0n, max: (1n << 20n) - 1n }),
          fc.bigInt({ min: 0n, max: (1n << 36n) - 1n }),
        ),
        fc.integer({ min: 0, max: 0x3ff }),
        fc.integer({ min: 0, max: 0x1ff }),
        fc.boolean(),
      )
      .map(
        ([frame, lowAttrs, highAttrs, typeBit]) =>
          (frame << 12n) |
          (BigInt(lowAttrs) << 2n) |
          (BigInt(highAttrs) << 52n) |
          1n |
          (typeBit ? 2n : 0n),
      ),
  },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }) },
);

describe('walker against the reference', () => {
  it(
    'agrees on every result and attribute',
    () => {
      const seen = new Set<string>();
      fc.assert(
        fc.property(
          // Mostly a few hot slots, so that random tables chain into deep walks.
          fc.array(
            fc.tuple(fc.constantFrom(...TABLES), fc.oneof(fc.nat(3), fc.nat(511)), descriptor),
            {
              minLength: 1,
              maxLength: 60,
            },
          ),
          fc.constantFrom(16, 20, 24, 25, 30, 34, 39),
          fc.constantFrom(2, 4, 5),
          fc.array(fc.bigInt({ min: 0n, max: (1n << 49n) - 1n }), { minLength: 1, maxLength: 20 }),
          fc.constantFrom(0x1000, 0x1000, 0x1008, 0x1_0000_0000_0000),
          fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat(), fc.nat(4095)), {
            maxLength: 60,
          }),
          (entries, t0sz, ips, vasRaw, baddr, picks) => {
            const memory = new SparseMemory();
            const table = new Map<bigint, bigint>();
            // A fixed chain root[0] → 0x2000[0] → 0x3000[0] → 0x4000, so deep walks always exist;
            // the random entries may overwrite any of it.
            const chain: [number, number, bigint][] = [
              [0x1000, 0, 0x2003n],
              [0x2000, 0, 0x3003n],
              [0x3000, 0, 0x4003n],
              [0x4000, 0, 0x8_0000_0403n], // page/table at 0x8_0000_0000 with AF
            ];
            for (const [frame, index, d] of [...chain, ...entries]) {
              writeU64(memory, frame + index * 8, d);
              table.set(BigInt(frame + index * 8), d);
            }
            const paBits = [32, 36, 40, 42, 44, 48][ips]!;
            const ctx = createWalkContext({ ...DEFAULT_TCR, t0sz, ips }, { asid: 1, baddr });
            // Probe the VAs given, plus VAs that hit the written slots from the root.
            const inputBits = 64 - t0sz;
            const vas = [...vasRaw.map((v) => v % (1n << BigInt(inputBits + 1))), 0x10n, 0xfffn];
            // VAs whose index at every level is one that some table has written, so walks go deep.
            const startLevel = 4 - Math.ceil((inputBits - 12) / 9);
            for (const pick of picks) {
              let va = BigInt(pick[4]);
              for (let level = startLevel; level <= 3; level++) {
                const index = entries[pick[level]! % entries.length]![1];
                va += BigInt(index) << BigInt(12 + 9 * (3 - level));
              }
              vas.push(va % (1n << BigInt(inputBits)));
            }
            for (const va of vas) {
              const ref = referenceWalk(
                (pa) => table.get(pa) ?? 0n,
                t0sz,
                paBits,
                BigInt(baddr),
                va,
              );
              const got = walk(memory, ctx, Number(va));
              seen.add(ref.ok ? `ok L${ref.level}` : `${ref.kind} L${ref.level}`);
              if (ref.ok) {
                expect(got.ok).toBe(true);
                if (got.ok) {
                  const e = got.entry;
                  expect({
                    pa: BigInt(e.paBase + (Number(va) - e.vaBase)),
                    level: e.level,
                    ap: e.ap,
                    pxn: e.pxn,
                    uxn: e.uxn,
                    nG: e.nG,
                    attrIndx: e.attrIndx,
                  }).toEqual({ ...ref, ok: undefined, pa: ref.pa });
                }
              } else {
                expect(got).toMatchObject({
                  ok: false,
                  fault: { kind: ref.kind, level: ref.level },
                });
              }
            }
          },
        ),
        { numRuns: SOAK ? 20_000 : 800 },
      );
      // Not vacuous: the random trees reach every outcome the walker can produce.
      for (const outcome of [
        'ok L1',
        'ok L2',
        'ok L3',
        'translation L0',
        'translation L3',
        'address-size L0',
        'address-size L1',
        'address-size L3',
        'access-flag L3',
      ]) {
        expect(seen).toContain(outcome);
      }
    },
    SOAK ? 900_000 : undefined,
  );
});
