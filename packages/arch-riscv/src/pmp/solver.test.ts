import { describe, expect, it } from 'vitest';
import { RiscvError } from '../errors';
import { PrivilegeMode } from '../trap';
import { PmpAccess, PmpChecker } from './checker';
import { PMP_L, PMP_R, PMP_W, PMP_X, PmpRegisters } from './registers';
import { applyPmpLayout, solvePmp, solvePmpFor } from './solver';

const OFF = 0;
const TOR = 1 << 3;
const NA4 = 2 << 3;
const NAPOT = 3 << 3;
const U = PrivilegeMode.User;

function used(layout: ReturnType<typeof solvePmp>) {
  return layout.entries.slice(0, layout.used).map(({ cfg, addr }) => ({ cfg, addr }));
}

describe('solvePmp encodings', () => {
  it('a naturally aligned power of two takes one NAPOT entry', () => {
    const layout = solvePmp([
      { base: 0x8000_0000, size: 0x1_0000, read: true, write: true, execute: true },
    ]);
    expect(used(layout)).toEqual([{ cfg: NAPOT | PMP_R | PMP_W | PMP_X, addr: 0x2000_1fff }]);
    expect(layout.entries).toHaveLength(16);
    expect(layout.entries[15]).toEqual({ index: 15, cfg: 0, addr: 0 });
  });

  it('an aligned 4-byte region takes one NA4 entry', () => {
    expect(used(solvePmp([{ base: 0x1000, size: 4, read: true }]))).toEqual([
      { cfg: NA4 | PMP_R, addr: 0x400 },
    ]);
  });

  it('a lone odd-sized region takes an OFF entry for its bottom plus a TOR entry', () => {
    expect(used(solvePmp([{ base: 0x1000, size: 0xc00, read: true, write: true }]))).toEqual([
      { cfg: OFF, addr: 0x400 },
      { cfg: TOR | PMP_R | PMP_W, addr: 0x700 },
    ]);
  });

  it('a TOR region at address 0 in entry 0 needs no bottom entry', () => {
    expect(used(solvePmp([{ base: 0, size: 0xc00, read: true }]))).toEqual([
      { cfg: TOR | PMP_R, addr: 0x300 },
    ]);
  });

  it('address-adjacent TOR regions share their bound', () => {
    const layout = solvePmp([
      { base: 0x1c00, size: 0x800, read: true, write: true },
      { base: 0x1000, size: 0xc00, read: true },
    ]);
    expect(used(layout)).toEqual([
      { cfg: OFF, addr: 0x400 },
      { cfg: TOR | PMP_R, addr: 0x700 },
      { cfg: TOR | PMP_R | PMP_W, addr: 0x900 },
    ]);
  });

  it('encodes a NAPOT-able region as TOR when that keeps a chain of shared bounds', () => {
    // [0x1000,0x1c00) RX | [0x1c00,0x1c10) R (NAPOT-able) | [0x1c10,0x2000) RW:
    // all TOR = 1 + 3 = 4 entries; NAPOT in the middle would need 2 + 1 + 2 = 5.
    const layout = solvePmp([
      { base: 0x1000, size: 0xc00, read: true, execute: true },
      { base: 0x1c00, size: 0x10, read: true },
      { base: 0x1c10, size: 0x3f0, read: true, write: true },
    ]);
    expect(layout.used).toBe(4);
    expect(used(layout).map((e) => e.cfg & (3 << 3))).toEqual([OFF, TOR, TOR, TOR]);
  });

  it('merges adjacent regions with equal permissions', () => {
    const layout = solvePmp([
      { base: 0x1000, size: 0x800, read: true, write: true },
      { base: 0x1800, size: 0x800, read: true, write: true },
    ]);
    expect(used(layout)).toEqual([{ cfg: NAPOT | PMP_R | PMP_W, addr: (0x1000 >>> 2) | 0x1ff }]);
  });

  it('drops regions without permissions (U mode is denied there anyway)', () => {
    expect(solvePmp([{ base: 0x1000, size: 0x10 }]).used).toBe(0);
  });

  it('uses the reserved predecessor pmpaddr as a TOR bottom', () => {
    const layout = solvePmp([{ base: 0x8000_0000, size: 0x1800, read: true }], {
      reserved: 1,
      reservedRanges: [{ start: 0, end: 0x8000_0000 }],
      predecessorAddress: 0x2000_0000,
    });
    expect(layout.used).toBe(1);
    expect(layout.entries[0]).toEqual({ index: 1, cfg: TOR | PMP_R, addr: 0x2000_0600 });
  });

  it('G = 2 (16-byte granule): no NA4, NAPOT from 16 bytes, TOR otherwise', () => {
    const layout = solvePmp(
      [
        { base: 0x1000, size: 0x10, read: true },
        { base: 0x2000, size: 0x30, read: true },
      ],
      {
        granularity: 2,
      },
    );
    expect(used(layout)).toEqual([
      { cfg: NAPOT | PMP_R, addr: 0x400 | 1 },
      { cfg: OFF, addr: 0x800 },
      { cfg: TOR | PMP_R, addr: 0x80c },
    ]);
  });
});

