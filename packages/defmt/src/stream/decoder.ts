// The streaming decoder: bytes arrive in chunks of any size (RTT reads, serial, TCP, a file), frames
// come out. rzCOBS streams split at `0x00`, skip and count malformed frames and carry on, as
// defmt-decoder's `Rzcobs` stream does; raw streams decode frame after frame and report a desync
// when a frame cannot be decoded (raw data has no frame boundaries, so it cannot recover). Memory
// stays bounded: one buffer that is compacted in place and a limit on the size of one frame.
// Frames come out with their arguments (`next`) or as text (`nextText`, the printers' path).
// Relies on `rzcobs.ts`, the frame decoder and the text decoder.

import { FrameDecoder } from '../frame/decoder';
import type { Frame } from '../frame/types';
import { FrameDisplay } from '../print/display';
import { type TextFrame, TextFrameDecoder } from '../print/text-decoder';
import type { DefmtTable } from '../table/types';
import { rzcobsDecodeTail } from './rzcobs';

/** What {@link StreamDecoder.next} yields. */
export type StreamEvent = { readonly kind: 'frame'; readonly frame: Frame } | StreamProblem;

/** What {@link StreamDecoder.nextText} yields. */
export type TextStreamEvent = { readonly kind: 'frame'; readonly frame: TextFrame } | StreamProblem;

/** A stream event other than a frame. */
export type StreamProblem =
  /** rzCOBS: one frame was malformed and skipped (counted in `malformedFrames`). */
  | { readonly kind: 'malformed'; readonly reason: string }
  /**
   * Raw: the data stopped making sense. Everything buffered was dropped; later frames decode only
   * if the stream happens to restart at a frame boundary (defmt-print gives up here).
   */
  | { readonly kind: 'desync'; readonly reason: string };

/** Options of {@link StreamDecoder}. */
export interface StreamDecoderOptions {
  /** Overrides the table's encoding. */
  readonly encoding?: 'raw' | 'rzcobs';
  /**
   * Largest frame kept in memory, in encoded bytes (default 1 MiB). A longer rzCOBS frame is
   * skipped as malformed; a raw frame that claims more is reported as a desync.
   */
  readonly maxFrameBytes?: number;
}

/** Decodes one frame from the front of `bytes[start..end)`: a frame decoder's `tryDecode`. */
interface FrameSource<F> {
  tryDecode(
    bytes: Uint8Array,
    start: number,
    end: number,
  ):
    | { readonly ok: true; readonly frame: F; readonly consumed: number }
    | { readonly ok: false; readonly error: 'unexpected-eof' | 'malformed-frame'; reason: string };
}

/** Decodes a defmt stream fed in chunks. */
export class StreamDecoder {
  /** The frame decoder (and its format cache) this stream uses. */
  readonly frames: FrameDecoder;
  /** The stream encoding in use. */
  readonly encoding: 'raw' | 'rzcobs';
  private readonly maxFrameBytes: number;
  private buf = new Uint8Array(4096);
  private start = 0;
  private end = 0;
  /** Where the search for the next `0x00` resumes (rzCOBS). */
  private scan = 0;
  /** rzCOBS: dropping bytes of an over-long frame until the next separator. */
  private discarding = false;
  private scratch = new Uint8Array(4096 * 7);
  private malformed = 0;
  private readonly table: DefmtTable;
  private text: TextFrameDecoder | undefined;

  constructor(table: DefmtTable, options: StreamDecoderOptions = {}) {
    this.table = table;
    this.frames = new FrameDecoder(table);
    this.encoding = options.encoding ?? table.encoding;
    this.maxFrameBytes = options.maxFrameBytes ?? 1 << 20;
  }

  /** Frames skipped as malformed so far (rzCOBS), or desyncs reported (raw). */
  get malformedFrames(): number {
    return this.malformed;
  }

  /** Bytes currently buffered (waiting for the rest of a frame). */
  get buffered(): number {
    return this.end - this.start;
  }

  /** Adds received bytes. Call {@link StreamDecoder.next} until it returns `undefined` afterwards. */
  push(chunk: Uint8Array): void {
    let data = chunk;
    if (this.encoding === 'rzcobs' && this.start === this.end) {
      // Leading separators carry nothing; don't store them.
      let i = 0;
      while (i < data.length && data[i] === 0) i++;
      // A separator also ends a frame that is being discarded for its length.
      if (i > 0) this.discarding = false;
      if (i === data.length) return;
      data = data.subarray(i);
      this.start = this.end = this.scan = 0;
    }
    this.reserve(data.length);
    this.buf.set(data, this.end);
    this.end += data.length;
  }

