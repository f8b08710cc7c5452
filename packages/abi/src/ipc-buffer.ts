// The IPC buffer: the per-thread block of task memory that holds message registers beyond the
// fast ones, capability addresses to send, the receive slot and (K5) lease descriptors.
// Word offsets are little-endian 32-bit words. Relies on message-info.ts for sizes.

import { MSG_MAX_EXTRA_CAPS, MSG_MAX_LENGTH } from './message-info';

/** Most leases one Call carries (K5, Hubris-style). @public */
export const MAX_LEASES = 4;

/** Lease attribute bits. @public */
export const LeaseAttribute = {
  Read: 1,
  Write: 2,
} as const;

/**
 * Word offsets inside the IPC buffer (seL4's order, then K5's lease table). MR i lives at word
 * `Msg + i`; MR0..MR3 normally travel in registers and their buffer words are unused.
 * @public
 */
export const IpcBufferWord = {
  Tag: 0,
  Msg: 1,
  UserData: 1 + MSG_MAX_LENGTH,
  CapsOrBadges: 2 + MSG_MAX_LENGTH,
  ReceiveCNode: 2 + MSG_MAX_LENGTH + MSG_MAX_EXTRA_CAPS,
  ReceiveIndex: 3 + MSG_MAX_LENGTH + MSG_MAX_EXTRA_CAPS,
  ReceiveDepth: 4 + MSG_MAX_LENGTH + MSG_MAX_EXTRA_CAPS,
  LeaseCount: 5 + MSG_MAX_LENGTH + MSG_MAX_EXTRA_CAPS,
  /** Each lease is three words: address, length, attributes. */
  Leases: 6 + MSG_MAX_LENGTH + MSG_MAX_EXTRA_CAPS,
} as const;

/** Words in the IPC buffer. @public */
export const IPC_BUFFER_WORDS = IpcBufferWord.Leases + 3 * MAX_LEASES;
/** Bytes in the IPC buffer. @public */
export const IPC_BUFFER_BYTES = IPC_BUFFER_WORDS * 4;
/** Required alignment of the IPC buffer, in bytes. @public */
export const IPC_BUFFER_ALIGN = 8;
