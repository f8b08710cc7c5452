// The defmt encoder: writes frames (index, timestamp, arguments in wire order) exactly as defmt
// firmware does, raw or rzCOBS-framed. The mirror image of `../frame/decoder.ts`, used by host
// tasks to log in defmt format and by tests to build streams. Relies on the table contract, the
// format cache and `../stream/rzcobs.ts`.

import { DefmtError } from '../errors';
import { type CompiledFormat, FormatCache } from '../frame/compiled';
import { levelOfTag } from '../frame/level';
import type { Parameter } from '../format/parser';
import { rzcobsEncode } from '../stream/rzcobs';
import type { DefmtTable } from '../table/types';

/** A nested `{=?}` value: the index of its format and its arguments (for enums, the variant number). */
export interface NestedValue {
  /** Table index of the nested format (for enums, of the whole `A|B` format). */
  readonly index: number;
  /** Enum variant number (default 0); ignored for formats without `|`. */
  readonly variant?: number;
  /** The nested format's arguments, by argument index. */
  readonly args: readonly EncodeValue[];
}

/** A `[?]` / `[?; N]` value that names its element format (needed when the slice is empty). */
export interface FormatSliceValue {
  /** Table index of the element format. */
  readonly elementIndex: number;
  /** The elements; each must use `elementIndex`. */
  readonly elements: readonly NestedValue[];
}

/**
 * A value to encode, by parameter type: integers as `number` or `bigint`, floats as `number`,
 * `boolean`, `string` for str/char/Debug2Format text, a table index (`number`) or the string
 * itself for `istr`, `Uint8Array` for byte slices and arrays, {@link NestedValue} for `{=?}`, an
 * array of {@link NestedValue} (or a {@link FormatSliceValue}) for `[?]` and `[?; N]`, an array of
 * {@link NestedValue} for `write!` sequences.
 */
export type EncodeValue =
  | number
  | bigint
  | boolean
  | string
  | Uint8Array
  | NestedValue
  | FormatSliceValue
  | readonly NestedValue[];

function bad(message: string): never {
  throw new DefmtError('encode-value', message);
}

/** Encodes frames for one table. */
export class FrameEncoder {
  private readonly formats = new FormatCache();
  private out = new Uint8Array(256);
  private len = 0;
  private readonly f64 = new Float64Array(1);
  private readonly f32 = new Float32Array(1);
  private readonly utf8 = new TextEncoder();
  private istrIndex: Map<string, number> | undefined;

  constructor(
    /** The table whose indices and formats frames are encoded with. */
    readonly table: DefmtTable,
  ) {}

  /**
   * The raw bytes of one frame: `index`, then the timestamp's values, then `args` (indexed by
   * argument number, as in the format string).
   *
   * @throws {@link DefmtError} `encode-value` when a value does not fit its parameter.
   */
  encodeRaw(
    index: number,
    args: readonly EncodeValue[],
    timestamp: readonly EncodeValue[] = [],
  ): Uint8Array {
    const entry = this.table.entries.get(index);
    if (entry === undefined) bad(`no table entry ${index}`);
    this.len = 0;
    this.u(index, 2);
    if (this.table.timestamp)
      this.writeFormat(this.formats.get(this.table.timestamp.format), timestamp);
    this.writeFormat(this.formats.get(entry.format), args);
    return this.out.slice(0, this.len);
  }

  /** One frame in the table's encoding: rzCOBS with its `0x00` separator, or raw bytes. */
  encode(
    index: number,
    args: readonly EncodeValue[],
    timestamp: readonly EncodeValue[] = [],
  ): Uint8Array {
    const raw = this.encodeRaw(index, args, timestamp);
    if (this.table.encoding === 'raw') return raw;
    const framed = rzcobsEncode(raw);
    const out = new Uint8Array(framed.length + 1);
    out.set(framed);
    return out;
  }

  private reserve(n: number): void {
    if (this.len + n <= this.out.length) return;
    const bigger = new Uint8Array(Math.max(this.out.length * 2, this.len + n));
    bigger.set(this.out.subarray(0, this.len));
    this.out = bigger;
  }

  private byte(b: number): void {
    this.reserve(1);
    this.out[this.len++] = b & 0xff;
  }

