// The `:cbor` display hint: a byte string read as a CBOR sequence (RFC 8949) and shown in
// diagnostic notation (RFC 8610 appendix G), items separated by `, `. Non-preferred encodings are
// marked with encoding indicators (`_0`..`_3`, `_` for indefinite lengths) as diagnostic notation
// defines them. Invalid input shows the reference's fallback text with the bytes in hex.
// Relies on `float.ts` for float digits.

import { formatF64 } from './float';

class CborError extends Error {}

function hexList(bytes: Uint8Array): string {
  return `[${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(', ')}]`;
}

/** Formats `bytes` as CBOR diagnostic notation, or an `invalid CBOR` note when they are not CBOR. */
export function formatCbor(bytes: Uint8Array): string {
  const r = new CborReader(bytes);
  const items: string[] = [];
  try {
    while (r.pos < bytes.length) items.push(r.item(0));
  } catch (e) {
    const reason = e instanceof CborError ? e.message : 'malformed input';
    return `invalid CBOR (error: ${reason}, bytes: ${hexList(bytes)})`;
  }
  return items.join(', ');
}

const INDICATOR = ['_0', '_1', '_2', '_3'];

class CborReader {
  pos = 0;
  constructor(private readonly b: Uint8Array) {}

  private byte(): number {
    if (this.pos >= this.b.length) throw new CborError('unexpected end of input');
    return this.b[this.pos++]!;
  }

  /** Reads the argument of an initial byte; returns value and the encoding indicator. */
  private arg(info: number): { value: bigint; indicator: string } {
    if (info < 24) return { value: BigInt(info), indicator: '' };
    if (info > 27) throw new CborError(`reserved additional information ${info}`);
    const n = 1 << (info - 24);
    let v = 0n;
    for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(this.byte());
    const preferred = v < 24n ? -1 : v < 0x100n ? 0 : v < 0x10000n ? 1 : v < 0x100000000n ? 2 : 3;
    return { value: v, indicator: preferred === info - 24 ? '' : INDICATOR[info - 24]! };
  }

  private take(n: bigint): Uint8Array {
    if (n > BigInt(this.b.length - this.pos)) throw new CborError('unexpected end of input');
    const out = this.b.subarray(this.pos, this.pos + Number(n));
    this.pos += Number(n);
    return out;
  }

  item(depth: number): string {
    if (depth > 256) throw new CborError('nesting too deep');
    const ib = this.byte();
    const major = ib >> 5;
    const info = ib & 0x1f;
    if (info === 31) return this.indefinite(major, depth);
    if (major === 7) return this.simple(info);
    const { value, indicator } = this.arg(info);
    switch (major) {
      case 0:
        return `${value}${indicator}`;
      case 1:
        return `${-1n - value}${indicator}`;
      case 2:
        return `h'${Array.from(this.take(value), (x) => x.toString(16).padStart(2, '0')).join('')}'${indicator}`;
      case 3:
        return `${this.text(this.take(value))}${indicator}`;
      case 4: {
        const parts: string[] = [];
        for (let i = 0n; i < value; i++) parts.push(this.item(depth + 1));
        return `[${indicator ? `${indicator} ` : ''}${parts.join(', ')}]`;
      }
      case 5: {
        const parts: string[] = [];
        for (let i = 0n; i < value; i++)
          parts.push(`${this.item(depth + 1)}: ${this.item(depth + 1)}`);
        return `{${indicator ? `${indicator} ` : ''}${parts.join(', ')}}`;
      }
      default:
        return `${value}${indicator}(${this.item(depth + 1)})`;
    }
  }

  private text(bytes: Uint8Array): string {
    let s: string;
    try {
      s = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new CborError('invalid UTF-8 in text string');
    }
    return JSON.stringify(s);
  }

  private isBreak(): boolean {
    if (this.pos >= this.b.length) throw new CborError('unexpected end of input');
    if (this.b[this.pos] === 0xff) {
      this.pos++;
      return true;
    }
    return false;
  }

  private indefinite(major: number, depth: number): string {
    const parts: string[] = [];
    switch (major) {
      case 2:
      case 3:
        while (!this.isBreak()) {
          const ib = this.b[this.pos]!;
          if (ib >> 5 !== major || (ib & 0x1f) === 31)
            throw new CborError('invalid chunk in indefinite-length string');
          parts.push(this.item(depth + 1));
        }
        return parts.length === 0 ? (major === 2 ? "''_" : '""_') : `(_ ${parts.join(', ')})`;
      case 4:
        while (!this.isBreak()) parts.push(this.item(depth + 1));
        return `[_ ${parts.join(', ')}]`;
      case 5:
        while (!this.isBreak()) parts.push(`${this.item(depth + 1)}: ${this.item(depth + 1)}`);
        return `{_ ${parts.join(', ')}}`;
      default:
        throw new CborError(`indefinite length for major type ${major}`);
    }
  }

  private simple(info: number): string {
    switch (info) {
      case 20:
        return 'false';
      case 21:
        return 'true';
      case 22:
        return 'null';
      case 23:
        return 'undefined';
      case 24: {
        const v = this.byte();
        if (v < 32) throw new CborError(`invalid simple value ${v}`);
        return `simple(${v})`;
      }
      case 25:
        return this.float(2);
      case 26:
        return this.float(4);
      case 27:
        return this.float(8);
      default:
        if (info < 20) return `simple(${info})`;
        throw new CborError(info === 31 ? 'unexpected break' : `reserved simple value ${info}`);
    }
  }

  private float(n: 2 | 4 | 8): string {
    const bytes = this.take(BigInt(n));
    const view = new DataView(bytes.buffer, bytes.byteOffset, n);
    let v: number;
    if (n === 2) {
      const h = view.getUint16(0);
      const exp = (h >> 10) & 0x1f;
      const mant = h & 0x3ff;
      const mag =
        exp === 0
          ? mant * 2 ** -24
          : exp === 31
            ? mant
              ? NaN
              : Infinity
            : (mant + 1024) * 2 ** (exp - 25);
      v = h & 0x8000 ? -mag : mag;
    } else v = n === 4 ? view.getFloat32(0) : view.getFloat64(0);
    const text = Number.isNaN(v)
      ? 'NaN'
      : v === Infinity
        ? 'Infinity'
        : v === -Infinity
          ? '-Infinity'
          : formatF64(v);
    // Preferred encoding is the shortest width that holds the value exactly.
    const fits16 = Number.isNaN(v) || !Number.isFinite(v) || roundsToHalf(v);
    const preferred = fits16 ? 2 : Math.fround(v) === v ? 4 : 8;
    return n === preferred ? text : `${text}_${n === 2 ? 1 : n === 4 ? 2 : 3}`;
  }
}

function roundsToHalf(v: number): boolean {
  if (v === 0) return true;
  const a = Math.abs(v);
  const e = Math.floor(Math.log2(a));
  if (e > 15 || e < -24) return false;
  const step = e < -14 ? 2 ** -24 : 2 ** (e - 10);
  return a / step === Math.round(a / step);
}
