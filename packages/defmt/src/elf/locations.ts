// Source locations of log statements, as defmt-decoder's get_locations finds them: every DWARF
// variable named `DEFMT_LOG_STATEMENT` whose linkage name is the symbol of a table entry gets that
// entry's index, the file of its DW_AT_decl_file, its DW_AT_decl_line, and a module path made of
// the DW_TAG_namespace names seen on the way down the DIE tree (kept across later siblings exactly
// as defmt-decoder keeps them). Relies on @k5/elf's DWARF reader.

import {
  DwarfInfo,
  type DwarfDie,
  type DwarfUnit,
  DwAt,
  DwTag,
  type ElfFile,
  lineFilePath,
  parseElf,
} from '@k5/elf';
import type { DefmtTable, Location } from '../table/types';
import { DefmtElfError } from './errors';
import { findDefmtTable } from './load-table';

const LOG_STATEMENT = 'DEFMT_LOG_STATEMENT';

/**
 * Reads the location of every log statement from the ELF's DWARF.
 *
 * @remarks
 * Differences from defmt-decoder, all in what it would silently miss: names and namespaces stored
 * with any string form are read (defmt-decoder only sees `DW_FORM_strp`, so DWARF 5 `strx` names
 * give it no locations), and file index 0 is accepted in DWARF 5 line tables, where it is valid.
 * An ELF without debug information gives an empty map. Check the result with
 * {@link hasCompleteLocations} before use, as defmt-print does.
 *
 * @param table - the ELF's table, when already loaded (it is loaded otherwise).
 * @returns locations by table index.
 * @throws {@link DefmtElfError} `BAD_LOCATION` for file indices the line table lacks or two
 *   statements at one index; `ElfError` for malformed DWARF.
 */
export function loadDefmtLocations(
  elf: Uint8Array | ElfFile,
  table?: DefmtTable,
): Map<number, Location> {
  const file = elf instanceof Uint8Array ? parseElf(elf) : elf;
  const t = table ?? findDefmtTable(file);
  const map = new Map<number, Location>();
  if (t === undefined) return map;
  // Later entries win for a repeated symbol name, as when collecting into a hash map.
  const indexOf = new Map<string, number>();
  for (const [index, entry] of t.entries) indexOf.set(entry.rawSymbol, index);

  const dwarf = DwarfInfo.fromElf(file);
  if (!dwarf.hasInfo) return map;
  for (const unit of dwarf.units()) {
    const segments: string[] = [];
    // Iterative depth-first walk; depth 1 is the root's children.
    const stack: { die: DwarfDie; depth: number }[] = [];
    for (let i = unit.root.children.length - 1; i >= 0; i--) {
      stack.push({ die: unit.root.children[i]!, depth: 1 });
    }
    while (stack.length > 0) {
      const { die, depth } = stack.pop()!;
      if (die.tag === DwTag.namespace) {
        const name = die.string(DwAt.name);
        if (name !== undefined) {
          // Drop the segments at this depth and deeper, then enter this namespace.
          for (let n = segments.length + 1 - depth; n > 0; n--) segments.pop();
          segments.push(name);
        }
      } else if (die.tag === DwTag.variable) {
        visitVariable(dwarf, unit, die, segments, indexOf, map);
      }
      for (let i = die.children.length - 1; i >= 0; i--) {
        stack.push({ die: die.children[i]!, depth: depth + 1 });
      }
    }
  }
  return new Map([...map].sort((a, b) => a[0] - b[0]));
}

function visitVariable(
  dwarf: DwarfInfo,
  unit: DwarfUnit,
  die: DwarfDie,
  segments: readonly string[],
  indexOf: ReadonlyMap<string, number>,
  map: Map<number, Location>,
): void {
  const name = die.string(DwAt.name);
  const linkageName = die.string(DwAt.linkage_name);
  const fileIndex = die.unsigned(DwAt.decl_file);
  const line = die.unsigned(DwAt.decl_line);
  if (
    name === undefined ||
    linkageName === undefined ||
    fileIndex === undefined ||
    line === undefined
  ) {
    return;
  }
  if (name !== LOG_STATEMENT) return;
  // A statement the linker dropped stays in DWARF; it has no table entry and is skipped.
  const index = indexOf.get(linkageName);
  if (index === undefined) return;
  const loc: Location = {
    file: filePath(dwarf, unit, fileIndex),
    line: Number(line),
    module: segments.join('::'),
  };
  const old = map.get(index);
  if (old !== undefined) {
    throw new DefmtElfError(
      'BAD_LOCATION',
      `BUG in DWARF variable filter: index collision for frame index 0x${index.toString(16)} (old = ${old.file}:${old.line}, new = ${loc.file}:${loc.line})`,
    );
  }
  map.set(index, loc);
}

function filePath(dwarf: DwarfInfo, unit: DwarfUnit, fileIndex: bigint): string {
  const header = dwarf.lineProgram(unit);
  if (header === undefined) {
    throw new DefmtElfError('BAD_LOCATION', 'no `LineProgram` for a unit with log statements');
  }
  if (fileIndex === 0n && header.version < 5) {
    throw new DefmtElfError('BAD_LOCATION', '`FileIndex` was zero');
  }
  const path =
    fileIndex > BigInt(Number.MAX_SAFE_INTEGER)
      ? undefined
      : lineFilePath(header, Number(fileIndex), dwarf.compDir(unit));
  if (path === undefined) {
    throw new DefmtElfError('BAD_LOCATION', `no \`FileEntry\` for index ${fileIndex}`);
  }
  return path;
}

/**
 * True when every log statement of the table (the entries tagged with a level or `println`) has a
 * location. defmt-print shows no locations at all when this is false ("location info is
 * incomplete; it will be omitted from the output").
 */
export function hasCompleteLocations(
  table: DefmtTable,
  locations: ReadonlyMap<number, Location>,
): boolean {
  for (const [index, entry] of table.entries) {
    const isStatement =
      entry.tag === 'println' ||
      entry.tag === 'trace' ||
      entry.tag === 'debug' ||
      entry.tag === 'info' ||
      entry.tag === 'warn' ||
      entry.tag === 'error';
    if (isStatement && !locations.has(index)) return false;
  }
  return true;
}
