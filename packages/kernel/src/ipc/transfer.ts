// Message transfer: message registers from a sender's argument registers and IPC buffer into a
// receiver's result registers and IPC buffer, length truncation, badges, and capability
// transfer (Grant needed; caps to the endpoint used are unwrapped into badges; at most one cap
// is transferred into the receive slot, as seL4). The register-to-register part is the IPC hot
// path and allocates nothing. Relies on state.ts, cspace/ and objects/kobject.ts.

import {
  FAST_MESSAGE_REGISTERS,
  IpcBufferWord,
  MSG_MAX_LENGTH,
  messageInfoExtraCaps,
  messageInfoLabel,
  messageInfoLength,
  ObjectType,
  WORD_BITS,
} from '@k5/abi';
import { Cap, type Slot } from '../cspace/cap';
import { cdtInsert, placeCap } from '../cspace/cdt';
import { lookupSlotForThread, resolveAddressBits } from '../cspace/lookup';
import { isOutsider } from '../objects/enclave-isolation';
import type { Endpoint, Tcb } from '../objects/kobject';
import type { KernelState } from '../state';

/** Message register `i` of a thread that is sending (its argument registers, then its IPC buffer). */
export function getMR(k: KernelState, t: Tcb, i: number): number {
  if (t.faultWords !== null) return t.faultWords[i] ?? 0;
  if (i < t.fastMrs) return k.port.argument(t.context, 2 + i);
  if (t.ipcBuffer === 0) return 0;
  return k.memory.read32(t.ipcBuffer + (IpcBufferWord.Msg + i) * 4);
}

/** Writes message register `i` of a receiving thread; false when it has nowhere to put it. */
export function setMR(k: KernelState, t: Tcb, i: number, v: number): boolean {
  if (i < FAST_MESSAGE_REGISTERS) {
    k.port.setResult(t.context, 2 + i, v);
    return true;
  }
  if (t.ipcBuffer === 0) return false;
  k.memory.write32(t.ipcBuffer + (IpcBufferWord.Msg + i) * 4, v);
  return true;
}

/** The message-info word a sending thread passed (or its fault's). */
export function senderInfo(k: KernelState, t: Tcb): number {
  if (t.faultWords !== null) return ((t.faultLabel << 12) | t.faultWords.length) >>> 0;
  return k.port.argument(t.context, 1);
}

/** How many MRs can move from `sender` to `receiver`, given who has an IPC buffer. */
function transferableLength(sender: Tcb, receiver: Tcb, length: number): number {
  const n = Math.min(length, MSG_MAX_LENGTH);
  if (n <= FAST_MESSAGE_REGISTERS) return n;
  if (receiver.ipcBuffer === 0) return FAST_MESSAGE_REGISTERS;
  if (sender.faultWords === null && sender.ipcBuffer === 0) return Math.max(sender.fastMrs, 0);
  return n;
}

/** The receive slot a thread named in its IPC buffer, if it is empty and resolvable. */
function receiveSlot(k: KernelState, t: Tcb): Slot | null {
  if (t.ipcBuffer === 0) return null;
  const buf = t.ipcBuffer;
  const cnodePtr = k.memory.read32(buf + IpcBufferWord.ReceiveCNode * 4);
  const index = k.memory.read32(buf + IpcBufferWord.ReceiveIndex * 4);
  const depth = k.memory.read32(buf + IpcBufferWord.ReceiveDepth * 4);
  const root = t.cspaceSlot.cap;
  let cnodeCap: Cap | null = root;
  if (cnodePtr !== 0 || depth === 0) {
    const r = lookupSlotForThread(root, cnodePtr, k.scratch);
    if (r.fault || !r.slot || !r.slot.cap || r.slot.cap.type !== ObjectType.CNode) return null;
    cnodeCap = r.slot.cap;
  }
  if (depth < 1 || depth > WORD_BITS) return null;
  const r = resolveAddressBits(cnodeCap, index, depth, k.scratch);
  if (r.fault || r.bitsRemaining !== 0 || !r.slot || r.slot.cap !== null) return null;
  return r.slot;
}

