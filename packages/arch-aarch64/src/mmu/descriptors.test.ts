import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AccessPermission,
  ApTable,
  type Descriptor,
  decodeDescriptor,
  descriptorFromBigInt,
  descriptorToBigInt,
  encodeDescriptor,
  type Level,
  Shareability,
} from './descriptors';

const leafDefaults = {
  attrIndx: 0,
  ns: false,
  ap: AccessPermission.PrivReadWrite,
  sh: Shareability.NonShareable,
  af: false,
  nG: false,
  contiguous: false,
  pxn: false,
  uxn: false,
  software: 0,
};

describe('descriptor encoding (bit-exact, derived from the Arm ARM layout)', () => {
  it.each<[string, Descriptor, Level, bigint]>([
    [
      // lo: type 0b11 (0x3) | AttrIndx 1<<2 (0x4) | AP 01<<6 (0x40) | SH 11<<8 (0x300) | AF 1<<10
      // (0x400) | nG 1<<11 (0x800) = 0xF47, plus OA[31:12] 0x40001000; hi: PXN bit 53 = hi bit 21.
      'L3 page, EL0 RW, PXN',
      {
        ...leafDefaults,
        kind: 'page',
        outputAddress: 0x4000_1000,
        attrIndx: 1,
        ap: AccessPermission.ReadWrite,
        sh: Shareability.InnerShareable,
        af: true,
        nG: true,
        pxn: true,
      },
      3,
      0x0020_0000_4000_1f47n,
    ],
    [
      // lo: type 0b01 | AF 0x400 = 0x401 over OA 0x80200000; hi: UXN bit 54 (0x400000) | PXN bit 53
      // (0x200000) | software 0b1010 << (55-32) = 0x5000000.
      'L2 2 MiB device block, XN, software bits',
      {
        ...leafDefaults,
        kind: 'block',
        outputAddress: 0x8020_0000,
        af: true,
        uxn: true,
        pxn: true,
        software: 0b1010,
      },
      2,
      0x0560_0000_8020_0401n,
    ],
    [
      // lo: 0b01 | AttrIndx 2<<2 (0x8) | AP 11<<6 (0xC0) | SH 10<<8 (0x200) | AF (0x400) | nG (0x800)
      // = 0xEC9 over OA[31:30] = 0x40000000; hi: OA[47:32] = 0x1 | Contiguous bit 52 (0x100000).
      'L1 1 GiB block above 4 GiB, read-only, contiguous',
      {
        ...leafDefaults,
        kind: 'block',
        outputAddress: 0x1_4000_0000,
        attrIndx: 2,
        ap: AccessPermission.ReadOnly,
        sh: Shareability.OuterShareable,
        af: true,
        nG: true,
        contiguous: true,
      },
      1,
      0x0010_0001_4000_0ec9n,
    ],
    [
      // lo: 0b11 over 0x12345000; hi: 0x8 | PXNTable bit 59 (1<<27) | UXNTable bit 60 (1<<28) |
      // APTable 0b10 << 29 | NSTable bit 63 (1<<31) = 0xD8000008.
      'table with every hierarchical limit',
      {
        kind: 'table',
        address: 0x8_1234_5000,
        pxnTable: true,
        uxnTable: true,
        apTable: ApTable.NoWrite,
        nsTable: true,
      },
      0,
      0xd800_0008_1234_5003n,
    ],
    ['invalid', { kind: 'invalid' }, 2, 0n],
  ])('%s', (_name, descriptor, level, expected) => {
    const words = encodeDescriptor(descriptor, level);
    expect(descriptorToBigInt(words)).toBe(expected);
    expect(decodeDescriptor(descriptorFromBigInt(expected), level)).toEqual(descriptor);
  });

  it.each<[string, bigint, Level]>([
    ['bit 0 clear', 0xffff_ffff_ffff_fffen, 1],
    ['block encoding at level 0 (no L0 blocks with 4 KiB granule)', 0x4000_0001n, 0],
    ['0b01 at level 3 is reserved', 0x4000_0401n, 3],
  ])('decodes %s as invalid', (_name, raw, level) => {
    expect(decodeDescriptor(descriptorFromBigInt(raw), level)).toEqual({ kind: 'invalid' });
  });

  it.each<[string, Descriptor, Level, string]>([
    ['page at level 2', { ...leafDefaults, kind: 'page', outputAddress: 0 }, 2, 'unsupported'],
    ['block at level 0', { ...leafDefaults, kind: 'block', outputAddress: 0 }, 0, 'unsupported'],
    ['block at level 3', { ...leafDefaults, kind: 'block', outputAddress: 0 }, 3, 'unsupported'],
    [
      'table at level 3',
      { kind: 'table', address: 0, pxnTable: false, uxnTable: false, apTable: 0, nsTable: false },
      3,
      'unsupported',
    ],
    [
      'misaligned 2 MiB block',
      { ...leafDefaults, kind: 'block', outputAddress: 0x1000 },
      2,
      'misaligned',
    ],
    [
      'OA beyond 48 bits',
      { ...leafDefaults, kind: 'page', outputAddress: 2 ** 48 },
      3,
      'out-of-range',
    ],
    [
      'reserved SH 0b01',
      { ...leafDefaults, kind: 'page', outputAddress: 0, sh: 1 as Shareability },
      3,
      'field-range',
    ],
    [
      'AttrIndx 8',
      { ...leafDefaults, kind: 'page', outputAddress: 0, attrIndx: 8 },
      3,
      'field-range',
    ],
  ])('rejects %s with a typed error', (_name, descriptor, level, code) => {
    expect(() => encodeDescriptor(descriptor, level)).toThrow(expect.objectContaining({ code }));
  });

  it('round-trips every leaf and table descriptor', () => {
    const leaf = fc.record({
      attrIndx: fc.integer({ min: 0, max: 7 }),
      ns: fc.boolean(),
      ap: fc.integer({ min: 0, max: 3 }),
      sh: fc.constantFrom(0, 2, 3),
      af: fc.boolean(),
      nG: fc.boolean(),
      contiguous: fc.boolean(),
      pxn: fc.boolean(),
      uxn: fc.boolean(),
      software: fc.integer({ min: 0, max: 15 }),
    });
    fc.assert(
      fc.property(fc.constantFrom<Level>(1, 2, 3), leaf, fc.nat(), (level, attrs, n) => {
        const size = [2 ** 39, 2 ** 30, 2 ** 21, 2 ** 12][level]!;
        const outputAddress = (n % (2 ** 48 / size)) * size;
        const d = { ...attrs, kind: level === 3 ? 'page' : 'block', outputAddress } as Descriptor;
        expect(decodeDescriptor(encodeDescriptor(d, level), level)).toEqual(d);
      }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom<Level>(0, 1, 2),
        fc.integer({ min: 0, max: 2 ** 36 - 1 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        (level, frame, pxnTable, uxnTable, apTable, nsTable) => {
          const d: Descriptor = {
            kind: 'table',
            address: frame * 4096,
            pxnTable,
            uxnTable,
            apTable,
            nsTable,
          };
          expect(decodeDescriptor(encodeDescriptor(d, level), level)).toEqual(d);
        },
      ),
    );
  });
});
