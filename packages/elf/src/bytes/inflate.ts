// A synchronous zlib (RFC 1950) / DEFLATE (RFC 1951) decoder for SHF_COMPRESSED debug sections.
// Browsers only offer an asynchronous DecompressionStream, and the readers here are synchronous,
// so this small decoder does the work. Canonical Huffman codes are decoded by walking code
// lengths (counts per length, symbols in code order), which needs no large tables. The output
// size is known in advance (from the compression header), so output never grows past it; every
// malformed stream ends in an ElfError.

import { ElfError } from '../errors';

const MAX_BITS = 15;

// Base values and extra bits of length codes 257..285 and distance codes 0..29.
const LENGTH_BASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
  163, 195, 227, 258,
];
const LENGTH_EXTRA = [
  0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DIST_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049,
  3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA = [
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
];
// Order in which code-length code lengths are stored in a dynamic block header.
const CLEN_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

interface Huffman {
  /** Number of codes of each length 0..15. */
  counts: Uint16Array;
  /** Symbols ordered by code (length, then value). */
  symbols: Uint16Array;
}

function fail(message: string): never {
  throw new ElfError('UNSUPPORTED', `compressed section: ${message}; the data is corrupt`);
}

function buildHuffman(lengths: ArrayLike<number>, count: number): Huffman {
  const counts = new Uint16Array(MAX_BITS + 1);
  for (let i = 0; i < count; i++) counts[lengths[i]!]!++;
  // An over-subscribed set of lengths cannot be a prefix code.
  let left = 1;
  for (let len = 1; len <= MAX_BITS; len++) {
    left = left * 2 - counts[len]!;
    if (left < 0) fail('over-subscribed Huffman code');
  }
  const offsets = new Uint16Array(MAX_BITS + 2);
  for (let len = 1; len <= MAX_BITS; len++) offsets[len + 1] = offsets[len]! + counts[len]!;
  const symbols = new Uint16Array(count);
  for (let s = 0; s < count; s++) {
    const len = lengths[s]!;
    if (len !== 0) symbols[offsets[len]!++] = s;
  }
  counts[0] = 0;
  return { counts, symbols };
}

class BitReader {
  private pos: number;
  private bitBuf = 0;
  private bitCount = 0;

  constructor(
    private readonly data: Uint8Array,
    start: number,
  ) {
    this.pos = start;
  }

  bits(n: number): number {
    while (this.bitCount < n) {
      if (this.pos >= this.data.length) fail('the stream ends early');
      this.bitBuf |= this.data[this.pos++]! << this.bitCount;
      this.bitCount += 8;
    }
    const v = this.bitBuf & ((1 << n) - 1);
    this.bitBuf >>>= n;
    this.bitCount -= n;
    return v;
  }

  /** Decodes one symbol: reads bits one at a time, comparing with the first code of each length. */
  decode(h: Huffman): number {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len <= MAX_BITS; len++) {
      code |= this.bits(1);
      const count = h.counts[len]!;
      if (code - first < count) return h.symbols[index + code - first]!;
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    return fail('invalid Huffman code');
  }

  /** Drops the bits left in the current byte and returns the byte position. */
  alignToByte(): number {
    this.bitBuf = 0;
    this.bitCount = 0;
    return this.pos;
  }

  skipBytes(n: number): void {
    this.pos += n;
  }

  get position(): number {
    return this.pos;
  }
}

function fixedTables(): { lit: Huffman; dist: Huffman } {
  const lengths = new Uint8Array(288);
  lengths.fill(8, 0, 144);
  lengths.fill(9, 144, 256);
  lengths.fill(7, 256, 280);
  lengths.fill(8, 280, 288);
  return { lit: buildHuffman(lengths, 288), dist: buildHuffman(new Uint8Array(30).fill(5), 30) };
}

// The fixed codes of block type 1 (RFC 1951 section 3.2.6); built once, never changed.
const FIXED = fixedTables();

function dynamic(br: BitReader): { lit: Huffman; dist: Huffman } {
  const nlen = br.bits(5) + 257;
  const ndist = br.bits(5) + 1;
  const ncode = br.bits(4) + 4;
  if (nlen > 286 || ndist > 30) fail('too many length or distance codes');
  const clens = new Uint8Array(19);
  for (let i = 0; i < ncode; i++) clens[CLEN_ORDER[i]!] = br.bits(3);
  const clen = buildHuffman(clens, 19);
  const lengths = new Uint8Array(nlen + ndist);
  let i = 0;
  while (i < nlen + ndist) {
    const sym = br.decode(clen);
    if (sym < 16) {
      lengths[i++] = sym;
      continue;
    }
    let repeat: number;
    let value = 0;
    if (sym === 16) {
      if (i === 0) fail('a repeat with no previous length');
      value = lengths[i - 1]!;
      repeat = 3 + br.bits(2);
    } else if (sym === 17) repeat = 3 + br.bits(3);
    else repeat = 11 + br.bits(7);
    if (i + repeat > nlen + ndist) fail('code lengths overrun');
    lengths.fill(value, i, i + repeat);
    i += repeat;
  }
  if (lengths[256] === 0) fail('no end-of-block code');
  return {
    lit: buildHuffman(lengths.subarray(0, nlen), nlen),
    dist: buildHuffman(lengths.subarray(nlen), ndist),
  };
}

/**
 * Decompresses a zlib stream whose decompressed size is known.
 *
 * @throws {@link ElfError} `UNSUPPORTED` (with "corrupt" in the message) for malformed streams,
 *   a wrong size or a bad checksum.
 */
export function inflateZlib(data: Uint8Array, size: number): Uint8Array {
  if (data.length < 6) fail('the zlib stream is shorter than its header and checksum');
  const cmf = data[0]!;
  const flg = data[1]!;
  if ((cmf & 0x0f) !== 8 || cmf >> 4 > 7 || ((cmf << 8) | flg) % 31 !== 0 || flg & 0x20) {
    fail('not a zlib stream (bad header)');
  }
  const out = new Uint8Array(size);
  let n = 0;
  const br = new BitReader(data, 2);
  let last = 0;
  while (!last) {
    last = br.bits(1);
    const type = br.bits(2);
    if (type === 0) {
      const at = br.alignToByte();
      if (at + 4 > data.length) fail('the stream ends early');
      const len = data[at]! | (data[at + 1]! << 8);
      const nlen = data[at + 2]! | (data[at + 3]! << 8);
      if ((len ^ 0xffff) !== nlen) fail('a stored block length does not match its complement');
      if (at + 4 + len > data.length) fail('the stream ends early');
      if (n + len > size) fail('more data than the header announced');
      out.set(data.subarray(at + 4, at + 4 + len), n);
      n += len;
      br.skipBytes(4 + len);
      continue;
    }
    if (type === 3) fail('invalid block type');
    const { lit, dist } = type === 1 ? FIXED : dynamic(br);
    for (;;) {
      const sym = br.decode(lit);
      if (sym < 256) {
        if (n >= size) fail('more data than the header announced');
        out[n++] = sym;
      } else if (sym === 256) {
        break;
      } else {
        const li = sym - 257;
        if (li >= 29) fail('invalid length code');
        const length = LENGTH_BASE[li]! + br.bits(LENGTH_EXTRA[li]!);
        const di = br.decode(dist);
        if (di >= 30) fail('invalid distance code');
        const distance = DIST_BASE[di]! + br.bits(DIST_EXTRA[di]!);
        if (distance > n) fail('a back-reference before the start');
        if (n + length > size) fail('more data than the header announced');
        for (let k = 0; k < length; k++, n++) out[n] = out[n - distance]!;
      }
    }
  }
  if (n !== size) fail(`${n} bytes decompressed, the header announced ${size}`);
  const at = br.alignToByte();
  if (at + 4 > data.length) fail('the Adler-32 checksum is missing');
  let a = 1;
  let b = 0;
  for (let i = 0; i < out.length; i++) {
    a = (a + out[i]!) % 65521;
    b = (b + a) % 65521;
  }
  const expected =
    ((data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!) >>> 0;
  if (((b << 16) | a) >>> 0 !== expected) fail('the Adler-32 checksum does not match');
  return out;
}
