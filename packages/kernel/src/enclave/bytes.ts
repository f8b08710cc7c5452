// Byte helpers shared by the enclave formats: a big-endian writer for the canonical encodings,
// hex conversion, equality, and the copies WebCrypto needs. Every multi-byte integer in the enclave
// formats is big-endian (network order, as in TLS and X.509), whatever the target's byte order,
// so a verifier on any machine reads the same bytes. Relies on nothing.

/**
 * Appends fixed-width big-endian integers and raw bytes, then hands back one buffer. Callers
 * validate ranges first; the writer still refuses values that do not fit so a bug cannot silently
 * truncate a field of a signed or hashed encoding.
 */
export class ByteWriter {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  u8(value: number): this {
    return this.uint(BigInt(value), 1);
  }

  u16(value: number): this {
    return this.uint(BigInt(value), 2);
  }

  u32(value: number): this {
    return this.uint(BigInt(value), 4);
  }

  u64(value: bigint): this {
    return this.uint(value, 8);
  }

  bytes(data: Uint8Array): this {
    // Copy, so a caller mutating its buffer later cannot change what was encoded.
    this.chunks.push(data.slice());
    this.length += data.length;
    return this;
  }

  finish(): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  private uint(value: bigint, width: number): this {
    if (value < 0n || value >= 1n << BigInt(width * 8)) {
      throw new RangeError(`value ${value} does not fit in ${width * 8} bits`);
    }
    const out = new Uint8Array(width);
    for (let i = width - 1; i >= 0; i--) {
      out[i] = Number(value & 0xffn);
      value >>= 8n;
    }
    this.chunks.push(out);
    this.length += width;
    return this;
  }
}

/** Reads a big-endian unsigned 64-bit integer; the caller has checked that 8 bytes exist. */
export function readU64(bytes: Uint8Array, offset: number): bigint {
  let value = 0n;
  for (let i = 0; i < 8; i++) value = (value << 8n) | BigInt(bytes[offset + i] ?? 0);
  return value;
}

/** ASCII bytes of a domain-separation string (the strings used are plain ASCII by construction). */
export function ascii(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

/** Bytes of a hex string (either case, even length), or `undefined` if it is not hex. */
export function fromHex(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * Whether two byte strings are equal. Runs over the whole length without an early exit; the
 * values compared here (measurements, nonces, key ids) are not secret, but keeping the habit
 * costs nothing.
 */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** A private copy backed by a plain `ArrayBuffer`, the type WebCrypto accepts. */
export function copyBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}

/** Whether `value` is a `Uint8Array` (checked at run time, for inputs typed by the caller only). */
export function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}
