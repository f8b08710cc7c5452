// Builds a DefmtTable from an ELF file the way defmt-decoder's elf2table does: a first pass over
// all symbols for `_defmt_version_ = N` and `_defmt_encoding_ = X`, the `.defmt` and `.defmt.*`
// sections, then a second pass that turns every JSON-named symbol of those sections into a table
// entry (index = symbol address), the timestamp, or a bitflags value read from the section.
// The checks and their order follow defmt-decoder so that the same files fail the same way.

import { type ElfFile, type ElfSymbol, parseElf } from '@k5/elf';
import type { BitflagValue, DefmtTable, TableEntry } from '../table/types';
import { DefmtElfError } from './errors';
import { bitflagsKey, defmtTagOf, parseDefmtSymbol } from './symbol';

/** Wire-format versions this decoder understands (as defmt-decoder's `DEFMT_VERSIONS`). */
export const SUPPORTED_DEFMT_VERSIONS: readonly string[] = ['3', '4'];

/** Options of {@link loadDefmtTable}. */
export interface LoadDefmtTableOptions {
  /**
   * Reject wire versions other than {@link SUPPORTED_DEFMT_VERSIONS} (default true, as
   * defmt-print does).
   */
  readonly checkVersion?: boolean;
}

const VERSION_QUOTED = '"_defmt_version_ = ';
const VERSION = '_defmt_version_ = ';
const ENCODING = '_defmt_encoding_ = ';

function trimStartAll(s: string, prefix: string): string {
  while (s.startsWith(prefix)) s = s.slice(prefix.length);
  return s;
}

/**
 * The version in a `_defmt_version_ = N` symbol name, or `undefined`. LLD keeps the quotes of the
 * linker-script form, so a quoted name is accepted and its trailing quotes dropped.
 */
export function defmtVersionOf(name: string): string | undefined {
  if (!name.startsWith(VERSION_QUOTED) && !name.startsWith(VERSION)) return undefined;
  let v = trimStartAll(trimStartAll(name, VERSION_QUOTED), VERSION);
  while (v.endsWith('"')) v = v.slice(0, -1);
  return v;
}

// Names that were not valid UTF-8 are skipped, as defmt-decoder skips symbols whose name fails to
// decode; the lenient decoder of @k5/elf marks them with U+FFFD.
const undecodable = (name: string) => name.includes('\uFFFD');

function isDefmtSection(name: string): boolean {
  return name === '.defmt' || name.startsWith('.defmt.');
}

/**
 * Reads the defmt table of a firmware ELF, or `undefined` when the firmware does not use defmt
 * (no `.defmt` section and no version symbol).
 *
 * @throws {@link DefmtElfError} for missing, duplicate or unsupported version and encoding
 *   symbols, malformed symbol names, duplicate timestamps and bad bitflags values;
 *   `ElfError` from `@k5/elf` when the file itself is malformed.
 */
