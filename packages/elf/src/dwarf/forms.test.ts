import { describe, expect, it } from 'vitest';
import { ByteReader } from '../bytes/byte-reader';
import { ElfError } from '../errors';
import { DwForm } from './constants';
import { type DwarfValue, type FormContext, readFormValue } from './forms';

const ascii = (s: string) => new TextEncoder().encode(s);

// .debug_str_offsets / .debug_addr contributions with a DWARF 5 8-byte header, then the entries;
// the unit's bases point just past the header.
const strOffsets = new Uint8Array([
  0, 0, 0, 0, 5, 0, 0, 0, /* [0] */ 1, 0, 0, 0, /* [1] */ 5, 0, 0, 0,
]);
const addr = new Uint8Array([
  0, 0, 0, 0, 5, 0, 4, 0, /* [0] */ 0x00, 0x10, 0, 0, /* [1] */ 0x00, 0x20, 0, 0,
]);

const ctx: FormContext = {
  sections: {
    info: new Uint8Array(0),
    abbrev: new Uint8Array(0),
    str: ascii('\0abc\0def\0'),
    lineStr: ascii('\0line\0'),
    strOffsets,
    addr,
    line: new Uint8Array(0),
  },
  little: true,
  version: 5,
  offsetSize: 4,
  addressSize: 4,
  unitOffset: 0x100,
  strOffsetsBase: 8,
  addrBase: 8,
};

const read = (
  form: number,
  bytes: number[],
  context = ctx,
  implicit = 0n,
): { value: DwarfValue; used: number } => {
  const r = new ByteReader(new Uint8Array(bytes), context.little, 'test');
  const value = readFormValue(r, form, context, implicit);
  return { value, used: r.pos };
};

