import { AccessKind } from '@k5/kernel';
import { describe, expect, it } from 'vitest';
import { PMP_L, PmpRegisters } from '../pmp/registers';
import { grantsToPmpRegions, lockKernelRegions, solveMemoryMap } from './memory-map';

describe('grantsToPmpRegions', () => {
  it('maps access bits to R/W/X and merges grants of the same block', () => {
    const regions = grantsToPmpRegions([
      { base: 0x100, size: 0x100, access: AccessKind.Read },
      { base: 0x100, size: 0x100, access: AccessKind.Write },
      { base: 0x400, size: 0x40, access: AccessKind.Execute | AccessKind.Read },
    ]);
    expect(regions.map((r) => [r.base, r.size, r.read, r.write, r.execute])).toEqual([
      [0x100, 0x100, true, true, false],
      [0x400, 0x40, true, false, true],
    ]);
  });

  it('a write grant without read cannot be expressed', () => {
    expect(() =>
      solveMemoryMap(new PmpRegisters(), [{ base: 0, size: 0x100, access: AccessKind.Write }]),
    ).toThrow(expect.objectContaining({ code: 'pmp-unencodable-permissions' }));
  });
});

describe('lockKernelRegions', () => {
  it('writes locked NAPOT entries from entry 0', () => {
    const pmp = new PmpRegisters();
    expect(
      lockKernelRegions(pmp, [{ base: 0x8000_0000, size: 0x1_0000, read: true, execute: true }]),
    ).toBe(1);
    // A = NAPOT (0x18), X and R, L; pmpaddr = base/4 + size/8 - 1.
    expect(pmp.entryConfig(0)).toBe(0x18 | 0x4 | 0x1 | PMP_L);
    expect(pmp.readAddr(0)).toBe(0x2000_0000 + 0x1fff);
    // Locked: a later write is ignored.
    pmp.writeEntryConfig(0, 0);
    expect(pmp.entryConfig(0)).toBe(0x18 | 0x4 | 0x1 | PMP_L);
  });

  it('refuses regions NAPOT cannot encode', () => {
    expect(() => lockKernelRegions(new PmpRegisters(), [{ base: 0x10, size: 0x30 }])).toThrow(
      expect.objectContaining({ code: 'pmp-misaligned-region' }),
    );
  });
});
