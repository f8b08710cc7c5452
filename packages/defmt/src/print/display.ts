// Displays decoded frames as defmt-decoder does: the message (`display_message`), the timestamp,
// and the classic `TIMESTAMP LEVEL message` line (`Frame::display`). Owns the display-hint rules:
// which hint wins (own, else inherited from the enclosing `{}`), `:?` on integers deferring to the
// parent's hint, `:a` forcing byte-string output through nested formats, two's-complement hex of
// signed integers. Relies on the frame types, the format cache and the other `print/` helpers.

import type { FormatCache } from '../frame/compiled';
import type { Level } from '../frame/level';
import type { Arg, FormatSliceElement, Frame, IntValue } from '../frame/types';
import type { DisplayHint } from '../format/hint';
import type { Fragment, ParamType } from '../format/parser';
import type { DefmtTable } from '../table/types';
import { formatCbor } from './cbor';
import { formatF32, formatF64 } from './float';
import { debugBytes, debugStr, formatDecimal, formatRadix, twosComplement } from './rust-fmt';
import { decimal } from './decimal';
import { formatIso8601, formatSeconds, formatTime } from './time';

/**
 * The key of a `defmt::bitflags!` type in `DefmtTable.bitflags`: `NAME@PACKAGE@DISAMBIGUATOR[@CRATE]`
 * (the same key `src/elf/` builds).
 */
export function flagsKey(
  name: string,
  pkg: string,
  disambiguator: string,
  crateName?: string,
): string {
  const key = `${name}@${pkg}@${disambiguator}`;
  return crateName === undefined ? key : `${key}@${crateName}`;
}

const SIGNED_BITS: Partial<Record<ParamType['kind'], number>> = {
  i8: 8,
  i16: 16,
  i32: 32,
  isize: 32,
  i64: 64,
  i128: 128,
};

const U128_MASK = (1n << 128n) - 1n;

function escapeByteString(bytes: ArrayLike<number>): string {
  let out = 'b"';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x09) out += '\\t';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b === 0x22) out += '\\"';
    else if (b === 0x5c) out += '\\\\';
    else if (b >= 0x20 && b <= 0x7e) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

const LEVEL_ANSI: Record<Level, string> = {
  trace: '\x1b[2m',
  debug: '',
  info: '\x1b[32m',
  warn: '\x1b[33m',
  error: '\x1b[31m',
};

/**
 * `format_i128` of the reference: decimal, or with a radix hint the two's complement (hex: of the
 * parameter's own width, `b`/`o`: of 128 bits); other hints show plain decimal. Internal: shared
 * with the compiled text plans.
 */
export function formatSigned(
  x: IntValue,
  type: ParamType['kind'],
  hint: DisplayHint | undefined,
): string {
  if (hint === undefined) return decimal(x);
  switch (hint.kind) {
    case 'none':
      return formatDecimal(x, hint.zeroPad);
    case 'binary':
      return formatRadix(twosComplement(x, 128), 2, hint.alternate, false, hint.zeroPad);
    case 'octal':
      return formatRadix(twosComplement(x, 128), 8, hint.alternate, false, hint.zeroPad);
    case 'hex':
      return formatRadix(
        twosComplement(x, SIGNED_BITS[type] ?? 128),
        16,
        hint.alternate,
        hint.uppercase,
        hint.zeroPad,
      );
    default:
      return x.toString();
  }
}

/** Turns decoded frames into text. One per table; it shares the decoder's format cache. */
export class FrameDisplay {
  constructor(
    private readonly table: DefmtTable,
    private readonly formats: FormatCache,
  ) {}

  /** The log message, as `Frame::display_message` prints it. */
  message(frame: Frame): string {
    const fragments = this.formats.get(frame.format).fragments;
    const args = frame.args;
    if (fragments.length === 1) return this.fragment(fragments[0]!, args, undefined);
    let out = '';
    for (let i = 0; i < fragments.length; i++) out += this.fragment(fragments[i]!, args, undefined);
    return out;
  }

  /** The formatted timestamp, or `undefined` when the table has no timestamp format. */
  timestamp(frame: Frame): string | undefined {
    return frame.timestampFormat === undefined
      ? undefined
      : this.formatArgs(frame.timestampFormat, frame.timestampArgs, undefined);
  }

  /** The message split at its top-level parameters, as `Frame::display_fragments` yields it. */
  fragments(frame: Frame): string[] {
    return this.formats
      .get(frame.format)
      .fragments.map((f) => this.fragment(f, frame.args, undefined));
  }

  /**
   * `Frame::display(colored)`: `TIMESTAMP LEVEL message` with the parts that exist. With colours,
   * the level is dimmed (TRACE), plain (DEBUG), green, yellow or red.
   */
  line(frame: Frame, colored = false): string {
    let level = '';
    if (frame.level !== undefined) {
      const name = frame.level.toUpperCase();
      const ansi = colored ? LEVEL_ANSI[frame.level] : '';
      level = ansi === '' ? `${name} ` : `${ansi}${name}\x1b[0m `;
    }
    const ts = this.timestamp(frame);
    return `${ts === undefined ? '' : `${ts} `}${level}${this.message(frame)}`;
  }

  /** Formats `args` with `format` (used for nested formats too). */
  formatArgs(format: string, args: readonly Arg[], parentHint: DisplayHint | undefined): string {
    const fragments = this.formats.get(format).fragments;
    if (fragments.length === 1) return this.fragment(fragments[0]!, args, parentHint);
    let out = '';
    for (let i = 0; i < fragments.length; i++)
      out += this.fragment(fragments[i]!, args, parentHint);
    return out;
  }

