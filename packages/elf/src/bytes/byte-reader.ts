// A bounds-checked cursor over a byte range, in either byte order. Every ELF and DWARF parser
// reads through it, so that a read past the end becomes an ElfError instead of a RangeError or a
// silent `undefined`. Relies only on DataView and TextDecoder (browser-safe).

import { ElfError, type ElfErrorCode } from '../errors';

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Decodes UTF-8 bytes leniently (invalid sequences become U+FFFD), as tools print names. */
export function decodeUtf8(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

/**
 * Reads numbers, LEB128 values and strings from `[start, end)` of a byte array.
 *
 * @remarks
 * `context` names what is being read (for example `.debug_info`) and goes into error messages.
 * Offsets given to and returned by the reader are absolute indices into `bytes`.
 */
export class ByteReader {
  /** The whole input the offsets index into. */
  readonly bytes: Uint8Array;
  /** True to read little-endian numbers. */
  readonly little: boolean;
  /** First readable offset. */
  readonly start: number;
  /** Offset just past the last readable byte. */
  readonly end: number;
  /** What is being read, for error messages. */
  readonly context: string;
  /** Absolute index of the next byte to read. */
  pos: number;
  private readonly view: DataView;

  /** A reader over `[start, end)` of `bytes`; throws when the range lies outside them. */
  constructor(bytes: Uint8Array, little: boolean, context: string, start = 0, end = bytes.length) {
    if (start < 0 || end > bytes.length || start > end) {
      throw new ElfError(
        'TRUNCATED',
        `${context}: range ${start}..${end} lies outside the ${bytes.length}-byte input; the file is truncated or an offset in it is wrong`,
        start,
      );
    }
    this.bytes = bytes;
    this.little = little;
    this.start = start;
    this.end = end;
    this.context = context;
    this.pos = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** A reader over `[start, start + length)` of the same bytes, with its own cursor. */
  sub(start: number, length: number, context = this.context): ByteReader {
    if (start < this.start || length < 0 || start + length > this.end) {
      throw new ElfError(
        'TRUNCATED',
        `${context}: ${length} bytes at offset ${start} run past the end (${this.end}) of ${this.context}`,
        start,
      );
    }
    return new ByteReader(this.bytes, this.little, context, start, start + length);
  }

  /** Bytes left before the end. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /** Throws a typed error unless `count` more bytes can be read. */
  need(count: number, what: string): void {
    if (count < 0 || this.pos + count > this.end) {
      throw new ElfError(
        'TRUNCATED',
        `${this.context}: ${what} needs ${count} bytes at offset ${this.pos} but only ${Math.max(0, this.end - this.pos)} remain; the data is truncated or an offset in it is wrong`,
        this.pos,
      );
    }
  }

  /** Moves the cursor to an absolute offset inside the range. */
  seek(offset: number, what = 'seek'): void {
    if (offset < this.start || offset > this.end) {
      throw new ElfError(
        'TRUNCATED',
        `${this.context}: ${what} points to offset ${offset}, outside ${this.start}..${this.end}`,
        offset,
      );
    }
    this.pos = offset;
  }

  /** Moves the cursor forward by `count` bytes. */
  skip(count: number, what = 'skipped bytes'): void {
    this.need(count, what);
    this.pos += count;
  }

  /** One unsigned byte. */
  u8(what = 'u8'): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }

  /** An unsigned 16-bit number. */
  u16(what = 'u16'): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, this.little);
    this.pos += 2;
    return v;
  }

  /** One signed byte. */
  i8(what = 'i8'): number {
    this.need(1, what);
    return this.view.getInt8(this.pos++);
  }

  /** An unsigned 32-bit number. */
  u32(what = 'u32'): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, this.little);
    this.pos += 4;
    return v;
  }

  /** An unsigned 64-bit number. */
  u64(what = 'u64'): bigint {
    this.need(8, what);
    const v = this.view.getBigUint64(this.pos, this.little);
    this.pos += 8;
    return v;
  }

  /** An unsigned value of 1, 2, 4 or 8 bytes, as a bigint. */
  uSized(size: number, what = 'value'): bigint {
    switch (size) {
      case 1:
        return BigInt(this.u8(what));
      case 2:
        return BigInt(this.u16(what));
      case 4:
        return BigInt(this.u32(what));
      case 8:
        return this.u64(what);
      default:
        throw new ElfError(
          'DWARF_UNSUPPORTED',
          `${this.context}: ${what} has size ${size}; only 1, 2, 4 and 8 are supported`,
          this.pos,
        );
    }
  }

  /** A 4- or 8-byte offset as a number; throws when it cannot index any real input. */
  offset(size: 4 | 8, what = 'offset'): number {
    if (size === 4) return this.u32(what);
    const at = this.pos;
    return toSafeNumber(this.u64(what), `${this.context}: ${what}`, at);
  }

  /** Unsigned LEB128 as a number; throws a typed error above 2^53 or past 10 bytes. */
  uleb(what = 'ULEB128'): number {
    let result = 0;
    let scale = 1;
    const at = this.pos;
    for (let i = 0; ; i++) {
      const byte = this.u8(what);
      result += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) break;
      scale *= 128;
      if (i >= 9) {
        throw new ElfError(
          'DWARF_MALFORMED',
          `${this.context}: ${what} is longer than 10 bytes`,
          at,
        );
      }
    }
    if (result > Number.MAX_SAFE_INTEGER) {
      throw new ElfError(
        'DWARF_UNSUPPORTED',
        `${this.context}: ${what} ${result} is too large to use as a count or offset`,
        at,
      );
    }
    return result;
  }

  /** Unsigned LEB128 as a bigint (values of any width up to 64 bits are exact). */
  ulebBig(what = 'ULEB128'): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = this.u8(what);
      result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if ((byte & 0x80) === 0) break;
      // Over-long encodings are legal padding; bound them so a run of 0x80 cannot hang us.
      if (shift > 70n * 8n) {
        throw new ElfError(
          'DWARF_MALFORMED',
          `${this.context}: ${what} is implausibly long`,
          this.pos,
        );
      }
    }
    return BigInt.asUintN(64, result);
  }

  /** Signed LEB128 as a bigint. */
  slebBig(what = 'SLEB128'): bigint {
    let result = 0n;
    let shift = 0n;
    let byte: number;
    do {
      byte = this.u8(what);
      result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if (shift > 70n * 8n) {
        throw new ElfError(
          'DWARF_MALFORMED',
          `${this.context}: ${what} is implausibly long`,
          this.pos,
        );
      }
    } while (byte & 0x80);
    if (byte & 0x40) result -= 1n << shift;
    return BigInt.asIntN(64, result);
  }

  /** Signed LEB128 as a number (for line_base-sized values). */
  sleb(what = 'SLEB128'): number {
    return Number(this.slebBig(what));
  }

  /** `count` bytes as a view into the input (no copy). */
  bytesView(count: number, what = 'bytes'): Uint8Array {
    this.need(count, what);
    const v = this.bytes.subarray(this.pos, this.pos + count);
    this.pos += count;
    return v;
  }

  /** A NUL-terminated UTF-8 string; throws when no NUL comes before the end. */
  cstring(what = 'string'): string {
    const nul = this.bytes.indexOf(0, this.pos);
    if (nul < 0 || nul >= this.end) {
      throw new ElfError(
        'BAD_STRING',
        `${this.context}: ${what} at offset ${this.pos} has no terminating NUL before the end`,
        this.pos,
      );
    }
    const s = decodeUtf8(this.bytes.subarray(this.pos, nul));
    this.pos = nul + 1;
    return s;
  }
}

/** Converts a 64-bit value to a number, throwing a typed error when it would lose precision. */
export function toSafeNumber(value: bigint, what: string, offset?: number): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ElfError(
      'TOO_MANY',
      `${what} is 0x${value.toString(16)}, larger than any input this reader can hold`,
      offset,
    );
  }
  return Number(value);
}

/** Fails with `code` unless `condition` holds; keeps parsers short. */
export function check(
  condition: boolean,
  code: ElfErrorCode,
  message: string,
  offset?: number,
): asserts condition {
  if (!condition) throw new ElfError(code, message, offset);
}