export function findDefmtTable(
  elf: Uint8Array | ElfFile,
  options: LoadDefmtTableOptions = {},
): DefmtTable | undefined {
  const file = elf instanceof Uint8Array ? parseElf(elf) : elf;
  const symbols = file.symbols();

  // Pass 1: version and encoding, from any section.
  let version: string | undefined;
  let encodingName: string | undefined;
  for (const sym of symbols) {
    if (undecodable(sym.name)) continue;
    const v = defmtVersionOf(sym.name);
    if (v !== undefined) {
      if (version !== undefined) {
        throw new DefmtElfError(
          'DUPLICATE_VERSION',
          `multiple defmt versions in use: ${version} and ${v} (only one is supported); make every crate use the same defmt release`,
        );
      }
      version = v;
    }
    if (sym.name.startsWith(ENCODING)) {
      const e = sym.name.slice(ENCODING.length);
      if (encodingName !== undefined) {
        throw new DefmtElfError(
          'DUPLICATE_ENCODING',
          `multiple defmt encodings in use: ${encodingName} and ${e} (only one is supported); enable one encoding feature of defmt`,
        );
      }
      encodingName = e;
    }
  }

  const sections = new Set(file.sections.filter((s) => isDefmtSection(s.name)).map((s) => s.index));
  if (sections.size === 0) {
    if (version === undefined) return undefined;
    throw new DefmtElfError(
      'MISSING_SECTION',
      'defmt version found, but no `.defmt` metadata section - check your linker configuration (link with `-Tdefmt.x`)',
    );
  }
  if (version === undefined) {
    throw new DefmtElfError(
      'MISSING_VERSION',
      'found `.defmt` metadata sections, but no defmt version symbol - check your linker configuration',
    );
  }
  if ((options.checkVersion ?? true) && !SUPPORTED_DEFMT_VERSIONS.includes(version)) {
    throw new DefmtElfError(
      'UNSUPPORTED_VERSION',
      `defmt wire format version mismatch: firmware is using ${version}, this tool supports ${SUPPORTED_DEFMT_VERSIONS.join(', ')}; use a decoder that supports defmt wire format version ${version}`,
    );
  }
  if (encodingName === undefined) {
    throw new DefmtElfError(
      'MISSING_ENCODING',
      'no defmt encoding specified (no `_defmt_encoding_ = ...` symbol); the firmware was built with an incompatible defmt',
    );
  }
  if (encodingName !== 'raw' && encodingName !== 'rzcobs') {
    throw new DefmtElfError(
      'UNKNOWN_ENCODING',
      `unknown defmt encoding '${encodingName}' specified; supported encodings are raw and rzcobs`,
    );
  }

  // Pass 2: the entries.
  const entries = new Map<number, TableEntry>();
  let timestamp: TableEntry | undefined;
  const flags = new Map<string, { name: string; index: bigint; value: bigint }[]>();
  for (const sym of symbols) {
    const name = sym.name;
    if (name === '' || undecodable(name)) continue;
    // AArch64 and ARM mapping symbols mark data inside the section; they are not entries.
    if (name === '$d' || name.startsWith('$d.')) continue;
    if (name.startsWith('_defmt') || name.startsWith('__DEFMT_MARKER')) continue;
    if (sym.sectionIndex === undefined || !sections.has(sym.sectionIndex)) continue;
    const parsed = parseDefmtSymbol(name);
    const tag = defmtTagOf(parsed.tag);
    if (tag === undefined) continue;
    if (tag === 'timestamp') {
      if (timestamp !== undefined) {
        throw new DefmtElfError(
          'DUPLICATE_TIMESTAMP',
          'multiple timestamp format specifications found; keep one `defmt::timestamp!` in the firmware',
        );
      }
      timestamp = { tag, format: parsed.data, rawSymbol: name };
    } else if (tag === 'bitflags_value') {
      const v = readBitflagsValue(file, sym, parsed.data);
      const key = bitflagsKey(v.type, parsed.package, parsed.disambiguator, parsed.crateName);
      let list = flags.get(key);
      if (list === undefined) {
        list = [];
        flags.set(key, list);
      }
      list.push({ name: v.flag, index: v.index, value: v.value });
    } else {
      entries.set(Number(sym.value), { tag, format: parsed.data, rawSymbol: name });
    }
  }

  const bitflags = new Map<string, readonly BitflagValue[]>();
  for (const [key, list] of flags) {
    // Values get their own symbols, whose order in the binary is unspecified; the index in each
    // value's data restores definition order (a stable sort keeps ties in symbol order).
    const sorted = [...list].sort((a, b) => (a.index < b.index ? -1 : a.index > b.index ? 1 : 0));
    bitflags.set(
      key,
      sorted.map(({ name: n, value }) => ({ name: n, value })),
    );
  }
  const sortedEntries = new Map([...entries].sort((a, b) => a[0] - b[0]));
  const table: DefmtTable = {
    version,
    encoding: encodingName,
    entries: sortedEntries,
    bitflags,
    ...(timestamp === undefined ? {} : { timestamp }),
  };
  return table;
}

/**
 * Reads the defmt table of a firmware ELF.
 *
 * @example
 * ```ts
 * const table = loadDefmtTable(new Uint8Array(await file.arrayBuffer()));
 * table.entries.get(3); // { tag: 'info', format: 'x={=u8}', rawSymbol: '{"package":...}' }
 * ```
 * @throws {@link DefmtElfError} `NO_DEFMT_DATA` when the firmware does not use defmt, and
 *   everything {@link findDefmtTable} throws.
 */
export function loadDefmtTable(
  elf: Uint8Array | ElfFile,
  options: LoadDefmtTableOptions = {},
): DefmtTable {
  const table = findDefmtTable(elf, options);
  if (table === undefined) {
    throw new DefmtElfError(
      'NO_DEFMT_DATA',
      '.defmt data not found: the ELF has no `.defmt` section and no `_defmt_version_` symbol; pass the ELF of firmware that uses defmt',
    );
  }
  return table;
}

const U128_MAX = (1n << 128n) - 1n;

function readBitflagsValue(
  file: ElfFile,
  sym: ElfSymbol,
  data: string,
): { type: string; flag: string; index: bigint; value: bigint } {
  if (sym.size !== 16n) {
    throw new DefmtElfError(
      'BAD_BITFLAGS_VALUE',
      `bitflags value does not occupy 16 bytes (symbol \`${sym.name}\`)`,
    );
  }
  const section = file.sections[sym.sectionIndex!]!;
  const bytes = file.sectionRange(section, sym.value, 16);
  if (bytes === undefined) {
    throw new DefmtElfError(
      'BAD_BITFLAGS_VALUE',
      `bitflags value at 0x${sym.value.toString(16)} outside of defmt section`,
    );
  }
  const parts = data.split('::');
  // Rust's u128 parser: decimal digits with an optional leading `+`.
  if (parts.length !== 3 || !/^\+?[0-9]+$/.test(parts[1]!) || BigInt(parts[1]!) > U128_MAX) {
    throw new DefmtElfError('BAD_BITFLAGS_VALUE', `malformed bitflags value string '${data}'`);
  }
  // The value is a u128 stored little endian, whatever the target's byte order (as the
  // reference decoder reads it).
  let value = 0n;
  for (let i = 15; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  return { type: parts[0]!, flag: parts[2]!, index: BigInt(parts[1]!), value };
}
