// Typed errors of @k5/defmt: everything a user can cause (a bad format string, a malformed frame,
// an unusable log format, a table that does not fit a stream) ends up as one `DefmtError` with a
// stable `code`. Relies on nothing.

/** Stable codes of {@link DefmtError}. */
export type DefmtErrorCode =
  /** A defmt format string (from the table) cannot be parsed. */
  | 'format-string'
  /** A frame's bytes do not match its format strings (unknown index, bad UTF-8, bad bool...). */
  | 'malformed-frame'
  /** A frame ended before all of its arguments were read. */
  | 'unexpected-eof'
  /** A raw stream could not be decoded and must be resynchronised (raw streams cannot recover). */
  | 'raw-desync'
  /** A defmt-print log format (`--log-format`) is invalid. */
  | 'log-format'
  /** The table has an unsupported wire-format version or encoding. */
  | 'unsupported-table'
  /** An encoder was given a value that does not fit the parameter's type. */
  | 'encode-value'
  /** The command line is invalid. */
  | 'usage';

/** The one error class of this package; `code` says what went wrong. */
export class DefmtError extends Error {
  /** What went wrong, as a stable code. */
  readonly code: DefmtErrorCode;

  constructor(code: DefmtErrorCode, message: string) {
    super(message);
    this.name = 'DefmtError';
    this.code = code;
  }
}
