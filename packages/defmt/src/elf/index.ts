// The ELF side of @k5/defmt, in one place for the package entry to re-export: loading a table and
// locations from firmware, and writing a table back as an ELF.

export { DefmtElfError } from './errors';
export {
  SUPPORTED_DEFMT_VERSIONS,
  defmtVersionOf,
  findDefmtTable,
  loadDefmtTable,
} from './load-table';
export { hasCompleteLocations, loadDefmtLocations } from './locations';
export { bitflagsKey, defmtTagOf, formatDefmtSymbol, parseDefmtSymbol } from './symbol';
export { writeDefmtElf } from './write-elf';

export type { DefmtElfErrorCode } from './errors';
export type { LoadDefmtTableOptions } from './load-table';
export type { DefmtSymbol } from './symbol';
export type { WriteDefmtElfOptions } from './write-elf';
