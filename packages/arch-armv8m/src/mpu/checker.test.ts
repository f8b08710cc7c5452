import { describe, expect, it } from 'vitest';
import type { MemoryAccess } from './memory-map';
import { MPU_CTRL, MPU_MAIR0, Pmsav8Mpu } from './pmsav8';

// A hand-programmed 8-region MPU; every value derived from the field layout
// RBAR = BASE | SH<<3 | AP<<1 | XN and RLAR = LIMIT | PXN<<4 | AttrIndx<<1 | EN.
// MAIR0 = 0x000004ff: Attr0 = 0xff (Normal WB), Attr1 = 0x04 (Device-nGnRE).
function board(ctrl = 0b101): Pmsav8Mpu {
  const mpu = new Pmsav8Mpu({ regions: 8, pxn: true });
  mpu.write(MPU_MAIR0, 0x000004ff);
  // 0: flash 0x08000000..0x0803ffff, AP=0b11 (RO any), XN=0.
  mpu.setRegion(0, 0x08000006, 0x0803ffe1);
  // 1: SRAM 0x20000000..0x20000fff, AP=0b01 (RW any), XN=1.
  mpu.setRegion(1, 0x20000003, 0x20000fe1);
  // 2: kernel 0x20001000..0x200010ff, AP=0b00 (RW privileged only), XN=1.
  mpu.setRegion(2, 0x20001001, 0x200010e1);
  // 3: UART 0x40000000..0x400003ff, RW any, XN, AttrIndx=1 (device).
  mpu.setRegion(3, 0x40000003, 0x400003e3);
  // 4 and 5 overlap on 0x20002080..0x200020ff.
  mpu.setRegion(4, 0x20002003, 0x200020e1);
  mpu.setRegion(5, 0x20002087, 0x20002161);
  // 6: 0x30000000..0x3000001f, RO any, XN=0 but Device (AttrIndx 1).
  mpu.setRegion(6, 0x30000006, 0x30000003);
  // 7: System space 0xe0100000..0xe010001f, RO any, XN=0, PXN=1.
  mpu.setRegion(7, 0xe0100006, 0xe0100011);
  mpu.write(MPU_CTRL, ctrl);
  return mpu;
}

type Case = [string, number, number, MemoryAccess, boolean, string | true, number?];

describe('PMSAv8 checker, MPU enabled with PRIVDEFENA', () => {
  const cases: Case[] = [
    ['flash fetch, unprivileged', 0x08000000, 4, 'execute', false, true],
    ['flash write (AP read-only)', 0x08000000, 4, 'write', false, 'permission'],
    ['last word of flash (inclusive limit)', 0x0803fffc, 4, 'read', false, true],
    ['read straddling the end of flash', 0x0803fffe, 4, 'read', false, 'background', 0x08040000],
    [
      'write straddling into a privileged region',
      0x20000ffc,
      8,
      'write',
      false,
      'permission',
      0x20001000,
    ],
    ['same write, privileged', 0x20000ffc, 8, 'write', true, true],
    ['fetch from XN SRAM', 0x20000000, 2, 'execute', false, 'execute-never'],
    ['unprivileged read of a privileged-only region', 0x20001000, 4, 'read', false, 'permission'],
    ['read where two regions overlap, privileged', 0x20002080, 4, 'read', true, 'overlap'],
    ['read running into an overlap', 0x2000207c, 8, 'read', false, 'overlap', 0x20002080],
    ['read of the first region alone before the overlap', 0x2000207c, 4, 'read', false, true],
    ['device read', 0x40000000, 4, 'read', false, true],
    ['device fetch with XN', 0x40000000, 2, 'execute', true, 'execute-never'],
    ['fetch from a Device region without XN', 0x30000000, 2, 'execute', true, 'device-execute'],
    [
      'fetch in System space despite XN=0',
      0xe0100000,
      2,
      'execute',
      false,
      'default-map-execute-never',
    ],
    ['privileged read of a System-space region', 0xe0100000, 2, 'read', true, true],
    ['unprivileged miss', 0x10000000, 4, 'read', false, 'background'],
    ['privileged miss uses the default map', 0x10000000, 4, 'read', true, true],
    ['privileged fetch from Code via the default map', 0x10000000, 2, 'execute', true, true],
    [
      'privileged fetch from Peripheral via the default map',
      0x50000000,
      2,
      'execute',
      true,
      'default-map-execute-never',
    ],
    ['privileged PPB read (MPU not consulted)', 0xe000ed94, 4, 'read', true, true],
    ['unprivileged PPB read', 0xe000ed94, 4, 'read', false, 'ppb-unprivileged'],
    ['PPB fetch', 0xe000e000, 2, 'execute', true, 'default-map-execute-never'],
  ];
  it.each(cases)('%s', (_name, address, size, access, privileged, expected, faultAddress) => {
    const result = board().check(address, size, access, privileged);
    if (expected === true) {
      expect(result).toEqual({ allowed: true });
    } else {
      expect(result.allowed).toBe(false);
      if (!result.allowed) {
        expect(result.reason).toBe(expected);
        expect(result.address).toBe(faultAddress ?? address);
        expect(result.fault).toBe(expected === 'ppb-unprivileged' ? 'BusFault' : 'MemManage');
      }
    }
  });
});

