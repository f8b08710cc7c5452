// The kernel log channel: framing, the kernel-side up buffer, the host-side demuxer.
export { LogChannelError } from './errors';
export type { LogChannelErrorCode } from './errors';
export {
  encodeLogFrame,
  LOG_FRAME_HEADER_BYTES,
  LOG_MAX_PAYLOAD,
  LOG_MAX_TASK_ID,
} from './frame';
export type { LogRecordFrame } from './frame';
export { LogChannel } from './log-channel';
export type { LogChannelOptions } from './log-channel';
export { LogDemuxer } from './log-demux';
export type { LogDemuxerOptions } from './log-demux';
