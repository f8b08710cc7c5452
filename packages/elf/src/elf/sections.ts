// Section headers: the table at e_shoff, extended numbering (section count, string-table index and
// segment count stored in section 0 when they do not fit the header), and names from the section
// name string table. Section *data* is checked lazily (sectionBytes), so one bad section does not
// hide the others.

import { ByteReader, toSafeNumber } from '../bytes/byte-reader';
import { ElfError } from '../errors';
import { PN_XNUM, SectionFlags, SectionType, SpecialSection, STRUCT_SIZES } from './constants';
import type { ElfHeader } from './header';
import { readCString } from './strings';

/** One section header, with its name resolved. */
export interface ElfSection {
  /** Position in the section header table. */
  readonly index: number;
  /** Name from the section name string table (empty when the file has none). */
  readonly name: string;
  /** `sh_name`: offset of the name in the section name string table. */
  readonly nameOffset: number;
  /** `sh_type` (see `SectionType`). */
  readonly type: number;
  /** `sh_flags` (see `SectionFlags`). */
  readonly flags: bigint;
  /** `sh_addr`. */
  readonly addr: bigint;
  /** `sh_offset`. */
  readonly offset: bigint;
  /** `sh_size`. */
  readonly size: bigint;
  /** `sh_link`. */
  readonly link: number;
  /** `sh_info`. */
  readonly info: number;
  /** `sh_addralign`. */
  readonly addralign: bigint;
  /** `sh_entsize`. */
  readonly entsize: bigint;
}

/** The section table with the counts extended numbering resolves. */
export interface SectionTable {
  /** Every section header, in table order. */
  readonly sections: readonly ElfSection[];
  /** Index of the section name string table, or 0 when there is none. */
  readonly shstrndx: number;
  /** Number of program headers (from `e_phnum` or section 0's `sh_info`). */
  readonly phnum: number;
}

/**
 * Reads every section header and resolves names.
 *
 * @throws {@link ElfError} when the table lies outside the file, its entry size is too small or a
 *   count is larger than the file could hold.
 */
export function parseSectionTable(bytes: Uint8Array, header: ElfHeader): SectionTable {
  const { bits } = header;
  const r = new ByteReader(bytes, header.littleEndian, 'section header table');
  let shnum = header.shnum;
  let shstrndx = header.shstrndx;
  let phnum = header.phnum;
  if (header.shoff === 0n) {
    // No section table. Extended numbering is then impossible; take the header at its word.
    if (phnum === PN_XNUM) {
      throw new ElfError(
        'BAD_HEADER',
        'ELF header: e_phnum is PN_XNUM (0xffff) but there is no section 0 to hold the real count; the file is corrupt',
      );
    }
    return { sections: [], shstrndx: 0, phnum };
  }
  const minSize = STRUCT_SIZES[bits].section;
  if (header.shentsize < minSize) {
    throw new ElfError(
      'BAD_HEADER',
      `ELF header: e_shentsize is ${header.shentsize}, smaller than the ${minSize} bytes of an ELF${bits} section header; the file is corrupt`,
    );
  }
  const shoff = toSafeNumber(header.shoff, 'ELF header: e_shoff');
  const section0 = readSectionHeader(r, shoff, bits, 0);
  if (shnum === 0) shnum = toSafeNumber(section0.size, 'section 0: sh_size (extended count)');
  if (shstrndx === SpecialSection.XINDEX) shstrndx = section0.link;
  if (phnum === PN_XNUM) phnum = section0.info;
  if (shnum * header.shentsize > bytes.length - shoff || shnum > bytes.length) {
    throw new ElfError(
      'TOO_MANY',
      `section header table: ${shnum} entries of ${header.shentsize} bytes at offset ${shoff} do not fit in the ${bytes.length}-byte file; it is truncated or corrupt`,
      shoff,
    );
  }
  const raw: Omit<ElfSection, 'name'>[] = [];
  for (let i = 0; i < shnum; i++) {
    raw.push(readSectionHeader(r, shoff + i * header.shentsize, bits, i));
  }
  if (shstrndx !== 0 && shstrndx >= shnum) {
    throw new ElfError(
      'BAD_HEADER',
      `ELF header: the section name table index ${shstrndx} is not below the section count ${shnum}; the file is corrupt`,
    );
  }
  const names = shstrndx === 0 ? undefined : sectionBytes(bytes, { ...raw[shstrndx]!, name: '' });
  const sections = raw.map((s) => ({
    ...s,
    name:
      names === undefined || (s.type === SectionType.NULL && s.nameOffset === 0)
        ? ''
        : readCString(names, s.nameOffset, `section ${s.index} name`),
  }));
  return { sections, shstrndx, phnum };
}

function readSectionHeader(
  r: ByteReader,
  at: number,
  bits: 32 | 64,
  index: number,
): Omit<ElfSection, 'name'> {
  r.seek(at, `section header ${index}`);
  const what = `section header ${index}`;
  if (bits === 32) {
    return {
      index,
      nameOffset: r.u32(what),
      type: r.u32(what),
      flags: BigInt(r.u32(what)),
      addr: BigInt(r.u32(what)),
      offset: BigInt(r.u32(what)),
      size: BigInt(r.u32(what)),
      link: r.u32(what),
      info: r.u32(what),
      addralign: BigInt(r.u32(what)),
      entsize: BigInt(r.u32(what)),
    };
  }
  return {
    index,
    nameOffset: r.u32(what),
    type: r.u32(what),
    flags: r.u64(what),
    addr: r.u64(what),
    offset: r.u64(what),
    size: r.u64(what),
    link: r.u32(what),
    info: r.u32(what),
    addralign: r.u64(what),
    entsize: r.u64(what),
  };
}

/**
 * The bytes of a section as stored in the file (a view, no copy). SHT_NOBITS sections have none.
 *
 * @throws {@link ElfError} `TRUNCATED` when the section's range lies outside the file.
 */
export function sectionBytes(bytes: Uint8Array, section: ElfSection): Uint8Array {
  if (section.type === SectionType.NOBITS || section.type === SectionType.NULL) {
    return bytes.subarray(0, 0);
  }
  if (section.offset + section.size > BigInt(bytes.length)) {
    throw new ElfError(
      'TRUNCATED',
      `section ${section.index} (${section.name || 'unnamed'}): ${section.size} bytes at offset ${section.offset} run past the end of the ${bytes.length}-byte file; it is truncated or corrupt`,
      Number(section.offset > BigInt(bytes.length) ? BigInt(bytes.length) : section.offset),
    );
  }
  const start = Number(section.offset);
  return bytes.subarray(start, start + Number(section.size));
}

/** True when the section has SHF_COMPRESSED set (its data needs inflating before use). */
export function isCompressed(section: ElfSection): boolean {
  return (section.flags & BigInt(SectionFlags.COMPRESSED)) !== 0n;
}
