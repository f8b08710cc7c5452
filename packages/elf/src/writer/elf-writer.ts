// A small ELF writer: sections with data, a symbol table, optional program headers. Enough for test
// fixtures and for tools that must hand an ELF to other tools (defmt's table ELF). Layout: file
// header, program headers, section data (each aligned), .symtab, .strtab, .shstrtab, section
// header table. Extended numbering is used when the section count needs it (or when asked).

import { ElfError } from '../errors';
import {
  ElfClass,
  ElfData,
  FileType,
  PN_XNUM,
  SectionType,
  SpecialSection,
  STRUCT_SIZES,
  SymbolBinding,
  SymbolType,
} from '../elf/constants';

/** A section to write. */
export interface ElfWriterSection {
  /** Name, stored in `.shstrtab`. */
  readonly name: string;
  /** `sh_type`; defaults to SHT_PROGBITS (SHT_NOBITS when `data` is absent and `size` given). */
  readonly type?: number;
  /** `sh_flags`. */
  readonly flags?: number | bigint;
  /** `sh_addr`. */
  readonly addr?: number | bigint;
  /** Contents; absent for SHT_NOBITS. */
  readonly data?: Uint8Array;
  /** `sh_size` for SHT_NOBITS sections (ignored when `data` is given). */
  readonly size?: number;
  /** `sh_addralign` (also the file alignment of the data); defaults to 1. */
  readonly align?: number;
  /** `sh_entsize`. */
  readonly entsize?: number;
  /** `sh_link`, as an index or the name of another written section. */
  readonly link?: number | string;
  /** `sh_info`. */
  readonly info?: number;
}

/** A symbol to write into `.symtab`. */
export interface ElfWriterSymbol {
  /** Name, stored in `.strtab`. */
  readonly name: string;
  /** `st_value`. */
  readonly value?: number | bigint;
  /** `st_size`. */
  readonly size?: number | bigint;
  /** See `SymbolType`; defaults to STT_NOTYPE. */
  readonly type?: number;
  /** See `SymbolBinding`; defaults to STB_GLOBAL. */
  readonly binding?: number;
  /** See `SymbolVisibility`; defaults to STV_DEFAULT. */
  readonly visibility?: number;
  /**
   * Name of the section the symbol is defined in; `'*ABS*'` for absolute symbols; absent for
   * undefined symbols.
   */
  readonly section?: string;
}

/** A program header to write; it covers the file data of one section. */
export interface ElfWriterSegment {
  /** `p_type`; defaults to PT_LOAD. */
  readonly type?: number;
  /** `p_flags`; defaults to R. */
  readonly flags?: number;
  /** Name of the section whose data the segment maps. */
  readonly section: string;
  /** `p_vaddr`; defaults to the section's `addr`. */
  readonly vaddr?: number | bigint;
  /** `p_paddr`; defaults to `vaddr`. */
  readonly paddr?: number | bigint;
  /** `p_memsz`; defaults to the section's size. */
  readonly memsz?: number | bigint;
  /** `p_align`; defaults to the section's alignment. */
  readonly align?: number;
}

/** Everything {@link writeElf} needs. */
export interface ElfWriterOptions {
  /** 32 (default) or 64. */
  readonly bits?: 32 | 64;
  /** Byte order; little endian by default. */
  readonly littleEndian?: boolean;
  /** `e_type`; defaults to ET_EXEC. */
  readonly type?: number;
  /** `e_machine`; defaults to EM_ARM (40). */
  readonly machine?: number;
  /** `e_entry`. */
  readonly entry?: number | bigint;
  /** `e_flags`. */
  readonly flags?: number;
  /** Sections in order; they get indices from 1. */
  readonly sections: readonly ElfWriterSection[];
  /** Written to `.symtab` (with `.strtab`) when present, locals first as the gABI requires. */
  readonly symbols?: readonly ElfWriterSymbol[];
  /** Program headers, written right after the file header. */
  readonly segments?: readonly ElfWriterSegment[];
  /** Store counts in section 0 even when they fit the header (for testing readers). */
  readonly forceExtendedNumbering?: boolean;
}

class StringTableBuilder {
  private readonly parts: Uint8Array[] = [new Uint8Array(1)];
  private readonly offsets = new Map<string, number>();
  private length = 1;
  private readonly encoder = new TextEncoder();

