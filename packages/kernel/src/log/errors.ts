// The typed error of the kernel log channel: a host reading a channel stream learns what was
// wrong with the framing (and where), instead of getting garbage frames. Relies on nothing.

/** Codes of {@link LogChannelError}. @public */
export type LogChannelErrorCode =
  | 'empty-frame'
  | 'frame-too-long'
  | 'unknown-task'
  | 'truncated'
  | 'bad-task-id'
  | 'bad-config';

/** A log channel stream or configuration the channel cannot accept. @public */
export class LogChannelError extends Error {
  /** Stable machine-readable reason. */
  readonly code: LogChannelErrorCode;
  /** Byte offset in the stream of the frame header at fault (-1 when not about a stream). */
  readonly offset: number;

  constructor(code: LogChannelErrorCode, message: string, offset = -1) {
    super(offset >= 0 ? `${message} (frame at byte ${offset})` : message);
    this.name = 'LogChannelError';
    this.code = code;
    this.offset = offset;
  }
}
