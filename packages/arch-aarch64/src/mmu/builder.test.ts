import { describe, expect, it } from 'vitest';
import { SparseMemory, readU64 } from '../memory';
import type { TlbiOperation } from '../tlb';
import { FramePool, type Mapping, PageTableBuilder } from './builder';
import { AccessPermission } from './descriptors';
import { AccessKind } from './fault';
import { DEFAULT_TCR } from './tcr';
import { createWalkContext, translate, walk } from './walker';

const GiB = 2 ** 30;
const MiB2 = 2 ** 21;

function setup(frames = 64) {
  const memory = new SparseMemory();
  const pool = new FramePool(0x7000_0000, frames);
  const builder = new PageTableBuilder(memory, pool);
  const ctx = () => createWalkContext(DEFAULT_TCR, { asid: 1, baddr: builder.root });
  const ops: TlbiOperation[] = [];
  const tlb = { tlbi: (op: TlbiOperation) => ops.push(op) };
  return { memory, pool, builder, ctx, ops, tlb };
}

const rw = (va: number, pa: number, size: number): Mapping => ({
  va,
  pa,
  size,
  ap: AccessPermission.ReadWrite,
  uxn: true,
  pxn: true,
  attrIndx: 1,
});

describe('PageTableBuilder', () => {
  it.each<[string, Mapping, { blocks1G: number; blocks2M: number; pages: number; tables: number }]>(
    [
      // Tables: L0 root exists; a 1 GiB block needs an L1 table only.
      [
        '1 GiB aligned → one L1 block',
        rw(GiB, 4 * GiB, GiB),
        { blocks1G: 1, blocks2M: 0, pages: 0, tables: 1 },
      ],
      // 2 MiB + 4 KiB at 2 MiB alignment: one L2 block, one page; L1, L2 and L3 tables.
      [
        '2 MiB + 4 KiB',
        rw(MiB2, 3 * MiB2, MiB2 + 4096),
        { blocks1G: 0, blocks2M: 1, pages: 1, tables: 3 },
      ],
      // PA only 4 KiB aligned: no block is possible, 513 pages in two L3 tables.
      [
        'PA skewed by 4 KiB',
        rw(MiB2, MiB2 + 4096, MiB2 + 4096),
        { blocks1G: 0, blocks2M: 0, pages: 513, tables: 4 },
      ],
      // 1 GiB - 4 KiB .. 2 GiB + 2 MiB + 4 KiB: 1 page, then a 1 GiB block, then a 2 MiB block, then 1 page.
      [
        'mixed sizes around a 1 GiB boundary',
        rw(GiB - 4096, 8 * GiB - 4096, 4096 + GiB + MiB2 + 4096),
        { blocks1G: 1, blocks2M: 1, pages: 2, tables: 5 },
      ],
    ],
  )('%s', (_name, m, stats) => {
    const s = setup();
    expect(s.builder.map(m)).toEqual(stats);
    expect(s.builder.tables).toBe(1 + stats.tables);
    for (const off of [0, 4095, m.size - 1]) {
      expect(translate(s.memory, s.ctx(), m.va + off, AccessKind.Write, 0)).toMatchObject({
        ok: true,
        pa: m.pa + off,
      });
    }
    expect(walk(s.memory, s.ctx(), m.va + m.size)).toMatchObject({
      ok: false,
      fault: { kind: 'translation' },
    });
  });

  it('writes the exact descriptors', () => {
    const s = setup();
    s.builder.map({ ...rw(MiB2, 0x4000_0000, MiB2), global: true });
    // Root entry 0 → L1 table at the first pool frame after the root (0x70001000).
    expect(readU64(s.memory, s.builder.root)).toBe(0x7000_1003n);
    // L1 entry 0 → L2 table at 0x70002000.
    expect(readU64(s.memory, 0x7000_1000)).toBe(0x7000_2003n);
    // L2 entry 1: block 0x40000000 | 0b01 | AttrIndx 1 (0x4) | AP 01 (0x40) | SH 11 (0x300) | AF
    // (0x400), nG = 0 (global); hi: UXN (0x400000) | PXN (0x200000).
    expect(readU64(s.memory, 0x7000_2008)).toBe(0x0060_0000_4000_0745n);
  });

  it('refuses an overlap and writes nothing', () => {
    const s = setup();
    s.builder.map(rw(0x10_0000, 0x10_0000, 0x2000));
    const before = { pages: s.memory.pageCount, free: s.pool.available, tables: s.builder.tables };
    expect(() => s.builder.map(rw(0x0, 0x0, 0x20_0000))).toThrow(
      expect.objectContaining({ code: 'overlap' }),
    );
    expect({ pages: s.memory.pageCount, free: s.pool.available, tables: s.builder.tables }).toEqual(
      before,
    );
    expect(walk(s.memory, s.ctx(), 0x0).ok).toBe(false);
  });

  it('refuses a map it has no table memory for, before writing', () => {
    const s = setup(2);
    expect(() => s.builder.map(rw(0x1000, 0x1000, 0x1000))).toThrow(
      expect.objectContaining({ code: 'no-table-memory' }),
    );
    // The root took one frame; the failed map took none.
    expect(s.pool.available).toBe(1);
  });

  it.each<[string, number, number, number, string]>([
    ['VA not 4 KiB aligned', 0x1001, 0x1000, 0x1000, 'misaligned'],
    ['size zero', 0x1000, 0x1000, 0, 'misaligned'],
    ['PA not aligned', 0x1000, 0x1800, 0x1000, 'misaligned'],
    ['beyond 48-bit VA', 2 ** 48 - 4096, 0, 0x2000, 'out-of-range'],
  ])('rejects %s', (_n, va, pa, size, code) => {
    expect(() => setup().builder.map(rw(va, pa, size))).toThrow(expect.objectContaining({ code }));
  });

  it('unmaps a page out of a 2 MiB block with break-before-make', () => {
    const s = setup();
    s.builder.map(rw(MiB2, 0x4000_0000, MiB2));
    const removed = s.builder.unmap(MiB2 + 0x5000, 0x1000, s.tlb, 7);
    expect(removed).toBe(1);
    // First the block's TLB entry (split), then the removed page's.
    expect(s.ops).toEqual([
      { op: 'VALE1', va: MiB2, asid: 7 },
      { op: 'VALE1', va: MiB2 + 0x5000, asid: 7 },
    ]);
    expect(walk(s.memory, s.ctx(), MiB2 + 0x5000)).toMatchObject({
      ok: false,
      fault: { kind: 'translation', level: 3 },
    });
    expect(translate(s.memory, s.ctx(), MiB2 + 0x4fff, AccessKind.Read, 0)).toMatchObject({
      pa: 0x4000_4fff,
    });
    expect(translate(s.memory, s.ctx(), MiB2 + 0x6000, AccessKind.Read, 0)).toMatchObject({
      pa: 0x4000_6000,
      entry: { level: 3, attrIndx: 1, uxn: true },
    });
  });

  it('splits a 1 GiB block down to pages when needed', () => {
    const s = setup();
    s.builder.map(rw(GiB, 2 * GiB, GiB));
    s.builder.unmap(GiB + MiB2 + 0x3000, 0x1000, s.tlb);
    expect(s.ops.map((o) => o.op)).toEqual(['VAALE1', 'VAALE1', 'VAALE1']);
    expect(walk(s.memory, s.ctx(), GiB + MiB2 + 0x3000).ok).toBe(false);
    expect(walk(s.memory, s.ctx(), GiB + 0x1000)).toMatchObject({ ok: true, entry: { level: 2 } });
    expect(walk(s.memory, s.ctx(), GiB + MiB2)).toMatchObject({ ok: true, entry: { level: 3 } });
  });

  it('uses one ASIDE1 above the TLBI threshold', () => {
    const s = setup();
    s.builder.map({ ...rw(0x10_0000, 0x10_0000, 100 * 4096) });
    s.builder.unmap(0x10_0000, 100 * 4096, s.tlb, 3);
    // One ASIDE1 for the 100 leaves, then one VAE1 per emptied table (L3, L2, L1: each hooked
    // at a slot whose VA base is 0), deepest first.
    const tableTlbi = { op: 'VAE1', va: 0, asid: 3 };
    expect(s.ops).toEqual([{ op: 'ASIDE1', asid: 3 }, tableTlbi, tableTlbi, tableTlbi]);
    expect(s.builder.tables).toBe(1);
    expect(s.pool.available).toBe(63); // the three frames are back in the pool
  });

  it('frees only the tables that became empty, and reuses their frames', () => {
    const s = setup();
    s.builder.map(rw(0x10_0000, 0x10_0000, 0x1000));
    s.builder.map(rw(0x40_0000, 0x40_0000, 0x1000)); // another L3 table under the same L2
    expect(s.builder.tables).toBe(5);
    s.builder.unmap(0x10_0000, 0x1000, s.tlb, 1);
    // The first L3 table (hooked at L2 slot 0, VA 0) is freed; L2 and L1 still hold the other.
    expect(s.ops).toEqual([
      { op: 'VALE1', va: 0x10_0000, asid: 1 },
      { op: 'VAE1', va: 0, asid: 1 },
    ]);
    expect(s.builder.tables).toBe(4);
    const free = s.pool.available;
    s.builder.map(rw(0x10_0000, 0x20_0000, 0x1000));
    expect(s.pool.available).toBe(free - 1);
    expect(translate(s.memory, s.ctx(), 0x10_0010, AccessKind.Read, 0)).toMatchObject({
      pa: 0x20_0010,
    });
    expect(translate(s.memory, s.ctx(), 0x40_0010, AccessKind.Read, 0)).toMatchObject({
      pa: 0x40_0010,
    });
  });

  it('FramePool refuses to free a frame it does not own', () => {
    const pool = new FramePool(0x1000, 2);
    const f = pool.allocate()!;
    pool.free(f);
    expect(() => pool.free(f)).toThrow(expect.objectContaining({ code: 'out-of-range' }));
    expect(() => pool.free(0x9000)).toThrow(expect.objectContaining({ code: 'out-of-range' }));
  });

  it('remaps to a new PA', () => {
    const s = setup();
    s.builder.map(rw(0x40_0000, 0x80_0000, 0x2000));
    s.builder.remap(rw(0x40_0000, 0x90_0000, 0x2000), s.tlb, 2);
    // Two leaves (VALE1) and three emptied tables (VAE1), then the map reuses the frames.
    expect(s.ops.map((o) => o.op)).toEqual(['VALE1', 'VALE1', 'VAE1', 'VAE1', 'VAE1']);
    expect(s.builder.tables).toBe(4);
    expect(translate(s.memory, s.ctx(), 0x40_1234, AccessKind.Read, 0)).toMatchObject({
      pa: 0x90_1234,
    });
  });
});
