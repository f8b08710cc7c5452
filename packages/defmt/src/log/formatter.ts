// defmt-print's output line for one log record: the default and `oneline` presets, custom log
// formats, the `(HOST)` variants for the tool's own messages, colours by level, and the
// `assert_eq!` diff colouring of messages. Relies on the log-format parser and `ansi.ts`.

import type { Level } from '../frame/level';
import type { Align } from '../print/rust-fmt';
import { type AnsiColor, ansiLength, colorize, paint } from './ansi';
import { parseLogFormat } from './format-parser';
import type { LogColor, LogFormat, LogSegment } from './segments';

/** What defmt-print knows about one log record. */
export interface LogRecord {
  /** `undefined` for `println!` frames. */
  readonly level: Level | undefined;
  /** The formatted timestamp, `''` when there is none. */
  readonly timestamp: string;
  /** The formatted message. */
  readonly message: string;
  /** Source file of the log statement, when locations are known. */
  readonly file?: string | undefined;
  /** Source line of the log statement. */
  readonly line?: number | undefined;
  /** Rust module path of the log statement, for example `app::sensor::read`. */
  readonly modulePath?: string | undefined;
}

/** Options of {@link LogFormatter}. */
export interface LogFormatterOptions {
  /**
   * `'default'`, `'oneline'` or a custom format such as `'{t} {L} {s}'` (default `'default'`).
   * Given as `--log-format`, the two preset names imply `withLocation`.
   */
  readonly format?: string;
  /** Add the location (`-v`): a second line for `default`, a suffix for `oneline`. */
  readonly withLocation?: boolean;
  /** The table has a timestamp: the presets show `{t}`. */
  readonly hasTimestamp?: boolean;
  /** Format the tool's own messages: presets get a ` (HOST)` suffix. */
  readonly host?: boolean;
  /** Write ANSI colours (see `shouldColorize`). */
  readonly colored?: boolean;
}

const DEFAULT = [
  '{L} {s}',
  '{t} {L} {s}',
  '{L} {s}\n└─ {m} @ {F}:{l}',
  '{t} {L} {s}\n└─ {m} @ {F}:{l}',
];
const ONELINE = [
  '{[{L}]%bold} {s}',
  '{t} {[{L}]%bold} {s}',
  '{[{L}]%bold} {s} {({c:bold} {fff}:{l:1})%dimmed}',
  '{t} {[{L}]%bold} {s} {({c:bold} {fff}:{l:1})%dimmed}',
];

/** The log-format string a preset stands for. */
export function presetFormat(
  preset: 'default' | 'oneline',
  withLocation: boolean,
  hasTimestamp: boolean,
): string {
  return (preset === 'default' ? DEFAULT : ONELINE)[
    (withLocation ? 2 : 0) + (hasTimestamp ? 1 : 0)
  ]!;
}

const LEVEL_COLOR: Record<Level, AnsiColor> = {
  error: 'red',
  warn: 'yellow',
  info: 'green',
  debug: 'bright-white',
  trace: 'bright-black',
};

/** Formats log records as defmt-print does. */
export class LogFormatter {
  /** The parsed log format. */
  readonly segments: readonly LogSegment[];
  /** Whether the format is a custom one (warnings about `{t}` apply only to those). */
  readonly custom: boolean;
  private readonly colored: boolean;
  /**
   * The top-level segments compiled into functions (no per-record dispatch on their kind); a
   * level segment depends on the level alone and is formatted once per level.
   */
  private readonly parts: readonly ((r: LogRecord) => string)[];
  /** The format ends with a plain `{s}`: the line's last characters are the message's. */
  private readonly messageLast: boolean;

  /** @throws {@link DefmtError} `log-format` for an invalid custom format. */
  constructor(options: LogFormatterOptions = {}) {
    const format = options.format ?? 'default';
    this.colored = options.colored ?? false;
    let text: string;
    if (format === 'default' || format === 'oneline') {
      text = presetFormat(format, options.withLocation ?? false, options.hasTimestamp ?? false);
      if (options.host) text += ' (HOST)';
      this.custom = false;
    } else {
      text = format;
      this.custom = true;
    }
    this.segments = parseLogFormat(text);
    const parts: ((r: LogRecord) => string)[] = [];
    // Runs of literal and level segments depend on the level alone: one part per run, so the
    // preset `{t} {L} {s}` costs three concatenations instead of five.
    for (let i = 0; i < this.segments.length; ) {
      let j = i;
      while (j < this.segments.length && levelOnly(this.segments[j]!)) j++;
      if (j - i > 1) {
        parts.push(this.compileLevelRun(this.segments.slice(i, j)));
        i = j;
      } else parts.push(this.compile(this.segments[i++]!));
    }
    this.parts = parts;
    const last = this.segments[this.segments.length - 1];
    this.messageLast = last !== undefined && last.metadata.kind === 'log' && isPlain(last.format);
  }