  private bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.out.set(b, this.len);
    this.len += b.length;
  }

  /** Little-endian, `size` bytes, of an integer already known to fit. */
  private u(v: number | bigint, size: number): void {
    if (typeof v === 'number' && size <= 4) {
      for (let i = 0; i < size; i++) this.byte(Math.floor(v / 2 ** (8 * i)) & 0xff);
      return;
    }
    let x = BigInt.asUintN(size * 8, BigInt(v));
    for (let i = 0; i < size; i++) {
      this.byte(Number(x & 0xffn));
      x >>= 8n;
    }
  }

  private int(v: EncodeValue, bits: number, signed: boolean): void {
    if (typeof v !== 'number' && typeof v !== 'bigint') bad(`expected an integer, got ${typeof v}`);
    if (typeof v === 'number' && !Number.isInteger(v)) bad(`${v} is not an integer`);
    const b = BigInt(v);
    const min = signed ? -(1n << BigInt(bits - 1)) : 0n;
    const max = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
    if (b < min || b > max) bad(`${v} does not fit ${signed ? 'i' : 'u'}${bits}`);
    this.u(typeof v === 'number' && bits <= 32 ? (v < 0 ? v + 2 ** bits : v) : b, bits / 8);
  }

  private nestedFormat(index: number): CompiledFormat {
    const entry = this.table.entries.get(index);
    if (entry === undefined || levelOfTag(entry.tag) !== undefined)
      bad(`${index} is not a format entry`);
    return this.formats.getNested(entry.format);
  }

  private nested(v: NestedValue, c: CompiledFormat): void {
    if (c.variants) {
      const variant = v.variant ?? 0;
      const name = c.variants[variant];
      if (name === undefined) bad(`variant ${variant} out of range`);
      this.u(variant, c.discriminantBytes);
      this.writeFormat(this.formats.get(name), v.args);
    } else this.writeFormat(c, v.args);
  }

  private writeFormat(c: CompiledFormat, args: readonly EncodeValue[]): void {
    for (const p of c.wire) {
      const v = args[p.index];
      if (v === undefined) bad(`missing argument ${p.index} for ${JSON.stringify(c.format)}`);
      this.param(p, v);
    }
  }

  private param(p: Parameter, v: EncodeValue): void {
    const t = p.type;
    switch (t.kind) {
      case 'u8':
      case 'u16':
      case 'u32':
      case 'u64':
      case 'u128':
        this.int(v, Number(t.kind.slice(1)), false);
        return;
      case 'usize':
        this.int(v, 32, false);
        return;
      case 'i8':
      case 'i16':
      case 'i32':
      case 'i64':
      case 'i128':
        this.int(v, Number(t.kind.slice(1)), true);
        return;
      case 'isize':
        this.int(v, 32, true);
        return;
      case 'f32':
      case 'f64': {
        if (typeof v !== 'number') bad('expected a number for a float');
        const arr = t.kind === 'f32' ? this.f32 : this.f64;
        arr[0] = v;
        this.bytes(new Uint8Array(arr.buffer.slice(0)));
        return;
      }
      case 'bool':
        if (typeof v !== 'boolean') bad('expected a boolean');
        this.byte(v ? 1 : 0);
        return;
      case 'char': {
        if (typeof v !== 'string' || [...v].length !== 1) bad('expected one character');
        this.u(v.codePointAt(0)!, 4);
        return;
      }
      case 'str': {
        if (typeof v !== 'string') bad('expected a string');
        const b = this.utf8.encode(v);
        this.u(b.length, 4);
        this.bytes(b);
        return;
      }
      case 'istr':
        this.u(this.istr(v), 2);
        return;
      case 'debug':
      case 'display': {
        if (typeof v !== 'string') bad('expected a string');
        this.bytes(this.utf8.encode(v));
        this.byte(0xff);
        return;
      }
      case 'u8-slice':
        if (!(v instanceof Uint8Array)) bad('expected a Uint8Array');
        this.u(v.length, 4);
        this.bytes(v);
        return;
      case 'u8-array':
        if (!(v instanceof Uint8Array) || v.length !== t.length) bad(`expected ${t.length} bytes`);
        this.bytes(v);
        return;
      case 'format': {
        const n = v as NestedValue;
        if (typeof n !== 'object' || n === null || !('index' in n)) bad('expected a nested value');
        this.u(n.index, 2);
        this.nested(n, this.nestedFormat(n.index));
        return;
      }
      case 'format-slice':
      case 'format-array': {
        let list: readonly NestedValue[];
        let index: number;
        if (Array.isArray(v)) {
          list = v as readonly NestedValue[];
          // The element format's index is on the wire even for an empty slice.
          if (list.length === 0) bad('an empty format slice needs { elementIndex, elements: [] }');
          index = list[0]!.index;
        } else if (typeof v === 'object' && v !== null && 'elementIndex' in v) {
          list = v.elements;
          index = v.elementIndex;
        } else bad('expected an array of nested values');
        if (t.kind === 'format-array' && list.length !== t.length)
          bad(`expected ${t.length} elements`);
        if (t.kind === 'format-slice') this.u(list.length, 4);
        this.u(index, 2);
        const c = this.nestedFormat(index);
        for (const e of list) {
          if (e.index !== index) bad('all elements of a format slice share one format');
          this.nested(e, c);
        }
        return;
      }
      case 'format-sequence': {
        if (!Array.isArray(v)) bad('expected an array of nested values');
        for (const e of v as readonly NestedValue[]) {
          if (e.index === 0) bad('index 0 ends a sequence and cannot be an element');
          this.u(e.index, 2);
          this.writeFormat(
            this.formats.get(this.table.entries.get(e.index)?.format ?? bad(`no entry ${e.index}`)),
            e.args,
          );
        }
        this.u(0, 2);
        return;
      }
      case 'bitfield': {
        if (typeof v !== 'number' && typeof v !== 'bigint')
          bad('expected an integer for a bitfield');
        const low = t.start >> 3;
        const size = ((t.end - 1) >> 3) - low + 1;
        const read = size === 1 ? 1 : size === 2 ? 2 : size <= 4 ? 4 : size <= 8 ? 8 : 16;
        this.u(BigInt.asUintN(128, BigInt(v)) >> BigInt(low * 8), read);
        return;
      }
    }
  }

  private istr(v: EncodeValue): number {
    if (typeof v === 'number') return v;
    if (typeof v !== 'string') bad('expected an interned string or its index');
    if (this.istrIndex === undefined) {
      this.istrIndex = new Map();
      for (const [i, e] of this.table.entries) if (e.tag === 'str') this.istrIndex.set(e.format, i);
    }
    return this.istrIndex.get(v) ?? bad(`string ${JSON.stringify(v)} is not interned`);
  }
}
