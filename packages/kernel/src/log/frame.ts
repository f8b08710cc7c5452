// The kernel log channel's framing, shared by the kernel-side writer and the host-side demuxer.
// Each Log syscall becomes one frame: a 4-byte header, then the task's bytes unchanged.
//
//   offset 0  u16 little-endian  payload length in bytes (1..LOG_MAX_PAYLOAD)
//   offset 2  u16 little-endian  task id (the task's index in the app manifest)
//   offset 4  payload            the task's defmt bytes (one or more encoded frames)
//
// Little-endian because every K5 target is; 16-bit fields because an MCU up buffer is a few KiB
// and a system has far fewer than 65,536 tasks. A zero length is rejected so that a run of zero
// bytes (an erased or never-written buffer) is never read as frames. Relies on errors.ts.

import { LogChannelError } from './errors';

/** Bytes of a frame header (length and task id). @public */
export const LOG_FRAME_HEADER_BYTES = 4;
/** The largest payload a frame can carry (the u16 length field's maximum). @public */
export const LOG_MAX_PAYLOAD = 0xffff;
/** The largest task id a frame can carry. @public */
export const LOG_MAX_TASK_ID = 0xffff;

/** One frame of the log channel: which task wrote what. @public */
export interface LogRecordFrame {
  /** The task's index in the app manifest. */
  readonly taskId: number;
  /** The bytes the task passed to the Log syscall. */
  readonly payload: Uint8Array;
}

/**
 * Encodes one frame.
 * @throws {@link LogChannelError} `empty-frame`, `frame-too-long` or `bad-task-id`.
 * @public
 */
export function encodeLogFrame(taskId: number, payload: Uint8Array): Uint8Array {
  if (!Number.isInteger(taskId) || taskId < 0 || taskId > LOG_MAX_TASK_ID) {
    throw new LogChannelError('bad-task-id', `task id ${taskId} must be 0..${LOG_MAX_TASK_ID}`);
  }
  if (payload.length === 0) {
    throw new LogChannelError('empty-frame', 'a log frame needs at least one payload byte');
  }
  if (payload.length > LOG_MAX_PAYLOAD) {
    throw new LogChannelError(
      'frame-too-long',
      `a log frame carries at most ${LOG_MAX_PAYLOAD} bytes, got ${payload.length}`,
    );
  }
  const out = new Uint8Array(LOG_FRAME_HEADER_BYTES + payload.length);
  out[0] = payload.length & 0xff;
  out[1] = payload.length >>> 8;
  out[2] = taskId & 0xff;
  out[3] = taskId >>> 8;
  out.set(payload, LOG_FRAME_HEADER_BYTES);
  return out;
}
