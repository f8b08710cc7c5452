import { describe, expect, it } from 'vitest';
import { MpuRegisterError } from '../errors';
import {
  decodeRasr,
  encodeRasr,
  Pmsav7AccessPermission,
  Pmsav7Mpu,
  PMSAV7_RASR,
  PMSAV7_RBAR,
  pmsav7MemoryType,
} from './pmsav7';
import { MPU_CTRL, MPU_RNR } from './pmsav8';

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof MpuRegisterError) return e.code;
    throw e;
  }
  return undefined;
}

describe('PMSAv7 MPU_RASR', () => {
  it.each([
    // XN (bit 28) | AP=0b011<<24 | TEX=0b001<<19 | C (bit 17) | B (bit 16) | SRD 0x81<<8 |
    // SIZE=9<<1 (1 KiB = 2^10) | ENABLE = 0x10000000|0x03000000|0x00080000|0x20000|0x10000|0x8100|0x12|1
    [
      {
        xn: true,
        ap: 3,
        tex: 1,
        s: false,
        c: true,
        b: true,
        srd: 0x81,
        sizeLog2: 10,
        enable: true,
      },
      0x130b8113,
    ],
    // AP=0b110<<24 | S (bit 18) | SIZE=4<<1 (32 bytes) | ENABLE = 0x06000000|0x40000|0x8|1
    [
      { xn: false, ap: 6, tex: 0, s: true, c: false, b: false, srd: 0, sizeLog2: 5, enable: true },
      0x06040009,
    ],
    // 4 GiB: SIZE=31<<1 = 0x3e
    [
      {
        xn: false,
        ap: 1,
        tex: 0,
        s: false,
        c: false,
        b: true,
        srd: 0,
        sizeLog2: 32,
        enable: false,
      },
      0x0101003e,
    ],
  ])('%o <-> 0x%s', (fields, value) => {
    expect(encodeRasr(fields)).toBe(value);
    expect(decodeRasr(value)).toEqual(fields);
  });

  it.each([
    [0, false, false, 'strongly-ordered'],
    [0, false, true, 'device'],
    [0, true, false, 'normal'],
    [1, false, false, 'normal'],
    [1, false, true, 'reserved'],
    [2, false, false, 'device'],
    [2, true, false, 'reserved'],
    [5, true, true, 'normal'],
  ] as const)('TEX=%i C=%s B=%s is %s', (tex, c, b, type) => {
    expect(pmsav7MemoryType(tex, c, b)).toBe(type);
  });
});

describe('Pmsav7Mpu registers', () => {
  it('RBAR with VALID selects the region and updates RNR; reads return REGION and VALID=0', () => {
    const mpu = new Pmsav7Mpu({ regions: 8 });
    // ADDR 0x20000400, VALID (0x10), REGION 5 -> 0x20000415
    mpu.write(PMSAV7_RBAR, 0x20000415);
    expect(mpu.read(MPU_RNR)).toBe(5);
    expect(mpu.read(PMSAV7_RBAR)).toBe(0x20000405);
    // Without VALID the region in RNR is written and REGION is ignored.
    mpu.write(PMSAV7_RBAR, 0x20000802);
    expect(mpu.regionRegisters(5).rbar).toBe(0x20000800);
    // Alias A2 (0xe000edac) is the same register.
    mpu.write(0xe000edac, 0x30000013);
    expect(mpu.read(MPU_RNR)).toBe(3);
    expect(codeOf(() => mpu.write(PMSAV7_RBAR, 0x19))).toBe('region-out-of-range');
  });

  it.each([
    ['SIZE below 32 bytes', 'armv7m', 0x03000007],
    ['SIZE below 256 bytes on ARMv6-M', 'armv6m', 0x0300000d],
    ['SRD on a 128-byte region', 'armv7m', 0x0300010d],
    ['reserved AP 0b100', 'armv7m', 0x04000013],
  ] as const)('enabling with %s is rejected', (_name, profile, rasr) => {
    const mpu = new Pmsav7Mpu({ regions: 8, profile });
    expect(codeOf(() => mpu.write(PMSAV7_RASR, rasr))).toBe('unpredictable-value');
    mpu.write(PMSAV7_RASR, rasr & ~1); // disabled, any value is fine
  });
});

describe('PMSAv7 checker', () => {
  // Region 0: 0x20000000, 4 KiB (SIZE=11), RW any, XN, SRD=0b0000_0100 (subregion 2,
  //           0x20000400..0x200005ff, disabled).
  // Region 1: 0x20000000, 1 KiB (SIZE=9), RO any, XN -> overrides region 0 on its range.
  // Region 2: 0x08000000, 256 KiB (SIZE=17), RO any, executable, Normal.
  function board(): Pmsav7Mpu {
    const mpu = new Pmsav7Mpu({ regions: 8 });
    const normal = { tex: 1, s: false, c: true, b: true };
    mpu.setRegion(
      0,
      0x20000000,
      encodeRasr({
        ...normal,
        xn: true,
        ap: Pmsav7AccessPermission.ReadWrite,
        srd: 0x04,
        sizeLog2: 12,
        enable: true,
      }),
    );
    mpu.setRegion(
      1,
      0x20000000,
      encodeRasr({
        ...normal,
        xn: true,
        ap: Pmsav7AccessPermission.ReadOnly,
        srd: 0,
        sizeLog2: 10,
        enable: true,
      }),
    );
    mpu.setRegion(
      2,
      0x08000000,
      encodeRasr({
        ...normal,
        xn: false,
        ap: Pmsav7AccessPermission.ReadOnly,
        srd: 0,
        sizeLog2: 18,
        enable: true,
      }),
    );
    mpu.write(MPU_CTRL, 0b101);
    return mpu;
  }

  it.each([
    ['higher region wins (RO over RW)', 0x20000000, 4, 'write', false, 'permission', 0x20000000],
    ['lower region below the override', 0x20000400 - 4, 4, 'read', false, true, 0],
    [
      'write straddling out of the RO override into a disabled subregion',
      0x200003fc,
      8,
      'write',
      false,
      'permission',
      0x200003fc,
    ],
    [
      'disabled subregion falls to the background (unprivileged)',
      0x20000400,
      4,
      'read',
      false,
      'background',
      0x20000400,
    ],
    [
      'disabled subregion falls to the background map (privileged)',
      0x20000400,
      4,
      'write',
      true,
      true,
      0,
    ],
    ['enabled subregion after the hole', 0x20000600, 4, 'write', false, true, 0],
    ['last byte of region 0', 0x20000fff, 1, 'write', false, true, 0],
    ['first byte after region 0', 0x20001000, 1, 'read', false, 'background', 0x20001000],
    ['flash fetch', 0x0803fffe, 2, 'execute', false, true, 0],
    ['XN fetch', 0x20000600, 2, 'execute', false, 'execute-never', 0x20000600],
  ] as const)('%s', (_name, address, size, access, privileged, expected, at) => {
    const result = board().check(address, size, access, privileged);
    if (expected === true) expect(result.allowed).toBe(true);
    else expect(result).toMatchObject({ allowed: false, reason: expected, address: at });
  });
});