  private compileLevelRun(run: readonly LogSegment[]): (r: LogRecord) => string {
    const byLevel: Partial<Record<Level | 'none', string>> = {};
    let lastLevel: Level | undefined | null = null;
    let lastText = '';
    return (r) => {
      if (r.level === lastLevel) return lastText;
      lastLevel = r.level;
      lastText = byLevel[r.level ?? 'none'] ??= run.map((seg) => this.segment(r, seg)).join('');
      return lastText;
    };
  }

  private compile(seg: LogSegment): (r: LogRecord) => string {
    const m = seg.metadata;
    const plain = isPlain(seg.format);
    if (m.kind === 'string') {
      const text = m.text;
      return () => text;
    }
    if (plain && m.kind === 'timestamp')
      return (r) => (r.timestamp === '' ? '<time>' : r.timestamp);
    if (plain && m.kind === 'log') return (r) => colorDiff(r.message, this.colored) ?? r.message;
    if (m.kind === 'level') {
      const byLevel: Partial<Record<Level | 'none', string>> = {};
      // A stream repeats one level most of the time: compare it with the previous record's level
      // (the same interned string) before the keyed lookup. Both give the same once-formatted text.
      let lastLevel: Level | undefined | null = null;
      let lastText = '';
      return (r) => {
        if (r.level === lastLevel) return lastText;
        lastLevel = r.level;
        lastText = byLevel[r.level ?? 'none'] ??= this.segment(r, seg);
        return lastText;
      };
    }
    return (r) => this.segment(r, seg);
  }

  /** The record as one (possibly multi-line) string, without a trailing newline. */
  format(record: LogRecord): string {
    if (record.level === undefined) return this.log(record, {});
    const parts = this.parts;
    if (this.messageLast && record.message.length >= DIFF_TAIL) {
      // Join the parts with the raw message and test the diff tail on the line itself: it ends
      // with the message, and reading it there flattens the line (which its consumer would do
      // anyway) instead of the message and then the line again.
      let line = '';
      for (let i = 0; i < parts.length - 1; i++) line += parts[i]!(record);
      line += record.message;
      if (!mayBeDiff(line)) return line;
    }
    let out = '';
    for (let i = 0; i < parts.length; i++) out += parts[i]!(record);
    return out;
  }

  private segment(r: LogRecord, s: LogSegment): string {
    const m = s.metadata;
    const f = s.format;
    switch (m.kind) {
      case 'string':
        return m.text;
      case 'timestamp':
        return this.build(r.timestamp === '' ? '<time>' : r.timestamp, f, 0, r.level, f.color);
      case 'crate': {
        const parts = r.modulePath?.split('::');
        return this.build(
          parts && parts.length >= 2 ? parts[0]! : '<crate>',
          f,
          0,
          r.level,
          f.color,
        );
      }
      case 'file-name':
        return this.build(
          r.file === undefined ? '<file>' : lastComponents(r.file, m.components),
          f,
          0,
          r.level,
          f.color,
        );
      case 'file-path':
        return this.build(r.file ?? '<file>', f, 0, r.level, f.color);
      case 'module':
        return this.build(r.modulePath ?? '<mod path>', f, 0, r.level, f.color);
      case 'line':
        return this.build(String(r.line ?? 0), f, 4, r.level, f.color);
      case 'level':
        return this.build(
          r.level === undefined ? '<lvl>' : r.level.toUpperCase(),
          f,
          5,
          r.level,
          f.color ?? { kind: 'severity' },
        );
      case 'log':
        return this.log(r, f);
      case 'nested': {
        let inner = '';
        for (const seg of m.segments) inner += this.segment(r, seg);
        return this.build(inner, f, 0, r.level, f.color);
      }
    }
  }

  private log(r: LogRecord, f: LogFormat): string {
    const diff = colorDiff(r.message, this.colored);
    return diff ?? this.build(r.message, f, 0, r.level, f.color);
  }

  private build(
    s: string,
    f: LogFormat,
    defaultWidth: number,
    level: Level | undefined,
    color: LogColor | undefined,
  ): string {
    // Nothing to pad or paint: the common case of `{t}` and `{s}` in the presets.
    if (
      f.width === undefined &&
      defaultWidth === 0 &&
      f.styles === undefined &&
      color === undefined
    )
      return s;
    let fg: AnsiColor | undefined;
    if (color?.kind === 'color') fg = color.color;
    else if (color?.kind === 'severity' && level) fg = LEVEL_COLOR[level];
    else if (color?.kind === 'werror' && (level === 'warn' || level === 'error'))
      fg = LEVEL_COLOR[level];
    const align: Align = f.alignment ?? 'left';
    return paint(
      s,
      {
        color: fg,
        styles: f.styles,
        width:
          f.width === undefined && defaultWidth === 0
            ? 0
            : (f.width ?? defaultWidth) + ansiLength(s),
        align,
        fill: f.padding === 'zero' ? '0' : ' ',
      },
      this.colored,
    );
  }
}

