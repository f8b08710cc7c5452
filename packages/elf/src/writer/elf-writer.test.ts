import { describe, expect, it } from 'vitest';
import {
  SectionFlags,
  SectionType,
  SegmentType,
  SpecialSection,
  SymbolBinding,
  SymbolType,
  SymbolVisibility,
} from '../elf/constants';
import { parseElf } from '../elf/elf-file';
import { ElfError } from '../errors';
import { writeElf } from './elf-writer';

const text = new Uint8Array([0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80]);
const rodata = new TextEncoder().encode('hello\0');

const layouts = [32, 64].flatMap((bits) =>
  [true, false].flatMap((littleEndian) =>
    [false, true].map((ext) => ({ bits: bits as 32 | 64, littleEndian, ext })),
  ),
);

describe('writeElf then parseElf', () => {
  it.each(layouts)(
    'round-trips ELF$bits little=$littleEndian extended=$ext',
    ({ bits, littleEndian, ext }) => {
      const bytes = writeElf({
        bits,
        littleEndian,
        forceExtendedNumbering: ext,
        machine: 243,
        entry: 0x8000_0000,
        sections: [
          {
            name: '.text',
            flags: SectionFlags.ALLOC | SectionFlags.EXECINSTR,
            addr: 0x8000_0000,
            data: text,
            align: 4,
          },
          { name: '.rodata', flags: SectionFlags.ALLOC, addr: 0x8000_0100, data: rodata, align: 8 },
          {
            name: '.bss',
            flags: SectionFlags.ALLOC | SectionFlags.WRITE,
            addr: 0x2000_0000,
            size: 64,
            align: 4,
          },
          { name: '.comment', data: new Uint8Array([1, 2, 3]) },
        ],
        symbols: [
          { name: '_start', section: '.text', value: 0x8000_0000, size: 8, type: SymbolType.FUNC },
          {
            name: 'greeting',
            section: '.rodata',
            value: 0x8000_0100,
            size: 6,
            type: SymbolType.OBJECT,
            binding: SymbolBinding.WEAK,
            visibility: SymbolVisibility.HIDDEN,
          },
          {
            name: 'local_buf',
            section: '.bss',
            value: 0x2000_0000,
            size: 64,
            type: SymbolType.OBJECT,
            binding: SymbolBinding.LOCAL,
          },
          { name: 'VERSION', section: '*ABS*', value: 7 },
          { name: 'external' },
        ],
        segments: [
          { section: '.text', flags: 5 },
          { section: '.bss', flags: 6, memsz: 64 },
        ],
      });
      const elf = parseElf(bytes);
      expect(elf.bits).toBe(bits);
      expect(elf.littleEndian).toBe(littleEndian);
      expect(elf.header.machine).toBe(243);
      expect(elf.header.entry).toBe(0x8000_0000n);
      expect(elf.header.shnum).toBe(ext ? 0 : elf.sections.length);
      expect(elf.sections.map((s) => s.name)).toEqual(
        ['', '.text', '.rodata', '.bss', '.comment', '.symtab', '.strtab']
          .concat(ext ? ['.symtab_shndx'] : [])
          .concat(['.shstrtab']),
      );
      expect(elf.sectionData('.text')).toEqual(text);
      expect(elf.sectionData('.rodata')).toEqual(rodata);
      expect(elf.sectionByName('.bss')).toMatchObject({
        type: SectionType.NOBITS,
        size: 64n,
        addr: 0x2000_0000n,
      });
      expect(elf.sectionData('.bss')).toEqual(new Uint8Array(0));

      // Locals come first; entry 0 is the null symbol.
      const syms = elf.symbols();
      expect(syms.map((s) => s.name)).toEqual([
        '',
        'local_buf',
        '_start',
        'greeting',
        'VERSION',
        'external',
      ]);
      expect(syms[1]).toMatchObject({
        binding: SymbolBinding.LOCAL,
        type: SymbolType.OBJECT,
        sectionIndex: 3,
        size: 64n,
      });
      expect(syms[2]).toMatchObject({
        binding: SymbolBinding.GLOBAL,
        type: SymbolType.FUNC,
        sectionIndex: 1,
        value: 0x8000_0000n,
      });
      expect(syms[3]).toMatchObject({
        binding: SymbolBinding.WEAK,
        visibility: SymbolVisibility.HIDDEN,
        sectionIndex: 2,
      });
      expect(syms[4]).toMatchObject({
        shndx: SpecialSection.ABS,
        sectionIndex: undefined,
        value: 7n,
      });
      expect(syms[5]).toMatchObject({ shndx: SpecialSection.UNDEF, sectionIndex: undefined });
      expect(elf.sectionByName('.symtab')!.info).toBe(2);
      expect(elf.symbolByName('greeting')!.size).toBe(6n);

      expect(elf.segments).toHaveLength(2);
      expect(elf.segments[0]).toMatchObject({
        type: SegmentType.LOAD,
        flags: 5,
        vaddr: 0x8000_0000n,
        filesz: 8n,
        memsz: 8n,
      });
      expect(elf.readAddress(0x8000_0002n, 3)).toEqual(new Uint8Array([0x30, 0x40, 0x50]));
      // .bss has no file bytes: the segment reads as zeros.
      expect(elf.readAddress(0x2000_0010n, 4)).toEqual(new Uint8Array(4));
      // .rodata is covered by no segment: found through its section.
      expect(elf.readAddress(0x8000_0100n, 5)).toEqual(rodata.subarray(0, 5));
    },
  );

  it('uses SHN_XINDEX for symbols in sections numbered above 0xff00', () => {
    const sections = Array.from({ length: 0xff02 }, (_, i) => ({
      name: `s${i}`,
      data: new Uint8Array(0),
    }));
    const bytes = writeElf({
      sections,
      symbols: [
        { name: 'high', section: 's65281', value: 1 },
        { name: 'low', section: 's0', value: 2 },
      ],
    });
    const elf = parseElf(bytes);
    expect(elf.header.shnum).toBe(0);
    expect(elf.header.shstrndx).toBe(SpecialSection.XINDEX);
    expect(elf.sections.length).toBe(0xff02 + 5);
    const high = elf.symbolByName('high')!;
    expect(high.shndx).toBe(SpecialSection.XINDEX);
    expect(high.sectionIndex).toBe(0xff02);
    expect(elf.sections[high.sectionIndex!]!.name).toBe('s65281');
    expect(elf.symbolByName('low')!.sectionIndex).toBe(1);
  });

  it.each([
    ['duplicate section names', { sections: [{ name: '.a' }, { name: '.a' }] }],
    [
      'a symbol in an unknown section',
      { sections: [], symbols: [{ name: 'x', section: '.nope' }] },
    ],
    ['a NUL in a name', { sections: [{ name: 'a\0b' }] }],
    ['a segment over an unknown section', { sections: [], segments: [{ section: '.text' }] }],
  ])('rejects %s with BAD_INPUT', (_name, options) => {
    expect(() => writeElf(options)).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => writeElf(options)).toThrow(ElfError);
  });
});