describe('PMSAv8 checker, control bits', () => {
  it('PXN stops privileged fetches only (v8.1-M)', () => {
    const mpu = new Pmsav8Mpu({ regions: 1, pxn: true });
    mpu.write(MPU_MAIR0, 0xff);
    mpu.setRegion(0, 0x00000006, 0x00000ff1); // 0..0xfff RO any, XN=0, PXN=1
    mpu.write(MPU_CTRL, 1);
    expect(mpu.check(0x100, 2, 'execute', false).allowed).toBe(true);
    expect(mpu.check(0x100, 2, 'execute', true)).toMatchObject({
      reason: 'privileged-execute-never',
    });
  });

  it('without PRIVDEFENA a privileged miss faults, unless the priority is negative and HFNMIENA is clear', () => {
    const mpu = board(0b001);
    expect(mpu.check(0x10000000, 4, 'read', true)).toMatchObject({ reason: 'background' });
    expect(mpu.check(0x10000000, 4, 'read', true, { negativePriority: true }).allowed).toBe(true);
    const strict = board(0b011); // HFNMIENA keeps the MPU on for HardFault and NMI
    expect(strict.check(0x10000000, 4, 'read', true, { negativePriority: true })).toMatchObject({
      reason: 'background',
    });
  });

  it('a disabled MPU allows data everywhere but keeps the default map XN areas', () => {
    const mpu = board(0);
    expect(mpu.check(0x08000000, 4, 'write', false).allowed).toBe(true);
    expect(mpu.check(0x20002080, 4, 'read', false).allowed).toBe(true);
    expect(mpu.check(0xa0000000, 2, 'execute', false)).toMatchObject({
      reason: 'default-map-execute-never',
    });
    expect(mpu.check(0x9ffffffe, 2, 'execute', false).allowed).toBe(true);
    // Crossing from RAM (executable) into Device (XN) faults at the first Device byte.
    expect(mpu.check(0x9ffffffe, 4, 'execute', false)).toMatchObject({ address: 0xa0000000 });
  });

  it('reports the first faulting byte of a long access and accepts the top of memory', () => {
    const mpu = new Pmsav8Mpu({ regions: 2 });
    mpu.write(MPU_MAIR0, 0xff);
    mpu.setRegion(0, 0x20000003, 0x200000e1); // 0x20000000..0x200000ff RW
    mpu.setRegion(1, 0x20000103, 0x200001e1); // 0x20000100..0x200001ff RW, adjacent
    mpu.write(MPU_CTRL, 1);
    expect(mpu.check(0x20000000, 0x200, 'write', false).allowed).toBe(true);
    expect(mpu.check(0x20000000, 0x201, 'write', false)).toMatchObject({ address: 0x20000200 });
    expect(() => mpu.check(0xffffffff, 2, 'read', true)).toThrow(/below 2\^32/);
    expect(mpu.check(0xffffffff, 1, 'read', true)).toMatchObject({ reason: 'background' });
  });
});
