import { describe, expect, it } from 'vitest';
import { MpuRegisterError } from '../errors';
import {
  decodeMairAttribute,
  decodeRbar,
  decodeRlar,
  encodeMairAttribute,
  encodeRbar,
  encodeRlar,
  MPU_CTRL,
  MPU_MAIR0,
  MPU_MAIR1,
  MPU_RBAR,
  MPU_RBAR_A1,
  MPU_RBAR_A2,
  MPU_RBAR_A3,
  MPU_RLAR,
  MPU_RLAR_A1,
  MPU_RLAR_A3,
  MPU_RNR,
  MPU_TYPE,
  MpuAccessPermission,
  Pmsav8Mpu,
  Shareability,
} from './pmsav8';

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof MpuRegisterError) return e.code;
    throw e;
  }
  return undefined;
}

describe('PMSAv8 register addresses', () => {
  // Armv8-M ARM, MPU register summary: MPU_TYPE at 0xE000ED90 then one word apart up to
  // MPU_RLAR_A3 at 0xE000EDB8; MPU_MAIR0/1 at 0xE000EDC0/C4.
  it.each([
    ['MPU_TYPE', MPU_TYPE, 0xe000ed90],
    ['MPU_CTRL', MPU_CTRL, 0xe000ed94],
    ['MPU_RNR', MPU_RNR, 0xe000ed98],
    ['MPU_RBAR', MPU_RBAR, 0xe000ed9c],
    ['MPU_RLAR', MPU_RLAR, 0xe000eda0],
    ['MPU_RBAR_A1', MPU_RBAR_A1, 0xe000eda4],
    ['MPU_RLAR_A3', MPU_RLAR_A3, 0xe000edb8],
    ['MPU_MAIR0', MPU_MAIR0, 0xe000edc0],
    ['MPU_MAIR1', MPU_MAIR1, 0xe000edc4],
  ])('%s is at its architected address', (_name, actual, expected) => {
    expect(actual).toBe(expected);
  });
});

describe('MPU_RBAR / MPU_RLAR fields', () => {
  // BASE[31:5] | SH[4:3] | AP[2:1] | XN[0].
  it.each([
    // 0x20000000 | SH=0b11<<3 (0x18) | AP=0b11<<1 (0x6) | XN (0x1) = 0x2000001f
    [
      {
        base: 0x20000000,
        sh: Shareability.InnerShareable,
        ap: MpuAccessPermission.ReadOnly,
        xn: true,
      },
      0x2000001f,
    ],
    // 0x08000000 | SH=0 | AP=0b01<<1 (0x2) | XN=0 = 0x08000002
    [
      {
        base: 0x08000000,
        sh: Shareability.NonShareable,
        ap: MpuAccessPermission.ReadWrite,
        xn: false,
      },
      0x08000002,
    ],
    // 0xffffffe0 | SH=0b10<<3 (0x10) | AP=0b10<<1 (0x4) | 0 = 0xfffffff4
    [
      {
        base: 0xffffffe0,
        sh: Shareability.OuterShareable,
        ap: MpuAccessPermission.PrivilegedReadOnly,
        xn: false,
      },
      0xfffffff4,
    ],
  ])('RBAR %o encodes as %i', (fields, value) => {
    expect(encodeRbar(fields)).toBe(value);
    expect(decodeRbar(value)).toEqual(fields);
  });

  // LIMIT[31:5] | PXN[4] | AttrIndx[3:1] | EN[0]; the limit is inclusive with bits [4:0] = 0b11111.
  it.each([
    // last byte 0x200003ff: LIMIT field 0x200003e0, AttrIndx 0, EN -> 0x200003e1
    [{ limit: 0x200003ff, pxn: false, attrIndx: 0, en: true }, 0x200003e1],
    // last byte 0x400003ff, AttrIndx 1 (0b001<<1 = 0x2), EN -> 0x400003e3
    [{ limit: 0x400003ff, pxn: false, attrIndx: 1, en: true }, 0x400003e3],
    // PXN (0x10) | AttrIndx 7 (0xe) | EN=0, limit 0x1f -> 0x0000001e
    [{ limit: 0x1f, pxn: true, attrIndx: 7, en: false }, 0x1e],
  ])('RLAR %o encodes as %i', (fields, value) => {
    expect(encodeRlar(fields)).toBe(value);
    expect(decodeRlar(value)).toEqual(fields);
  });

  it('rejects an unaligned base and a limit that does not end a granule', () => {
    const f = { sh: Shareability.NonShareable, ap: MpuAccessPermission.ReadWrite, xn: false };
    expect(codeOf(() => encodeRbar({ ...f, base: 0x20000010 }))).toBe('unpredictable-value');
    expect(codeOf(() => encodeRlar({ limit: 0x200003fe, pxn: false, attrIndx: 0, en: true }))).toBe(
      'unpredictable-value',
    );
  });
});

