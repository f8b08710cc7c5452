// Small pieces of Rust's `core::fmt` that defmt-decoder's output depends on: integer radix
// formatting with `#` and `0N` (sign-aware zero padding), two's-complement views of negative
// integers, `str`'s Debug escaping and the `{:<w$}`-style padding of strings.
// Relies on nothing.

import type { IntValue } from '../frame/types';

/** Radix digits of a non-negative integer. */
export function digits(v: IntValue, radix: number, upper = false): string {
  const s = v.toString(radix);
  return upper ? s.toUpperCase() : s;
}

/**
 * Rust's `{:0w$}` with an optional `#` prefix: zeros go between the sign/prefix and the digits, and
 * the width counts the sign and prefix.
 */
export function zeroPad(sign: string, prefix: string, body: string, width: number): string {
  const len = sign.length + prefix.length + body.length;
  return len >= width ? sign + prefix + body : sign + prefix + '0'.repeat(width - len) + body;
}

const PREFIX: Record<number, string> = { 16: '0x', 8: '0o', 2: '0b' };

/** An unsigned value in a radix, as `{:#0w$x}` and friends. */
export function formatRadix(
  v: IntValue,
  radix: number,
  alternate: boolean,
  uppercase: boolean,
  width: number,
): string {
  return zeroPad('', alternate ? PREFIX[radix]! : '', digits(v, radix, uppercase), width);
}

/** The two's-complement bit pattern of `v` in `bits` bits, as a non-negative integer. */
export function twosComplement(v: IntValue, bits: number): IntValue {
  if (typeof v === 'number') {
    if (v >= 0) return v;
    if (bits <= 32) return v + 2 ** bits;
    return BigInt.asUintN(bits, BigInt(v));
  }
  return BigInt.asUintN(bits, v);
}

/** Decimal with sign-aware zero padding, as `{:0w$}`. */
export function formatDecimal(v: IntValue, width: number): string {
  if (width === 0) return v.toString();
  const negative = v < 0;
  const abs = negative ? (typeof v === 'number' ? -v : -v) : v;
  return zeroPad(negative ? '-' : '', '', abs.toString(), width);
}

// Characters Rust's `char::escape_debug` writes as `\u{...}` inside a `str`'s Debug output:
// grapheme extenders and everything its `is_printable` rejects (controls, format characters,
// surrogates, private use, unassigned, and separators other than the ASCII space).
const NEEDS_UNICODE_ESCAPE =
  /[\p{Grapheme_Extend}\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;
const ASCII_SAFE = /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/;

/** Rust's `<str as Debug>::fmt`: the string in double quotes with Rust's escapes. */
export function debugStr(s: string): string {
  if (ASCII_SAFE.test(s)) return `"${s}"`;
  let out = '"';
  for (const c of s) {
    switch (c) {
      case '\0':
        out += '\\0';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '"':
        out += '\\"';
        break;
      default:
        if (c !== ' ' && NEEDS_UNICODE_ESCAPE.test(c)) {
          out += `\\u{${c.codePointAt(0)!.toString(16)}}`;
        } else out += c;
    }
  }
  return `${out}"`;
}

/** Rust's `{:?}` of a `&[u8]`: `[1, 2, 3]`. */
export function debugBytes(bytes: Uint8Array): string {
  let out = '[';
  for (let i = 0; i < bytes.length; i++) out += i === 0 ? `${bytes[i]}` : `, ${bytes[i]}`;
  return `${out}]`;
}

/** Alignment of {@link pad}. */
export type Align = 'left' | 'center' | 'right';

/** Rust's `Formatter::pad` for strings: fill to `width` characters (Unicode scalar values). */
export function pad(s: string, width: number, align: Align, fill: string): string {
  if (width === 0) return s;
  let count = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) count++; // count each surrogate pair once
  }
  if (count >= width) return s;
  const n = width - count;
  switch (align) {
    case 'left':
      return s + fill.repeat(n);
    case 'right':
      return fill.repeat(n) + s;
    case 'center': {
      const left = n >> 1;
      return fill.repeat(left) + s + fill.repeat(n - left);
    }
  }
}
