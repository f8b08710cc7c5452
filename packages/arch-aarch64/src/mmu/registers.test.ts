import { describe, expect, it } from 'vitest';
import {
  DeviceType,
  decodeMair,
  decodeMairAttribute,
  encodeMair,
  encodeMairAttribute,
  type MemoryAttribute,
} from './mair';
import {
  DEFAULT_TCR,
  decodeTcr,
  decodeTtbr,
  encodeTcr,
  encodeTtbr,
  Tg0,
  walkGeometry,
} from './tcr';

describe('MAIR_EL1', () => {
  const wbRwa = {
    policy: 'write-back',
    transient: false,
    readAllocate: true,
    writeAllocate: true,
  } as const;
  it.each<[string, MemoryAttribute, number]>([
    ['Device-nGnRnE', { kind: 'device', device: DeviceType.nGnRnE }, 0x00],
    ['Device-nGnRE', { kind: 'device', device: DeviceType.nGnRE }, 0x04],
    ['Device-GRE', { kind: 'device', device: DeviceType.GRE }, 0x0c],
    // 0b0100 = Non-cacheable in each nibble.
    [
      'Normal NC',
      { kind: 'normal', inner: { policy: 'non-cacheable' }, outer: { policy: 'non-cacheable' } },
      0x44,
    ],
    // 0b11RW with R=W=1: write-back non-transient read/write-allocate.
    ['Normal WB RWA', { kind: 'normal', inner: wbRwa, outer: wbRwa }, 0xff],
    // inner 0b0110 = write-back transient, read-allocate; outer 0b1010 = write-through, read-allocate.
    [
      'Normal mixed',
      {
        kind: 'normal',
        inner: { policy: 'write-back', transient: true, readAllocate: true, writeAllocate: false },
        outer: {
          policy: 'write-through',
          transient: false,
          readAllocate: true,
          writeAllocate: false,
        },
      },
      0xa6,
    ],
  ])('%s = 0x%s', (_n, attr, byte) => {
    expect(encodeMairAttribute(attr)).toBe(byte);
    expect(decodeMairAttribute(byte)).toEqual(attr);
  });

  it('packs Attr0 in the low byte', () => {
    // Attr0 = 0x00, Attr1 = 0x04, Attr2 = 0x44, Attr3 = 0xFF -> 0xFF440400.
    expect(encodeMair([0x00, 0x04, 0x44, 0xff])).toBe(0xff44_0400n);
    expect(decodeMair(0xff44_0400n)).toEqual([0, 4, 0x44, 0xff, 0, 0, 0, 0]);
  });

  it.each([[0x01], [0x40], [0x100]])('rejects attribute 0x%s', (byte) => {
    expect(() => decodeMairAttribute(byte)).toThrow(
      expect.objectContaining({ name: 'Aarch64Error' }),
    );
  });
});

describe('TCR_EL1 and TTBR0_EL1', () => {
  it('encodes the default configuration bit-exactly', () => {
    // T0SZ 16 (0x10) | IRGN0 01<<8 | ORGN0 01<<10 | SH0 11<<12 | TG0 00 | T1SZ 16<<16 | EPD1 1<<23 |
    // TG1 10<<30 = 0x80903510; high word: IPS 0b101 | AS (bit 36 = high bit 4) = 0x15.
    expect(encodeTcr(DEFAULT_TCR)).toBe(0x15_8090_3510n);
    expect(decodeTcr(0x15_8090_3510n)).toEqual(DEFAULT_TCR);
  });

  it('encodes EPD0, A1 and TG0 = 64 KiB', () => {
    // EPD0 bit 7 (0x80), A1 bit 22 (0x400000), TG0 0b01 << 14 (0x4000).
    const v = encodeTcr({ ...DEFAULT_TCR, epd0: true, a1: true, tg0: Tg0.Granule64K });
    expect(v - encodeTcr(DEFAULT_TCR)).toBe(0x80n + 0x40_0000n + 0x4000n);
  });

  it('puts the ASID in TTBR bits [63:48]', () => {
    expect(encodeTtbr({ asid: 0x1234, baddr: 0x4000_0000 })).toBe(0x1234_0000_4000_0000n);
    expect(decodeTtbr(0xabcd_0000_8000_1001n)).toEqual({ asid: 0xabcd, baddr: 0x8000_1000 });
  });

  it.each([
    // start level = 4 - ceil((64 - T0SZ - 12) / 9); index bits left for the first level.
    [16, 48, 0, 9],
    [20, 44, 0, 5],
    [24, 40, 0, 1],
    [25, 39, 1, 9],
    [30, 34, 1, 4],
    [33, 31, 1, 1],
    [34, 30, 2, 9],
    [39, 25, 2, 4],
  ])('T0SZ %i: %i-bit VA starts at level %i with %i index bits', (t0sz, bits, level, idx) => {
    const g = walkGeometry({ ...DEFAULT_TCR, t0sz });
    expect(g).toEqual({ inputBits: bits, startLevel: level, startIndexBits: idx, paBits: 48 });
  });

  it.each([[15], [40]])('rejects T0SZ %i', (t0sz) => {
    expect(() => walkGeometry({ ...DEFAULT_TCR, t0sz })).toThrow(
      expect.objectContaining({ code: 'out-of-range' }),
    );
  });

  it('rejects the 16 KiB granule and maps IPS to PA bits', () => {
    expect(() => walkGeometry({ ...DEFAULT_TCR, tg0: Tg0.Granule16K })).toThrow(
      expect.objectContaining({ code: 'unsupported' }),
    );
    expect(walkGeometry({ ...DEFAULT_TCR, ips: 2 }).paBits).toBe(40);
    expect(walkGeometry({ ...DEFAULT_TCR, ips: 6 }).paBits).toBe(48);
  });
});
