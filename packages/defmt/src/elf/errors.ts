// The typed error of defmt table and location loading: what defmt-decoder reports with anyhow
// messages, here with a stable code. Problems of the ELF or DWARF encoding itself arrive as
// @k5/elf's ElfError instead.

/**
 * What went wrong while loading a defmt table or its locations.
 *
 * - `NO_DEFMT_DATA`: the file has neither a `.defmt` section nor a version symbol (defmt unused).
 * - `MISSING_SECTION`: a version symbol exists but no `.defmt` section (linker script missing).
 * - `MISSING_VERSION`, `DUPLICATE_VERSION`, `UNSUPPORTED_VERSION`: the `_defmt_version_` symbol.
 * - `MISSING_ENCODING`, `DUPLICATE_ENCODING`, `UNKNOWN_ENCODING`: the `_defmt_encoding_` symbol.
 * - `BAD_SYMBOL`: a `.defmt` symbol name is not the JSON defmt expects.
 * - `DUPLICATE_TIMESTAMP`: more than one `defmt::timestamp!`.
 * - `BAD_BITFLAGS_VALUE`: a bitflags value symbol has the wrong size, data or position.
 * - `BAD_LOCATION`: DWARF names a file the line table does not have, or two statements collide.
 * - `BAD_TABLE`: a table given to the writer cannot be written.
 */
export type DefmtElfErrorCode =
  | 'NO_DEFMT_DATA'
  | 'MISSING_SECTION'
  | 'MISSING_VERSION'
  | 'DUPLICATE_VERSION'
  | 'UNSUPPORTED_VERSION'
  | 'MISSING_ENCODING'
  | 'DUPLICATE_ENCODING'
  | 'UNKNOWN_ENCODING'
  | 'BAD_SYMBOL'
  | 'DUPLICATE_TIMESTAMP'
  | 'BAD_BITFLAGS_VALUE'
  | 'BAD_LOCATION'
  | 'BAD_TABLE';

/** Thrown when an ELF's defmt metadata cannot be turned into a table or locations. */
export class DefmtElfError extends Error {
  /** What went wrong; stable across versions. */
  readonly code: DefmtElfErrorCode;

  /** Makes an error with a code and a message saying what to do. */
  constructor(code: DefmtElfErrorCode, message: string) {
    super(message);
    this.name = 'DefmtElfError';
    this.code = code;
  }
}
