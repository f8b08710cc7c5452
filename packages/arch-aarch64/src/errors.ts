// Typed errors of the AArch64 port. Everything a caller can get wrong (a misaligned region, an
// out-of-range field, an exhausted table pool) surfaces as an `Aarch64Error` with a stable `code`
// and a message that says what was wrong and what to do. Relies on nothing.

/** Stable machine-readable codes of {@link Aarch64Error}. */
export type Aarch64ErrorCode =
  | 'field-range'
  | 'misaligned'
  | 'out-of-range'
  | 'overlap'
  | 'not-mapped'
  | 'no-table-memory'
  | 'unsupported'
  | 'bad-register'
  | 'destroyed';

/** An error the caller caused; `code` is stable, `message` explains the fix. */
export class Aarch64Error extends Error {
  /** Which rule was broken. */
  readonly code: Aarch64ErrorCode;

  /**
   * @param code - the rule that was broken
   * @param message - what was wrong and what to do about it
   */
  constructor(code: Aarch64ErrorCode, message: string) {
    super(message);
    this.name = 'Aarch64Error';
    this.code = code;
  }
}

/**
 * Throws `field-range` unless `value` is an integer in `[0, 2^bits)`.
 * @internal
 */
export function checkField(name: string, value: number, bits: number): void {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** bits) {
    throw new Aarch64Error(
      'field-range',
      `${name} must be an integer in [0, ${2 ** bits - 1}] (${bits} bits), got ${value}`,
    );
  }
}
