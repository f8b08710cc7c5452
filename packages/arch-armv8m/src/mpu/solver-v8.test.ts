import { describe, expect, it } from 'vitest';
import { MpuSolverError } from '../errors';
import { MPU_CTRL, MPU_MAIR0, Pmsav8Mpu } from './pmsav8';
import type { RegionRequest } from './regions';
import { applyPmsav8Solution, solvePmsav8 } from './solver-v8';

function errorOf(f: () => unknown): MpuSolverError {
  try {
    f();
  } catch (e) {
    if (e instanceof MpuSolverError) return e;
    throw e;
  }
  throw new Error('expected an MpuSolverError');
}

const rw = { read: true, write: true, execute: false };
const rx = { read: true, write: false, execute: true };

describe('solvePmsav8', () => {
  it('produces hand-derived registers for a flash + stack + UART task', () => {
    const solution = solvePmsav8(
      [
        { name: 'text', base: 0x08000000, size: 0x4000, ...rx },
        { name: 'stack', base: 0x20000400, size: 0x400, ...rw },
        { name: 'uart', base: 0x40013800, size: 0x400, ...rw, device: true },
      ],
      { regionCount: 4 },
    );
    expect(solution.regions).toEqual([
      // text: BASE 0x08000000 | AP=0b11<<1 (RO any) | XN=0 -> 0x08000006;
      //       last byte 0x08003fff -> LIMIT 0x08003fe0 | AttrIndx 0 | EN -> 0x08003fe1.
      { region: 0, rbar: 0x08000006, rlar: 0x08003fe1 },
      // stack: 0x20000400 | AP=0b01<<1 | XN -> 0x20000403; last byte 0x200007ff -> 0x200007e1.
      { region: 1, rbar: 0x20000403, rlar: 0x200007e1 },
      // uart: 0x40013800 | 0x2 | 0x1 -> 0x40013803; last 0x40013bff -> 0x40013be0 | 1<<1 | 1.
      { region: 2, rbar: 0x40013803, rlar: 0x40013be3 },
      // unused region: disabled (EN = 0).
      { region: 3, rbar: 0, rlar: 0 },
    ]);
    expect([...solution.attributes]).toEqual([
      [0, 0xff],
      [1, 0x04],
    ]);
  });

  it('merges overlapping and adjacent requests with identical attributes', () => {
    const solution = solvePmsav8(
      [
        { name: 'a', base: 0x20000000, size: 0x100, ...rw },
        { name: 'b', base: 0x20000100, size: 0x100, ...rw },
        { name: 'c', base: 0x20000080, size: 0x40, ...rw },
        { name: 'd', base: 0x20000200, size: 0x20, ...rx },
      ],
      { regionCount: 4, firstRegion: 2 },
    );
    expect(solution.ranges.map((r) => [r.base, r.end, r.names])).toEqual([
      [0x20000000, 0x20000200, ['a', 'c', 'b']],
      [0x20000200, 0x20000220, ['d']],
    ]);
    expect(solution.regions.map((r) => r.region)).toEqual([2, 3]);
    // Limit of the merged run: last byte 0x200001ff -> LIMIT 0x200001e0 | EN.
    expect(solution.regions[0]!.rlar).toBe(0x200001e1);
  });

  it('a request ending at 4 GiB and one starting at 0 are expressible', () => {
    const solution = solvePmsav8(
      [
        { base: 0, size: 0x20, ...rx },
        { base: 0xf0000000, size: 0x10000000, ...rw },
      ],
      { regionCount: 2 },
    );
    expect(solution.regions[1]).toEqual({ region: 1, rbar: 0xf0000003, rlar: 0xffffffe1 });
  });

  it.each<[string, RegionRequest[], string, RegExp]>([
    [
      'misaligned base',
      [{ name: 'buf', base: 0x20000010, size: 0x20, ...rw }],
      'misaligned',
      /"buf".*32-byte/,
    ],
    [
      'misaligned end',
      [{ name: 'buf', base: 0x20000000, size: 0x30, ...rw }],
      'misaligned',
      /"buf"/,
    ],
    ['empty', [{ name: 'z', base: 0x20000000, size: 0, ...rw }], 'bad-range', /"z"/],
    ['past 4 GiB', [{ base: 0xffffffe0, size: 0x40, ...rw }], 'bad-range', /#0/],
    [
      'write-only',
      [{ name: 'w', base: 0, size: 32, read: false, write: true, execute: false }],
      'write-without-read',
      /"w"/,
    ],
    [
      'execute-only',
      [{ name: 'x', base: 0, size: 32, read: false, write: false, execute: true }],
      'execute-without-read',
      /"x"/,
    ],
    [
      'executable device',
      [{ name: 'd', base: 0x40000000, size: 32, ...rx, device: true }],
      'device-execute',
      /"d"/,
    ],
    [
      'System space execute',
      [{ name: 's', base: 0xe0100000, size: 32, ...rx }],
      'system-space-execute',
      /"s"/,
    ],
    [
      'PPB',
      [{ name: 'scs', base: 0xe000e000, size: 0x1000, ...rw }],
      'private-peripheral-bus',
      /"scs"/,
    ],
    [
      'conflicting overlap',
      [
        { name: 'p', base: 0x20000000, size: 0x100, ...rw },
        { name: 'q', base: 0x200000e0, size: 0x40, ...rx },
      ],
      'conflicting-overlap',
      /"p".*"q"/,
    ],
  ])('rejects %s', (_name, requests, code, message) => {
    const e = errorOf(() => solvePmsav8(requests, { regionCount: 8 }));
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
  });

  it('names the runs that do not fit', () => {
    const requests = [0, 1, 2, 3, 4].map((i) => ({
      name: `r${i}`,
      base: 0x20000000 + i * 0x40,
      size: 0x20,
      ...rw,
    }));
    const e = errorOf(() => solvePmsav8(requests, { regionCount: 4 }));
    expect(e.code).toBe('too-many-regions');
    expect(e.message).toMatch(/needs 5 .* only 4 .*r4 \(0x20000100\.\.0x2000011f\)/);
    expect(errorOf(() => solvePmsav8(requests, { regionCount: 8, firstRegion: 4 })).code).toBe(
      'too-many-regions',
    );
    expect(solvePmsav8(requests, { regionCount: 8, firstRegion: 3 }).regions).toHaveLength(5);
  });

  it('rejects bad options', () => {
    expect(errorOf(() => solvePmsav8([], { regionCount: 4, firstRegion: 5 })).code).toBe(
      'bad-option',
    );
    expect(
      errorOf(() => solvePmsav8([], { regionCount: 4, normalAttrIndex: 1, deviceAttrIndex: 1 }))
        .code,
    ).toBe('bad-option');
  });

  it('applying a solution programs regions and MAIR bytes and clears stale regions', () => {
    const mpu = new Pmsav8Mpu({ regions: 4 });
    mpu.write(MPU_MAIR0, 0xaa000000); // Attr3 belongs to the kernel and must survive
    mpu.setRegion(3, 0x30000003, 0x300000e1); // stale region of a previous task
    applyPmsav8Solution(
      mpu,
      solvePmsav8([{ base: 0x20000000, size: 0x100, ...rw }], { regionCount: 4, firstRegion: 1 }),
    );
    mpu.write(MPU_CTRL, 1);
    expect(mpu.read(MPU_MAIR0)).toBe(0xaa0000ff);
    expect(mpu.regionRegisters(3)).toEqual({ rbar: 0, rlar: 0 });
    expect(mpu.check(0x20000000, 0x100, 'write', false).allowed).toBe(true);
    expect(mpu.check(0x30000000, 4, 'read', false).allowed).toBe(false);
  });
});
