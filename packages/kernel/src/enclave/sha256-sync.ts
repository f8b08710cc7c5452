// The kernel's own synchronous SHA-256 (FIPS 180-4), HMAC-SHA-256 (RFC 2104) and HKDF-SHA-256
// (RFC 5869). WebCrypto is asynchronous and a kernel entry cannot wait, so measuring an enclave at
// Enclave_Load and deriving its keys happen here, as a monitor without a crypto engine would do
// them in software. Tests check every function against WebCrypto. Relies on nothing.

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const INITIAL = [
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));

/** Compresses one 64-byte block at `offset` of `block` into `h`. */
function compress(h: Uint32Array, block: Uint8Array, offset: number, w: Uint32Array): void {
  for (let i = 0; i < 16; i++) {
    const o = offset + i * 4;
    w[i] = (block[o]! << 24) | (block[o + 1]! << 16) | (block[o + 2]! << 8) | block[o + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const a = w[i - 15]!;
    const b = w[i - 2]!;
    const s0 = rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3);
    const s1 = rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
  let a = h[0]!;
  let b = h[1]!;
  let c = h[2]!;
  let d = h[3]!;
  let e = h[4]!;
  let f = h[5]!;
  let g = h[6]!;
  let hh = h[7]!;
  for (let i = 0; i < 64; i++) {
    const t1 =
      (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
    const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    hh = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  h[0] = h[0]! + a;
  h[1] = h[1]! + b;
  h[2] = h[2]! + c;
  h[3] = h[3]! + d;
  h[4] = h[4]! + e;
  h[5] = h[5]! + f;
  h[6] = h[6]! + g;
  h[7] = h[7]! + hh;
}

/**
 * SHA-256 of the concatenation of `parts` (FIPS 180-4), computed synchronously.
 * @public
 */
export function sha256Sync(...parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const h = Uint32Array.from(INITIAL);
  const w = new Uint32Array(64);
  const buffer = new Uint8Array(64);
  let filled = 0;
  let total = 0;
  for (const part of parts) {
    total += part.length;
    let i = 0;
    if (filled > 0) {
      const n = Math.min(64 - filled, part.length);
      buffer.set(part.subarray(0, n), filled);
      filled += n;
      i = n;
      if (filled < 64) continue;
      compress(h, buffer, 0, w);
      filled = 0;
    }
    for (; i + 64 <= part.length; i += 64) compress(h, part, i, w);
    buffer.set(part.subarray(i), 0);
    filled = part.length - i;
  }
  // Padding: 0x80, zeros, then the message length in bits as a 64-bit big-endian number.
  buffer.fill(0, filled);
  buffer[filled] = 0x80;
  if (filled >= 56) {
    compress(h, buffer, 0, w);
    buffer.fill(0);
  }
  const bits = total * 8;
  const view = new DataView(buffer.buffer);
  view.setUint32(56, Math.floor(bits / 2 ** 32));
  view.setUint32(60, bits >>> 0);
  compress(h, buffer, 0, w);
  const out = new Uint8Array(32);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) outView.setUint32(i * 4, h[i]!);
  return out;
}

/**
 * HMAC-SHA-256 of the concatenation of `parts` under `key` (RFC 2104), synchronously.
 * @public
 */
export function hmacSha256Sync(
  key: Uint8Array,
  ...parts: readonly Uint8Array[]
): Uint8Array<ArrayBuffer> {
  const block = new Uint8Array(64);
  block.set(key.length > 64 ? sha256Sync(key) : key);
  const inner = block.map((b) => b ^ 0x36);
  const outer = block.map((b) => b ^ 0x5c);
  return sha256Sync(outer, sha256Sync(inner, ...parts));
}

/**
 * HKDF-SHA-256 (RFC 5869): extract with `salt`, expand with `info` to `length` bytes, synchronously.
 * @throws RangeError when `length` is not 1 to 8160.
 * @public
 */
export function hkdfSha256Sync(
  ikm: Uint8Array,
  salt: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array<ArrayBuffer> {
  if (!Number.isInteger(length) || length < 1 || length > 255 * 32) {
    throw new RangeError(`HKDF-SHA-256 output length must be 1 to 8160 bytes, got ${length}`);
  }
  const prk = hmacSha256Sync(salt.length > 0 ? salt : new Uint8Array(32), ikm);
  const out = new Uint8Array(length);
  let previous: Uint8Array = new Uint8Array(0);
  for (let i = 0, offset = 0; offset < length; i++) {
    previous = hmacSha256Sync(prk, previous, info, Uint8Array.of(i + 1));
    out.set(previous.subarray(0, Math.min(32, length - offset)), offset);
    offset += 32;
  }
  return out;
}
