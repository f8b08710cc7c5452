// An in-memory defmt table: interns format strings and hands out indices the way the linker would
// (one per distinct tag + string), so TypeScript code can log in defmt format and tests can build
// streams without firmware. Produces the same `DefmtTable` the ELF reader produces.
// Relies on the table contract and the format parser (strings are checked when interned).

import { DefmtError } from '../errors';
import { parseFormatString } from '../format/parser';
import { flagsKey } from '../print/display';
import type { BitflagValue, DefmtTable, DefmtTag, TableEntry } from '../table/types';

/** Options of {@link TableBuilder}. */
export interface TableBuilderOptions {
  /** Wire-format version (default `"4"`). */
  readonly version?: '3' | '4';
  /** Stream encoding (default `'rzcobs'`). */
  readonly encoding?: 'raw' | 'rzcobs';
  /** Package name written into the symbols (default `"k5"`). */
  readonly package?: string;
  /** First index handed out (default 1: index 0 ends `write!` sequences on the wire). */
  readonly firstIndex?: number;
}

/** Builds a {@link DefmtTable} in memory. */
export class TableBuilder {
  private readonly entries = new Map<number, TableEntry>();
  private readonly byKey = new Map<string, number>();
  private readonly flags = new Map<string, BitflagValue[]>();
  private timestampEntry: TableEntry | undefined;
  private nextIndex: number;
  private readonly version: '3' | '4';
  private readonly encoding: 'raw' | 'rzcobs';
  private readonly pkg: string;

  constructor(options: TableBuilderOptions = {}) {
    this.version = options.version ?? '4';
    this.encoding = options.encoding ?? 'rzcobs';
    this.pkg = options.package ?? 'k5';
    this.nextIndex = options.firstIndex ?? 1;
  }

  private symbol(tag: string, data: string, disambiguator: number): string {
    return JSON.stringify({
      package: this.pkg,
      tag: `defmt_${tag}`,
      data,
      disambiguator: String(disambiguator),
      crate_name: this.pkg,
    });
  }

  /**
   * Interns `format` under `tag` and returns its index (the same index for the same pair).
   *
   * @throws {@link DefmtError} `format-string` when `format` is not a valid defmt format string,
   * or `encode-value` when the 16-bit index space is full.
   */
  intern(tag: Exclude<DefmtTag, 'timestamp' | 'bitflags_value'>, format: string): number {
    const key = `${tag}\0${format}`;
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    // `str` entries are plain strings ({=istr}), not format strings.
    if (tag !== 'str') parseFormatString(format);
    if (this.nextIndex > 0xffff)
      throw new DefmtError('encode-value', 'the table is full (65536 entries)');
    const index = this.nextIndex++;
    this.entries.set(index, { tag, format, rawSymbol: this.symbol(tag, format, index) });
    this.byKey.set(key, index);
    return index;
  }

  /** Interns a log statement's format at `level`. */
  log(level: 'trace' | 'debug' | 'info' | 'warn' | 'error', format: string): number {
    return this.intern(level, format);
  }

  /** Interns a `println!` format. */
  println(format: string): number {
    return this.intern('println', format);
  }

  /** Interns a `#[derive(Format)]`-style format (use `A|B(...)` for enums). */
  derived(format: string): number {
    return this.intern('derived', format);
  }

  /** Interns a string for `{=istr}`. */
  istr(text: string): number {
    return this.intern('str', text);
  }

  /** Sets the timestamp format, for example `{=u64:us}`. */
  timestamp(format: string): this {
    parseFormatString(format);
    this.timestampEntry = {
      tag: 'timestamp',
      format,
      rawSymbol: this.symbol('timestamp', format, 0),
    };
    return this;
  }

  /** Declares the flags of a `defmt::bitflags!` type ; returns the display hint that refers to it. */
  bitflags(name: string, flags: readonly BitflagValue[], disambiguator = '0'): string {
    const key = flagsKey(name, this.pkg, disambiguator, this.pkg);
    this.flags.set(key, [...flags]);
    return `__internal_bitflags_${key}`;
  }

  /** The table built so far (a snapshot). */
  build(): DefmtTable {
    const table: DefmtTable = {
      version: this.version,
      encoding: this.encoding,
      entries: new Map(this.entries),
      bitflags: new Map(this.flags),
    };
    return this.timestampEntry ? { ...table, timestamp: this.timestampEntry } : table;
  }
}
