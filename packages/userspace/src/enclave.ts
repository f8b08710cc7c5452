// Typed wrappers for the K5 enclave methods: Load, AddThread, Measurement and DeriveKey, with
// the measurement and key words turned back into bytes. Relies on invoke.ts and @k5/abi.

import { InvocationLabel, type KernelError, MAX_ENCLAVE_KEY_LABEL } from '@k5/abi';
import { invoke } from './invoke';
import type { Sys } from './sys';

/** The layout Enclave_Load declares (offsets are from the enclave's base). @public */
export interface EnclaveLayout {
  /** Bytes of image copied from the start of the image region. */
  readonly imageLength: number;
  /** Bytes of stack the enclave's threads use (measured; image + stack must fit). */
  readonly stackSize: number;
  /** Entry offsets, entry 0 first (1 to MAX_ENCLAVE_ENTRIES). */
  readonly entryOffsets: readonly number[];
}

/** Enclave_Load: copy the image in, declare the entries, measure. @public */
export const enclaveLoad = (
  sys: Sys,
  enclave: number,
  imageRegion: number,
  layout: EnclaveLayout,
) =>
  invoke(
    sys,
    enclave,
    InvocationLabel.EnclaveLoad,
    [layout.imageLength, layout.stackSize, layout.entryOffsets.length, ...layout.entryOffsets],
    [imageRegion],
  );

/** Where a thread starts inside its enclave (offsets from the enclave's base). @public */
export interface EnclaveThreadStart {
  readonly entryIndex: number;
  readonly stackOffset: number;
  readonly ipcBufferOffset: number;
}

/** Enclave_AddThread: make an inactive thread one of the enclave's. @public */
export const enclaveAddThread = (
  sys: Sys,
  enclave: number,
  tcb: number,
  start: EnclaveThreadStart,
) =>
  invoke(
    sys,
    enclave,
    InvocationLabel.EnclaveAddThread,
    [start.entryIndex, start.stackOffset, start.ipcBufferOffset],
    [tcb],
  );

/** Words 0..n-1 of the last reply as big-endian bytes. */
function replyBytes(sys: Sys, words: number, from = 0): Uint8Array {
  const out = new Uint8Array(words * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < words; i++) view.setUint32(i * 4, sys.getMR(from + i) >>> 0);
  return out;
}

/** The result of an enclave query: the kernel error and, on success, the bytes. @public */
export interface EnclaveBytesResult {
  readonly error: KernelError;
  readonly bytes: Uint8Array | null;
}

/** Enclave_Measurement: the 32-byte measurement taken at load. @public */
export function* enclaveMeasurement(
  sys: Sys,
  enclave: number,
): Generator<number, EnclaveBytesResult, void> {
  const error = yield* invoke(sys, enclave, InvocationLabel.EnclaveMeasurement, []);
  return { error: error as KernelError, bytes: error === 0 ? replyBytes(sys, 8) : null };
}

/**
 * Enclave_DeriveKey, from a thread of the enclave: 48 bytes of sealing key material for `label`
 * (32 key bytes, then the 16-byte key id), as `importSealingKey` of `@k5/kernel` takes them.
 * @throws RangeError for a label longer than MAX_ENCLAVE_KEY_LABEL UTF-8 bytes.
 * @public
 */
export function* enclaveDeriveKey(
  sys: Sys,
  enclave: number,
  label: string,
): Generator<number, EnclaveBytesResult, void> {
  const bytes = new TextEncoder().encode(label);
  if (bytes.length > MAX_ENCLAVE_KEY_LABEL)
    throw new RangeError(`key labels are at most ${MAX_ENCLAVE_KEY_LABEL} bytes`);
  const words = [bytes.length];
  for (let i = 0; i < bytes.length; i += 4) {
    let w = 0;
    for (let j = 0; j < 4 && i + j < bytes.length; j++) w |= bytes[i + j]! << (j * 8);
    words.push(w >>> 0);
  }
  const error = yield* invoke(sys, enclave, InvocationLabel.EnclaveDeriveKey, words);
  return { error: error as KernelError, bytes: error === 0 ? replyBytes(sys, 12) : null };
}