/** The last `n` components of a path, as Rust's `Path::iter` splits it. */
function lastComponents(file: string, n: number): string {
  const parts: string[] = [];
  if (file.startsWith('/')) parts.push('/');
  const rest = file.split('/');
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i]!;
    if (c === '' || (c === '.' && !(i === 0 && parts.length === 0))) continue;
    parts.push(c);
  }
  return parts.slice(Math.max(0, parts.length - n)).join('/');
}

function isPlain(f: LogFormat): boolean {
  return f.width === undefined && f.styles === undefined && f.color === undefined;
}

/** Segments whose text depends on the record's level alone. */
function levelOnly(seg: LogSegment): boolean {
  return seg.metadata.kind === 'string' || seg.metadata.kind === 'level';
}

/** Characters at the end of a message that {@link mayBeDiff} reads. */
const DIFF_TAIL = 3;

/**
 * Fast exact exit of {@link colorDiff}: the last line (after dropping one empty final line and one
 * `\r`, as it does) must end with a backquote. Three character reads instead of a substring
 * search; `false` here is always `undefined` there. Only the last {@link DIFF_TAIL} characters
 * are read.
 */
function mayBeDiff(text: string): boolean {
  let e = text.length;
  if (text.charCodeAt(e - 1) === 0x0a) e--;
  if (text.charCodeAt(e - 1) === 0x0d) e--;
  return text.charCodeAt(e - 1) === 0x60;
}

/**
 * defmt-print re-reads `assert_eq!` failure messages (whose last two lines are `` left: `...` ``
 * and `` right: `...` ``) and prints them as a diff. Returns `undefined` for other messages.
 */
function colorDiff(text: string, colored: boolean): string | undefined {
  if (!mayBeDiff(text)) return undefined;
  // Only multi-line messages with a `right: \`` line qualify.
  if (!text.includes('right: `')) return undefined;
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++)
    if (lines[i]!.endsWith('\r')) lines[i] = lines[i]!.slice(0, -1);
  const n = lines.length;
  if (n <= 2) return undefined;
  const left = lines[n - 2]!;
  const right = lines[n - 1]!;
  if (
    !(left.startsWith(' left: `') && left.endsWith('`') && left.length >= 9) ||
    !(right.startsWith('right: `') && right.endsWith('`') && right.length >= 9)
  )
    return undefined;
  const l = left.slice(8, -1);
  const r = right.slice(8, -1);
  let out = `${colorize(lines.slice(0, n - 2).join('\n'), undefined, ['bold'], colored)}\n`;
  out += `${colorize('diff', undefined, ['bold'], colored)} ${colorize('< left', 'red', [], colored)} / ${colorize('right >', 'green', [], colored)}\n`;
  const chunks = diffChars(l, r);
  out += colorize('<', 'red', [], colored);
  for (const c of chunks) {
    if (c.op === 'equal') out += colorize(c.text, 'red', [], colored);
    else if (c.op === 'delete') out += colorize(c.text, 'red', ['bold'], colored);
  }
  out += `\n${colorize('>', 'green', [], colored)}`;
  for (const c of chunks) {
    if (c.op === 'equal') out += colorize(c.text, 'green', [], colored);
    else if (c.op === 'insert') out += colorize(c.text, 'green', ['bold'], colored);
  }
  return out;
}

interface Chunk {
  op: 'equal' | 'delete' | 'insert';
  text: string;
}

/** A character diff (longest common subsequence), merged into runs. */
function diffChars(a: string, b: string): Chunk[] {
  const x = Array.from(a);
  const y = Array.from(b);
  // Inputs are single log lines; cap the quadratic table and fall back to delete-all/insert-all.
  if (x.length * y.length > 4_000_000) {
    return [
      { op: 'delete', text: a },
      { op: 'insert', text: b },
    ];
  }
  const w = y.length + 1;
  const lcs = new Uint32Array((x.length + 1) * w);
  for (let i = x.length - 1; i >= 0; i--)
    for (let j = y.length - 1; j >= 0; j--)
      lcs[i * w + j] =
        x[i] === y[j]
          ? lcs[(i + 1) * w + j + 1]! + 1
          : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
  const out: Chunk[] = [];
  const push = (op: Chunk['op'], text: string) => {
    const last = out[out.length - 1];
    if (last?.op === op) last.text += text;
    else out.push({ op, text });
  };
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      push('equal', x[i++]!);
      j++;
    } else if (j < y.length && (i === x.length || lcs[i * w + j + 1]! >= lcs[(i + 1) * w + j]!)) {
      push('insert', y[j++]!);
    } else push('delete', x[i++]!);
  }
  return out;
}
