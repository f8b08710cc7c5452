/**
 * `@k5/elf`: ELF32/ELF64 reading (headers, sections, segments, symbols), the DWARF parts tools need, and a small ELF writer.
 *
 * @packageDocumentation
 */

/** The npm name of this package. */
export const PACKAGE_NAME = '@k5/elf';

export { ElfError, isElfError } from './errors';
export {
  ElfClass,
  ElfData,
  FileType,
  Machine,
  PN_XNUM,
  SectionFlags,
  SectionType,
  SegmentFlags,
  SegmentType,
  SpecialSection,
  STRUCT_SIZES,
  SymbolBinding,
  SymbolType,
  SymbolVisibility,
} from './elf/constants';
export { parseElfHeader } from './elf/header';
export { ElfFile, parseElf } from './elf/elf-file';
export { StringTable, readCString } from './elf/strings';
export { writeElf } from './writer/elf-writer';
export { ByteReader } from './bytes/byte-reader';
export { DwAt, DwForm, DwLnct, DwOp, DwTag, DwUt } from './dwarf/constants';
export { parseAbbreviations } from './dwarf/abbrev';
export { DwarfDie } from './dwarf/die';
export { DwarfInfo, namespacePath } from './dwarf/dwarf';
export { expressionAddress } from './dwarf/expression';
export { readFormValue } from './dwarf/forms';
export { parseUnit, parseUnitHeader, parseUnitHeaders } from './dwarf/info';
export { runLineProgram } from './dwarf/line-program';
export {
  lineDirectory,
  lineFile,
  lineFilePath,
  parseLineProgramHeader,
  pushPath,
} from './dwarf/line';

export type { ElfErrorCode } from './errors';
export type { ElfHeader } from './elf/header';
export type { ElfSection } from './elf/sections';
export type { ElfSegment } from './elf/segments';
export type { ElfSymbol } from './elf/symbols';
export type { AbbrevAttribute, Abbreviation } from './dwarf/abbrev';
export type { DwarfAttribute } from './dwarf/die';
export type { DwarfVariable, SourceLocation } from './dwarf/dwarf';
export type { LineProgramRows, LineRow } from './dwarf/line-program';
export type { DwarfSectionData, DwarfValue, FormContext } from './dwarf/forms';
export type { DwarfUnit, DwarfUnitHeader } from './dwarf/info';
export type { LineFileEntry, LineProgramHeader } from './dwarf/line';
export type {
  ElfWriterOptions,
  ElfWriterSection,
  ElfWriterSegment,
  ElfWriterSymbol,
} from './writer/elf-writer';
