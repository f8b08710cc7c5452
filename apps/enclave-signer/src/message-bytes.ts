// Byte strings in message registers: a length word, then the bytes packed four to a word,
// little-endian. Both services (signer, storage) move keys, messages, signatures and sealed blobs
// this way; the enclave never lends its memory (the kernel refuses leases of enclave memory).

import { MSG_MAX_LENGTH } from '@k5/abi';
import type { Sys } from '@k5/userspace';

/** The most bytes one message can carry from MR `first` on. */
export function maxBytesFrom(first: number): number {
  return (MSG_MAX_LENGTH - first - 1) * 4;
}

/** Writes `bytes` from MR `first`; returns the message length (one past the last MR used). */
export function putBytes(sys: Sys, first: number, bytes: Uint8Array): number {
  if (bytes.length > maxBytesFrom(first))
    throw new RangeError(`${bytes.length} bytes do not fit in a message from MR ${first}`);
  sys.setMR(first, bytes.length);
  const words = Math.ceil(bytes.length / 4);
  for (let w = 0; w < words; w++) {
    let word = 0;
    for (let j = 0; j < 4; j++) word |= (bytes[w * 4 + j] ?? 0) << (j * 8);
    sys.setMR(first + 1 + w, word >>> 0);
  }
  return first + 1 + words;
}

/**
 * Reads a byte string written by {@link putBytes} from MR `first` of a message of `length` MRs.
 * @throws RangeError when the announced length does not fit in the message.
 */
export function getBytes(sys: Sys, first: number, length: number): Uint8Array {
  const count = sys.getMR(first);
  if (length < first + 1 || count > (length - first - 1) * 4)
    throw new RangeError(`a byte string of ${count} bytes does not fit in ${length} MRs`);
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++)
    out[i] = (sys.getMR(first + 1 + (i >>> 2)) >>> ((i & 3) * 8)) & 0xff;
  return out;
}
