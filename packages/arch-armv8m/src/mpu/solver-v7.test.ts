import { describe, expect, it } from 'vitest';
import { MpuSolverError } from '../errors';
import { Pmsav7Mpu } from './pmsav7';
import { MPU_CTRL } from './pmsav8';
import { applyPmsav7Solution, solvePmsav7 } from './solver-v7';

const rw = { read: true, write: true, execute: false };
const ro = { read: true, write: false, execute: false };

function board(regions: number) {
  const mpu = new Pmsav7Mpu({ regions });
  mpu.write(MPU_CTRL, 0b101);
  return mpu;
}

describe('solvePmsav7', () => {
  it('covers a power-of-two aligned range with one region (hand-derived RASR)', () => {
    const s = solvePmsav7([{ base: 0x20000000, size: 0x400, ...rw }], { regionCount: 8 });
    expect(s.exact).toBe(true);
    expect(s.used).toBe(1);
    // 1 KiB: SIZE=9 (0x12 with ENABLE 0x13); AP=0b011 (0x03000000); XN (0x10000000);
    // Normal: TEX=0b001 (0x80000), C (0x20000), B (0x10000) -> 0x130b0013.
    expect(s.regions[0]).toEqual({ region: 0, rbar: 0x20000000, rasr: 0x130b0013 });
  });

  it('uses subregions for 7/8 of a block', () => {
    // 0x20000000..0x200037ff is 7 of the 8 2-KiB subregions of a 16 KiB block: SRD = 0b1000_0000.
    const s = solvePmsav7([{ base: 0x20000000, size: 0x3800, ...rw }], { regionCount: 8 });
    expect(s.used).toBe(1);
    // SIZE=13 (16 KiB) -> 0x1a | 1 = 0x1b; SRD 0x80<<8 = 0x8000.
    expect(s.regions[0]!.rasr).toBe(0x130b801b);
  });

  it('uses overlap priority: an RO hole inside an RW block costs one extra region', () => {
    const requests = [
      { name: 'a', base: 0x20000000, size: 0x100, ...rw },
      { name: 'hole', base: 0x20000100, size: 0x20, ...ro },
      { name: 'b', base: 0x20000120, size: 0x2e0, ...rw },
    ];
    const s = solvePmsav7(requests, { regionCount: 8 });
    expect(s.exact).toBe(true);
    // One 1 KiB RW block (low) and one 32-byte RO override (high) instead of 4+ plain blocks.
    expect(s.used).toBe(2);
    const mpu = board(8);
    applyPmsav7Solution(mpu, s);
    expect(mpu.check(0x200000ff, 1, 'write', false).allowed).toBe(true);
    expect(mpu.check(0x20000100, 1, 'write', false).allowed).toBe(false);
    expect(mpu.check(0x20000100, 1, 'read', false).allowed).toBe(true);
    expect(mpu.check(0x20000120, 1, 'write', false).allowed).toBe(true);
  });

  it('reports a tightest safe cover for a misaligned request', () => {
    const s = solvePmsav7([{ name: 'buf', base: 0x20000010, size: 0x40, ...rw }], {
      regionCount: 8,
    });
    expect(s.exact).toBe(false);
    expect(s.ungranted).toEqual([
      { base: 0x20000010, end: 0x20000020, reason: 'misaligned' },
      { base: 0x20000040, end: 0x20000050, reason: 'misaligned' },
    ]);
    expect(() =>
      solvePmsav7([{ name: 'buf', base: 0x20000010, size: 0x40, ...rw }], {
        regionCount: 8,
        requireExact: true,
      }),
    ).toThrow(MpuSolverError);
  });

  it('drops the smallest blocks when out of regions and reports them', () => {
    const requests = [0, 1, 2].map((i) => ({
      base: 0x20000000 + i * 0x1000,
      size: 0x20 << i,
      ...rw,
    }));
    const s = solvePmsav7(requests, { regionCount: 2 });
    expect(s.exact).toBe(false);
    expect(s.ungranted).toEqual([{ base: 0x20000000, end: 0x20000020, reason: 'no-region-left' }]);
    expect(() => solvePmsav7(requests, { regionCount: 2, requireExact: true })).toThrow(/needs 3/);
  });

  it('on ARMv6-M reaches 32-byte granularity through the subregions of a 256-byte block', () => {
    const s = solvePmsav7([{ base: 0x20000020, size: 0x20, ...rw }], {
      regionCount: 8,
      profile: 'armv6m',
    });
    expect(s.used).toBe(1);
    // 256-byte block at 0x20000000 with only subregion 1 enabled: SRD = 0xfd; SIZE=7 -> 0xe|1.
    expect(s.regions[0]).toEqual({ region: 0, rbar: 0x20000000, rasr: 0x130bfd0f });
  });
});
