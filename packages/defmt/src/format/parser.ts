// The defmt format-string parser: `"x={0=u8:#x} {=?} {{literal}}"` into literal and parameter
// fragments. Follows defmt-parser's grammar and checks (type conflicts, unused arguments, brace
// parity) in its forwards-compatible mode, where unknown display hints are kept, not rejected.
// Relies on `hint.ts` for display hints.

import { DefmtError } from '../errors';
import { type DisplayHint, parseDisplayHint } from './hint';

/** The type of a parameter (`{=TYPE}`); `format` is `{=?}` and `{}`. */
export type ParamType =
  | { readonly kind: 'u8' | 'u16' | 'u32' | 'u64' | 'u128' | 'usize' }
  | { readonly kind: 'i8' | 'i16' | 'i32' | 'i64' | 'i128' | 'isize' }
  | { readonly kind: 'f32' | 'f64' | 'bool' | 'char' | 'str' | 'istr' }
  | { readonly kind: 'format' | 'format-slice' | 'u8-slice' | 'format-sequence' }
  | { readonly kind: 'debug' | 'display' }
  | { readonly kind: 'u8-array' | 'format-array'; readonly length: number }
  | { readonly kind: 'bitfield'; readonly start: number; readonly end: number };

/** A `{...}` parameter of a format string. */
export interface Parameter {
  /** The argument this parameter displays (explicit `{0=...}` or assigned in order). */
  readonly index: number;
  /** The value's type (`format` for `{}` and `{=?}`). */
  readonly type: ParamType;
  /** The display hint after `:`, if any. */
  readonly hint: DisplayHint | undefined;
}

/** One piece of a parsed format string. */
export type Fragment =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'param'; readonly param: Parameter };

const NAMED_TYPES: Record<string, ParamType> = {
  u8: { kind: 'u8' },
  u16: { kind: 'u16' },
  u32: { kind: 'u32' },
  u64: { kind: 'u64' },
  u128: { kind: 'u128' },
  usize: { kind: 'usize' },
  i8: { kind: 'i8' },
  i16: { kind: 'i16' },
  i32: { kind: 'i32' },
  i64: { kind: 'i64' },
  i128: { kind: 'i128' },
  isize: { kind: 'isize' },
  f32: { kind: 'f32' },
  f64: { kind: 'f64' },
  bool: { kind: 'bool' },
  str: { kind: 'str' },
  istr: { kind: 'istr' },
  __internal_Debug: { kind: 'debug' },
  __internal_Display: { kind: 'display' },
  __internal_FormatSequence: { kind: 'format-sequence' },
  '[u8]': { kind: 'u8-slice' },
  '?': { kind: 'format' },
  '[?]': { kind: 'format-slice' },
  char: { kind: 'char' },
};

const FORMAT_TYPE: ParamType = NAMED_TYPES['?']!;

