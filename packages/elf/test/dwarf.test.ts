// DWARF 2-5 units, DIE trees, line program headers and variables, from sections written with the
// test assembler (every form choice is the one compilers make for that version).
import { describe, expect, it } from 'vitest';
import {
  DwAt,
  DwForm,
  DwTag,
  DwUt,
  DwarfInfo,
  ElfError,
  parseElf,
  parseUnitHeader,
  writeElf,
} from '../src/index';
import { bytes, cstr, StrSection, sleb, u16, u32, u64, u8, uleb, withLength } from './dwarf-asm';

interface Variant {
  version: 2 | 3 | 4 | 5;
  offsetSize: 4 | 8;
  little: boolean;
  addressSize: 4 | 8;
}

function build(v: Variant) {
  const { version, offsetSize, little, addressSize } = v;
  const off = (n: number) => (offsetSize === 4 ? u32(n, little) : u64(n, little));
  const addr = (n: number) => (addressSize === 4 ? u32(n, little) : u64(n, little));
  const str = new StrSection();
  const lineStr = new StrSection();
  const v5 = version === 5;
  // String forms: DWARF 5 uses strx1 through .debug_str_offsets, older versions strp.
  const strIndex: number[] = [];
  const nameForm = v5 ? DwForm.strx1 : DwForm.strp;
  const name = (s: string) => {
    const at = str.add(s);
    if (!v5) return off(at);
    strIndex.push(at);
    return u8(strIndex.length - 1);
  };
  const exprForm = version >= 4 ? DwForm.exprloc : DwForm.block1;
  const secOffsetForm = version >= 4 ? DwForm.sec_offset : DwForm.data4;
  const flagForm = version >= 4 ? DwForm.flag_present : DwForm.flag;

  const abbrev = bytes(
    uleb(1),
    uleb(DwTag.compile_unit),
    u8(1),
    uleb(DwAt.name),
    uleb(nameForm),
    uleb(DwAt.comp_dir),
    uleb(DwForm.string),
    uleb(DwAt.stmt_list),
    uleb(secOffsetForm),
    ...(v5
      ? [
          uleb(DwAt.str_offsets_base),
          uleb(DwForm.sec_offset),
          uleb(DwAt.addr_base),
          uleb(DwForm.sec_offset),
        ]
      : []),
    [0, 0],
    uleb(2),
    uleb(DwTag.namespace),
    u8(1),
    uleb(DwAt.name),
    uleb(nameForm),
    [0, 0],
    uleb(3),
    uleb(DwTag.variable),
    u8(0),
    uleb(DwAt.name),
    uleb(nameForm),
    uleb(DwAt.decl_file),
    uleb(DwForm.data1),
    uleb(DwAt.decl_line),
    uleb(DwForm.udata),
    uleb(DwAt.location),
    uleb(exprForm),
    uleb(DwAt.linkage_name),
    uleb(DwForm.strp),
    [0, 0],
    uleb(4),
    uleb(DwTag.variable),
    u8(0),
    uleb(DwAt.name),
    uleb(DwForm.string),
    uleb(DwAt.decl_file),
    uleb(DwForm.data1),
    uleb(DwAt.decl_line),
    uleb(DwForm.data2),
    uleb(DwAt.declaration),
    uleb(flagForm),
    [0, 0],
    uleb(5),
    uleb(DwTag.variable),
    u8(0),
    uleb(DwAt.specification),
    uleb(DwForm.ref4),
    uleb(DwAt.location),
    uleb(exprForm),
    [0, 0],
    // An attribute with implicit_const, as DWARF 5 producers share constant values.
    uleb(6),
    uleb(DwTag.base_type),
    u8(0),
    uleb(DwAt.byte_size),
    uleb(DwForm.implicit_const),
    sleb(4),
    [0, 0],
    [0],
  );

  const loc = (a: number) => (v5 ? [0xa1, ...uleb(0)] : [0x03, ...addr(a)]);
  const exprBytes = (e: number[]) => (version >= 4 ? [...uleb(e.length), ...e] : [e.length, ...e]);

  // Unit header.
  const header = v5
    ? [...u16(5, little), ...u8(DwUt.compile), ...u8(addressSize), ...off(0)]
    : [...u16(version, little), ...off(0), ...u8(addressSize)];
  const lengthField = offsetSize === 4 ? 4 : 12;
  const diesStart = lengthField + header.length;
  const dies: number[] = [];
  const here = () => diesStart + dies.length;
  dies.push(
    ...uleb(1),
    ...name('main.c'),
    ...cstr('/work'),
    ...(offsetSize === 8 && version >= 4 ? u64(0, little) : u32(0, little)),
  );
  if (v5) dies.push(...off(8), ...off(8));
  dies.push(...uleb(2), ...name('outer'));
  dies.push(...uleb(2), ...name('inner'));
  dies.push(
    ...uleb(3),
    ...name('counter'),
    1,
    ...uleb(10),
    ...exprBytes(loc(0x2000)),
    ...off(str.add('_ZN5outer5inner7counterE')),
  );
  dies.push(0); // end of inner
  const declOffset = here();
  dies.push(...uleb(4), ...cstr('limit'), 2, ...u16(20, little), ...(version >= 4 ? [] : [1]));
  dies.push(0); // end of outer
  dies.push(
    ...uleb(5),
    ...u32(declOffset, little),
    ...exprBytes(v5 ? [0xa1, ...uleb(1)] : [0x03, ...addr(0x3000)]),
  );
  dies.push(...uleb(6));
  dies.push(0); // end of the unit
  const info = bytes(withLength([...header, ...dies], offsetSize, little));

  // .debug_str_offsets and .debug_addr with their DWARF 5 headers (8 bytes in 32-bit DWARF;
  // the tests use a 32-bit contribution even for 64-bit units, with base 8).
  const strOffsets = bytes(
    u32(4 + strIndex.length * offsetSize, little),
    u16(5, little),
    u16(0, little),
    ...strIndex.map((s) => off(s)),
  );
  const addrSec = bytes(
    u32(4 + 2 * addressSize, little),
    u16(5, little),
    u8(addressSize),
    u8(0),
    addr(0x2000),
    addr(0x3000),
  );

  // Line program header.
  const std = [0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1];
  let tables: number[];
  if (v5) {
    tables = [
      1,
      ...uleb(1),
      ...uleb(DwForm.line_strp), // directory format: path as line_strp
      ...uleb(3),
      ...off(lineStr.add('/work')),
      ...off(lineStr.add('src')),
      ...off(lineStr.add('/abs/inc')),
      3,
      ...uleb(1),
      ...uleb(DwForm.string),
      ...uleb(2),
      ...uleb(DwForm.udata),
      ...uleb(5),
      ...uleb(DwForm.data16),
      ...uleb(3),
      ...cstr('main.c'),
      ...uleb(1),
      ...new Array(16).fill(0xaa),
      ...cstr('main.c'),
      ...uleb(1),
      ...new Array(16).fill(0xaa),
      ...cstr('defs.h'),
      ...uleb(2),
      ...new Array(16).fill(0xbb),
    ];
  } else {
    tables = [
      ...cstr('src'),
      ...cstr('/abs/inc'),
      0,
      ...cstr('main.c'),
      1,
      0,
      0,
      ...cstr('defs.h'),
      2,
      0,
      0,
      0,
    ];
  }
  const afterHeaderLength = [1, ...(version >= 4 ? [1] : []), 1, 0xfb, 14, 13, ...std, ...tables];
  const program = [0x00, 0x01, 0x01]; // DW_LNE_end_sequence
  const lineBody = [
    ...u16(version, little),
    ...(v5 ? [addressSize, 0] : []),
    ...off(afterHeaderLength.length),
    ...afterHeaderLength,
    ...program,
  ];
  const line = bytes(withLength(lineBody, offsetSize, little));
  return {
    info,
    abbrev,
    str: str.build(),
    lineStr: lineStr.build(),
    strOffsets,
    addr: addrSec,
    line,
  };
}

