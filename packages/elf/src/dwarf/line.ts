// `.debug_line` program headers of DWARF 2 to 5: include directories and file names (the v5
// entry-format tables included), and how a file index of DW_AT_decl_file becomes a path, with the
// same rules as gimli (the library defmt-decoder uses). The line-number program itself is not run.

import { ByteReader } from '../bytes/byte-reader';
import { ElfError } from '../errors';
import { DwLnct } from './constants';
import { type FormContext, readFormValue } from './forms';

/** One entry of the file name table. */
export interface LineFileEntry {
  /** The file name as stored (may be absolute). */
  readonly path: string;
  /** Index into the include directories (see {@link lineDirectory} for its meaning by version). */
  readonly directoryIndex: number;
  /** Modification time, when recorded. */
  readonly timestamp: bigint | undefined;
  /** File size in bytes, when recorded. */
  readonly size: bigint | undefined;
  /** MD5 digest (DWARF 5), when recorded. */
  readonly md5: Uint8Array | undefined;
}

/** A line program header. */
export interface LineProgramHeader {
  /** Offset of the header in `.debug_line`. */
  readonly offset: number;
  /** Offset just past this line program. */
  readonly end: number;
  /** Line table version (2-5). */
  readonly version: number;
  /** 4 for 32-bit DWARF, 8 for 64-bit DWARF. */
  readonly offsetSize: 4 | 8;
  /** Address size from the v5 header; the unit's for older versions. */
  readonly addressSize: number;
  /** `minimum_instruction_length`. */
  readonly minimumInstructionLength: number;
  /** `maximum_operations_per_instruction` (1 before version 4). */
  readonly maximumOperationsPerInstruction: number;
  /** `default_is_stmt`. */
  readonly defaultIsStmt: boolean;
  /** `line_base`. */
  readonly lineBase: number;
  /** `line_range`. */
  readonly lineRange: number;
  /** `opcode_base`. */
  readonly opcodeBase: number;
  /** `standard_opcode_lengths`, for opcodes 1 to `opcodeBase - 1`. */
  readonly standardOpcodeLengths: readonly number[];
  /**
   * Include directories as stored. Before DWARF 5 the list leaves out the implicit entry 0 (the
   * compilation directory); from DWARF 5 entry 0 is stored and is the compilation directory.
   */
  readonly includeDirectories: readonly string[];
  /** File names as stored (before DWARF 5 the implicit entry 0 is left out, as above). */
  readonly fileNames: readonly LineFileEntry[];
  /** Offset of the first opcode of the line-number program. */
  readonly programOffset: number;
}

function readEntryFormats(r: ByteReader): { type: number; form: number }[] {
  const count = r.u8('entry format count');
  const formats: { type: number; form: number }[] = [];
  for (let i = 0; i < count; i++) {
    formats.push({ type: r.uleb('content type'), form: r.uleb('content form') });
  }
  return formats;
}

function readV5Entries(r: ByteReader, ctx: FormContext, what: string): LineFileEntry[] {
  const formats = readEntryFormats(r);
  const count = r.uleb(`${what} count`);
  // Each entry takes at least one byte per format; a larger count cannot be real.
  if (count > r.remaining && formats.length > 0) {
    throw new ElfError(
      'TOO_MANY',
      `.debug_line: ${count} ${what} entries cannot fit in the ${r.remaining} bytes left in the header`,
      r.pos,
    );
  }
  if (formats.length === 0 && count > 0) {
    throw new ElfError('DWARF_MALFORMED', `.debug_line: ${what} entries have no formats`, r.pos);
  }
  const entries: LineFileEntry[] = [];
  for (let i = 0; i < count; i++) {
    let path = '';
    let directoryIndex = 0;
    let timestamp: bigint | undefined;
    let size: bigint | undefined;
    let md5: Uint8Array | undefined;
    for (const f of formats) {
      const v = readFormValue(r, f.form, ctx);
      switch (f.type) {
        case DwLnct.path:
          if (v.kind !== 'string') {
            throw new ElfError(
              'DWARF_MALFORMED',
              `.debug_line: ${what} path has a non-string form 0x${f.form.toString(16)}`,
              r.pos,
            );
          }
          path = v.value;
          break;
        case DwLnct.directory_index:
          if (v.kind === 'unsigned') directoryIndex = Number(v.value);
          break;
        case DwLnct.timestamp:
          if (v.kind === 'unsigned') timestamp = v.value;
          break;
        case DwLnct.size:
          if (v.kind === 'unsigned') size = v.value;
          break;
        case DwLnct.MD5:
          if (v.kind === 'bytes') md5 = v.value;
          break;
        default:
          // Vendor content types are skipped; their value was read with its form.
          break;
      }
    }
    entries.push({ path, directoryIndex, timestamp, size, md5 });
  }
  return entries;
}

/**
 * Parses the line program header at `offset` of `.debug_line`.
 *
 * @param unit - the owning unit's form context (for strx forms and the address size).
 * @throws {@link ElfError} for truncated or inconsistent headers and versions outside 2-5.
 */
