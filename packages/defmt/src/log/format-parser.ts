// Parser of defmt-print's log-format language (`{t} {[{L}]%bold} {s:severity} {f:>10}`), faithful
// to the reference's combinator grammar, including its quirks: text after an unparseable point is
// ignored, parameters inside `{}` after the first unknown one are ignored, `%` introduces the
// parameters of a group. Two failure kinds mirror the combinators': a soft failure lets an
// alternative be tried, a hard one rejects the whole format. Relies on `segments.ts`.

import { DefmtError } from '../errors';
import type { ColorName, LogColor, LogFormat, LogMetadata, LogSegment, LogStyle } from './segments';

type Item =
  | { kind: 'metadata'; value: LogMetadata }
  | {
      kind: 'width';
      width: number;
      padding: 'space' | 'zero';
      alignment?: 'left' | 'center' | 'right';
    }
  | { kind: 'color'; value: LogColor }
  | { kind: 'style'; value: LogStyle }
  | { kind: 'nested'; value: LogSegment };

/** A soft failure (an alternative may match) — `undefined` — or a hard one, thrown. */
class Hard extends Error {}
type R<T> = { rest: string; value: T } | undefined;

const ALPHA = /^\p{Alphabetic}*/u;

function takeAlpha(s: string): [string, string] {
  const m = ALPHA.exec(s)![0];
  return [m, s.slice(m.length)];
}

const COLORS: Record<string, ColorName> = {
  black: 'black',
  red: 'red',
  green: 'green',
  yellow: 'yellow',
  blue: 'blue',
  magenta: 'magenta',
  purple: 'magenta',
  cyan: 'cyan',
  white: 'white',
};

const STYLES: Record<string, LogStyle> = {
  bold: 'bold',
  italic: 'italic',
  underline: 'underline',
  strike: 'strike',
  dimmed: 'dimmed',
};

function metadata(s: string): R<Item> {
  const [word, rest] = takeAlpha(s);
  let value: LogMetadata;
  switch (word) {
    case 'c':
      value = { kind: 'crate' };
      break;
    case 'F':
      value = { kind: 'file-path' };
      break;
    case 'l':
      value = { kind: 'line' };
      break;
    case 's':
      value = { kind: 'log' };
      break;
    case 'L':
      value = { kind: 'level' };
      break;
    case 'm':
      value = { kind: 'module' };
      break;
    case 't':
      value = { kind: 'timestamp' };
      break;
    default:
      if (word.length === 0 || word.length > 255 || /[^f]/.test(word)) return undefined;
      value = { kind: 'file-name', components: word.length };
  }
  return { rest, value: { kind: 'metadata', value } };
}

function color(s: string): R<Item> {
  const [word, rest] = takeAlpha(s);
  if (word === 'severity') return { rest, value: { kind: 'color', value: { kind: 'severity' } } };
  if (word === 'werror') return { rest, value: { kind: 'color', value: { kind: 'werror' } } };
  const lower = word.toLowerCase();
  const c = Object.hasOwn(COLORS, lower) ? COLORS[lower] : undefined;
  return c ? { rest, value: { kind: 'color', value: { kind: 'color', color: c } } } : undefined;
}

function style(s: string): R<Item> {
  const [word, rest] = takeAlpha(s);
  const st = Object.hasOwn(STYLES, word) ? STYLES[word] : undefined;
  return st ? { rest, value: { kind: 'style', value: st } } : undefined;
}

function widthAndAlignment(s: string): R<Item> {
  let alignment: 'left' | 'center' | 'right' | undefined;
  let rest = s;
  const a = rest[0];
  if (a === '<' || a === '^' || a === '>') {
    alignment = a === '<' ? 'left' : a === '^' ? 'center' : 'right';
    rest = rest.slice(1);
  }
  const m = /^[0-9]+/.exec(rest);
  if (!m) return undefined;
  const width = Number(m[0]);
  if (!Number.isSafeInteger(width)) return undefined;
  const item: Item = { kind: 'width', width, padding: m[0].startsWith('0') ? 'zero' : 'space' };
  if (alignment) item.alignment = alignment;
  return { rest: rest.slice(m[0].length), value: item };
}

function format(s: string, hard: boolean): R<Item> {
  const r = color(s) ?? style(s) ?? widthAndAlignment(s);
  if (r === undefined && hard) throw new Hard();
  return r;
}

/** Everything up to the `}` that closes an already-open `{`; backslash escapes one character. */
function untilUnbalanced(s: string): [string, string] | undefined {
  let depth = 0;
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '\\') {
      i += 1 + (s.codePointAt(i + 1) !== undefined && s.codePointAt(i + 1)! > 0xffff ? 2 : 1);
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === -1) return [s.slice(0, i), s.slice(i)];
    }
    i++;
  }
  return depth === 0 ? [s, ''] : undefined;
}

function argument(s: string, nest: boolean): R<LogSegment> {
  if (!s.startsWith('{')) return undefined;
  const inner = untilUnbalanced(s.slice(1));
  if (inner === undefined || !inner[1].startsWith('}')) return undefined;
  const seg = logSegment(inner[0], nest);
  // The rest of the braces' content after the segment is ignored, as in the reference.
  return seg === undefined ? undefined : { rest: inner[1].slice(1), value: seg.value };
}

