// Symbol tables (SHT_SYMTAB, SHT_DYNSYM): fixed-size entries, names from the linked string table,
// and section indices that may live in an SHT_SYMTAB_SHNDX table when they do not fit 16 bits.
// Entry 0 (the null symbol) is kept, so that `symbols[i]` is symbol index i as relocations use it.

import { ByteReader } from '../bytes/byte-reader';
import { ElfError } from '../errors';
import { SectionType, SpecialSection, STRUCT_SIZES } from './constants';
import type { ElfHeader } from './header';
import { type ElfSection, sectionBytes } from './sections';
import { StringTable } from './strings';

/** One symbol table entry. */
export interface ElfSymbol {
  /** Position in its table (0 is the null symbol). */
  readonly index: number;
  /** Name from the linked string table. */
  readonly name: string;
  /** `st_value`: an address in executables, a section offset in relocatable files. */
  readonly value: bigint;
  /** `st_size`. */
  readonly size: bigint;
  /** Binding, the high nibble of `st_info` (see `SymbolBinding`). */
  readonly binding: number;
  /** Type, the low nibble of `st_info` (see `SymbolType`). */
  readonly type: number;
  /** Visibility, the low two bits of `st_other` (see `SymbolVisibility`). */
  readonly visibility: number;
  /** `st_other` as stored. */
  readonly other: number;
  /** `st_shndx` as stored (0xffff means the real index is in SHT_SYMTAB_SHNDX). */
  readonly shndx: number;
  /**
   * The section the symbol is defined in, with SHN_XINDEX resolved; `undefined` for undefined,
   * absolute and common symbols and other reserved indices.
   */
  readonly sectionIndex: number | undefined;
}

/**
 * Reads every entry of a symbol table section.
 *
 * @param sections - all sections of the file (for the string table and SHT_SYMTAB_SHNDX).
 * @throws {@link ElfError} when the table, its string table or a name is malformed.
 */
export function parseSymbolTable(
  bytes: Uint8Array,
  header: ElfHeader,
  sections: readonly ElfSection[],
  table: ElfSection,
): ElfSymbol[] {
  const { bits } = header;
  const minSize = STRUCT_SIZES[bits].symbol;
  const entsize = table.entsize === 0n ? minSize : Number(table.entsize);
  if (table.entsize !== 0n && (table.entsize < BigInt(minSize) || table.entsize > 0x10000n)) {
    throw new ElfError(
      'BAD_SECTION',
      `section ${table.index} (${table.name}): symbol entry size ${table.entsize} is not a valid ELF${bits} symbol size (${minSize}); the file is corrupt`,
    );
  }
  const data = sectionBytes(bytes, table);
  const count = Math.floor(data.length / entsize);
  const strtabSection = sections[table.link];
  if (strtabSection === undefined || strtabSection.type !== SectionType.STRTAB) {
    throw new ElfError(
      'BAD_SECTION',
      `section ${table.index} (${table.name}): sh_link ${table.link} is not a string table; the file is corrupt`,
    );
  }
  const names = new StringTable(sectionBytes(bytes, strtabSection), strtabSection.name);
  const shndxTable = findShndxTable(bytes, header, sections, table.index);
  // count * entsize <= data.length, so every read below is in bounds.
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const little = header.littleEndian;
  const symbols: ElfSymbol[] = new Array(count);
  for (let index = 0; index < count; index++) {
    const at = index * entsize;
    const nameOffset = view.getUint32(at, little);
    let value: bigint;
    let size: bigint;
    let info: number;
    let other: number;
    let shndx: number;
    if (bits === 32) {
      value = BigInt(view.getUint32(at + 4, little));
      size = BigInt(view.getUint32(at + 8, little));
      info = data[at + 12]!;
      other = data[at + 13]!;
      shndx = view.getUint16(at + 14, little);
    } else {
      info = data[at + 4]!;
      other = data[at + 5]!;
      shndx = view.getUint16(at + 6, little);
      value = view.getBigUint64(at + 8, little);
      size = view.getBigUint64(at + 16, little);
    }
    let sectionIndex: number | undefined;
    if (shndx === SpecialSection.XINDEX) {
      sectionIndex = shndxTable?.[index];
      if (sectionIndex === undefined) {
        throw new ElfError(
          'BAD_SYMBOL',
          `${table.name} symbol ${index}: st_shndx is SHN_XINDEX but no SHT_SYMTAB_SHNDX entry holds its section; the file is corrupt`,
        );
      }
    } else if (shndx !== SpecialSection.UNDEF && shndx < SpecialSection.LORESERVE) {
      sectionIndex = shndx;
    }
    symbols[index] = {
      index,
      name: nameOffset === 0 ? '' : names.get(nameOffset),
      value,
      size,
      binding: info >> 4,
      type: info & 0xf,
      visibility: other & 0x3,
      other,
      shndx,
      sectionIndex,
    };
  }
  return symbols;
}

function findShndxTable(
  bytes: Uint8Array,
  header: ElfHeader,
  sections: readonly ElfSection[],
  symtabIndex: number,
): Uint32Array | undefined {
  const section = sections.find(
    (s) => s.type === SectionType.SYMTAB_SHNDX && s.link === symtabIndex,
  );
  if (section === undefined) return undefined;
  const data = sectionBytes(bytes, section);
  const r = new ByteReader(data, header.littleEndian, section.name || 'SHT_SYMTAB_SHNDX');
  const out = new Uint32Array(data.length >>> 2);
  for (let i = 0; i < out.length; i++) out[i] = r.u32();
  return out;
}