export function parseLineProgramHeader(offset: number, unit: FormContext): LineProgramHeader {
  const data = unit.sections.line;
  if (offset >= data.length) {
    throw new ElfError(
      'DWARF_MALFORMED',
      `.debug_line: a unit's DW_AT_stmt_list points to offset ${offset}, past the ${data.length}-byte section`,
      offset,
    );
  }
  const outer = new ByteReader(data, unit.little, '.debug_line');
  outer.seek(offset);
  let length = outer.u32('unit_length');
  let offsetSize: 4 | 8 = 4;
  if (length === 0xffffffff) {
    offsetSize = 8;
    length = outer.offset(8, 'unit_length (64-bit DWARF)');
  }
  const r = outer.sub(outer.pos, length, '.debug_line');
  const end = r.end;
  const version = r.u16('version');
  if (version < 2 || version > 5) {
    throw new ElfError(
      'DWARF_UNSUPPORTED',
      `.debug_line: line program at offset ${offset} has version ${version}; versions 2 to 5 are supported`,
      offset,
    );
  }
  let addressSize = unit.addressSize;
  if (version >= 5) {
    addressSize = r.u8('address_size');
    r.u8('segment_selector_size');
  }
  const headerLength = r.offset(offsetSize, 'header_length');
  const programOffset = r.pos + headerLength;
  const minimumInstructionLength = r.u8('minimum_instruction_length');
  const maximumOperationsPerInstruction =
    version >= 4 ? r.u8('maximum_operations_per_instruction') : 1;
  const defaultIsStmt = r.u8('default_is_stmt') !== 0;
  const lineBase = r.i8('line_base');
  const lineRange = r.u8('line_range');
  const opcodeBase = r.u8('opcode_base');
  const standardOpcodeLengths: number[] = [];
  for (let i = 1; i < opcodeBase; i++) standardOpcodeLengths.push(r.u8('standard_opcode_lengths'));

  const ctx: FormContext = { ...unit, version, offsetSize, addressSize };
  let includeDirectories: string[];
  let fileNames: LineFileEntry[];
  if (version >= 5) {
    includeDirectories = readV5Entries(r, ctx, 'directory').map((e) => e.path);
    fileNames = readV5Entries(r, ctx, 'file name');
  } else {
    includeDirectories = [];
    for (;;) {
      const dir = r.cstring('include directory');
      if (dir === '') break;
      includeDirectories.push(dir);
    }
    fileNames = [];
    for (;;) {
      const path = r.cstring('file name');
      if (path === '') break;
      const directoryIndex = r.uleb('directory index');
      const timestamp = r.ulebBig('modification time');
      const size = r.ulebBig('file size');
      fileNames.push({ path, directoryIndex, timestamp, size, md5: undefined });
    }
  }
  return {
    offset,
    end,
    version,
    offsetSize,
    addressSize,
    minimumInstructionLength,
    maximumOperationsPerInstruction,
    defaultIsStmt,
    lineBase,
    lineRange,
    opcodeBase,
    standardOpcodeLengths,
    includeDirectories,
    fileNames,
    programOffset,
  };
}

/**
 * The file entry a `DW_AT_decl_file` index refers to: entry `index - 1` before DWARF 5 (0 means
 * "no file"), entry `index` from DWARF 5.
 */
export function lineFile(header: LineProgramHeader, index: number): LineFileEntry | undefined {
  if (header.version >= 5) return header.fileNames[index];
  return index === 0 ? undefined : header.fileNames[index - 1];
}

/**
 * The directory a file entry's `directoryIndex` refers to. Before DWARF 5, index 0 is the
 * compilation directory (`compDir`, possibly unknown) and index i is `includeDirectories[i - 1]`.
 */
export function lineDirectory(
  header: LineProgramHeader,
  index: number,
  compDir: string | undefined,
): string | undefined {
  if (header.version >= 5) return header.includeDirectories[index];
  return index === 0 ? compDir : header.includeDirectories[index - 1];
}

/**
 * Appends `part` to `path` as a Unix path buffer does: an absolute `part` replaces the whole path;
 * otherwise a `/` separates them unless `path` is empty or already ends with one.
 */
export function pushPath(path: string, part: string): string {
  if (part.startsWith('/')) return part;
  if (path === '') return part;
  return path.endsWith('/') ? path + part : `${path}/${part}`;
}

/**
 * The full path of file `index` as debuggers show it: a relative directory is put under the
 * compilation directory, then the file name is appended (an absolute name wins).
 *
 * @returns `undefined` when the index names no file.
 */
export function lineFilePath(
  header: LineProgramHeader,
  index: number,
  compDir: string | undefined,
): string | undefined {
  const file = lineFile(header, index);
  if (file === undefined) return undefined;
  let p = '';
  const dir = lineDirectory(header, file.directoryIndex, compDir);
  if (dir !== undefined) {
    if (!dir.startsWith('/') && compDir !== undefined) p = pushPath(p, compDir);
    p = pushPath(p, dir);
  }
  return pushPath(p, file.path);
}