describe('solvePmp errors', () => {
  function code(f: () => unknown): string | undefined {
    try {
      f();
    } catch (e) {
      if (e instanceof RiscvError) return e.code;
      throw e;
    }
    return undefined;
  }
  it.each([
    [
      'misaligned base',
      () => solvePmp([{ base: 2, size: 4, read: true }]),
      'pmp-misaligned-region',
    ],
    ['empty region', () => solvePmp([{ base: 0, size: 0, read: true }]), 'pmp-misaligned-region'],
    [
      'not a granule multiple',
      () => solvePmp([{ base: 0, size: 8, read: true }], { granularity: 2 }),
      'pmp-misaligned-region',
    ],
    [
      'write without read',
      () => solvePmp([{ base: 0, size: 8, write: true }]),
      'pmp-unencodable-permissions',
    ],
    [
      'overlap',
      () =>
        solvePmp([
          { base: 0, size: 16, read: true },
          { base: 8, size: 16, execute: true },
        ]),
      'pmp-overlapping-regions',
    ],
    [
      'reserved conflict',
      () =>
        solvePmp([{ base: 0x100, size: 16, read: true }], {
          reserved: 1,
          reservedRanges: [{ start: 0, end: 0x200 }],
        }),
      'pmp-reserved-conflict',
    ],
    [
      'does not fit',
      () =>
        solvePmp(
          Array.from({ length: 17 }, (_, i) => ({
            base: i * 0x100,
            size: 8,
            read: true,
            execute: i % 2 === 0,
          })),
        ),
      'pmp-does-not-fit',
    ],
  ])('%s', (_name, f, want) => {
    expect(code(f)).toBe(want);
  });

  it('says how many entries were needed and free', () => {
    expect(() => solvePmp([{ base: 0x1000, size: 0xc00, read: true }], { reserved: 15 })).toThrow(
      /need 2 PMP entries but only 1/,
    );
  });
});

describe('solvePmpFor / applyPmpLayout', () => {
  it('keeps locked kernel entries, grants exactly the task regions', () => {
    const pmp = new PmpRegisters();
    // Kernel: entry 0 locked TOR [0, 0x8000_0000) with no permissions (M mode denied there too).
    pmp.writeAddr(0, 0x2000_0000);
    pmp.writeEntryConfig(0, TOR | PMP_L);
    const layout = solvePmpFor(pmp, [
      { base: 0x8000_0000, size: 0x1800, read: true, execute: true },
      { base: 0x8000_2000, size: 0x1000, read: true, write: true },
    ]);
    applyPmpLayout(pmp, layout);
    const check = new PmpChecker(pmp);
    expect(pmp.readAddr(0)).toBe(0x2000_0000);
    expect(check.allows(0x8000_0000, 4, PmpAccess.Execute, U)).toBe(true);
    expect(check.allows(0x8000_17fc, 4, PmpAccess.Read, U)).toBe(true);
    expect(check.allows(0x8000_17fc, 4, PmpAccess.Write, U)).toBe(false);
    expect(check.allows(0x8000_1800, 4, PmpAccess.Read, U)).toBe(false);
    expect(check.allows(0x8000_2ffc, 4, PmpAccess.Write, U)).toBe(true);
    expect(check.allows(0x8000_3000, 4, PmpAccess.Read, U)).toBe(false);
    expect(layout.used).toBe(2);
  });
});