function fail(message: string, format: string): never {
  throw new DefmtError('format-string', `${message} in format string ${JSON.stringify(format)}`);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function digitsAt(s: string, from: number): number {
  let i = from;
  while (i < s.length && isDigit(s.charCodeAt(i))) i++;
  return i;
}

/** `N]` after `[u8;` / `[?;`, with optional spaces before N. */
function parseArrayLength(s: string, format: string): number {
  let i = 0;
  while (i < s.length && s[i] === ' ') i++;
  if (i === s.length) fail('invalid array specifier (missing length)', format);
  const end = digitsAt(s, i);
  if (end === s.length) fail('invalid array specifier (missing `]`)', format);
  if (end === i) fail('unable to parse given integer', format);
  const length = Number(s.slice(i, end));
  if (s.slice(end) !== ']') fail('invalid array specifier (missing `]`)', format);
  return length;
}

function parseRange(s: string): { start: number; end: number; used: number } | undefined {
  const a = digitsAt(s, 0);
  if (a === 0 || s.slice(a, a + 2) !== '..') return undefined;
  const b = digitsAt(s, a + 2);
  if (b === a + 2) return undefined;
  const start = Number(s.slice(0, a));
  const end = Number(s.slice(a + 2, b));
  // The reference parses into u8 and rejects empty or out-of-range bit ranges.
  if (start > 255 || end > 255 || end <= start || start >= 128 || end > 128) return undefined;
  return { start, end, used: b };
}

function parseParam(
  input: string,
  format: string,
): { index: number | undefined; type: ParamType; hint: DisplayHint | undefined } {
  const indexEnd = digitsAt(input, 0);
  let index: number | undefined;
  if (indexEnd !== 0) {
    index = Number(input.slice(0, indexEnd));
    if (!Number.isSafeInteger(index)) fail('unable to parse given integer', format);
  }
  let rest = input.slice(indexEnd);
  let type = FORMAT_TYPE;
  if (rest.startsWith('=')) {
    rest = rest.slice(1);
    const colon = rest.indexOf(':');
    const typeEnd = colon < 0 ? rest.length : colon;
    const fragment = rest.slice(0, typeEnd);
    const named = Object.hasOwn(NAMED_TYPES, fragment) ? NAMED_TYPES[fragment] : undefined;
    if (named) type = named;
    else if (fragment.startsWith('[u8;'))
      type = { kind: 'u8-array', length: parseArrayLength(fragment.slice(4), format) };
    else if (fragment.startsWith('[?;'))
      type = { kind: 'format-array', length: parseArrayLength(fragment.slice(3), format) };
    else {
      const range = parseRange(fragment);
      if (!range) fail(`invalid type specifier \`${JSON.stringify(rest)}\``, format);
      if (range.used !== fragment.length) fail('trailing data after bitfield range', format);
      type = { kind: 'bitfield', start: range.start, end: range.end };
    }
    rest = rest.slice(typeEnd);
  }
  let hint: DisplayHint | undefined;
  if (rest.startsWith(':')) {
    rest = rest.slice(1);
    if (rest === '') fail("malformed format string (missing display hint after ':')", format);
    hint = parseDisplayHint(rest) ?? { kind: 'unknown', text: rest };
  } else if (rest !== '') {
    fail(`unexpected content \`${JSON.stringify(rest)}\``, format);
  }
  return { index, type, hint };
}

/** Unescapes `{{`/`}}` after checking brace parity as the reference does. */
function literal(text: string, format: string): Fragment {
  let lastOpen = false;
  let lastClose = false;
  for (const c of text) {
    if (c === '{') lastOpen = !lastOpen;
    else if (c === '}') lastClose = !lastClose;
    else if (lastOpen) fail('unmatched `{`', format);
    else if (lastClose) fail('unmatched `}`', format);
  }
  if (lastOpen) fail('unmatched `{`', format);
  if (lastClose) fail('unmatched `}`', format);
  return { kind: 'literal', text: text.replaceAll('{{', '{').replaceAll('}}', '}') };
}

function sameType(a: ParamType, b: ParamType): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'bitfield') return true; // ranges may differ for one argument
  if ('length' in a && 'length' in b) return a.length === b.length;
  return true;
}

/**
 * Parses a defmt format string into fragments.
 *
 * @throws {@link DefmtError} with code `format-string` when the string is not valid defmt.
 */
export function parseFormatString(format: string): Fragment[] {
  const fragments: Fragment[] = [];
  let endPos = 0;
  let nextIndex = 0;
  let i = 0;
  while (i < format.length) {
    if (format.charCodeAt(i) !== 123 /* { */) {
      i++;
      continue;
    }
    if (format.charCodeAt(i + 1) === 123) {
      i += 2;
      continue;
    }
    if (i > endPos) fragments.push(literal(format.slice(endPos, i), format));
    const close = format.indexOf('}', i + 1);
    if (close < 0) fail('unmatched `{`', format);
    const p = parseParam(format.slice(i + 1, close), format);
    fragments.push({
      kind: 'param',
      param: { index: p.index ?? nextIndex++, type: p.type, hint: p.hint },
    });
    endPos = close + 1;
    i = endPos;
  }
  if (endPos !== format.length) fragments.push(literal(format.slice(endPos), format));

  const types: (ParamType | undefined)[] = [];
  for (const f of fragments) {
    if (f.kind !== 'param') continue;
    const { index, type } = f.param;
    if (index > 65535) fail(`argument index ${index} is too large`, format);
    while (types.length <= index) types.push(undefined);
    const seen = types[index];
    if (seen === undefined) types[index] = type;
    else if (!sameType(seen, type)) fail(`conflicting types for argument ${index}`, format);
  }
  const unused = types.indexOf(undefined);
  if (unused >= 0) fail(`argument ${unused} is not used in this format string`, format);
  return fragments;
}