const variants: Variant[] = [
  { version: 2, offsetSize: 4, little: true, addressSize: 4 },
  { version: 3, offsetSize: 4, little: false, addressSize: 4 },
  { version: 4, offsetSize: 4, little: true, addressSize: 4 },
  { version: 4, offsetSize: 8, little: false, addressSize: 8 },
  { version: 5, offsetSize: 4, little: true, addressSize: 4 },
  { version: 5, offsetSize: 4, little: false, addressSize: 8 },
];

describe('DwarfInfo', () => {
  it.each(variants)(
    'reads DWARF $version ($offsetSize-byte offsets, little=$little, $addressSize-byte addresses)',
    (v) => {
      const dwarf = new DwarfInfo(build(v), v.little);
      const [unit] = dwarf.units();
      expect(unit!.header).toMatchObject({
        version: v.version,
        offsetSize: v.offsetSize,
        addressSize: v.addressSize,
        unitType: DwUt.compile,
      });
      expect(unit!.root.tag).toBe(DwTag.compile_unit);
      expect(unit!.root.string(DwAt.name)).toBe('main.c');
      expect(dwarf.compDir(unit!)).toBe('/work');
      const line = dwarf.lineProgram(unit!)!;
      expect(line.version).toBe(v.version);
      expect(line.lineBase).toBe(-5);
      expect(line.opcodeBase).toBe(13);
      expect(line.standardOpcodeLengths).toEqual([0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1]);
      expect(dwarf.filePath(unit!, 1)).toBe('/work/src/main.c');
      expect(dwarf.filePath(unit!, 2)).toBe('/abs/inc/defs.h');
      expect(dwarf.filePath(unit!, 9)).toBeUndefined();

      const vars = dwarf.variables();
      expect(
        vars.map((x) => ({
          name: x.name,
          ns: x.namespace,
          address: x.address,
          file: x.file,
          line: x.declLine,
          linkage: x.linkageName,
        })),
      ).toEqual([
        {
          name: 'counter',
          ns: ['outer', 'inner'],
          address: 0x2000n,
          file: '/work/src/main.c',
          line: 10,
          linkage: '_ZN5outer5inner7counterE',
        },
        {
          name: 'limit',
          ns: ['outer'],
          address: undefined,
          file: '/abs/inc/defs.h',
          line: 20,
          linkage: undefined,
        },
        // The definition takes name, file, line and namespace from its declaration.
        {
          name: 'limit',
          ns: ['outer'],
          address: 0x3000n,
          file: '/abs/inc/defs.h',
          line: 20,
          linkage: undefined,
        },
      ]);
      const base = [...unit!.root.walk()].find((d) => d.tag === DwTag.base_type)!;
      expect(base.get(DwAt.byte_size)).toEqual({ kind: 'signed', value: 4n });
      expect(base.unsigned(DwAt.byte_size)).toBe(4n);
    },
  );

  it('keeps DWARF 5 file entries with their MD5', () => {
    const dwarf = new DwarfInfo(build(variants[4]!), true);
    const line = dwarf.lineProgram(dwarf.units()[0]!)!;
    expect(line.includeDirectories).toEqual(['/work', 'src', '/abs/inc']);
    expect(line.fileNames.map((f) => [f.path, f.directoryIndex])).toEqual([
      ['main.c', 1],
      ['main.c', 1],
      ['defs.h', 2],
    ]);
    expect(line.fileNames[2]!.md5).toEqual(new Uint8Array(16).fill(0xbb));
  });

  it('reads debug sections out of an ELF', () => {
    const s = build(variants[2]!);
    const elf = parseElf(
      writeElf({
        sections: [
          { name: '.debug_info', data: s.info },
          { name: '.debug_abbrev', data: s.abbrev },
          { name: '.debug_str', data: s.str },
          { name: '.debug_line', data: s.line },
        ],
      }),
    );
    const dwarf = DwarfInfo.fromElf(elf);
    expect(dwarf.hasInfo).toBe(true);
    expect(dwarf.variables()[0]!.name).toBe('counter');
  });

  const corrupt = (v: Variant, edit: (s: ReturnType<typeof build>) => void) => {
    const s = build(v);
    edit(s);
    return new DwarfInfo(s, v.little);
  };
  it.each([
    [
      'an unsupported version',
      (s: ReturnType<typeof build>) => s.info.set([7, 0], 4),
      'DWARF_UNSUPPORTED',
    ],
    [
      'a unit length past the section',
      (s: ReturnType<typeof build>) => s.info.set([0xff, 0xff, 0, 0], 0),
      'TRUNCATED',
    ],
    [
      'a reserved unit length',
      (s: ReturnType<typeof build>) => s.info.set([0xf0, 0xff, 0xff, 0xff], 0),
      'DWARF_MALFORMED',
    ],
    [
      'an unknown abbreviation code',
      (s: ReturnType<typeof build>) => s.info.set([0x7f], 11),
      'DWARF_MALFORMED',
    ],
    [
      'an odd address size',
      (s: ReturnType<typeof build>) => s.info.set([3], 10),
      'DWARF_UNSUPPORTED',
    ],
  ])('throws ElfError for %s', (_name, edit, code) => {
    const dwarf = corrupt(variants[2]!, edit);
    expect(() => dwarf.units()).toThrow(expect.objectContaining({ code }));
    expect(() => dwarf.units()).toThrow(ElfError);
  });

  it('rejects an unknown DWARF 5 unit type', () => {
    const dwarf = corrupt(variants[4]!, (s) => s.info.set([0x09], 6));
    expect(() => dwarf.units()).toThrow(/unit_type/);
  });

  it('rejects a line program of an unknown version', () => {
    const dwarf = corrupt(variants[2]!, (s) => s.line.set([9, 0], 4));
    expect(() => dwarf.lineProgram(dwarf.units()[0]!)).toThrow(
      expect.objectContaining({ code: 'DWARF_UNSUPPORTED' }),
    );
  });
});

