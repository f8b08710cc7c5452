import { describe, expect, it } from 'vitest';
import * as api from './index';

describe('@k5/arch-aarch64 entry', () => {
  it('names its package', () => {
    expect(api.PACKAGE_NAME).toBe('@k5/arch-aarch64');
  });

  it('exports each hardware unit', () => {
    for (const name of [
      'walk',
      'PageTableBuilder',
      'Tlb',
      'AsidAllocator',
      'AddressSpace',
      'Mmu',
      'encodeDescriptor',
      'encodeEsr',
      'Aarch64Cpu',
      'issueSyscall',
      'Gic',
      'GenericTimer',
      'Aarch64Machine',
      'Aarch64Port',
      'planMemoryMap',
    ]) {
      expect(api).toHaveProperty(name);
    }
  });
});

describe('README example', () => {
  it('behaves as documented', () => {
    const memory = new api.SparseMemory();
    const tables = new api.PageTableBuilder(memory, new api.FramePool(0x4000_0000, 64));
    expect(
      tables.map({
        va: 0x20_0000,
        pa: 0x8020_0000,
        size: 0x20_0000,
        ap: api.AccessPermission.ReadWrite,
        uxn: true,
        pxn: true,
        attrIndx: 1,
      }),
    ).toMatchObject({ blocks2M: 1, pages: 0 });
    const mmu = new api.Mmu(memory);
    mmu.switchTo(
      { root: tables.root, asid: api.AsidAllocator.newHandle() },
      new api.AsidAllocator(),
    );
    expect(mmu.translate(0x20_1234, api.AccessKind.Write, 0)).toMatchObject({
      ok: true,
      pa: 0x8020_1234,
    });
    expect(mmu.translate(0x40_0000, api.AccessKind.Read, 0)).toEqual({
      ok: false,
      fault: { kind: 'translation', level: 2, statusCode: 6 },
    });
  });
});