describe('MAIR attribute encodings', () => {
  it.each([
    [0x00, { kind: 'device', type: 'nGnRnE' }],
    [0x04, { kind: 'device', type: 'nGnRE' }],
    [0x08, { kind: 'device', type: 'nGRE' }],
    [0x0c, { kind: 'device', type: 'GRE' }],
    // Device with bits [1:0] != 0 is UNPREDICTABLE.
    [0x01, { kind: 'unpredictable', byte: 0x01 }],
    // 0b0100 is Non-cacheable for both nibbles.
    [
      0x44,
      { kind: 'normal', outer: { policy: 'non-cacheable' }, inner: { policy: 'non-cacheable' } },
    ],
    // 0b1111: Write-Back non-transient, R=1, W=1.
    [
      0xff,
      {
        kind: 'normal',
        outer: { policy: 'write-back', transient: false, readAllocate: true, writeAllocate: true },
        inner: { policy: 'write-back', transient: false, readAllocate: true, writeAllocate: true },
      },
    ],
    // 0b1010: Write-Through non-transient, R=1, W=0; 0b0001 (inner): Write-Through transient W=1.
    [
      0xa1,
      {
        kind: 'normal',
        outer: {
          policy: 'write-through',
          transient: false,
          readAllocate: true,
          writeAllocate: false,
        },
        inner: {
          policy: 'write-through',
          transient: true,
          readAllocate: false,
          writeAllocate: true,
        },
      },
    ],
    // 0b0111 outer (Write-Back transient RW) with inner 0b0000: UNPREDICTABLE.
    [0x70, { kind: 'unpredictable', byte: 0x70 }],
  ])('0x%s decodes', (byte, attr) => {
    expect(decodeMairAttribute(byte)).toEqual(attr);
  });

  it('every defined byte encodes back to itself (exhaustive over 0..255)', () => {
    let defined = 0;
    for (let b = 0; b < 256; b++) {
      const attr = decodeMairAttribute(b);
      if (attr.kind === 'unpredictable') {
        expect(codeOf(() => encodeMairAttribute(attr))).toBe('unpredictable-value');
      } else {
        defined++;
        expect(encodeMairAttribute(attr)).toBe(b);
      }
    }
    // 4 device bytes + 15*15 normal bytes (nibbles 1..15 each).
    expect(defined).toBe(4 + 15 * 15);
  });
});

describe('Pmsav8Mpu registers', () => {
  it('reports DREGION in MPU_TYPE[15:8] and rejects writes to it', () => {
    const mpu = new Pmsav8Mpu({ regions: 8 });
    expect(mpu.read(MPU_TYPE)).toBe(0x0800);
    expect(codeOf(() => mpu.write(MPU_TYPE, 0))).toBe('bad-access');
  });

  it('keeps only ENABLE/HFNMIENA/PRIVDEFENA in MPU_CTRL and rejects HFNMIENA without ENABLE', () => {
    const mpu = new Pmsav8Mpu({ regions: 8 });
    mpu.write(MPU_CTRL, 0xffffffff);
    expect(mpu.read(MPU_CTRL)).toBe(0x7);
    expect(codeOf(() => mpu.write(MPU_CTRL, 0x2))).toBe('unpredictable-value');
    expect(mpu.read(MPU_CTRL)).toBe(0x7);
  });

  it('MPU_RNR keeps REGION[7:0] and rejects unimplemented regions', () => {
    const mpu = new Pmsav8Mpu({ regions: 8 });
    mpu.write(MPU_RNR, 0x107); // bits [31:8] are RES0
    expect(mpu.read(MPU_RNR)).toBe(7);
    expect(codeOf(() => mpu.write(MPU_RNR, 8))).toBe('region-out-of-range');
    expect(mpu.read(MPU_RNR)).toBe(7);
  });

  // Alias n addresses region RNR[7:2]:n, so with RNR = 5 the aliases reach regions 5, 6, 7 and
  // MPU_RBAR itself reaches region 5.
  it.each([
    [5, MPU_RBAR, 5],
    [5, MPU_RBAR_A1, 5],
    [5, MPU_RBAR_A2, 6],
    [5, MPU_RBAR_A3, 7],
    [0, MPU_RBAR_A3, 3],
    [6, MPU_RBAR_A1, 5],
  ])('with RNR=%i, register 0x%s writes region %i', (rnr, address, region) => {
    const mpu = new Pmsav8Mpu({ regions: 8 });
    mpu.write(MPU_RNR, rnr);
    mpu.write(address, 0x12345660);
    expect(mpu.regionRegisters(region).rbar).toBe(0x12345660);
    expect(mpu.read(address)).toBe(0x12345660);
    expect(mpu.read(MPU_RNR)).toBe(rnr);
  });

  it('an alias naming an unimplemented region is rejected', () => {
    const mpu = new Pmsav8Mpu({ regions: 5 });
    mpu.write(MPU_RNR, 4);
    expect(codeOf(() => mpu.read(MPU_RLAR_A1))).toBe('region-out-of-range');
  });

  it('MPU_RLAR.PXN is RES0 before v8.1-M and kept with it', () => {
    const v8 = new Pmsav8Mpu({ regions: 4 });
    v8.write(MPU_RLAR, 0xffffffff);
    expect(v8.read(MPU_RLAR)).toBe(0xffffffef);
    const v81 = new Pmsav8Mpu({ regions: 4, pxn: true });
    v81.write(MPU_RLAR, 0xffffffff);
    expect(v81.read(MPU_RLAR)).toBe(0xffffffff);
  });

  it('MAIR0/MAIR1 bytes are the attributes 0..7', () => {
    const mpu = new Pmsav8Mpu({ regions: 4 });
    mpu.write(MPU_MAIR0, 0x000004ff);
    mpu.write(MPU_MAIR1, 0x44000000);
    expect([0, 1, 2, 7].map((i) => mpu.attribute(i))).toEqual([0xff, 0x04, 0x00, 0x44]);
  });

  it.each([0xe000edbc, 0xe000ed9e, 0xe000edc8])('0x%s is not an MPU register', (address) => {
    const mpu = new Pmsav8Mpu({ regions: 4 });
    expect(codeOf(() => mpu.read(address))).toBe('not-a-register');
  });

  it('an MPU without regions rejects region accesses', () => {
    const mpu = new Pmsav8Mpu({ regions: 0 });
    expect(mpu.read(MPU_TYPE)).toBe(0);
    expect(codeOf(() => mpu.read(MPU_RBAR))).toBe('region-out-of-range');
  });
});
