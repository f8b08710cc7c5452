import { describe, expect, it } from 'vitest';
import { AccessPermission, Shareability } from './mmu/descriptors';
import type { TranslationEntry } from './mmu/walker';
import { Tlb, type TlbiOperation } from './tlb';

const entry = (
  vaBase: number,
  paBase: number,
  nG = true,
  level: 1 | 2 | 3 = 3,
): TranslationEntry => ({
  level,
  size: [0, 2 ** 30, 2 ** 21, 4096][level]!,
  vaBase,
  paBase,
  attrIndx: 0,
  sh: Shareability.InnerShareable,
  ns: false,
  nG,
  ap: AccessPermission.ReadWrite,
  pxn: true,
  uxn: true,
  contiguous: false,
});

function loaded() {
  const tlb = new Tlb();
  tlb.insert(entry(0x1000, 0xa000), 1); // ASID 1
  tlb.insert(entry(0x1000, 0xb000), 2); // same VA, ASID 2
  tlb.insert(entry(0x2000, 0xc000, false), 1); // global
  tlb.insert(entry(0x20_0000, 0x40_0000, true, 2), 1); // 2 MiB block, ASID 1
  return tlb;
}

describe('Tlb', () => {
  it('tags entries with the ASID and shares global ones', () => {
    const tlb = loaded();
    expect(tlb.lookup(0x1fff, 1)?.paBase).toBe(0xa000);
    expect(tlb.lookup(0x1fff, 2)?.paBase).toBe(0xb000);
    expect(tlb.lookup(0x1000, 3)).toBeUndefined();
    expect(tlb.lookup(0x2abc, 3)?.paBase).toBe(0xc000);
    expect(tlb.lookup(0x3f_ffff, 1)?.paBase).toBe(0x40_0000);
    expect(tlb.lookup(0x3f_ffff, 2)).toBeUndefined();
    expect(tlb.counters).toMatchObject({ hits: 4, misses: 2, fills: 4 });
  });

  it.each<[string, TlbiOperation, [number, number, boolean][]]>([
    // [va, asid, still cached?]
    [
      'VAE1 for ASID 1 (and global entries at that VA)',
      { op: 'VAE1', va: 0x1234, asid: 1 },
      [
        [0x1000, 1, false],
        [0x1000, 2, true],
        [0x2000, 1, true],
      ],
    ],
    [
      'VAE1 reaches a global entry',
      { op: 'VAE1', va: 0x2000, asid: 9 },
      [
        [0x2000, 1, false],
        [0x1000, 1, true],
      ],
    ],
    [
      'VALE1 on a block',
      { op: 'VALE1', va: 0x30_0000, asid: 1 },
      [
        [0x20_0000, 1, false],
        [0x1000, 1, true],
      ],
    ],
    [
      'VAAE1: every ASID',
      { op: 'VAAE1', va: 0x1000 },
      [
        [0x1000, 1, false],
        [0x1000, 2, false],
        [0x2000, 1, true],
      ],
    ],
    [
      'ASIDE1 keeps global entries',
      { op: 'ASIDE1', asid: 1 },
      [
        [0x1000, 1, false],
        [0x20_0000, 1, false],
        [0x2000, 1, true],
        [0x1000, 2, true],
      ],
    ],
    [
      'VMALLE1',
      { op: 'VMALLE1' },
      [
        [0x1000, 1, false],
        [0x1000, 2, false],
        [0x2000, 1, false],
        [0x20_0000, 1, false],
      ],
    ],
  ])('%s', (_name, op, expectations) => {
    const tlb = loaded();
    tlb.tlbi(op);
    expect(tlb.counters.flushes[op.op]).toBe(1);
    for (const [va, asid, cached] of expectations) {
      expect(tlb.lookup(va, asid) !== undefined).toBe(cached);
    }
  });

  it('evicts the oldest entry at capacity', () => {
    const tlb = new Tlb({ capacity: 2 });
    tlb.insert(entry(0x1000, 0), 1);
    tlb.insert(entry(0x2000, 0), 1);
    tlb.insert(entry(0x3000, 0), 1);
    expect(tlb.size).toBe(2);
    expect(tlb.counters.evictions).toBe(1);
    expect(tlb.lookup(0x1000, 1)).toBeUndefined();
    expect(tlb.lookup(0x3000, 1)).toBeDefined();
  });

  it('rejects an ASID that does not fit 16 bits (it would alias the global tag)', () => {
    const tlb = new Tlb();
    expect(() => tlb.insert(entry(0x1000, 0), 0x1_0000)).toThrow(
      expect.objectContaining({ code: 'field-range' }),
    );
    expect(() => tlb.tlbi({ op: 'ASIDE1', asid: -1 })).toThrow(
      expect.objectContaining({ code: 'field-range' }),
    );
  });

  it('lists entries with their tags and rejects a zero capacity', () => {
    expect(
      loaded()
        .entries()
        .map((e) => e.asid),
    ).toEqual([1, 1, 2, 'global']);
    expect(() => new Tlb({ capacity: 0 })).toThrow(
      expect.objectContaining({ code: 'out-of-range' }),
    );
  });
});
