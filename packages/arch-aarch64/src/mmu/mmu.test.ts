import { describe, expect, it } from 'vitest';
import { AsidAllocator } from '../asid';
import { SparseMemory } from '../memory';
import { FramePool, PageTableBuilder } from './builder';
import { AccessPermission } from './descriptors';
import { AccessKind } from './fault';
import { Mmu } from './mmu';
import { DEFAULT_TCR } from './tcr';

function setup(tcr = DEFAULT_TCR) {
  const memory = new SparseMemory();
  const builder = new PageTableBuilder(memory, new FramePool(0x10_0000, 64), { tcr });
  const mmu = new Mmu(memory, { tcr });
  return { memory, builder, mmu };
}

describe('Mmu', () => {
  it('caches successful walks and not faults', () => {
    const { builder, mmu } = setup();
    builder.map({
      va: 0x1000,
      pa: 0x9000,
      size: 0x1000,
      ap: AccessPermission.ReadOnly,
      uxn: true,
      pxn: true,
      attrIndx: 0,
    });
    mmu.setTtbr0({ asid: 1, baddr: builder.root });
    mmu.translate(0x1000, AccessKind.Read, 0);
    mmu.translate(0x1004, AccessKind.Read, 0);
    mmu.translate(0x5000, AccessKind.Read, 0);
    mmu.translate(0x5000, AccessKind.Read, 0);
    // A permission fault comes from a cached entry (no new walk).
    expect(mmu.translate(0x1008, AccessKind.Write, 0)).toMatchObject({
      ok: false,
      fault: { kind: 'permission' },
    });
    expect(mmu.counters).toEqual({ walks: 3, faults: 3, switches: 0 });
    expect(mmu.tlb.size).toBe(1);
  });

  it.each<[string, boolean, boolean, number, number]>([
    // [name, A1, AS (16-bit), TTBR0 ASID, expected current ASID]
    ['ASID from TTBR0, 16 bits', false, true, 0x1234, 0x1234],
    ['AS = 0 keeps the low 8 bits', false, false, 0x1234, 0x34],
    ['A1 = 1 takes TTBR1_EL1.ASID', true, true, 0x1234, 0x0077],
  ])('%s', (_n, a1, as16, asid0, expected) => {
    const { mmu } = setup();
    mmu.setTtbr1({ asid: 0x77, baddr: 0 });
    mmu.setTcr({ ...DEFAULT_TCR, a1, as16 });
    mmu.setTtbr0({ asid: asid0, baddr: 0x1000 });
    expect(mmu.asid).toBe(expected);
  });

  it.each([
    [{ asid: 0x1_0000, baddr: 0x1000 }],
    [{ asid: 1, baddr: 0x1001 }],
    [{ asid: 1, baddr: Number.NaN }],
  ])('rejects TTBR0 %o with a typed error', (ttbr) => {
    expect(() => setup().mmu.setTtbr0(ttbr)).toThrow(
      expect.objectContaining({ name: 'Aarch64Error' }),
    );
  });

  it('with the MMU off, VA = PA up to the PA size', () => {
    const { mmu } = setup({ ...DEFAULT_TCR, ips: 2 });
    mmu.enabled = false;
    expect(mmu.translate(0x1234_5678, AccessKind.Write, 0)).toMatchObject({
      ok: true,
      pa: 0x1234_5678,
    });
    expect(mmu.translate(2 ** 40, AccessKind.Read, 1)).toMatchObject({
      ok: false,
      fault: { kind: 'address-size', level: 0 },
    });
  });

  it('applies SCTLR_EL1.WXN to TLB hits too', () => {
    const { builder, mmu } = setup();
    builder.map({
      va: 0x1000,
      pa: 0x9000,
      size: 0x1000,
      ap: AccessPermission.ReadWrite,
      uxn: false,
      pxn: true,
      attrIndx: 0,
    });
    mmu.setTtbr0({ asid: 1, baddr: builder.root });
    expect(mmu.translate(0x1000, AccessKind.Execute, 0).ok).toBe(true);
    mmu.wxn = true;
    expect(mmu.translate(0x1000, AccessKind.Execute, 0).ok).toBe(false);
  });

  it('switchTo installs the root and a live ASID without touching the TLB', () => {
    const { builder, mmu } = setup();
    const alloc = new AsidAllocator();
    const space = { root: builder.root, asid: AsidAllocator.newHandle() };
    expect(mmu.switchTo(space, alloc)).toBe(1);
    expect(mmu.ttbr0).toEqual({ asid: 1, baddr: builder.root });
    expect(mmu.switchTo(space, alloc)).toBe(1);
    expect(Object.values(mmu.tlb.counters.flushes).every((n) => n === 0)).toBe(true);
  });

  it.each<[number, number, number, number, number]>([
    // [T0SZ, VA, PA, size, tables after map]
    // T0SZ 25: the root is a level-1 table, so a 1 GiB block goes straight into it.
    [25, 0x4000_0000, 0x8000_0000, 2 ** 30, 1],
    // T0SZ 34: the root is a level-2 table: 1 GiB needs 512 2 MiB blocks, still no new table.
    [34, 0, 0x8000_0000, 2 ** 30, 1],
    // T0SZ 34 with a page: root + one level-3 table.
    [34, 0x1000, 0x8000_1000, 0x1000, 2],
  ])('builder with T0SZ %i maps 0x%s', (t0sz, va, pa, size, tables) => {
    const tcr = { ...DEFAULT_TCR, t0sz };
    const { builder, mmu } = setup(tcr);
    builder.map({
      va,
      pa,
      size,
      ap: AccessPermission.ReadWrite,
      uxn: true,
      pxn: true,
      attrIndx: 0,
    });
    expect(builder.tables).toBe(tables);
    mmu.setTtbr0({ asid: 1, baddr: builder.root });
    expect(mmu.translate(va + size - 1, AccessKind.Read, 0)).toMatchObject({
      ok: true,
      pa: pa + size - 1,
    });
    expect(() =>
      builder.map({
        va: 2 ** (64 - t0sz),
        pa: 0,
        size: 0x1000,
        ap: 0,
        uxn: true,
        pxn: true,
        attrIndx: 0,
      }),
    ).toThrow(expect.objectContaining({ code: 'out-of-range' }));
  });
});
