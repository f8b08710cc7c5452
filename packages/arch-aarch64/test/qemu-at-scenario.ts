// The scenario shared by the QEMU differential fixture and its test: translation tables built by
// PageTableBuilder (plus a few hand-written descriptors for the faults the builder never
// produces), the registers they need, and the probes (VA × AT operation). The fixture build
// (fixtures/qemu-at/build.ts) runs the probes on QEMU's Cortex-A53 with AT S1E{0,1}{R,W} and
// records PAR_EL1; the test runs the same probes through our walker and compares.
import {
  AccessKind,
  AccessPermission,
  DEFAULT_TCR,
  encodeMair,
  FramePool,
  type Mapping,
  PageTableBuilder,
  readU64,
  SparseMemory,
  type TcrFields,
  writeU64,
} from '../src/index';

/** Where the table frames live in QEMU virt's RAM (which starts at 0x4000_0000). */
export const TABLE_POOL = 0x4100_0000;
/** Frames reserved for tables. */
export const TABLE_FRAMES = 128;
/** MAIR_EL1 attributes: 0 Device-nGnRnE, 1 Device-nGnRE, 2 Normal NC, 3 Normal WB, 4 Normal WT. */
export const MAIR_BYTES = [0x00, 0x04, 0x44, 0xff, 0xbb];
/** TCR_EL1: 48-bit VA, 4 KiB granule, 40-bit PA (the Cortex-A53's PARange), 16-bit ASIDs. */
export const TCR: TcrFields = { ...DEFAULT_TCR, ips: 2 };
/** The ASID in TTBR0_EL1. */
export const ASID = 1;

/** AT operations, in the order the C program numbers them. */
export const AT_OPS = [
  { name: 'S1E1R', access: AccessKind.Read, el: 1 as const },
  { name: 'S1E1W', access: AccessKind.Write, el: 1 as const },
  { name: 'S1E0R', access: AccessKind.Read, el: 0 as const },
  { name: 'S1E0W', access: AccessKind.Write, el: 0 as const },
];

/** A deterministic pseudo-random source (32-bit LCG), so the fixture is reproducible. */
function lcg(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return Math.floor((state / 2 ** 32) * n);
  };
}

/** Random regions above 0x280_0000_0000 (L0 index 5): sizes, alignments and permissions mixed. */
export const RANDOM_MAPPINGS: readonly Mapping[] = (() => {
  const rand = lcg(0x6b35);
  const out: Mapping[] = [];
  let va = 0x280_0000_0000;
  let pa = 0x2_0000_0000;
  for (let i = 0; i < 40; i++) {
    const align = [4096, 4096, 2 ** 21, 2 ** 21, 2 ** 30][rand(5)]!;
    const size =
      align === 2 ** 30
        ? 2 ** 30
        : align === 2 ** 21
          ? (1 + rand(2)) * 2 ** 21 + rand(3) * 4096
          : (1 + rand(6)) * 4096;
    va = Math.ceil((va + rand(400) * 4096) / align) * align;
    // Sometimes skew PA by a page (no blocks possible), never for a 1 GiB region (262,144 pages).
    pa = Math.ceil(pa / align) * align + (align < 2 ** 30 && rand(4) === 0 ? 4096 : 0);
    out.push({
      va,
      pa,
      size,
      ap: rand(4) as AccessPermission,
      uxn: rand(2) === 1,
      pxn: rand(2) === 1,
      attrIndx: rand(5),
      global: rand(3) === 0,
    });
    va += size;
    pa += size;
  }
  return out;
})();

/** VAs probed with every AT operation. */
export const PROBE_VAS: readonly number[] = [
  // identity-mapped 1 GiB block holding the program (EL1 RW only)
  0x4000_0000,
  0x7fff_fff8,
  // 2 MiB block, EL0 RW
  0x0,
  0x1f_fff0,
  // 4 pages under an APTable = NoWrite table, EL0 RW pages
  0x20_0000,
  0x20_3ff8,
  // EL1 read-only page
  0x21_0000,
  // AF = 0 page, OA above 40 bits, reserved 0b01 at level 3
  0x22_0000,
  0x23_0000,
  0x24_0000,
  // 1 GiB read-only block under L0 index 1
  0x80_0000_0000,
  0x80_3fff_fff0,
  // 2 MiB + 8 KiB global, EL1 RW, under an APTable = NoEl0 table
  0x80_4000_0000,
  0x80_4020_1000,
  // holes: L3, L2, L1 translation faults
  0x20_4000,
  0x40_0000,
  0x8000_0000,
  // L0 invalid, L0 block encoding, L0 table above the PA size, VA beyond 48 bits
  0x100_0000_0000,
  0x180_0000_0000,
  0x200_0000_0000,
  0x1_0000_0000_0000,
  // both ends of every random region and just outside them
  ...RANDOM_MAPPINGS.flatMap((m) => [m.va - 8, m.va, m.va + m.size - 8, m.va + m.size]),
];

