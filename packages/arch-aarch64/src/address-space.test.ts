import { describe, expect, it } from 'vitest';
import { AddressSpace } from './address-space';
import { AsidAllocator } from './asid';
import { SparseMemory } from './memory';
import { FramePool, type Mapping } from './mmu/builder';
import { AccessPermission } from './mmu/descriptors';
import { AccessKind } from './mmu/fault';
import { Mmu } from './mmu/mmu';
import type { TlbiOperation } from './tlb';

const page = (va: number, pa: number, global = false): Mapping => ({
  va,
  pa,
  size: 4096,
  ap: AccessPermission.ReadWrite,
  uxn: true,
  pxn: true,
  attrIndx: 0,
  global,
});

function setup(limit?: number) {
  const memory = new SparseMemory();
  const pool = new FramePool(0x10_0000, 256);
  const asids = new AsidAllocator(limit === undefined ? {} : { limit });
  const mmu = new Mmu(memory);
  const ops: TlbiOperation[] = [];
  const recorder = { tlbi: (op: TlbiOperation) => ops.push(op) };
  const space = () => new AddressSpace(memory, pool, asids);
  return { mmu, asids, ops, recorder, space };
}

describe('AddressSpace', () => {
  it('invalidates with its live ASID', () => {
    const s = setup();
    const a = s.space();
    a.map(page(0x1000, 0x9000));
    expect(a.activate(s.mmu)).toBe(1);
    a.unmap(0x1000, 0x1000, s.recorder);
    // The leaf, then the three tables it emptied (all hooked at VA 0).
    const table = { op: 'VAE1', va: 0, asid: 1 };
    expect(s.ops).toEqual([{ op: 'VALE1', va: 0x1000, asid: 1 }, table, table, table]);
  });

  it('never issues a per-ASID TLBI for a stale handle (it would hit another space)', () => {
    const s = setup(1);
    const a = s.space();
    const b = s.space();
    a.map(page(0x1000, 0x9000));
    a.map(page(0x2000, 0xa000, true));
    b.map(page(0x1000, 0xb000));
    a.activate(s.mmu);
    s.mmu.translate(0x1000, AccessKind.Read, 0);
    b.activate(s.mmu); // roll-over: b now owns ASID 1, a is stale
    expect(s.mmu.translate(0x1000, AccessKind.Read, 0)).toMatchObject({ pa: 0xb000 });
    expect(a.liveAsid).toBeUndefined();
    a.unmap(0x1000, 0x2000, s.recorder);
    // Only the global page is invalidated, for every ASID; the emptied tables too (a walk cache
    // is not ASID-specific), never with a per-ASID TLBI.
    const table = { op: 'VAAE1', va: 0 };
    expect(s.ops).toEqual([{ op: 'VAALE1', va: 0x2000 }, table, table, table]);
    a.unmap(0x1000, 0x1000, s.mmu);
    expect(s.mmu.translate(0x1000, AccessKind.Read, 0)).toMatchObject({ pa: 0xb000 });
  });

  it('destroy releases the ASID with ASIDE1 and refuses further use', () => {
    const s = setup();
    const a = s.space();
    a.activate(s.mmu);
    a.destroy(s.recorder);
    expect(s.ops).toEqual([{ op: 'ASIDE1', asid: 1 }]);
    expect(() => a.map(page(0, 0))).toThrow(expect.objectContaining({ code: 'destroyed' }));
    a.destroy(s.recorder);
    expect(s.ops).toHaveLength(1);
  });
});
