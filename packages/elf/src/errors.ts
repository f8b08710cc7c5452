// The one error type of @k5/elf. Everything a malformed or unexpected file can cause ends here,
// with a code a program can switch on and a message that says what was wrong and what to do.
// Nothing else is ever thrown for bad input: parsers check bounds before reading.

/**
 * What went wrong, for programs to switch on.
 *
 * - `TRUNCATED`: a structure runs past the end of the file or of its section.
 * - `BAD_MAGIC`, `BAD_CLASS`, `BAD_ENDIAN`, `BAD_VERSION`: the identification bytes are wrong.
 * - `BAD_HEADER`: the file header is inconsistent (entry sizes, table offsets).
 * - `BAD_SECTION`, `BAD_SEGMENT`, `BAD_SYMBOL`, `BAD_STRING`: one table entry is malformed.
 * - `TOO_MANY`: a count is larger than the file could possibly hold.
 * - `NOT_FOUND`: a section, symbol or address that was asked for does not exist.
 * - `UNSUPPORTED`: valid input this reader does not handle (compressed sections, ...).
 * - `DWARF_MALFORMED`: debug information is inconsistent (unknown form, bad abbreviation, ...).
 * - `DWARF_UNSUPPORTED`: debug information of a version or kind this reader does not handle.
 * - `BAD_INPUT`: an argument given to the writer is invalid.
 */
export type ElfErrorCode =
  | 'TRUNCATED'
  | 'BAD_MAGIC'
  | 'BAD_CLASS'
  | 'BAD_ENDIAN'
  | 'BAD_VERSION'
  | 'BAD_HEADER'
  | 'BAD_SECTION'
  | 'BAD_SEGMENT'
  | 'BAD_SYMBOL'
  | 'BAD_STRING'
  | 'TOO_MANY'
  | 'NOT_FOUND'
  | 'UNSUPPORTED'
  | 'DWARF_MALFORMED'
  | 'DWARF_UNSUPPORTED'
  | 'BAD_INPUT';

/**
 * Thrown for every problem with an ELF file or its debug information.
 *
 * @remarks
 * The message names the structure and the offset involved and suggests what to check.
 * `offset` is the byte offset in the file (or in the named section) where the problem is, when known.
 */
export class ElfError extends Error {
  /** What went wrong; stable across versions. */
  readonly code: ElfErrorCode;
  /** Byte offset of the problem, when known. */
  readonly offset: number | undefined;

  /** Makes an error with a code, a message saying what to do, and the offset involved. */
  constructor(code: ElfErrorCode, message: string, offset?: number) {
    super(message);
    this.name = 'ElfError';
    this.code = code;
    this.offset = offset;
  }
}

/** True when `error` is an {@link ElfError}, optionally with the given code. */
export function isElfError(error: unknown, code?: ElfErrorCode): error is ElfError {
  return error instanceof ElfError && (code === undefined || error.code === code);
}
