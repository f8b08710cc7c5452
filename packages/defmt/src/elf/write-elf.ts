// Writes a minimal ELF that carries a DefmtTable the way firmware does: a non-allocated `.defmt`
// section whose symbols are the JSON-named interned strings at their indices, the timestamp after
// them, 16-byte bitflags values, and the `_defmt_version_` / `_defmt_encoding_` symbols. Any defmt
// tool (ours, defmt-print) can then decode streams produced against the table.

import { SectionType, SymbolBinding, SymbolType, writeElf, type ElfWriterSymbol } from '@k5/elf';
import type { DefmtTable, TableEntry } from '../table/types';
import { DefmtElfError } from './errors';
import { defmtTagOf, formatDefmtSymbol, parseDefmtSymbol } from './symbol';

/** Options of {@link writeDefmtElf}. */
export interface WriteDefmtElfOptions {
  /** ELF class; 32 by default (like the microcontrollers defmt targets). */
  readonly bits?: 32 | 64;
  /** `e_machine`; EM_ARM (40) by default. */
  readonly machine?: number;
  /** Cargo package written into generated symbol names; `k5` by default. */
  readonly package?: string;
}

// Keeps an entry's own symbol name when it is a defmt symbol of the same tag and format, so that a
// table read from firmware is written back unchanged; otherwise makes one.
function symbolName(entry: TableEntry, disambiguator: string, pkg: string): string {
  try {
    const s = parseDefmtSymbol(entry.rawSymbol);
    if (defmtTagOf(s.tag) === entry.tag && s.data === entry.format) return entry.rawSymbol;
  } catch {
    // Not a defmt symbol name: generate one below.
  }
  return formatDefmtSymbol({
    package: pkg,
    tag: `defmt_${entry.tag}`,
    data: entry.format,
    disambiguator,
    crateName: pkg,
  });
}

/**
 * Writes an ELF with a `.defmt` section for `table`, readable by {@link loadDefmtTable} and by
 * defmt-print (`defmt-print -e table.elf`).
 *
 * @throws {@link DefmtElfError} `BAD_TABLE` for negative or non-integer indices, an encoding other
 *   than raw/rzcobs, or malformed bitflags keys.
 */
export function writeDefmtElf(table: DefmtTable, options: WriteDefmtElfOptions = {}): Uint8Array {
  const pkg = options.package ?? 'k5';
  if (table.encoding !== 'raw' && table.encoding !== 'rzcobs') {
    throw new DefmtElfError(
      'BAD_TABLE',
      `encoding must be raw or rzcobs, got ${String(table.encoding)}`,
    );
  }
  const symbols: ElfWriterSymbol[] = [];
  let end = 1;
  for (const [index, entry] of table.entries) {
    if (!Number.isSafeInteger(index) || index < 0) {
      throw new DefmtElfError('BAD_TABLE', `table index ${index} is not a non-negative integer`);
    }
    symbols.push({
      name: symbolName(entry, String(index), pkg),
      value: index,
      size: 1,
      type: SymbolType.OBJECT,
      section: '.defmt',
    });
    end = Math.max(end, index + 1);
  }
  if (table.timestamp !== undefined) {
    symbols.push({
      name: symbolName(table.timestamp, 'timestamp', pkg),
      value: end,
      size: 1,
      type: SymbolType.OBJECT,
      section: '.defmt',
    });
    end += 1;
  }
  // Bitflags values: 16-byte little-endian u128s after the entries, 16-byte aligned.
  end = Math.ceil(end / 16) * 16;
  const values: { at: number; value: bigint }[] = [];
  for (const [key, flags] of table.bitflags) {
    const parts = key.split('@');
    if (parts.length < 3 || parts.length > 4) {
      throw new DefmtElfError(
        'BAD_TABLE',
        `bitflags key ${JSON.stringify(key)} is not NAME@PACKAGE@DISAMBIGUATOR[@CRATE]`,
      );
    }
    const [name, flagPkg, disambiguator, crateName] = parts as [string, string, string, string?];
    flags.forEach((flag, i) => {
      symbols.push({
        name: formatDefmtSymbol({
          package: flagPkg,
          tag: 'defmt_bitflags_value',
          data: `${name}::${i}::${flag.name}`,
          disambiguator,
          crateName,
        }),
        value: end,
        size: 16,
        type: SymbolType.OBJECT,
        section: '.defmt',
      });
      values.push({ at: end, value: BigInt.asUintN(128, flag.value) });
      end += 16;
    });
  }
  const versionAt = end;
  symbols.push(
    {
      name: `_defmt_version_ = ${table.version}`,
      value: versionAt,
      size: 1,
      type: SymbolType.OBJECT,
      section: '.defmt',
    },
    {
      name: `_defmt_encoding_ = ${table.encoding}`,
      value: versionAt + 1,
      size: 1,
      type: SymbolType.OBJECT,
      section: '.defmt',
    },
  );
  const data = new Uint8Array(versionAt + 2);
  for (const { at, value } of values) {
    let v = value;
    for (let i = 0; i < 16; i++) {
      data[at + i] = Number(v & 0xffn);
      v >>= 8n;
    }
  }
  return writeElf({
    bits: options.bits ?? 32,
    machine: options.machine ?? 40,
    sections: [{ name: '.defmt', type: SectionType.PROGBITS, addr: 0, data, align: 16 }],
    symbols: symbols.map((s) => ({ ...s, binding: SymbolBinding.GLOBAL })),
  });
}