  add(s: string): number {
    if (s === '') return 0;
    const known = this.offsets.get(s);
    if (known !== undefined) return known;
    const bytes = this.encoder.encode(s);
    if (bytes.includes(0)) {
      throw new ElfError(
        'BAD_INPUT',
        `name ${JSON.stringify(s)} contains a NUL byte; ELF names cannot`,
      );
    }
    const offset = this.length;
    this.parts.push(bytes, new Uint8Array(1));
    this.length += bytes.length + 1;
    this.offsets.set(s, offset);
    return offset;
  }

  build(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

interface PlannedSection {
  name: string;
  type: number;
  flags: bigint;
  addr: bigint;
  data: Uint8Array | undefined;
  size: number;
  align: number;
  entsize: number;
  link: number;
  info: number;
  offset: number;
}

const alignUp = (n: number, a: number) => (a <= 1 ? n : Math.ceil(n / a) * a);

/**
 * Writes an ELF file.
 *
 * @example
 * ```ts
 * const bytes = writeElf({
 *   sections: [{ name: '.text', flags: SectionFlags.ALLOC | SectionFlags.EXECINSTR, addr: 0x1000, data: code }],
 *   symbols: [{ name: 'main', section: '.text', value: 0x1000, type: SymbolType.FUNC }],
 * });
 * ```
 * @throws {@link ElfError} `BAD_INPUT` for duplicate section names, unknown section references or
 *   names containing NUL.
 */
export function writeElf(options: ElfWriterOptions): Uint8Array {
  const bits = options.bits ?? 32;
  const little = options.littleEndian ?? true;
  const sizes = STRUCT_SIZES[bits];
  const wordAlign = bits === 32 ? 4 : 8;

  // Phase 1: decide section indices, so that symbols and links can name sections.
  const indexByName = new Map<string, number>();
  options.sections.forEach((s, i) => {
    if (indexByName.has(s.name)) {
      throw new ElfError(
        'BAD_INPUT',
        `two sections are named ${JSON.stringify(s.name)}; names must be unique`,
      );
    }
    indexByName.set(s.name, i + 1);
  });
  const hasSymbols = options.symbols !== undefined;
  const userCount = options.sections.length;
  const symtabIndex = hasSymbols ? userCount + 1 : 0;
  const strtabIndex = hasSymbols ? userCount + 2 : 0;
  const needsXindex = userCount + 4 >= SpecialSection.LORESERVE || !!options.forceExtendedNumbering;
  const shndxIndex = hasSymbols && needsXindex ? userCount + 3 : 0;
  const shstrtabIndex = userCount + 1 + (hasSymbols ? 2 : 0) + (shndxIndex ? 1 : 0);
  const sectionCount = shstrtabIndex + 1;
  const resolveSection = (name: string, what: string): number => {
    const index = indexByName.get(name);
    if (index === undefined) {
      throw new ElfError(
        'BAD_INPUT',
        `${what} refers to section ${JSON.stringify(name)}, which is not written`,
      );
    }
    return index;
  };

  // Phase 2: the symbol table (locals first; sh_info = first non-local).
  let symtab: Uint8Array | undefined;
  let strtab: Uint8Array | undefined;
  let shndxData: Uint8Array | undefined;
  let firstGlobal = 1;
  if (hasSymbols) {
    const syms = [...options.symbols!];
    const locals = syms.filter((s) => (s.binding ?? SymbolBinding.GLOBAL) === SymbolBinding.LOCAL);
    const others = syms.filter((s) => (s.binding ?? SymbolBinding.GLOBAL) !== SymbolBinding.LOCAL);
    const ordered = [...locals, ...others];
    firstGlobal = locals.length + 1;
    const strings = new StringTableBuilder();
    symtab = new Uint8Array((ordered.length + 1) * sizes.symbol);
    shndxData = needsXindex ? new Uint8Array((ordered.length + 1) * 4) : undefined;
    const v = new DataView(symtab.buffer);
    const xv = shndxData ? new DataView(shndxData.buffer) : undefined;
    ordered.forEach((s, i) => {
      const at = (i + 1) * sizes.symbol;
      const name = strings.add(s.name);
      let shndx: number = SpecialSection.UNDEF;
      if (s.section === '*ABS*') shndx = SpecialSection.ABS;
      else if (s.section !== undefined) shndx = resolveSection(s.section, `symbol ${s.name}`);
      let stored = shndx;
      if (shndx !== SpecialSection.ABS && shndx >= SpecialSection.LORESERVE)
        stored = SpecialSection.XINDEX;
      if (xv && stored === SpecialSection.XINDEX) xv.setUint32((i + 1) * 4, shndx, little);
      const info =
        ((s.binding ?? SymbolBinding.GLOBAL) << 4) | ((s.type ?? SymbolType.NOTYPE) & 0xf);
      const other = (s.visibility ?? 0) & 3;
      const value = BigInt(s.value ?? 0);
      const size = BigInt(s.size ?? 0);
      if (bits === 32) {
        v.setUint32(at, name, little);
        v.setUint32(at + 4, Number(BigInt.asUintN(32, value)), little);
        v.setUint32(at + 8, Number(BigInt.asUintN(32, size)), little);
        v.setUint8(at + 12, info);
        v.setUint8(at + 13, other);
        v.setUint16(at + 14, stored, little);
      } else {
        v.setUint32(at, name, little);
        v.setUint8(at + 4, info);
        v.setUint8(at + 5, other);
        v.setUint16(at + 6, stored, little);
        v.setBigUint64(at + 8, BigInt.asUintN(64, value), little);
        v.setBigUint64(at + 16, BigInt.asUintN(64, size), little);
      }
    });
    strtab = strings.build();
  }

  // Phase 3: plan every section and its file offset.
  const shstrings = new StringTableBuilder();
  const planned: PlannedSection[] = [];
  const plan = (p: Omit<PlannedSection, 'offset'>) => planned.push({ ...p, offset: 0 });
  for (const s of options.sections) {
    const type =
      s.type ??
      (s.data === undefined && s.size !== undefined ? SectionType.NOBITS : SectionType.PROGBITS);
    const link =
      typeof s.link === 'string'
        ? resolveSection(s.link, `section ${s.name} sh_link`)
        : (s.link ?? 0);
    plan({
      name: s.name,
      type,
      flags: BigInt(s.flags ?? 0),
      addr: BigInt(s.addr ?? 0),
      data: type === SectionType.NOBITS ? undefined : (s.data ?? new Uint8Array(0)),
      size: s.data?.length ?? s.size ?? 0,
      align: s.align ?? 1,
      entsize: s.entsize ?? 0,
      link,
      info: s.info ?? 0,
    });
  }
  if (symtab && strtab) {
    plan({
      name: '.symtab',
      type: SectionType.SYMTAB,
      flags: 0n,
      addr: 0n,
      data: symtab,
      size: symtab.length,
      align: wordAlign,
      entsize: sizes.symbol,
      link: strtabIndex,
      info: firstGlobal,
    });
    plan({
      name: '.strtab',
      type: SectionType.STRTAB,
      flags: 0n,
      addr: 0n,
      data: strtab,
      size: strtab.length,
      align: 1,
      entsize: 0,
      link: 0,
      info: 0,
    });
    if (shndxData) {
      plan({
        name: '.symtab_shndx',
        type: SectionType.SYMTAB_SHNDX,
        flags: 0n,
        addr: 0n,
        data: shndxData,
        size: shndxData.length,
        align: 4,
        entsize: 4,
        link: symtabIndex,
        info: 0,
      });
    }
  }
  const nameOffsets = [...planned.map((p) => shstrings.add(p.name)), shstrings.add('.shstrtab')];
  const shstrtab = shstrings.build();
  plan({
    name: '.shstrtab',
    type: SectionType.STRTAB,
    flags: 0n,
    addr: 0n,
    data: shstrtab,
    size: shstrtab.length,
    align: 1,
    entsize: 0,
    link: 0,
    info: 0,
  });

  const segments = options.segments ?? [];
  let offset: number = sizes.header;
  const phoff = segments.length > 0 ? offset : 0;
  offset += segments.length * sizes.segment;
  for (const p of planned) {
    if (p.data === undefined) continue;
    offset = alignUp(offset, Math.min(p.align, 4096));
    p.offset = offset;
    offset += p.data.length;
  }
  offset = alignUp(offset, wordAlign);
  const shoff = offset;
  const total = shoff + sectionCount * sizes.section;

  // Phase 4: bytes.
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  const word = (at: number, value: bigint | number) => {
    if (bits === 32) v.setUint32(at, Number(BigInt.asUintN(32, BigInt(value))), little);
    else v.setBigUint64(at, BigInt.asUintN(64, BigInt(value)), little);
  };
  out.set([
    0x7f,
    0x45,
    0x4c,
    0x46,
    bits === 32 ? ElfClass.ELF32 : ElfClass.ELF64,
    little ? ElfData.LSB : ElfData.MSB,
    1,
  ]);
  const w = bits === 32 ? 4 : 8;
  v.setUint16(16, options.type ?? FileType.EXEC, little);
  v.setUint16(18, options.machine ?? 40, little);
  v.setUint32(20, 1, little);
  word(24, options.entry ?? 0);
  word(24 + w, phoff);
  word(24 + 2 * w, shoff);
  let at = 24 + 3 * w;
  v.setUint32(at, options.flags ?? 0, little);
  v.setUint16(at + 4, sizes.header, little);
  v.setUint16(at + 6, segments.length > 0 ? sizes.segment : 0, little);
  const extPh = needsXindex || segments.length >= PN_XNUM;
  v.setUint16(at + 8, extPh && segments.length > 0 ? PN_XNUM : segments.length, little);
  v.setUint16(at + 10, sizes.section, little);
  v.setUint16(at + 12, needsXindex ? 0 : sectionCount, little);
  v.setUint16(at + 14, needsXindex ? SpecialSection.XINDEX : shstrtabIndex, little);

  segments.forEach((seg, i) => {
    const target = planned[resolveSection(seg.section, `segment ${i}`) - 1]!;
    const vaddr = BigInt(seg.vaddr ?? target.addr);
    const paddr = BigInt(seg.paddr ?? vaddr);
    const filesz = target.data?.length ?? 0;
    const memsz = BigInt(seg.memsz ?? target.size);
    const base = phoff + i * sizes.segment;
    if (bits === 32) {
      const fields = [
        seg.type ?? 1,
        target.offset,
        vaddr,
        paddr,
        filesz,
        memsz,
        seg.flags ?? 4,
        seg.align ?? target.align,
      ];
      fields.forEach((f, k) => {
        v.setUint32(base + 4 * k, Number(BigInt.asUintN(32, BigInt(f))), little);
      });
    } else {
      v.setUint32(base, seg.type ?? 1, little);
      v.setUint32(base + 4, seg.flags ?? 4, little);
      const fields = [target.offset, vaddr, paddr, filesz, memsz, seg.align ?? target.align];
      fields.forEach((f, k) => {
        v.setBigUint64(base + 8 + 8 * k, BigInt.asUintN(64, BigInt(f)), little);
      });
    }
  });

  for (const p of planned) if (p.data) out.set(p.data, p.offset);

  // Section 0 carries the extended counts when they are used.
  const writeHeader = (
    index: number,
    h: Omit<PlannedSection, 'data' | 'name'> & { nameOffset: number },
  ) => {
    at = shoff + index * sizes.section;
    if (bits === 32) {
      const fields = [
        h.nameOffset,
        h.type,
        h.flags,
        h.addr,
        h.offset,
        h.size,
        h.link,
        h.info,
        h.align,
        h.entsize,
      ];
      fields.forEach((f, k) => {
        v.setUint32(at + 4 * k, Number(BigInt.asUintN(32, BigInt(f))), little);
      });
    } else {
      v.setUint32(at, h.nameOffset, little);
      v.setUint32(at + 4, h.type, little);
      v.setBigUint64(at + 8, h.flags, little);
      v.setBigUint64(at + 16, BigInt.asUintN(64, h.addr), little);
      v.setBigUint64(at + 24, BigInt(h.offset), little);
      v.setBigUint64(at + 32, BigInt(h.size), little);
      v.setUint32(at + 40, h.link, little);
      v.setUint32(at + 44, h.info, little);
      v.setBigUint64(at + 48, BigInt(h.align), little);
      v.setBigUint64(at + 56, BigInt(h.entsize), little);
    }
  };
  writeHeader(0, {
    nameOffset: 0,
    type: 0,
    flags: 0n,
    addr: 0n,
    offset: 0,
    size: needsXindex ? sectionCount : 0,
    link: needsXindex ? shstrtabIndex : 0,
    info: extPh && segments.length > 0 ? segments.length : 0,
    align: 0,
    entsize: 0,
  });
  planned.forEach((p, i) => {
    writeHeader(i + 1, { ...p, nameOffset: nameOffsets[i]! });
  });
  return out;
}