  private fragment(f: Fragment, args: readonly Arg[], parentHint: DisplayHint | undefined): string {
    if (f.kind === 'literal') return f.text;
    const param = f.param;
    const hint = param.hint ?? parentHint;
    const arg = args[param.index];
    if (arg === undefined) return '';
    switch (arg.kind) {
      case 'bool':
        return arg.value ? 'true' : 'false';
      case 'f32':
        return formatF32(arg.value);
      case 'f64':
        return formatF64(arg.value);
      case 'uint':
        if (param.type.kind === 'bitfield') return this.bitfield(arg.value, param.type, hint);
        if (hint?.kind === 'iso8601') return formatIso8601(arg.value, hint.precision);
        if (hint?.kind === 'debug') return this.unsigned(arg.value, parentHint);
        return this.unsigned(arg.value, hint);
      case 'int':
        return this.signed(arg.value, param.type, hint);
      case 'str':
      case 'istr':
      case 'preformatted':
        return hint?.kind === 'debug' ? debugStr(arg.value) : arg.value;
      case 'format':
        return this.formatArgs(
          arg.format,
          arg.args,
          parentHint?.kind === 'ascii' ? parentHint : hint,
        );
      case 'format-sequence': {
        let out = '';
        for (const a of arg.args)
          if (a.kind === 'format') out += this.formatArgs(a.format, a.args, hint);
        return out;
      }
      case 'format-slice':
        return this.formatSlice(arg.elements, hint);
      case 'bytes':
        return this.bytes(arg.value, hint);
      case 'char':
        return arg.value;
    }
  }

  private formatSlice(
    elements: readonly FormatSliceElement[],
    hint: DisplayHint | undefined,
  ): string {
    if (hint?.kind === 'ascii' && elements.some((e) => e.format === '{=u8}')) {
      const bytes: number[] = [];
      let ok = true;
      for (const e of elements) {
        const a = e.args[0];
        if (
          e.args.length === 1 &&
          a?.kind === 'uint' &&
          typeof a.value === 'number' &&
          a.value < 256
        )
          bytes.push(a.value);
        else ok = false;
      }
      // The reference panics on a mixed slice; show it as a list instead.
      if (ok) return escapeByteString(bytes);
    }
    let out = '[';
    for (let i = 0; i < elements.length; i++) {
      if (i > 0) out += ', ';
      out += this.formatArgs(elements[i]!.format, elements[i]!.args, hint);
    }
    return `${out}]`;
  }

  private bitfield(
    value: IntValue,
    type: { start: number; end: number },
    hint: DisplayHint | undefined,
  ): string {
    const leftZeroes = 128 - type.end;
    const rightZeroes = leftZeroes + type.start;
    const bits = ((BigInt(value) << BigInt(leftZeroes)) & U128_MASK) >> BigInt(rightZeroes);
    if (hint?.kind === 'ascii') {
      const bytes: number[] = [];
      for (let i = 15; i >= 0; i--) bytes.push(Number((bits >> BigInt(i * 8)) & 0xffn));
      return this.bytes(Uint8Array.from(bytes.slice(rightZeroes >> 3)), hint);
    }
    return this.unsigned(bits <= 9007199254740991n ? Number(bits) : bits, hint);
  }

  /** `format_u128` of the reference. */
  unsigned(x: IntValue, hint: DisplayHint | undefined): string {
    if (hint === undefined) return decimal(x);
    switch (hint.kind) {
      case 'none':
        return formatDecimal(x, hint.zeroPad);
      case 'binary':
        return formatRadix(x, 2, hint.alternate, false, hint.zeroPad);
      case 'octal':
        return formatRadix(x, 8, hint.alternate, false, hint.zeroPad);
      case 'hex':
        return formatRadix(x, 16, hint.alternate, hint.uppercase, hint.zeroPad);
      case 'seconds':
        return formatSeconds(x, hint.precision);
      case 'time':
        return formatTime(x, hint.precision);
      case 'bitflags':
        return this.bitflags(x, hint);
      default:
        return x.toString();
    }
  }

  private bitflags(x: IntValue, hint: Extract<DisplayHint, { kind: 'bitflags' }>): string {
    const flags =
      this.table.bitflags.get(
        flagsKey(hint.name, hint.package, hint.disambiguator, hint.crateName),
      ) ?? this.table.bitflags.get(flagsKey(hint.name, hint.package, hint.disambiguator));
    if (flags === undefined) return x.toString();
    const v = BigInt(x);
    const set = flags
      .filter((f) => (f.value === 0n && v !== 0n ? false : (v & f.value) === f.value))
      .map((f) => f.name);
    return set.length === 0 ? '(empty)' : set.join(' | ');
  }

  /** `format_i128` of the reference (see `formatSigned`). */
  private signed(x: IntValue, type: ParamType, hint: DisplayHint | undefined): string {
    return formatSigned(x, type.kind, hint);
  }

  /** `format_bytes` of the reference. */
  bytes(bytes: Uint8Array, hint: DisplayHint | undefined): string {
    switch (hint?.kind) {
      case 'ascii':
        return escapeByteString(bytes);
      case 'hex':
      case 'octal':
      case 'binary': {
        let out = '[';
        for (let i = 0; i < bytes.length; i++) {
          if (i > 0) out += ', ';
          out += this.unsigned(bytes[i]!, hint);
        }
        return `${out}]`;
      }
      case 'cbor':
        return formatCbor(bytes);
      default:
        return debugBytes(bytes);
    }
  }
}
