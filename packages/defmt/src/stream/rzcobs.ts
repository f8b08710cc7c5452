// rzCOBS ("reverse zero-compressing COBS"), the frame encoding of defmt's `encoding-rzcobs`.
// Owns the exact byte algorithm both ways; relies on nothing. A frame is encoded forwards and
// decoded backwards (from its last byte), so the encoder needs one byte of state and the decoder
// never needs a length prefix. Decoding yields up to six phantom zero bytes at the end (a
// run-length group always describes seven bytes); defmt ignores them because a frame's length is
// implied by its format strings.
//
// Code bytes, read from the end of the frame:
//   0x01..0x7f  seven bytes: for each bit from bit 6 down to bit 0, 1 = a zero byte, 0 = one
//               literal byte taken from the stream
//   0x80..0xfe  a zero byte, then (code & 0x7f) + 7 literal bytes
//   0xff        134 literal bytes, no zero
//   0x00        never inside a frame (it separates frames)

import { DefmtError } from '../errors';

/**
 * Decodes one rzCOBS frame (without its `0x00` separator).
 *
 * @returns the decoded bytes, including the trailing phantom zeros the format implies, or
 * `undefined` when the frame is malformed (a zero byte inside, or a code that needs more bytes
 * than the frame has).
 */
export function rzcobsDecode(frame: Uint8Array): Uint8Array | undefined {
  // Worst case: every code byte stands for seven output bytes (a frame of only 0x7f codes).
  const out = new Uint8Array(frame.length * 7);
  const n = rzcobsDecodeInto(frame, 0, frame.length, out);
  return n < 0 ? undefined : out.subarray(0, n);
}

/** Literal (non-zero) bytes a run-length code 0x00..0x7f takes from the stream: 7 - popcount. */
const LITERALS = Uint8Array.from({ length: 128 }, (_, x) => {
  let n = 7;
  for (let b = x; b !== 0; b &= b - 1) n--;
  return n;
});

/**
 * Decodes `src[start..end)` into `out` (which must hold `(end - start) * 7` bytes) and returns
 * the decoded length, or -1 when the frame is malformed. Allocation-free: the stream decoder's
 * hot path.
 */
export function rzcobsDecodeInto(
  src: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
): number {
  // Decode backwards into the end of `out`, then move the result to the front: this keeps the
  // output in forward order without a reverse pass.
  const w = rzcobsDecodeTail(src, start, end, out);
  if (w < 0) return -1;
  const length = out.length - w;
  out.copyWithin(0, w);
  return length;
}

/**
 * Decodes `src[start..end)` into the END of `out` (which must hold `(end - start) * 7` bytes):
 * the decoded bytes are `out[result..out.length)`, or the result is -1 when the frame is
 * malformed. Internal (not exported from the package): the stream decoder reads the frame in
 * place, which saves {@link rzcobsDecodeInto}'s final move per frame.
 */
export function rzcobsDecodeTail(
  src: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
): number {
  let w = out.length;
  let r = end;
  while (r > start) {
    const x = src[--r]!;
    if (x === 0) return -1;
    if (x < 0x80) {
      // One bounds check for the whole group instead of one per literal: the group needs exactly
      // LITERALS[x] (= 7 - popcount) bytes, and failing here returns -1 just as running out
      // half-way would (the partial output is never used).
      if (r - start < LITERALS[x]!) return -1;
      // Unrolled bits 6..0, in the order the group is read backwards.
      out[--w] = x & 0x40 ? 0 : src[--r]!;
      out[--w] = x & 0x20 ? 0 : src[--r]!;
      out[--w] = x & 0x10 ? 0 : src[--r]!;
      out[--w] = x & 0x08 ? 0 : src[--r]!;
      out[--w] = x & 0x04 ? 0 : src[--r]!;
      out[--w] = x & 0x02 ? 0 : src[--r]!;
      out[--w] = x & 0x01 ? 0 : src[--r]!;
    } else if (x < 0xff) {
      const n = (x & 0x7f) + 7;
      out[--w] = 0;
      if (r - start < n) return -1;
      for (let i = 0; i < n; i++) out[--w] = src[--r]!;
    } else {
      if (r - start < 134) return -1;
      for (let i = 0; i < 134; i++) out[--w] = src[--r]!;
    }
  }
  return w;
}

/**
 * Encodes one message as an rzCOBS frame, without the `0x00` separator (append it yourself, as
 * defmt's global loggers do).
 */
export function rzcobsEncode(message: Uint8Array): Uint8Array {
  const encoder = new RzcobsEncoder();
  for (const byte of message) encoder.write(byte);
  encoder.end();
  return encoder.take();
}

/**
 * A streaming rzCOBS encoder: feed message bytes with {@link RzcobsEncoder.write}, finish a
 * message with {@link RzcobsEncoder.end}, collect the output with {@link RzcobsEncoder.take}.
 * Its state between bytes is two small counters, like the reference encoder.
 */
export class RzcobsEncoder {
  private run = 0;
  private zeros = 0;
  private buf = new Uint8Array(64);
  private len = 0;

  /** Appends one raw (already encoded) byte to the output, for example a `0x00` separator. */
  writeRaw(byte: number): void {
    if (this.len === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.len++] = byte & 0xff;
  }

  /** Encodes one message byte. */
  write(byte: number): void {
    if (this.run < 7) {
      if (byte === 0) this.zeros |= 1 << this.run;
      else this.writeRaw(byte);
      this.run++;
      if (this.run === 7 && this.zeros !== 0) {
        this.writeRaw(this.zeros);
        this.run = 0;
        this.zeros = 0;
      }
    } else if (byte === 0) {
      this.writeRaw((this.run - 7) | 0x80);
      this.run = 0;
      this.zeros = 0;
    } else {
      this.writeRaw(byte);
      this.run++;
      if (this.run === 134) {
        this.writeRaw(0xff);
        this.run = 0;
        this.zeros = 0;
      }
    }
  }

  /** Finishes the current message (does not write the `0x00` separator). */
  end(): void {
    if (this.run >= 1 && this.run <= 6) {
      this.writeRaw((this.zeros | (0xff << this.run)) & 0x7f);
    } else if (this.run >= 7) {
      this.writeRaw((this.run - 7) | 0x80);
    }
    this.run = 0;
    this.zeros = 0;
  }

  /** Returns everything written so far and empties the output buffer. */
  take(): Uint8Array {
    const out = this.buf.slice(0, this.len);
    this.len = 0;
    return out;
  }
}

/** Throws unless `bytes` is a well-formed rzCOBS frame; returns the decoded bytes. */
export function rzcobsDecodeOrThrow(frame: Uint8Array): Uint8Array {
  const out = rzcobsDecode(frame);
  if (out === undefined) throw new DefmtError('malformed-frame', 'malformed rzCOBS frame');
  return out;
}
