// Benchmarks of @k5/arch-armv8m: solver times for 8 and 16 regions, layouts solved per second over
// 1,000 random layouts, checker lookups per second against a plain linear scan of the same
// ranges (the baseline) in the same process, and the TrustZone-M Non-secure access check (SAU
// with 8 regions plus an IDAU) per second.
import { runBenchmarks } from '@k5/bench';
import {
  applyPmsav7Solution,
  applyPmsav8Solution,
  applySauPlan,
  checkNonSecureAccess,
  planSau,
  Sau,
  SecurityAttribute,
  type MemoryAccess,
  MPU_CTRL,
  Pmsav7Mpu,
  Pmsav8Mpu,
  type RegionRequest,
  solvePmsav7,
  solvePmsav8,
} from '../src/index';

/** A small deterministic PRNG (LCG), so every run measures the same layouts. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const PERMS = [
  { read: true, write: false, execute: true },
  { read: true, write: true, execute: false },
  { read: true, write: false, execute: false },
];

/** `count` disjoint, non-adjacent 32-byte aligned ranges starting at `base`. */
function layout(count: number, random: () => number, base = 0x20000000): RegionRequest[] {
  const out: RegionRequest[] = [];
  let at = base;
  for (let i = 0; i < count; i++) {
    at += 32 * (1 + Math.floor(random() * 8));
    const size = 32 * (1 + Math.floor(random() * 64));
    out.push({ name: `r${i}`, base: at, size, ...PERMS[Math.floor(random() * 3)]! });
    at += size;
  }
  return out;
}

/** Power-of-two aligned ranges, so a PMSAv7 MPU fits them with one region each. */
function pow2Layout(count: number): RegionRequest[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `r${i}`,
    base: 0x20000000 + i * 0x1000,
    size: 0x400,
    ...PERMS[i % 3]!,
  }));
}

const l8 = layout(8, rng(8));
const l16 = layout(16, rng(16));
const random = rng(1000);
const layouts = Array.from({ length: 1000 }, () => layout(1 + Math.floor(random() * 12), random));

// Checker figures: 16 solved regions, 1,024 probe addresses over and around them.
const mpu8 = new Pmsav8Mpu({ regions: 16 });
applyPmsav8Solution(mpu8, solvePmsav8(l16, { regionCount: 16 }));
mpu8.write(MPU_CTRL, 0b101);
const p16 = pow2Layout(16);
const mpu7 = new Pmsav7Mpu({ regions: 16 });
applyPmsav7Solution(mpu7, solvePmsav7(p16, { regionCount: 16 }));
mpu7.write(MPU_CTRL, 0b101);
const probeRandom = rng(7);
const span = l16[15]!.base + l16[15]!.size - 0x20000000;
const probes = Array.from({ length: 1024 }, () => 0x20000000 + Math.floor(probeRandom() * span));
const probes7 = Array.from(
  { length: 1024 },
  () => 0x20000000 + Math.floor(probeRandom() * 0x10000),
);
const ACCESS: MemoryAccess[] = ['read', 'write', 'execute'];
const flat = l16.map((r) => [r.base, r.base + r.size, r.read, r.write, r.execute] as const);

// TrustZone-M: two Non-secure ranges, three enclaves, an IDAU marking the 0x3xxx_xxxx alias Secure.
const sau = new Sau({
  regions: 8,
  idau: (a) => (a >>> 28 === 3 ? SecurityAttribute.Secure : SecurityAttribute.NonSecure),
});
applySauPlan(
  sau,
  planSau(
    {
      nonSecure: [
        { base: 0x0804_0000, size: 0x4_0000 },
        { base: 0x2000_0000, size: 0x2_0000 },
      ],
      enclaves: [0, 1, 2].map((i) => ({
        name: `e${i}`,
        memory: [{ base: 0x1000_8000 + i * 0x2000, size: 0x1000 }],
        gateway: { base: 0x1000_f000 + i * 0x100, size: 0x40 },
        entries: [0x1000_f000 + i * 0x100],
      })),
    },
    8,
  ),
);
const tzProbes = Array.from({ length: 1024 }, (_, i) =>
  i % 2 === 0
    ? 0x2000_0000 + Math.floor(probeRandom() * 0x2_0000)
    : 0x1000_8000 + Math.floor(probeRandom() * 0x8000),
);

let sink = 0;
const failures = { pmsav8: 0, pmsav7: 0 };
await runBenchmarks('@k5/arch-armv8m', [
  {
    name: 'solver/pmsav8-8-regions',
    unit: 'ns',
    run: () => {
      sink += solvePmsav8(l8, { regionCount: 8 }).regions.length;
    },
  },
  {
    name: 'solver/pmsav8-16-regions',
    unit: 'ns',
    run: () => {
      sink += solvePmsav8(l16, { regionCount: 16 }).regions.length;
    },
  },
  {
    name: 'solver/pmsav7-8-regions',
    unit: 'ns',
    run: () => {
      sink += solvePmsav7(pow2Layout(8), { regionCount: 8 }).used;
    },
  },
  {
    name: 'solver/pmsav7-16-regions',
    unit: 'ns',
    run: () => {
      sink += solvePmsav7(p16, { regionCount: 16 }).used;
    },
  },
  {
    name: 'solver/pmsav8-random-layouts',
    unit: 'ops/s',
    perCall: layouts.length,
    run: () => {
      for (const l of layouts) {
        try {
          sink += solvePmsav8(l, { regionCount: 8 }).ranges.length;
        } catch {
          failures.pmsav8++;
        }
      }
    },
  },
  {
    name: 'solver/pmsav7-random-layouts',
    unit: 'ops/s',
    perCall: layouts.length,
    run: () => {
      for (const l of layouts) sink += solvePmsav7(l, { regionCount: 8 }).used;
    },
  },
  {
    name: 'checker/pmsav8-lookups',
    unit: 'ops/s',
    perCall: probes.length,
    run: () => {
      for (let i = 0; i < probes.length; i++) {
        if (mpu8.check(probes[i]!, 4, ACCESS[i % 3]!, false).allowed) sink++;
      }
    },
    baseline: () => {
      // The simplest correct-looking alternative: scan the requested ranges for each access.
      for (let i = 0; i < probes.length; i++) {
        const a = probes[i]!;
        for (const [b, e, r, w, x] of flat) {
          if (a >= b && a + 4 <= e) {
            const access = i % 3;
            if (access === 0 ? r : access === 1 ? w : x) sink++;
            break;
          }
        }
      }
    },
  },
  {
    name: 'checker/pmsav7-lookups',
    unit: 'ops/s',
    perCall: probes7.length,
    run: () => {
      for (let i = 0; i < probes7.length; i++) {
        if (mpu7.check(probes7[i]!, 4, ACCESS[i % 3]!, false).allowed) sink++;
      }
    },
  },
  {
    name: 'trustzone/nonsecure-access-checks',
    unit: 'ops/s',
    perCall: tzProbes.length,
    run: () => {
      for (let i = 0; i < tzProbes.length; i++) {
        if (checkNonSecureAccess(sau, tzProbes[i]! & ~3, 4, ACCESS[i % 2]!).allowed) sink++;
      }
    },
  },
  () => {
    let notFit = 0;
    for (const l of layouts) {
      try {
        solvePmsav8(l, { regionCount: 8 });
      } catch {
        notFit++;
      }
    }
    return { name: 'solver/pmsav8-random-layouts-not-fitting-8', unit: 'count', value: notFit };
  },
]);
if (sink < 0) console.log(sink, failures);