describe('readFormValue', () => {
  it.each<[string, number, number[], DwarfValue, number]>([
    ['addr', DwForm.addr, [0x78, 0x56, 0x34, 0x12], { kind: 'address', value: 0x12345678n }, 4],
    ['data1', DwForm.data1, [0xfe], { kind: 'unsigned', value: 0xfen }, 1],
    ['data2', DwForm.data2, [0x34, 0x12], { kind: 'unsigned', value: 0x1234n }, 2],
    ['data4', DwForm.data4, [4, 3, 2, 1], { kind: 'unsigned', value: 0x01020304n }, 4],
    [
      'data8',
      DwForm.data8,
      [8, 7, 6, 5, 4, 3, 2, 1],
      { kind: 'unsigned', value: 0x0102030405060708n },
      8,
    ],
    ['udata', DwForm.udata, [0xe5, 0x8e, 0x26], { kind: 'unsigned', value: 624485n }, 3],
    ['sdata', DwForm.sdata, [0xc0, 0xbb, 0x78], { kind: 'signed', value: -123456n }, 3],
    ['flag', DwForm.flag, [0], { kind: 'flag', value: false }, 1],
    ['flag_present', DwForm.flag_present, [], { kind: 'flag', value: true }, 0],
    ['string', DwForm.string, [0x68, 0x69, 0], { kind: 'string', value: 'hi' }, 3],
    ['strp', DwForm.strp, [5, 0, 0, 0], { kind: 'string', value: 'def' }, 4],
    ['line_strp', DwForm.line_strp, [1, 0, 0, 0], { kind: 'string', value: 'line' }, 4],
    ['strx', DwForm.strx, [1], { kind: 'string', value: 'def' }, 1],
    ['strx1', DwForm.strx1, [0], { kind: 'string', value: 'abc' }, 1],
    ['strx2', DwForm.strx2, [1, 0], { kind: 'string', value: 'def' }, 2],
    ['strx3', DwForm.strx3, [1, 0, 0], { kind: 'string', value: 'def' }, 3],
    ['strx4', DwForm.strx4, [0, 0, 0, 0], { kind: 'string', value: 'abc' }, 4],
    ['addrx', DwForm.addrx, [1], { kind: 'address', value: 0x2000n }, 1],
    ['addrx1', DwForm.addrx1, [0], { kind: 'address', value: 0x1000n }, 1],
    ['addrx2', DwForm.addrx2, [1, 0], { kind: 'address', value: 0x2000n }, 2],
    ['addrx3', DwForm.addrx3, [0, 0, 0], { kind: 'address', value: 0x1000n }, 3],
    ['addrx4', DwForm.addrx4, [1, 0, 0, 0], { kind: 'address', value: 0x2000n }, 4],
    ['ref1', DwForm.ref1, [0x10], { kind: 'reference', value: 0x110 }, 1],
    ['ref2', DwForm.ref2, [0x10, 0], { kind: 'reference', value: 0x110 }, 2],
    ['ref4', DwForm.ref4, [0x10, 0, 0, 0], { kind: 'reference', value: 0x110 }, 4],
    ['ref8', DwForm.ref8, [0x10, 0, 0, 0, 0, 0, 0, 0], { kind: 'reference', value: 0x110 }, 8],
    ['ref_udata', DwForm.ref_udata, [0x90, 1], { kind: 'reference', value: 0x190 }, 2],
    ['ref_addr', DwForm.ref_addr, [0x10, 0, 0, 0], { kind: 'reference', value: 0x10 }, 4],
    [
      'ref_sig8',
      DwForm.ref_sig8,
      [1, 0, 0, 0, 0, 0, 0, 0x80],
      { kind: 'signature', value: 0x8000000000000001n },
      8,
    ],
    [
      'sec_offset',
      DwForm.sec_offset,
      [0x44, 0x33, 0, 0],
      { kind: 'sectionOffset', value: 0x3344 },
      4,
    ],
    [
      'exprloc',
      DwForm.exprloc,
      [2, 0x30, 0x31],
      { kind: 'bytes', value: new Uint8Array([0x30, 0x31]) },
      3,
    ],
    ['block1', DwForm.block1, [1, 9], { kind: 'bytes', value: new Uint8Array([9]) }, 2],
    ['block2', DwForm.block2, [1, 0, 9], { kind: 'bytes', value: new Uint8Array([9]) }, 3],
    ['block4', DwForm.block4, [1, 0, 0, 0, 9], { kind: 'bytes', value: new Uint8Array([9]) }, 5],
    ['block', DwForm.block, [1, 9], { kind: 'bytes', value: new Uint8Array([9]) }, 2],
    [
      'data16',
      DwForm.data16,
      Array.from({ length: 16 }, (_, i) => i),
      { kind: 'bytes', value: new Uint8Array(Array.from({ length: 16 }, (_, i) => i)) },
      16,
    ],
    ['loclistx', DwForm.loclistx, [3], { kind: 'index', value: 3 }, 1],
    ['rnglistx', DwForm.rnglistx, [4], { kind: 'index', value: 4 }, 1],
    ['ref_sup4', DwForm.ref_sup4, [1, 0, 0, 0], { kind: 'supplementary', value: 1 }, 4],
    ['strp_sup', DwForm.strp_sup, [2, 0, 0, 0], { kind: 'supplementary', value: 2 }, 4],
    ['indirect → data1', DwForm.indirect, [DwForm.data1, 7], { kind: 'unsigned', value: 7n }, 2],
  ])('%s', (_name, form, bytes, expected, used) => {
    const got = read(form, bytes);
    expect(got.value).toEqual(expected);
    expect(got.used).toBe(used);
  });

  it('takes implicit_const from the abbreviation and reads nothing', () => {
    expect(read(DwForm.implicit_const, [], ctx, -5n)).toEqual({
      value: { kind: 'signed', value: -5n },
      used: 0,
    });
  });

  it('sizes offsets by the unit: 64-bit DWARF strp and sec_offset take 8 bytes', () => {
    const ctx64: FormContext = { ...ctx, offsetSize: 8 };
    expect(read(DwForm.strp, [1, 0, 0, 0, 0, 0, 0, 0], ctx64)).toEqual({
      value: { kind: 'string', value: 'abc' },
      used: 8,
    });
    expect(read(DwForm.sec_offset, [9, 0, 0, 0, 0, 0, 0, 0], ctx64).used).toBe(8);
  });

  it('sizes DWARF 2 ref_addr like an address', () => {
    const v2: FormContext = { ...ctx, version: 2, addressSize: 8 };
    expect(read(DwForm.ref_addr, [0x20, 0, 0, 0, 0, 0, 0, 0], v2)).toEqual({
      value: { kind: 'reference', value: 0x20 },
      used: 8,
    });
  });

  it('reads big-endian values', () => {
    const be: FormContext = {
      ...ctx,
      little: false,
      strOffsetsBase: 0,
      sections: { ...ctx.sections, strOffsets: new Uint8Array([0, 0, 0, 1, 0, 0, 0, 5]) },
    };
    expect(read(DwForm.data4, [1, 2, 3, 4], be).value).toEqual({
      kind: 'unsigned',
      value: 0x01020304n,
    });
    // A 3-byte index in big-endian order: 0x000001 is entry 1.
    expect(read(DwForm.strx3, [0, 0, 1], be).value).toEqual({ kind: 'string', value: 'def' });
  });

  it.each([
    ['an unknown form', 0x7777, [0]],
    ['a string offset past .debug_str', DwForm.strp, [100, 0, 0, 0]],
    ['a string index past .debug_str_offsets', DwForm.strx1, [50]],
    ['an address index past .debug_addr', DwForm.addrx1, [50]],
    ['a truncated block', DwForm.block1, [5, 1]],
    ['nested DW_FORM_indirect', DwForm.indirect, [0x16, 0x16, 0x16, 0x16, 0x16, 0x0b, 1]],
  ])('throws ElfError for %s', (_name, form, bytes) => {
    expect(() => read(form, bytes)).toThrow(ElfError);
  });

  it('explains a missing string section', () => {
    const none: FormContext = { ...ctx, sections: { ...ctx.sections, lineStr: new Uint8Array(0) } };
    expect(() => read(DwForm.line_strp, [0, 0, 0, 0], none)).toThrow(/no \.debug_line_str section/);
  });
});
