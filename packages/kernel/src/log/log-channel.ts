// The kernel side of the log channel: an RTT-like up buffer. The kernel's Log syscall handler
// writes one frame per call; the host (a debug probe on hardware, the simulator here) drains
// bytes whenever it likes, in chunks of any size. As with RTT's "no block, skip" mode, a frame
// that does not fit in the free space is dropped whole and counted, so the buffer never holds a
// partial frame and a slow reader never stalls a task. Relies on frame.ts.

import { LogChannelError } from './errors';
import { encodeLogFrame, LOG_FRAME_HEADER_BYTES } from './frame';

/** Options of {@link LogChannel}. @public */
export interface LogChannelOptions {
  /** Up buffer size in bytes (default 4096, at least 8). */
  readonly capacity?: number;
  /**
   * Called after each frame is written: a host that streams logs reads the channel here, as a
   * debug probe polling the RTT control block would.
   */
  readonly onData?: (channel: LogChannel) => void;
}

/** The kernel's up channel for task logs. @public */
export class LogChannel {
  /** Buffer size in bytes. */
  readonly capacity: number;
  /** Frames dropped because the buffer was full. */
  dropped = 0;
  /** Frames written. */
  written = 0;
  private readonly ring: Uint8Array;
  private readonly onData: ((channel: LogChannel) => void) | undefined;
  private readPos = 0;
  private used = 0;

  /** @throws {@link LogChannelError} `bad-config` when the capacity is not an integer ≥ 8. */
  constructor(options: LogChannelOptions = {}) {
    const capacity = options.capacity ?? 4096;
    if (!Number.isInteger(capacity) || capacity < 2 * LOG_FRAME_HEADER_BYTES) {
      throw new LogChannelError(
        'bad-config',
        `the log channel capacity must be an integer ≥ ${2 * LOG_FRAME_HEADER_BYTES}, got ${capacity}`,
      );
    }
    this.capacity = capacity;
    this.ring = new Uint8Array(capacity);
    this.onData = options.onData;
  }

  /** Bytes waiting for the host. */
  get pending(): number {
    return this.used;
  }

  /**
   * Appends one frame for `taskId`. Returns false (and counts a drop) when it does not fit.
   * An empty payload writes nothing and returns true: a Log of zero bytes says nothing.
   * @throws {@link LogChannelError} for a task id or payload the framing cannot carry.
   */
  write(taskId: number, payload: Uint8Array): boolean {
    if (payload.length === 0) return true;
    const frame = encodeLogFrame(taskId, payload);
    if (frame.length > this.capacity - this.used) {
      this.dropped++;
      return false;
    }
    const at = (this.readPos + this.used) % this.capacity;
    const first = Math.min(frame.length, this.capacity - at);
    this.ring.set(frame.subarray(0, first), at);
    if (first < frame.length) this.ring.set(frame.subarray(first), 0);
    this.used += frame.length;
    this.written++;
    this.onData?.(this);
    return true;
  }

  /** Takes up to `max` waiting bytes (default all) off the buffer, as a host read does. */
  read(max = Number.POSITIVE_INFINITY): Uint8Array {
    const n = Math.min(this.used, Math.max(0, Math.floor(max)));
    const out = new Uint8Array(n);
    const first = Math.min(n, this.capacity - this.readPos);
    out.set(this.ring.subarray(this.readPos, this.readPos + first), 0);
    if (first < n) out.set(this.ring.subarray(0, n - first), first);
    this.readPos = (this.readPos + n) % this.capacity;
    this.used -= n;
    return out;
  }
}
