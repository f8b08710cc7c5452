import { describe, expect, it } from 'vitest';
import {
  CFSR,
  cfsrBitNames,
  decodeFault,
  faultStatusFor,
  HFSR,
  SCB_CFSR,
  SCB_HFSR,
} from './faults';
import { MPU_CTRL, Pmsav8Mpu } from './mpu/pmsav8';

describe('fault status registers', () => {
  it('are at their architected addresses and bits', () => {
    expect([SCB_CFSR, SCB_HFSR]).toEqual([0xe000ed28, 0xe000ed2c]);
    // UFSR starts at bit 16: UNDEFINSTR = 0x10000, DIVBYZERO = bit 25 = 0x2000000.
    expect([CFSR.MMARVALID, CFSR.BFARVALID, CFSR.UNDEFINSTR, CFSR.STKOF, CFSR.DIVBYZERO]).toEqual([
      0x80, 0x8000, 0x10000, 0x100000, 0x2000000,
    ]);
    expect(HFSR.FORCED >>> 0).toBe(0x40000000);
    expect(cfsrBitNames(0x82)).toEqual(['DACCVIOL', 'MMARVALID']);
  });
});

describe('decodeFault', () => {
  it.each([
    // DACCVIOL | MMARVALID = 0x82: a data access at MMFAR.
    [
      { cfsr: 0x82, mmfar: 0x20001000, dataAccess: 'write' as const },
      { kind: 'memory', address: 0x20001000, access: 'write' },
    ],
    // DACCVIOL without MMARVALID: MMFAR must be ignored.
    [
      { cfsr: 0x02, mmfar: 0x1234 },
      { kind: 'memory', address: undefined, access: 'data' },
    ],
    // IACCVIOL = 0x01: execute, no address.
    [
      { cfsr: 0x01, mmfar: 0x1234 },
      { kind: 'memory', address: undefined, access: 'execute' },
    ],
    // MSTKERR = 0x10: stacking.
    [{ cfsr: 0x10 }, { kind: 'memory', access: 'stacking' }],
    // PRECISERR | BFARVALID = 0x8200.
    [
      { cfsr: 0x8200, bfar: 0x40000000 },
      { kind: 'bus', address: 0x40000000, imprecise: false },
    ],
    // IMPRECISERR = 0x400.
    [
      { cfsr: 0x400, bfar: 0x40000000 },
      { kind: 'bus', address: undefined, imprecise: true },
    ],
    [{ cfsr: 0x10000 }, { kind: 'usage', cause: 'undefined-instruction' }],
    [{ cfsr: 0x100000 }, { kind: 'usage', cause: 'stack-overflow' }],
    [{ cfsr: 0x2000000 }, { kind: 'usage', cause: 'divide-by-zero' }],
    [{ cfsr: 0x1000000 }, { kind: 'usage', cause: 'unaligned' }],
    [
      { cfsr: 0, hfsr: 0x40000000 },
      { kind: 'hard', forced: true, vectorTable: false, debugEvent: false },
    ],
    [
      { cfsr: 0, hfsr: 0x80000002 },
      { kind: 'hard', forced: false, vectorTable: true, debugEvent: true },
    ],
    [{ cfsr: 0 }, { kind: 'none' }],
  ])('%o', (status, expected) => {
    expect(decodeFault(status)).toMatchObject(expected);
  });

  it('a checker fault round-trips through the status registers', () => {
    const mpu = new Pmsav8Mpu({ regions: 1 });
    mpu.write(MPU_CTRL, 1);
    const fault = mpu.check(0x20000000, 4, 'write', false);
    if (fault.allowed) throw new Error('expected a fault');
    const status = faultStatusFor(fault);
    expect(status).toEqual({ cfsr: 0x82, mmfar: 0x20000000 });
    expect(decodeFault({ ...status, dataAccess: 'write' })).toMatchObject({
      kind: 'memory',
      address: 0x20000000,
      access: 'write',
    });
  });
});