describe('parseUnitHeader', () => {
  it.each([
    // name, body after unit_length, offset size, expected fields
    [
      'DWARF 2',
      [...u16(2), ...u32(0x10), 4],
      4,
      { version: 2, abbrevOffset: 0x10, addressSize: 4, unitType: DwUt.compile, diesOffset: 11 },
    ],
    [
      'DWARF 5 partial',
      [...u16(5), DwUt.partial, 8, ...u32(0)],
      4,
      { version: 5, unitType: DwUt.partial, addressSize: 8, diesOffset: 12 },
    ],
    [
      'DWARF 5 skeleton',
      [...u16(5), DwUt.skeleton, 4, ...u32(0), ...u64(0x1122334455667788n)],
      4,
      { unitType: DwUt.skeleton, id: 0x1122334455667788n, diesOffset: 20 },
    ],
    [
      'DWARF 5 type unit',
      [...u16(5), DwUt.type, 4, ...u32(0), ...u64(7n), ...u32(0x20)],
      4,
      { unitType: DwUt.type, id: 7n, typeOffset: 0x20, diesOffset: 24 },
    ],
    [
      '64-bit DWARF 5',
      [...u16(5), DwUt.compile, 8, ...u64(0x30)],
      8,
      { offsetSize: 8, abbrevOffset: 0x30, diesOffset: 24 },
    ],
  ] as const)('reads a %s header', (_name, body, offsetSize, expected) => {
    const info = bytes(withLength([...body, 0], offsetSize));
    expect(parseUnitHeader(info, 0, true)).toMatchObject({ ...expected, end: info.length });
  });
});
