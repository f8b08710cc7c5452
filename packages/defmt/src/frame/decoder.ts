// The frame decoder: turns one frame's bytes (index, timestamp, arguments) into a `Frame`, the way
// defmt-decoder's `Table::decode` does — arguments in wire order, nested formats resolved through
// the table, every read bounds-checked. Relies on the table contract, `compiled.ts` and `level.ts`.

import { DefmtError } from '../errors';
import type { Parameter } from '../format/parser';
import type { DefmtTable, TableEntry } from '../table/types';
import { type CompiledFormat, FormatCache } from './compiled';
import { type Level, levelOfTag } from './level';
import type { Arg, FormatSliceElement, Frame, IntValue } from './types';
import { Utf8Text } from './utf8';

/** Thrown inside the decoder when bytes run out; callers see it as `unexpected-eof`. */
class Eof {}
const EOF = new Eof();
/** Thrown inside the decoder when bytes contradict the format; callers see `malformed-frame`. */
class Malformed {
  constructor(readonly reason: string) {}
}

const TWO_32 = 4294967296;
const MASK_128 = (1n << 128n) - 1n;
const EMPTY = new Uint8Array(0);

/** Result of decoding one frame from the front of a buffer. */
export interface DecodedFrame {
  /** The decoded frame. */
  readonly frame: Frame;
  /** Bytes the frame occupied. */
  readonly consumed: number;
}

/** Outcome of {@link FrameDecoder.tryDecode}: a frame, or why there is none. */
export type DecodeOutcome =
  | { readonly ok: true; readonly frame: Frame; readonly consumed: number }
  | {
      readonly ok: false;
      readonly error: 'unexpected-eof' | 'malformed-frame';
      readonly reason: string;
    };

/**
 * Decodes frames for one table. Keeps a cache of compiled format strings, so reuse one instance
 * for a whole stream. The table must not change while the decoder uses it.
 */
export class FrameDecoder {
  /** The table this decoder reads frames for. */
  readonly table: DefmtTable;
  /** Compiled format strings, shared with the display code. */
  readonly formats = new FormatCache();
  private bytes: Uint8Array = EMPTY;
  private pos = 0;
  private end = 0;
  private readonly f32 = new Float32Array(1);
  private readonly f32Bytes = new Uint8Array(this.f32.buffer);
  private readonly f64 = new Float64Array(1);
  private readonly f64Bytes = new Uint8Array(this.f64.buffer);
  private readonly utf8 = new Utf8Text();
  /** Log statements by index, resolved on first use (the index is 16 bits, so this stays small). */
  private readonly statements: (
    | { level: Level | undefined; compiled: CompiledFormat }
    | undefined
  )[] = [];

  constructor(table: DefmtTable) {
    this.table = table;
  }

  /**
   * Decodes the frame at the start of `bytes[start..end)`.
   *
   * @throws {@link DefmtError} `unexpected-eof` when the bytes end before the frame does, or
   * `malformed-frame` when they do not fit the table.
   */
  decode(bytes: Uint8Array, start = 0, end = bytes.length): DecodedFrame {
    const r = this.tryDecode(bytes, start, end);
    if (!r.ok) throw new DefmtError(r.error, r.reason);
    return { frame: r.frame, consumed: r.consumed };
  }

  /** Like {@link FrameDecoder.decode} but returns the failure instead of throwing. */
  tryDecode(bytes: Uint8Array, start = 0, end = bytes.length): DecodeOutcome {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
    try {
      const index = this.u16();
      let timestampFormat: string | undefined;
      let timestampArgs: Arg[];
      const ts = this.table.timestamp;
      if (ts !== undefined) {
        timestampFormat = ts.format;
        timestampArgs = this.decodeFormat(this.formats.get(ts.format));
      } else timestampArgs = []; // a fresh array per frame, as before: callers own their frames
      let statement = this.statements[index];
      if (statement === undefined) {
        const entry = this.table.entries.get(index);
        if (entry === undefined) throw new Malformed(`no table entry for frame index ${index}`);
        statement = { level: levelOfTag(entry.tag), compiled: this.formats.get(entry.format) };
        this.statements[index] = statement;
      }
      const args = this.decodeFormat(statement.compiled);
      const frame: Frame = {
        index,
        level: statement.level,
        format: statement.compiled.format,
        args,
        timestampFormat,
        timestampArgs,
      };
      return { ok: true, frame, consumed: this.pos - start };
    } catch (e) {
      if (e === EOF)
        return { ok: false, error: 'unexpected-eof', reason: 'unexpected end of frame' };
      if (e instanceof Malformed) return { ok: false, error: 'malformed-frame', reason: e.reason };
      if (e instanceof DefmtError)
        return { ok: false, error: 'malformed-frame', reason: e.message };
      throw e;
    } finally {
      // Don't keep the caller's buffer alive between frames.
      this.bytes = EMPTY;
    }
  }