  private reserve(n: number): void {
    if (this.end + n <= this.buf.length) return;
    const live = this.end - this.start;
    if (live + n <= this.buf.length && this.start > 0) {
      this.buf.copyWithin(0, this.start, this.end);
    } else {
      const bigger = new Uint8Array(Math.max(this.buf.length * 2, live + n));
      bigger.set(this.buf.subarray(this.start, this.end));
      this.buf = bigger;
    }
    this.scan -= this.start;
    this.end = live;
    this.start = 0;
  }

  /** The next decoded event, or `undefined` when more bytes are needed. */
  next(): StreamEvent | undefined {
    const frames = this.frames;
    return this.encoding === 'rzcobs' ? this.nextRzcobs(frames) : this.nextRaw(frames);
  }

  /**
   * Like {@link StreamDecoder.next}, but each frame comes out as its text (level, timestamp and
   * message, exactly as `FrameDisplay` shows them), decoded without building its arguments: the
   * fast path of printers. Both methods can be mixed; each event is yielded once.
   */
  nextText(): TextStreamEvent | undefined {
    this.text ??= new TextFrameDecoder(
      this.table,
      this.frames,
      new FrameDisplay(this.table, this.frames.formats),
    );
    return this.encoding === 'rzcobs' ? this.nextRzcobs(this.text) : this.nextRaw(this.text);
  }

  /** Pushes `chunk` and returns every event it completes. */
  decode(chunk: Uint8Array): StreamEvent[] {
    this.push(chunk);
    const out: StreamEvent[] = [];
    for (let e = this.next(); e !== undefined; e = this.next()) out.push(e);
    return out;
  }

  private nextRzcobs<F>(
    source: FrameSource<F>,
  ): { readonly kind: 'frame'; readonly frame: F } | StreamProblem | undefined {
    const buf = this.buf;
    for (;;) {
      // A plain loop rather than `indexOf`: frames are mostly a few dozen bytes, where the call
      // into the native search costs more than the scan. It stops at `end`, so stale bytes past
      // it are never taken for a separator (the same frames as before).
      const end = this.end;
      let frameEnd = this.scan;
      while (frameEnd < end && buf[frameEnd] !== 0) frameEnd++;
      if (frameEnd >= end) {
        this.scan = this.end;
        if (this.end - this.start > this.maxFrameBytes) {
          // Keep memory flat: drop the frame so far and everything up to the next separator.
          const wasDiscarding = this.discarding;
          this.discarding = true;
          this.start = this.end = this.scan = 0;
          if (!wasDiscarding) return this.skip(`frame longer than ${this.maxFrameBytes} bytes`);
        }
        if (this.start === this.end) this.start = this.end = this.scan = 0;
        return undefined;
      }
      const frameStart = this.start;
      // Pop the frame and every separator after it.
      let next = frameEnd + 1;
      while (next < this.end && buf[next] === 0) next++;
      this.start = this.scan = next;
      if (this.start === this.end) this.start = this.end = this.scan = 0;
      if (this.discarding) {
        this.discarding = false;
        continue;
      }
      if (frameEnd === frameStart) continue;
      const len = frameEnd - frameStart;
      if (this.scratch.length < len * 7) this.scratch = new Uint8Array(len * 7);
      // Decoded in place at the end of the scratch buffer (no move to the front): the frame
      // decoder reads `scratch[w..length)` exactly as it would read the moved copy.
      const w = rzcobsDecodeTail(buf, frameStart, frameEnd, this.scratch);
      if (w < 0) return this.skip('malformed rzCOBS data');
      const r = source.tryDecode(this.scratch, w, this.scratch.length);
      if (r.ok) return { kind: 'frame', frame: r.frame };
      return this.skip(r.error === 'unexpected-eof' ? 'frame ended early' : r.reason);
    }
  }

  private skip(reason: string): StreamProblem {
    this.malformed++;
    return { kind: 'malformed', reason };
  }

  private nextRaw<F>(
    source: FrameSource<F>,
  ): { readonly kind: 'frame'; readonly frame: F } | StreamProblem | undefined {
    if (this.start === this.end) return undefined;
    const r = source.tryDecode(this.buf, this.start, this.end);
    if (r.ok) {
      this.start += r.consumed;
      if (this.start === this.end) this.start = this.end = 0;
      return { kind: 'frame', frame: r.frame };
    }
    if (r.error === 'unexpected-eof' && this.end - this.start <= this.maxFrameBytes)
      return undefined;
    this.malformed++;
    this.start = this.end = 0;
    const reason =
      r.error === 'unexpected-eof' ? `frame longer than ${this.maxFrameBytes} bytes` : r.reason;
    return { kind: 'desync', reason };
  }
}
