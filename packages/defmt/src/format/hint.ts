// Display hints of defmt format strings (`{=u8:#04x}`): their parsed form and the parser.
// Follows defmt-parser's rules: an optional `#`, an optional `0N` zero padding, then the hint
// name; unknown names are kept (the decoder ignores them, as the reference does in its
// forwards-compatible mode). Relies on nothing.

/** Precision of a time-like hint. */
export type TimePrecision = 'us' | 'ms' | 's';

/** A parsed display hint. */
export type DisplayHint =
  | { readonly kind: 'none'; readonly zeroPad: number }
  | {
      readonly kind: 'hex';
      readonly alternate: boolean;
      readonly uppercase: boolean;
      readonly zeroPad: number;
    }
  | { readonly kind: 'octal'; readonly alternate: boolean; readonly zeroPad: number }
  | { readonly kind: 'binary'; readonly alternate: boolean; readonly zeroPad: number }
  | { readonly kind: 'ascii' }
  | { readonly kind: 'debug' }
  /** `:us` / `:ms`: an integer shown as seconds with a fraction. */
  | { readonly kind: 'seconds'; readonly precision: TimePrecision }
  /** `:tus` / `:tms` / `:ts`: an integer shown as `[days:]hh:mm:ss[.frac]`. */
  | { readonly kind: 'time'; readonly precision: TimePrecision }
  /** `:iso8601ms` / `:iso8601s`: a Unix timestamp shown as an ISO 8601 date-time. */
  | { readonly kind: 'iso8601'; readonly precision: TimePrecision }
  | { readonly kind: 'cbor' }
  /** `__internal_bitflags_NAME@PACKAGE@DISAMBIGUATOR[@CRATE]`, used by `defmt::bitflags!`. */
  | {
      readonly kind: 'bitflags';
      readonly name: string;
      readonly package: string;
      readonly disambiguator: string;
      readonly crateName: string | undefined;
    }
  | { readonly kind: 'unknown'; readonly text: string };

const BITFLAGS_PREFIX = '__internal_bitflags_';

const SIMPLE: Record<string, DisplayHint> = {
  us: { kind: 'seconds', precision: 'us' },
  ms: { kind: 'seconds', precision: 'ms' },
  tus: { kind: 'time', precision: 'us' },
  tms: { kind: 'time', precision: 'ms' },
  ts: { kind: 'time', precision: 's' },
  a: { kind: 'ascii' },
  iso8601ms: { kind: 'iso8601', precision: 'ms' },
  iso8601s: { kind: 'iso8601', precision: 's' },
  cbor: { kind: 'cbor' },
  '?': { kind: 'debug' },
};

/**
 * Parses the text after `:` in a parameter. Returns `undefined` for a hint defmt does not know
 * (the caller keeps it as `unknown`).
 */
export function parseDisplayHint(text: string): DisplayHint | undefined {
  let s = text;
  let alternate = false;
  if (s.startsWith('#')) {
    alternate = true;
    s = s.slice(1);
  }
  let zeroPad = 0;
  if (s.startsWith('0')) {
    let i = 1;
    while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    // `0` without digits after it, or a width that does not fit a usize, is not a hint.
    if (i === 1) return undefined;
    zeroPad = Number(s.slice(1, i));
    if (!Number.isSafeInteger(zeroPad)) return undefined;
    s = s.slice(i);
  }
  if (s.startsWith(BITFLAGS_PREFIX)) {
    const parts = s.slice(BITFLAGS_PREFIX.length).split('@');
    if (parts.length < 3 || parts.length > 4) return { kind: 'unknown', text: s };
    return {
      kind: 'bitflags',
      name: parts[0]!,
      package: parts[1]!,
      disambiguator: parts[2]!,
      crateName: parts[3],
    };
  }
  switch (s) {
    case '':
      return { kind: 'none', zeroPad };
    case 'b':
      return { kind: 'binary', alternate, zeroPad };
    case 'o':
      return { kind: 'octal', alternate, zeroPad };
    case 'x':
      return { kind: 'hex', alternate, uppercase: false, zeroPad };
    case 'X':
      return { kind: 'hex', alternate, uppercase: true, zeroPad };
    default:
      return Object.hasOwn(SIMPLE, s) ? SIMPLE[s] : undefined;
  }
}