  // --- primitive reads (little endian) ---

  private need(n: number): void {
    if (this.end - this.pos < n) throw EOF;
  }

  private u8(): number {
    if (this.pos >= this.end) throw EOF;
    return this.bytes[this.pos++]!;
  }

  private u16(): number {
    this.need(2);
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 2;
    return b[p]! | (b[p + 1]! << 8);
  }

  private u32(): number {
    this.need(4);
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)) + b[p + 3]! * 0x1000000;
  }

  private u64(): IntValue {
    const lo = this.u32();
    const hi = this.u32();
    if (hi < 0x200000) return hi * TWO_32 + lo;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  private u128(): bigint {
    this.need(16);
    let v = 0n;
    for (let i = 15; i >= 0; i--) v = (v << 8n) | BigInt(this.bytes[this.pos + i]!);
    this.pos += 16;
    return v;
  }

  private entryFormat(index: number): string {
    const entry: TableEntry | undefined = this.table.entries.get(index);
    if (entry === undefined) throw new Malformed(`no table entry for index ${index}`);
    if (levelOfTag(entry.tag) !== undefined)
      throw new Malformed(`table entry ${index} is a log statement, not a format`);
    return entry.format;
  }

  private utf8Slice(start: number, end: number): string {
    const s = this.utf8.decode(this.bytes, start, end);
    if (s === undefined) throw new Malformed('string is not valid UTF-8');
    return s;
  }

  private variant(c: CompiledFormat): string {
    let d: number;
    switch (c.discriminantBytes) {
      case 1:
        d = this.u8();
        break;
      case 2:
        d = this.u16();
        break;
      case 4:
        d = this.u32();
        break;
      default: {
        const v = this.u64();
        d = typeof v === 'number' ? v : Number.MAX_SAFE_INTEGER;
      }
    }
    const variant = c.variants![d];
    if (variant === undefined) throw new Malformed(`enum discriminant ${d} out of range`);
    return variant;
  }

  private formatSlice(count: number): FormatSliceElement[] {
    const c = this.formats.getNested(this.entryFormat(this.u16()));
    // Elements of a unit format take no bytes, so a corrupt count could make this loop run for
    // billions of iterations; no real frame has more elements than bytes plus a margin.
    if (count > this.end - this.pos + 65536)
      throw new Malformed(`format slice of ${count} elements`);
    const elements: FormatSliceElement[] = [];
    for (let i = 0; i < count; i++) {
      const format = c.variants ? this.variant(c) : c.format;
      elements.push({ format, args: this.decodeFormat(this.formats.get(format)) });
    }
    return elements;
  }

  /** Decodes the values of one format string's parameters, in wire order. */
  decodeFormat(c: CompiledFormat): Arg[] {
    const wire = c.wire;
    const args: Arg[] = new Array(wire.length);
    for (let i = 0; i < wire.length; i++) args[i] = this.decodeParam(wire[i]!);
    return args;
  }

  private decodeParam(p: Parameter): Arg {
    const t = p.type;
    switch (t.kind) {
      case 'u8':
        return { kind: 'uint', value: this.u8() };
      case 'u16':
        return { kind: 'uint', value: this.u16() };
      case 'u32':
      case 'usize':
        return { kind: 'uint', value: this.u32() };
      case 'u64':
        return { kind: 'uint', value: this.u64() };
      case 'u128': {
        const v = this.u128();
        return { kind: 'uint', value: v <= 9007199254740991n ? Number(v) : v };
      }
      case 'i8':
        return { kind: 'int', value: (this.u8() << 24) >> 24 };
      case 'i16':
        return { kind: 'int', value: (this.u16() << 16) >> 16 };
      case 'i32':
      case 'isize':
        return { kind: 'int', value: this.u32() | 0 };
      case 'i64': {
        const lo = this.u32();
        const hi = this.u32() | 0;
        if (hi >= -0x200000 && hi < 0x200000) return { kind: 'int', value: hi * TWO_32 + lo };
        return { kind: 'int', value: (BigInt(hi) << 32n) | BigInt(lo) };
      }
      case 'i128': {
        const v = BigInt.asIntN(128, this.u128());
        const safe = v >= -9007199254740991n && v <= 9007199254740991n;
        return { kind: 'int', value: safe ? Number(v) : v };
      }
      case 'f32': {
        this.need(4);
        this.f32Bytes.set(this.bytes.subarray(this.pos, this.pos + 4));
        this.pos += 4;
        return { kind: 'f32', value: this.f32[0]! };
      }
      case 'f64': {
        this.need(8);
        this.f64Bytes.set(this.bytes.subarray(this.pos, this.pos + 8));
        this.pos += 8;
        return { kind: 'f64', value: this.f64[0]! };
      }
      case 'bool': {
        const b = this.u8();
        if (b > 1) throw new Malformed(`bool byte ${b} is neither 0 nor 1`);
        return { kind: 'bool', value: b === 1 };
      }
      case 'char': {
        const c = this.u32();
        if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
          throw new Malformed(`char ${c} is not a Unicode scalar value`);
        return { kind: 'char', value: String.fromCodePoint(c) };
      }
      case 'str': {
        const n = this.u32();
        this.need(n);
        const s = this.utf8Slice(this.pos, this.pos + n);
        this.pos += n;
        return { kind: 'str', value: s };
      }
      case 'istr':
        return { kind: 'istr', value: this.entryFormat(this.u16()) };
      case 'u8-slice': {
        const n = this.u32();
        this.need(n);
        const v = this.bytes.slice(this.pos, this.pos + n);
        this.pos += n;
        return { kind: 'bytes', value: v };
      }
      case 'u8-array': {
        this.need(t.length);
        const v = this.bytes.slice(this.pos, this.pos + t.length);
        this.pos += t.length;
        return { kind: 'bytes', value: v };
      }
      case 'format': {
        const c = this.formats.getNested(this.entryFormat(this.u16()));
        if (c.variants) {
          const variant = this.variant(c);
          return {
            kind: 'format',
            format: variant,
            args: this.decodeFormat(this.formats.get(variant)),
          };
        }
        return { kind: 'format', format: c.format, args: this.decodeFormat(c) };
      }
      case 'format-slice':
        return { kind: 'format-slice', elements: this.formatSlice(this.u32()) };
      case 'format-array':
        return { kind: 'format-slice', elements: this.formatSlice(t.length) };
      case 'bitfield':
        return { kind: 'uint', value: this.bitfield(t.start, t.end) };
      case 'debug':
      case 'display': {
        // UTF-8 without a length, ended by 0xFF (a byte UTF-8 never contains).
        const stop = this.bytes.subarray(this.pos, this.end).indexOf(0xff);
        if (stop < 0) throw EOF;
        const s = this.utf8Slice(this.pos, this.pos + stop);
        this.pos += stop + 1;
        return { kind: 'preformatted', value: s };
      }
      case 'format-sequence': {
        const args: Arg[] = [];
        for (;;) {
          const index = this.u16();
          if (index === 0) break;
          const format = this.entryFormat(index);
          args.push({ kind: 'format', format, args: this.decodeFormat(this.formats.get(format)) });
        }
        return { kind: 'format-sequence', args };
      }
    }
  }

  /**
   * Reads a (merged) bitfield: only the bytes that hold the range are on the wire, read as the
   * smallest integer that holds them (3 bytes read as 4, 5..7 as 8, 9..15 as 16, like the
   * reference), then shifted back into place.
   */
  private bitfield(start: number, end: number): IntValue {
    const low = start >> 3;
    const high = (end - 1) >> 3;
    const size = high - low + 1;
    const read = size === 1 ? 1 : size === 2 ? 2 : size <= 4 ? 4 : size <= 8 ? 8 : 16;
    const shift = low * 8;
    if (read <= 4 && read * 8 + shift <= 48) {
      const v = read === 1 ? this.u8() : read === 2 ? this.u16() : this.u32();
      return v * 2 ** shift;
    }
    const raw =
      read === 16
        ? this.u128()
        : (() => {
            const v =
              read === 8
                ? this.u64()
                : read === 4
                  ? this.u32()
                  : read === 2
                    ? this.u16()
                    : this.u8();
            return BigInt(v);
          })();
    const v = (raw << BigInt(shift)) & MASK_128;
    return v <= 9007199254740991n ? Number(v) : v;
  }
}
