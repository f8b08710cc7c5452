// The parsed view of one ELF file: header, sections, segments, and lazily parsed symbol tables,
// plus the look-ups tools need (section by name, section data, address to bytes). Holds only a
// reference to the caller's bytes; nothing is copied.

import { inflateZlib } from '../bytes/inflate';
import { ByteReader } from '../bytes/byte-reader';
import { ElfError } from '../errors';
import { SectionFlags, SectionType, SegmentType } from './constants';
import { type ElfHeader, parseElfHeader } from './header';
import { type ElfSection, isCompressed, parseSectionTable, sectionBytes } from './sections';
import { type ElfSegment, parseSegments, segmentBytes } from './segments';
import { StringTable } from './strings';
import { type ElfSymbol, parseSymbolTable } from './symbols';

/**
 * A parsed ELF file.
 *
 * @remarks
 * Build one with {@link parseElf}. Headers are parsed eagerly; symbol tables on first use.
 * Every method throws {@link ElfError} (and nothing else) for malformed input.
 */
export class ElfFile {
  /** The whole file. */
  readonly bytes: Uint8Array;
  /** The file header as stored. */
  readonly header: ElfHeader;
  /** Every section header, in table order (index 0 is the null section). */
  readonly sections: readonly ElfSection[];
  /** Every program header, in table order. */
  readonly segments: readonly ElfSegment[];
  /** Index of the section name string table (0 when there is none), extended numbering applied. */
  readonly shstrndx: number;
  private symtab: readonly ElfSymbol[] | undefined;
  private dynsym: readonly ElfSymbol[] | undefined;
  private byName: Map<string, ElfSection> | undefined;
  private readonly inflated = new Map<number, Uint8Array>();