function stringSegment(s: string): R<LogSegment> {
  let i = 0;
  while (i < s.length && s[i] !== '{' && s[i] !== '%') i++;
  if (i === 0) return undefined;
  return {
    rest: s.slice(i),
    value: { metadata: { kind: 'string', text: s.slice(0, i) }, format: {} },
  };
}

/** `separated_list1(sep, element)`. */
function separatedList(s: string, sep: string, element: (s: string) => R<Item>): R<Item[]> {
  const first = element(s);
  if (first === undefined) return undefined;
  const items = [first.value];
  let rest = first.rest;
  for (;;) {
    if (!rest.startsWith(sep)) break;
    const next = element(rest.slice(sep.length));
    if (next === undefined) break;
    items.push(next.value);
    rest = next.rest;
  }
  return { rest, value: items };
}

function isSpecifier(m: LogMetadata): boolean {
  return m.kind !== 'string' && m.kind !== 'nested';
}

function build(items: Item[], nest: boolean): LogSegment {
  let meta: LogMetadata | undefined;
  let col: LogColor | undefined;
  let styles: LogStyle[] | undefined;
  let width: Extract<Item, { kind: 'width' }> | undefined;
  let nested: LogSegment[] | undefined;
  for (const item of items) {
    if (item.kind === 'metadata' && meta === undefined) meta = item.value;
    else if (item.kind === 'color' && col === undefined) col = item.value;
    else if (item.kind === 'style') {
      styles ??= [];
      if (styles.includes(item.value)) throw new Hard();
      styles.push(item.value);
    } else if (item.kind === 'width' && width === undefined) width = item;
    else if (item.kind === 'nested') {
      nested ??= [];
      nested.push(item.value);
    } else throw new Hard();
  }
  if (nest) {
    if (nested === undefined || !nested.some((s) => isSpecifier(s.metadata))) throw new Hard();
    meta = { kind: 'nested', segments: nested };
  } else {
    if (meta !== undefined && nested !== undefined) throw new Hard();
    if (nested !== undefined) {
      if (nested.length === 1) return nested[0]!;
      throw new Hard();
    }
  }
  if (meta === undefined) throw new Hard();
  const fmt: { -readonly [K in keyof LogFormat]: LogFormat[K] } = {};
  if (col) fmt.color = col;
  if (styles) fmt.styles = styles;
  if (width) {
    fmt.width = width.width;
    fmt.padding = width.padding;
    if (width.alignment) fmt.alignment = width.alignment;
  }
  return { metadata: meta, format: fmt };
}

function logSegment(s: string, nest: boolean): R<LogSegment> {
  let r: R<Item[]>;
  if (!nest) {
    r = separatedList(s, ':', (x) => metadata(x) ?? format(x, false) ?? nestedGroup(x, true));
  } else {
    const nestedLogSegment = (x: string): R<Item> => {
      const list = separatedList(x, ':', (y) => metadata(y) ?? format(y, false));
      if (list === undefined) return undefined;
      // A bad combination here is a soft failure (the reference maps it through `map_res`).
      try {
        return { rest: list.rest, value: { kind: 'nested', value: build(list.value, false) } };
      } catch (e) {
        if (e instanceof Hard) return undefined;
        throw e;
      }
    };
    r = separatedList(
      s,
      '%',
      (x) => nestedLogSegment(x) ?? format(x, false) ?? nestedGroup(x, false),
    );
  }
  if (r === undefined) return undefined;
  return { rest: r.rest, value: build(r.value, false) };
}

function nestedGroup(s: string, nest: boolean): R<Item> {
  const items: Item[] = [];
  let rest = s;
  for (;;) {
    const arg = argument(rest, nest);
    if (arg) {
      items.push({ kind: 'nested', value: arg.value });
      rest = arg.rest;
      continue;
    }
    const str = stringSegment(rest);
    if (str) {
      items.push({ kind: 'nested', value: str.value });
      rest = str.rest;
      continue;
    }
    if (rest.startsWith('%')) {
      const f = format(rest.slice(1), true)!;
      items.push(f.value);
      rest = f.rest;
      continue;
    }
    break;
  }
  return { rest, value: { kind: 'nested', value: build(items, true) } };
}

function containsLog(segments: readonly LogSegment[]): boolean {
  return segments.some(
    (s) =>
      s.metadata.kind === 'log' ||
      (s.metadata.kind === 'nested' && containsLog(s.metadata.segments)),
  );
}

/** Whether a parsed format shows the timestamp (`{t}`) anywhere. */
export function hasTimestamp(segments: readonly LogSegment[]): boolean {
  return segments.some(
    (s) =>
      s.metadata.kind === 'timestamp' ||
      (s.metadata.kind === 'nested' && hasTimestamp(s.metadata.segments)),
  );
}

/**
 * Parses a defmt-print log format.
 *
 * @throws {@link DefmtError} with code `log-format` when the format is invalid or has no `{s}`.
 */
export function parseLogFormat(input: string): LogSegment[] {
  const segments: LogSegment[] = [];
  let rest = input;
  try {
    for (;;) {
      const r = argument(rest, false) ?? stringSegment(rest);
      if (r === undefined) break;
      segments.push(r.value);
      rest = r.rest;
    }
  } catch (e) {
    if (e instanceof Hard)
      throw new DefmtError('log-format', `invalid log format ${JSON.stringify(input)}`);
    throw e;
  }
  if (!containsLog(segments))
    throw new DefmtError('log-format', 'log format must contain a `{s}` format specifier');
  return segments;
}
