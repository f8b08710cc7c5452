// Fault message builders: the words of each fault kind, in the order @k5/abi's FAULT_LAYOUTS
// names them. Every place that raises a fault builds its message here, so the layouts live in
// one file. Relies on @k5/abi only.

import { FAULT_LAYOUTS, FaultLabel, MSG_MAX_LENGTH } from '@k5/abi';

/** A fault ready to deliver: its label and message words. @public */
export interface FaultMessage {
  readonly label: FaultLabel;
  readonly words: number[];
}

/** Cap fault: the CPtr that failed, the phase, and the lookup failure's words (kind, detail). */
export function capFaultMessage(
  ip: number,
  cptr: number,
  inReceivePhase: boolean,
  lookupFailure: readonly number[],
): FaultMessage {
  return {
    label: FaultLabel.CapFault,
    words: [ip, cptr, inReceivePhase ? 1 : 0, ...lookupFailure],
  };
}

/** Unknown syscall: ip, sp, the number and the seven argument slots. */
export function unknownSyscallMessage(
  ip: number,
  sp: number,
  syscall: number,
  args: readonly number[],
): FaultMessage {
  const words = [ip, sp, syscall];
  for (let i = 0; i < 7; i++) words.push(args[i] ?? 0);
  return { label: FaultLabel.UnknownSyscall, words };
}

/** User exception: ip, sp, the exception number and a code (a port's own numbering). */
export function userExceptionMessage(
  ip: number,
  sp: number,
  exception: number,
  code: number,
): FaultMessage {
  return { label: FaultLabel.UserException, words: [ip, sp, exception, code] };
}

/** VM fault: ip, the address, whether it was an instruction fetch, and the access status. */
export function vmFaultMessage(
  ip: number,
  address: number,
  isInstructionFetch: boolean,
  status: number,
): FaultMessage {
  return { label: FaultLabel.VmFault, words: [ip, address, isInstructionFetch ? 1 : 0, status] };
}

/**
 * Timeout fault (MCS): the scheduling context's badge and the time it consumed, split into
 * 32-bit halves because ticks may exceed a word.
 */
export function timeoutFaultMessage(badge: number, consumed: number): FaultMessage {
  const low = consumed % 2 ** 32;
  const high = Math.floor(consumed / 2 ** 32);
  return { label: FaultLabel.Timeout, words: [badge >>> 0, low >>> 0, high >>> 0] };
}

/** Panic (K5): ip, the message length in bytes, then the bytes packed little-endian from MR2. */
export function panicMessage(ip: number, message: Uint8Array): FaultMessage {
  const room = (MSG_MAX_LENGTH - 2) * 4;
  const length = Math.min(message.length, room);
  const words = [ip, length];
  for (let w = 0; w * 4 < length; w++) {
    let v = 0;
    for (let j = 0; j < 4 && w * 4 + j < length; j++) v |= message[w * 4 + j]! << (8 * j);
    words.push(v >>> 0);
  }
  return { label: FaultLabel.Panic, words };
}

/** The bytes of a panic message's words (ip, length, packed bytes from MR2). @public */
export function panicMessageBytes(words: readonly number[]): Uint8Array {
  const length = Math.min(words[1] ?? 0, (words.length - 2) * 4);
  const out = new Uint8Array(Math.max(length, 0));
  for (let i = 0; i < out.length; i++) out[i] = (words[2 + (i >>> 2)]! >>> ((i & 3) * 8)) & 0xff;
  return out;
}

/** The word names of a fault label (for traces and tools). */
export function faultWordNames(label: number): readonly string[] {
  return FAULT_LAYOUTS[label]?.words ?? [];
}
