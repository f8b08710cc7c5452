// The decoder's view of a firmware's defmt table: what every log frame's index means.
// Built either from an ELF (`src/elf/`) or in memory (the encoder's table builder); the frame
// decoder and formatter only ever see this shape.

/** The `tag` of a defmt interned string, without its `defmt_` prefix. */
export type DefmtTag =
  | 'prim'
  | 'derived'
  | 'bitflags'
  | 'bitflags_value'
  | 'write'
  | 'str'
  | 'timestamp'
  | 'println'
  | 'trace'
  | 'debug'
  | 'info'
  | 'warn'
  | 'error';

/** One interned string: its tag and its format string (the symbol's `data`). */
export interface TableEntry {
  /** What the string is: a log statement's level, a derived format, an interned string... */
  readonly tag: DefmtTag;
  /** The format string, for example `"x={=u8}"`. */
  readonly format: string;
  /** The raw symbol name this entry came from (JSON in wire versions 3 and 4). */
  readonly rawSymbol: string;
}

/** Where a log statement is in the firmware's source, from DWARF. */
export interface Location {
  /** Source file path as the compiler recorded it. */
  readonly file: string;
  /** 1-based source line. */
  readonly line: number;
  /** Rust module path, for example `app::sensor`. */
  readonly module: string;
}

/** One named flag of a `bitflags!` type, with its value (up to 128 bits). */
export interface BitflagValue {
  /** The flag's name. */
  readonly name: string;
  /** The flag's bits. */
  readonly value: bigint;
}

/** Everything a stream needs to be decoded. */
export interface DefmtTable {
  /** Wire-format version from `_defmt_version_ = N`, for example `"4"`. */
  readonly version: string;
  /** Stream encoding from `_defmt_encoding_ = raw|rzcobs`. */
  readonly encoding: 'raw' | 'rzcobs';
  /** Interned strings by index (the symbol's address in the `.defmt` section). */
  readonly entries: ReadonlyMap<number, TableEntry>;
  /** The `defmt::timestamp!` format, if the firmware declares one. */
  readonly timestamp?: TableEntry;
  /** Flags of each `bitflags!` type, keyed by the type's disambiguated name. */
  readonly bitflags: ReadonlyMap<string, readonly BitflagValue[]>;
}
