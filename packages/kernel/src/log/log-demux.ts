// The host side of the log channel: reassembles frames from chunks of any size (a probe read
// can split a header or a payload anywhere) and hands out one record per frame, so each task's
// bytes can be decoded with that task's own defmt table. Framing errors are typed and final: a
// stream whose framing is wrong cannot be resynchronised without a sync word, so the demuxer
// stops rather than guessing. Relies on frame.ts.

import { LogChannelError } from './errors';
import { LOG_FRAME_HEADER_BYTES, LOG_MAX_PAYLOAD, type LogRecordFrame } from './frame';

/** Options of {@link LogDemuxer}. @public */
export interface LogDemuxerOptions {
  /** Tasks in the app: a frame with a task id ≥ this is rejected (default: any id). */
  readonly taskCount?: number;
  /** Largest payload accepted (default {@link LOG_MAX_PAYLOAD}). */
  readonly maxPayload?: number;
}

/** Splits a log channel byte stream into per-task frames. @public */
export class LogDemuxer {
  private readonly taskCount: number;
  private readonly maxPayload: number;
  private buf = new Uint8Array(256);
  private start = 0;
  private end = 0;
  /** Stream offset of buf[start]. */
  private offset = 0;
  private failure: LogChannelError | null = null;

  constructor(options: LogDemuxerOptions = {}) {
    this.taskCount = options.taskCount ?? Number.POSITIVE_INFINITY;
    this.maxPayload = Math.min(options.maxPayload ?? LOG_MAX_PAYLOAD, LOG_MAX_PAYLOAD);
  }

  /** Bytes received but not yet part of a whole frame. */
  get buffered(): number {
    return this.end - this.start;
  }

  /**
   * Adds bytes and returns every frame they complete, in order.
   * @throws {@link LogChannelError} `empty-frame`, `frame-too-long` or `unknown-task` at the first
   * bad header; every later call throws the same error.
   */
  push(chunk: Uint8Array): LogRecordFrame[] {
    if (this.failure) throw this.failure;
    this.append(chunk);
    const out: LogRecordFrame[] = [];
    while (this.end - this.start >= LOG_FRAME_HEADER_BYTES) {
      const b = this.buf;
      const s = this.start;
      const length = b[s]! | (b[s + 1]! << 8);
      const taskId = b[s + 2]! | (b[s + 3]! << 8);
      this.validate(length, taskId);
      if (this.end - s < LOG_FRAME_HEADER_BYTES + length) break;
      out.push({
        taskId,
        payload: b.slice(s + LOG_FRAME_HEADER_BYTES, s + LOG_FRAME_HEADER_BYTES + length),
      });
      this.start += LOG_FRAME_HEADER_BYTES + length;
      this.offset += LOG_FRAME_HEADER_BYTES + length;
    }
    return out;
  }

  /**
   * Declares the end of the stream.
   * @throws {@link LogChannelError} `truncated` when it ends inside a frame.
   */
  finish(): void {
    if (this.failure) throw this.failure;
    if (this.end > this.start) {
      this.failure = new LogChannelError(
        'truncated',
        `the stream ends ${this.end - this.start} bytes into an unfinished frame`,
        this.offset,
      );
      throw this.failure;
    }
  }

  private validate(length: number, taskId: number): void {
    let e: LogChannelError | null = null;
    if (length === 0)
      e = new LogChannelError('empty-frame', 'a frame declares 0 payload bytes', this.offset);
    else if (length > this.maxPayload)
      e = new LogChannelError(
        'frame-too-long',
        `a frame declares ${length} payload bytes, more than the ${this.maxPayload} allowed`,
        this.offset,
      );
    else if (taskId >= this.taskCount)
      e = new LogChannelError(
        'unknown-task',
        `a frame names task ${taskId} but the app has ${this.taskCount} tasks`,
        this.offset,
      );
    if (e) {
      this.failure = e;
      throw e;
    }
  }

  private append(chunk: Uint8Array): void {
    const live = this.end - this.start;
    if (this.end + chunk.length > this.buf.length) {
      // Compact first (set() copies overlapping ranges correctly); grow only when needed.
      const size = Math.max(this.buf.length, live + chunk.length);
      const next = size > this.buf.length ? new Uint8Array(size * 2) : this.buf;
      next.set(this.buf.subarray(this.start, this.end), 0);
      this.buf = next;
      this.start = 0;
      this.end = live;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }
}
