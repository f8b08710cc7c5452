// Property: for random region sets, the PMSAv8 solver's registers, read back through the checker,
// grant exactly the requested permissions at every boundary address (first and last byte of each
// range, one byte before and after) and nothing outside, or the solver reports that they do not fit
// exactly when the independent count of maximal runs exceeds the regions available.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyPmsav8Solution,
  type MemoryAccess,
  MPU_CTRL,
  MpuSolverError,
  Pmsav8Mpu,
  type RegionRequest,
  requestedAt,
  solvePmsav8,
} from '../src/index';

const PERMS = [
  { read: true, write: false, execute: false },
  { read: true, write: true, execute: false },
  { read: true, write: false, execute: true },
  { read: true, write: true, execute: true },
] as const;

const piece = fc.record({
  gap: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 4 })),
  granules: fc.integer({ min: 1, max: 40 }),
  perm: fc.integer({ min: 0, max: 3 }),
  device: fc.boolean(),
});

const layout = fc.record({
  start: fc.integer({ min: 0, max: 0x1000 }),
  area: fc.constantFrom(0x00000000, 0x20000000, 0x60000000),
  pieces: fc.array(piece, { minLength: 0, maxLength: 14 }),
});

type Layout = typeof layout extends fc.Arbitrary<infer T> ? T : never;

function build(l: Layout): { requests: RegionRequest[]; runs: number } {
  const requests: RegionRequest[] = [];
  let at = l.area + l.start * 32;
  let runs = 0;
  let prev: { key: string; end: number } | undefined;
  for (const [i, p] of l.pieces.entries()) {
    at += p.gap * 32;
    const perm = PERMS[p.perm]!;
    const device = p.device && !perm.execute;
    const size = p.granules * 32;
    requests.push({ name: `p${i}`, base: at, size, ...perm, device });
    const key = `${p.perm}/${device}`;
    if (prev === undefined || prev.end !== at || prev.key !== key) runs++;
    prev = { key, end: at + size };
    at += size;
  }
  return { requests, runs };
}

const ACCESSES: MemoryAccess[] = ['read', 'write', 'execute'];

describe('PMSAv8 solver property', () => {
  it('grants exactly what was asked at every boundary, or says it does not fit', () => {
    fc.assert(
      fc.property(layout, fc.constantFrom(4, 8, 12, 16), (l, n) => {
        const { requests, runs } = build(l);
        let solution: ReturnType<typeof solvePmsav8>;
        try {
          solution = solvePmsav8(requests, { regionCount: n });
        } catch (e) {
          expect(e).toBeInstanceOf(MpuSolverError);
          expect((e as MpuSolverError).code).toBe('too-many-regions');
          expect(runs).toBeGreaterThan(n);
          return;
        }
        expect(solution.ranges).toHaveLength(runs);
        const mpu = new Pmsav8Mpu({ regions: n });
        applyPmsav8Solution(mpu, solution);
        mpu.write(MPU_CTRL, 0b101); // ENABLE | PRIVDEFENA: tasks are unprivileged anyway
        const probes = new Set<number>();
        for (const r of requests) {
          for (const a of [r.base - 1, r.base, r.base + r.size - 1, r.base + r.size]) {
            if (a >= 0 && a <= 0xffffffff) probes.add(a);
          }
        }
        for (const a of probes) {
          const want = requestedAt(requests, a);
          for (const access of ACCESSES) {
            const got = mpu.check(a, 1, access, false).allowed;
            expect(got, `${access} at 0x${a.toString(16)}`).toBe(want?.[access] ?? false);
          }
          // Outside every request the kernel (privileged, PRIVDEFENA) keeps the default map.
          if (want === undefined) expect(mpu.check(a, 1, 'write', true).allowed).toBe(true);
          // A 4-byte read straddling the probe is allowed exactly when all its bytes are.
          if (a >= 2 && a + 2 <= 0xffffffff) {
            const all = [a - 2, a - 1, a, a + 1].every(
              (b) => requestedAt(requests, b)?.read ?? false,
            );
            expect(mpu.check(a - 2, 4, 'read', false).allowed).toBe(all);
          }
        }
        // Enabled regions never overlap.
        const enabled = solution.regions
          .filter((r) => (r.rlar & 1) === 1)
          .map((r) => [r.rbar & ~31, (r.rlar | 31) >>> 0] as const)
          .sort((x, y) => x[0] - y[0]);
        for (let i = 1; i < enabled.length; i++) {
          expect(enabled[i]![0] >>> 0).toBeGreaterThan(enabled[i - 1]![1]);
        }
      }),
      { numRuns: process.env.K5_SOAK === '1' ? 20_000 : 400 },
    );
  });
});