/** Whether a cap may be copied into another CSpace by IPC (seL4 deriveCap, reduced). */
function derivable(cap: Cap): boolean {
  if (cap.type === ObjectType.IrqControl) return false;
  if (cap.type === ObjectType.Untyped && cap.firstChild !== null) return false;
  return true;
}

/** Transfers the sender's extra caps; returns the extra-caps count and unwrapped mask. */
function transferCaps(
  k: KernelState,
  sender: Tcb,
  receiver: Tcb,
  ep: Endpoint | null,
  count: number,
): number {
  if (receiver.ipcBuffer === 0 || sender.ipcBuffer === 0) return 0;
  let dest = receiveSlot(k, receiver);
  let done = 0;
  let unwrapped = 0;
  for (let i = 0; i < count; i++) {
    const cptr = k.memory.read32(sender.ipcBuffer + (IpcBufferWord.CapsOrBadges + i) * 4);
    const r = lookupSlotForThread(sender.cspaceSlot.cap, cptr, k.scratch);
    const cap = r.fault ? null : (r.slot?.cap ?? null);
    if (cap === null) break;
    const badgeWord = receiver.ipcBuffer + (IpcBufferWord.CapsOrBadges + i) * 4;
    if (ep !== null && cap.type === ObjectType.Endpoint && cap.obj === ep) {
      k.memory.write32(badgeWord, cap.badge);
      unwrapped |= 1 << i;
    } else {
      if (dest === null || !derivable(cap)) break;
      const copy = new Cap(cap.type, cap.obj, cap.rights, cap.badge, cap.guard, cap.guardBits);
      cdtInsert(cap, copy);
      placeCap(dest, copy);
      dest = null;
    }
    done++;
  }
  return (unwrapped << 9) | (done << 7);
}

/**
 * Delivers `sender`'s message to `receiver`: MRs, badge, message info and (when `grant`) caps.
 * Writes the receiver's result slots 0 (badge) and 1 (info). Returns the delivered length.
 */
export function transferMessage(
  k: KernelState,
  sender: Tcb,
  receiver: Tcb,
  badge: number,
  grant: boolean,
  ep: Endpoint | null,
): number {
  const info = senderInfo(k, sender);
  const length = transferableLength(sender, receiver, messageInfoLength(info));
  const port = k.port;
  if (sender.faultWords === null && length <= sender.fastMrs) {
    // Hot path: register to register.
    const s = sender.context;
    const r = receiver.context;
    for (let i = 0; i < length; i++) port.setResult(r, 2 + i, port.argument(s, 2 + i));
  } else if (sender.faultWords !== null && isOutsider(receiver, sender)) {
    // A fault of an enclave thread reaches a handler outside the enclave redacted (K5).
    for (let i = 0; i < length; i++) setMR(k, receiver, i, 0);
  } else {
    for (let i = 0; i < length; i++) setMR(k, receiver, i, getMR(k, sender, i));
  }
  const extra = messageInfoExtraCaps(info);
  const caps =
    grant && extra > 0 && sender.faultWords === null
      ? transferCaps(k, sender, receiver, ep, extra)
      : 0;
  port.setResult(receiver.context, 0, badge);
  port.setResult(receiver.context, 1, ((messageInfoLabel(info) << 12) | caps | length) >>> 0);
  if (k.trace) {
    k.trace({
      kind: 'ipc',
      time: k.now,
      from: sender.id,
      to: receiver.id,
      badge,
      length,
      caps: (caps >>> 7) & 3,
      call: sender.sendIsCall,
    });
  }
  return length;
}

/** Writes a kernel-built message (an invocation reply or error) into a thread's results. */
export function writeKernelReply(
  k: KernelState,
  t: Tcb,
  label: number,
  words: readonly number[],
): void {
  let n = 0;
  for (const w of words) {
    if (!setMR(k, t, n, w)) break;
    n++;
  }
  k.port.setResult(t.context, 0, 0);
  k.port.setResult(t.context, 1, ((label << 12) | n) >>> 0);
}