  /** Use {@link parseElf}. */
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.header = parseElfHeader(bytes);
    const table = parseSectionTable(bytes, this.header);
    this.sections = table.sections;
    this.shstrndx = table.shstrndx;
    this.segments = parseSegments(bytes, this.header, table.phnum);
  }

  /** 32 or 64. */
  get bits(): 32 | 64 {
    return this.header.bits;
  }

  /** True for little-endian files. */
  get littleEndian(): boolean {
    return this.header.littleEndian;
  }

  /** The first section with this name, if any. */
  sectionByName(name: string): ElfSection | undefined {
    if (this.byName === undefined) {
      this.byName = new Map();
      for (const s of this.sections) if (!this.byName.has(s.name)) this.byName.set(s.name, s);
    }
    return this.byName.get(name);
  }

  /**
   * The bytes of a section (a view into the file, or its decompressed contents); empty for
   * SHT_NOBITS.
   *
   * @remarks
   * Compressed sections (SHF_COMPRESSED with zlib) are decompressed once and cached.
   * @throws {@link ElfError} `NOT_FOUND` for an unknown name, `TRUNCATED` when the data lies outside
   *   the file, `UNSUPPORTED` for zstd or corrupt compressed data.
   */
  sectionData(section: ElfSection | string): Uint8Array {
    const s = typeof section === 'string' ? this.sectionByName(section) : section;
    if (s === undefined) {
      throw new ElfError(
        'NOT_FOUND',
        `no section named ${JSON.stringify(section)}; check the name (sections: ${this.sections
          .map((x) => x.name)
          .filter((n) => n !== '')
          .slice(0, 20)
          .join(', ')})`,
      );
    }
    if (isCompressed(s)) return this.decompress(s);
    return sectionBytes(this.bytes, s);
  }

  // SHF_COMPRESSED: an Elf32_Chdr / Elf64_Chdr, then the compressed stream (zlib only).
  private decompress(s: ElfSection): Uint8Array {
    const done = this.inflated.get(s.index);
    if (done !== undefined) return done;
    const raw = sectionBytes(this.bytes, s);
    const r = new ByteReader(raw, this.littleEndian, `section ${s.name} compression header`);
    const type = r.u32('ch_type');
    let size: bigint;
    if (this.bits === 32) {
      size = BigInt(r.u32('ch_size'));
      r.u32('ch_addralign');
    } else {
      r.u32('ch_reserved');
      size = r.u64('ch_size');
      r.u64('ch_addralign');
    }
    if (type !== 1) {
      throw new ElfError(
        'UNSUPPORTED',
        `section ${s.name} is compressed with type ${type} (${type === 2 ? 'zstd' : 'unknown'}); only zlib is supported: relink with --compress-debug-sections=zlib or none`,
      );
    }
    // DEFLATE expands at most about 1032:1; a larger claim is corrupt (and must not be allocated).
    if (size > BigInt(raw.length) * 1032n + 1024n) {
      throw new ElfError(
        'TOO_MANY',
        `section ${s.name} claims ${size} uncompressed bytes from ${raw.length} compressed ones; the file is corrupt`,
      );
    }
    const out = inflateZlib(raw.subarray(r.pos), Number(size));
    this.inflated.set(s.index, out);
    return out;
  }

  /** A section's bytes, or `undefined` when no section has that name. */
  sectionDataIfPresent(name: string): Uint8Array | undefined {
    return this.sectionByName(name) === undefined ? undefined : this.sectionData(name);
  }

  /** The entries of `.symtab` (SHT_SYMTAB), or an empty list when the file is stripped. */
  symbols(): readonly ElfSymbol[] {
    if (this.symtab === undefined) this.symtab = this.symbolsOfType(SectionType.SYMTAB);
    return this.symtab;
  }

  /** The entries of `.dynsym` (SHT_DYNSYM), or an empty list. */
  dynamicSymbols(): readonly ElfSymbol[] {
    if (this.dynsym === undefined) this.dynsym = this.symbolsOfType(SectionType.DYNSYM);
    return this.dynsym;
  }

  /** The entries of a given symbol table section. */
  symbolTable(section: ElfSection): ElfSymbol[] {
    if (section.type !== SectionType.SYMTAB && section.type !== SectionType.DYNSYM) {
      throw new ElfError(
        'BAD_INPUT',
        `section ${section.index} (${section.name}) is not a symbol table (type ${section.type})`,
      );
    }
    return parseSymbolTable(this.bytes, this.header, this.sections, section);
  }

  /** The first symbol of `.symtab` with this exact name. */
  symbolByName(name: string): ElfSymbol | undefined {
    return this.symbols().find((s) => s.name === name);
  }

  /** A string table section as a {@link StringTable}. */
  stringTable(section: ElfSection | string): StringTable {
    const s = typeof section === 'string' ? this.sectionByName(section) : section;
    if (s === undefined)
      throw new ElfError('NOT_FOUND', `no section named ${JSON.stringify(section)}`);
    return new StringTable(this.sectionData(s), s.name);
  }

  /**
   * `length` bytes at virtual address `address`, as a program sees them once loaded.
   *
   * @remarks
   * PT_LOAD segments are searched first; bytes past `p_filesz` but inside `p_memsz` read as zero
   * (a copy is returned then). Without a covering segment, allocated sections with file data are
   * searched (relocatable files have no segments).
   * @throws {@link ElfError} `NOT_FOUND` when no segment or section covers the whole range.
   */
  readAddress(address: bigint, length: number): Uint8Array {
    const len = BigInt(length);
    for (const seg of this.segments) {
      if (seg.type !== SegmentType.LOAD) continue;
      if (address < seg.vaddr || address + len > seg.vaddr + seg.memsz) continue;
      const data = segmentBytes(this.bytes, seg);
      const start = Number(address - seg.vaddr);
      if (start + length <= data.length) return data.subarray(start, start + length);
      const out = new Uint8Array(length);
      if (start < data.length) out.set(data.subarray(start));
      return out;
    }
    for (const s of this.sections) {
      if ((s.flags & BigInt(SectionFlags.ALLOC)) === 0n) continue;
      if (address < s.addr || address + len > s.addr + s.size) continue;
      if (s.type === SectionType.NOBITS) return new Uint8Array(length);
      const start = Number(address - s.addr);
      return sectionBytes(this.bytes, s).subarray(start, start + length);
    }
    throw new ElfError(
      'NOT_FOUND',
      `no loadable segment or allocated section covers ${length} bytes at 0x${address.toString(16)}`,
    );
  }

  /**
   * `length` bytes of a section at address `address`, counted from the section's `sh_addr` (as
   * tools read values of symbols defined in non-allocated sections such as `.defmt`).
   *
   * @returns `undefined` when the range is not inside the section's data.
   */
  sectionRange(section: ElfSection, address: bigint, length: number): Uint8Array | undefined {
    if (address < section.addr) return undefined;
    const data = this.sectionData(section);
    const offset = address - section.addr;
    if (offset + BigInt(length) > BigInt(data.length)) return undefined;
    const start = Number(offset);
    return data.subarray(start, start + length);
  }

  private symbolsOfType(type: number): readonly ElfSymbol[] {
    const table = this.sections.find((s) => s.type === type);
    return table === undefined ? [] : this.symbolTable(table);
  }
}

/**
 * Parses an ELF32 or ELF64 file of either byte order.
 *
 * @example
 * ```ts
 * const elf = parseElf(bytes);
 * const text = elf.sectionData('.text');
 * const main = elf.symbolByName('main');
 * ```
 * @throws {@link ElfError} for truncated or malformed input (never anything else).
 */
export function parseElf(bytes: Uint8Array): ElfFile {
  if (!(bytes instanceof Uint8Array)) {
    throw new ElfError('BAD_INPUT', 'parseElf expects a Uint8Array with the whole ELF file');
  }
  return new ElfFile(bytes);
}
