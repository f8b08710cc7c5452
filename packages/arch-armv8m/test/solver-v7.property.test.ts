// Property: the PMSAv7 solver's registers, read back through the PMSAv7 checker, grant exactly the
// requested permissions at every boundary address when the solution says it is exact, and when it
// is not, grant nothing beyond the request and nothing at all in the reported ungranted ranges.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyPmsav7Solution,
  type MemoryAccess,
  MPU_CTRL,
  Pmsav7Mpu,
  type RegionRequest,
  requestedAt,
  solvePmsav7,
} from '../src/index';

const PERMS = [
  { read: true, write: false, execute: false },
  { read: true, write: true, execute: false },
  { read: true, write: false, execute: true },
] as const;

const layout = fc.record({
  start: fc.integer({ min: 0, max: 0x800 }),
  unit: fc.constantFrom(32, 32, 32, 16),
  pieces: fc.array(
    fc.record({
      gap: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 6 })),
      units: fc.integer({ min: 1, max: 80 }),
      perm: fc.integer({ min: 0, max: 2 }),
    }),
    { maxLength: 8 },
  ),
});

type Layout = typeof layout extends fc.Arbitrary<infer T> ? T : never;

function build(l: Layout): RegionRequest[] {
  const out: RegionRequest[] = [];
  let at = 0x20000000 + l.start * 32;
  for (const p of l.pieces) {
    at += p.gap * l.unit;
    out.push({ base: at, size: p.units * l.unit, ...PERMS[p.perm]! });
    at += p.units * l.unit;
  }
  return out;
}

const ACCESSES: MemoryAccess[] = ['read', 'write', 'execute'];

describe('PMSAv7 solver property', () => {
  it('is exact when it says so, and never grants more than asked', () => {
    fc.assert(
      fc.property(
        layout,
        fc.constantFrom(8, 16),
        fc.constantFrom('armv7m', 'armv6m') as fc.Arbitrary<'armv7m' | 'armv6m'>,
        (l, n, profile) => {
          const requests = build(l);
          const s = solvePmsav7(requests, { regionCount: n, profile });
          const mpu = new Pmsav7Mpu({ regions: n, profile });
          applyPmsav7Solution(mpu, s);
          mpu.write(MPU_CTRL, 0b101);
          if (s.exact) expect(s.used).toBeLessThanOrEqual(n);
          const probes = new Set<number>();
          for (const r of requests) {
            for (const a of [
              r.base - 1,
              r.base,
              r.base + (r.size >> 1),
              r.base + r.size - 1,
              r.base + r.size,
            ])
              probes.add(a);
          }
          for (const u of s.ungranted) probes.add(u.base);
          for (const a of probes) {
            const want = requestedAt(requests, a);
            const lost = s.ungranted.some((u) => a >= u.base && a < u.end);
            // Outside every request the kernel (privileged, PRIVDEFENA) keeps the default map.
            if (want === undefined) expect(mpu.check(a, 1, 'write', true).allowed).toBe(true);
            for (const access of ACCESSES) {
              const got = mpu.check(a, 1, access, false).allowed;
              const asked = want?.[access] ?? false;
              if (s.exact) expect(got, `${access} at 0x${a.toString(16)}`).toBe(asked);
              else if (got) expect(asked && !lost, `${access} at 0x${a.toString(16)}`).toBe(true);
              if (lost) expect(got).toBe(false);
            }
          }
        },
      ),
      { numRuns: process.env.K5_SOAK === '1' ? 10_000 : 300 },
    );
  });
});