/** Finds the memory address of the descriptor for `va` at `level` by raw reads. */
function slotAddress(memory: SparseMemory, root: number, va: number, level: number): number {
  let table = root;
  for (let l = 0; ; l++) {
    const shift = 12 + 9 * (3 - l);
    const at = table + (Math.floor(va / 2 ** shift) % 512) * 8;
    if (l === level) return at;
    table = Number(readU64(memory, at) & 0x0000_ffff_ffff_f000n);
  }
}

/** Builds the tables; returns the memory, the root and the highest frame used. */
export function buildScenario() {
  const memory = new SparseMemory();
  const pool = new FramePool(TABLE_POOL, TABLE_FRAMES);
  const b = new PageTableBuilder(memory, pool, { tcr: TCR });
  const base = { uxn: true, pxn: true, attrIndx: 3 };
  b.map({
    ...base,
    va: 0x4000_0000,
    pa: 0x4000_0000,
    size: 2 ** 30,
    ap: AccessPermission.PrivReadWrite,
    pxn: false,
  });
  b.map({ ...base, va: 0, pa: 0x8000_0000, size: 2 ** 21, ap: AccessPermission.ReadWrite });
  b.map({
    ...base,
    va: 0x20_0000,
    pa: 0x9000_0000,
    size: 0x4000,
    ap: AccessPermission.ReadWrite,
    attrIndx: 2,
  });
  b.map({
    ...base,
    va: 0x21_0000,
    pa: 0x9010_0000,
    size: 0x1000,
    ap: AccessPermission.PrivReadOnly,
    attrIndx: 0,
  });
  for (const va of [0x22_0000, 0x23_0000, 0x24_0000]) {
    b.map({
      ...base,
      va,
      pa: 0x9020_0000 + (va - 0x22_0000),
      size: 0x1000,
      ap: AccessPermission.ReadWrite,
    });
  }
  b.map({
    ...base,
    va: 0x80_0000_0000,
    pa: 0xc000_0000,
    size: 2 ** 30,
    ap: AccessPermission.ReadOnly,
    attrIndx: 4,
  });
  b.map({
    ...base,
    va: 0x80_4000_0000,
    pa: 0x1_0000_0000,
    size: 2 ** 21 + 0x2000,
    ap: AccessPermission.PrivReadWrite,
    global: true,
    attrIndx: 1,
  });
  for (const m of RANDOM_MAPPINGS) b.map(m);

  // Hand-written descriptors for what the builder never writes:
  const edit = (va: number, level: number, f: (d: bigint) => bigint) => {
    const at = slotAddress(memory, b.root, va, level);
    writeU64(memory, at, f(readU64(memory, at)));
  };
  edit(0x20_0000, 2, (d) => d | (2n << 61n)); // APTable = 0b10 (no write) on the L2→L3 table
  edit(0x22_0000, 3, (d) => d & ~(1n << 10n)); // AF = 0
  edit(0x23_0000, 3, (d) => (d & ~0x0000_ffff_ffff_f000n) | 0x100_0000_0000n); // OA = 2^40
  edit(0x24_0000, 3, (d) => d & ~2n); // bits[1:0] = 0b01 at level 3: reserved
  edit(0x80_4000_0000, 1, (d) => d | (1n << 61n)); // APTable = 0b01 (no EL0) on the L1→L2 table
  writeU64(memory, b.root + 3 * 8, 0x4000_0401n); // L0 index 3: block encoding, invalid at L0
  writeU64(memory, b.root + 4 * 8, 0x100_0000_0003n); // L0 index 4: table at 2^40, above the PA size

  const framesUsed = TABLE_FRAMES - pool.available;
  return { memory, root: b.root, framesUsed, mair: encodeMair(MAIR_BYTES) };
}
