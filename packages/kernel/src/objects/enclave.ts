// Enclave invocations (K5): Load (copy the image in, declare entries, measure), AddThread (a
// thread joins and from then on runs only inside), Measurement, DeriveKey (sealing keys, from
// inside only). Decoders check everything first; performers cannot fail. The isolation rules the
// other mechanisms apply to enclave threads live in enclave-isolation.ts. Relies on
// enclave/sha256-sync.ts, enclave/enclave-identity.ts and objects/region.ts.

import {
  IPC_BUFFER_ALIGN,
  IPC_BUFFER_BYTES,
  InvocationLabel,
  MAX_ENCLAVE_ENTRIES,
  MAX_ENCLAVE_KEY_LABEL,
  ObjectType,
  Rights,
} from '@k5/abi';
import type { EnclaveDomain } from '../arch/port';
import { deleteCap } from '../cspace/delete';
import { encodeEnclaveIdentity } from '../enclave/enclave-identity';
import { EnclaveError } from '../enclave/errors';
import { sealingKeyMaterial } from '../enclave/sealing-material';
import { sha256Sync } from '../enclave/sha256-sync';
import type { KernelState } from '../state';
import { err, has, type Invocation, type SyscallError } from './invocation';
import { type Enclave, type Region, type Tcb, ThreadState } from './kobject';
import { syncMemoryMap } from './region';

/** A checked enclave operation. */
export type EnclaveOp =
  | {
      readonly kind: 'Load';
      readonly enclave: Enclave;
      readonly image: Uint8Array;
      readonly stackSize: number;
      readonly entries: readonly number[];
      readonly measurement: Uint8Array;
    }
  | {
      readonly kind: 'AddThread';
      readonly enclave: Enclave;
      readonly tcb: Tcb;
      readonly entry: number;
      readonly sp: number;
      readonly ipcBuffer: number;
    }
  | { readonly kind: 'Words'; readonly words: readonly number[] };

/** Bytes of enclave memory. */
export const enclaveSize = (e: Enclave): number => 2 ** e.sizeBits;

/** Whether [address, address + length) overlaps the enclave's memory. */
export function overlapsEnclave(e: Enclave, address: number, length: number): boolean {
  return length > 0 && address < e.base + enclaveSize(e) && e.base < address + length;
}

/** The enclave as the port sees it. */
export function enclaveDomain(e: Enclave): EnclaveDomain {
  return { id: e.id, base: e.base, size: enclaveSize(e), entries: e.entries };
}

/** 32 bytes as 8 big-endian words. */
function bytesToWords(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let i = 0; i + 4 <= bytes.length; i += 4) out.push(view.getUint32(i));
  return out;
}

function decodeLoad(inv: Invocation, e: Enclave): EnclaveOp | SyscallError {
  if (e.loaded) return err.illegalOperation('Enclave_Load: the enclave is already loaded');
  const arch = inv.k.port.enclaveArch;
  if (arch === undefined || inv.k.port.addEnclave === undefined)
    return err.illegalOperation('Enclave_Load: this arch port does not support enclaves');
  if (inv.length < 3 || inv.extraCaps.length < 1)
    return err.truncated(
      'Enclave_Load needs image length, stack size, entry count, the entries and an image region cap',
    );
  const imageLength = inv.mr(0);
  const stackSize = inv.mr(1);
  const entryCount = inv.mr(2);
  const size = enclaveSize(e);
  if (entryCount < 1 || entryCount > MAX_ENCLAVE_ENTRIES)
    return err.range(1, MAX_ENCLAVE_ENTRIES, 'Enclave_Load: entry count out of range');
  if (inv.length < 3 + entryCount)
    return err.truncated(`Enclave_Load: ${entryCount} entry offsets announced, fewer sent`);
  if (stackSize < 1 || imageLength + stackSize > size)
    return err.range(
      1,
      size - imageLength,
      'Enclave_Load: image and stack do not fit in the enclave',
    );
  const entries: number[] = [];
  for (let i = 0; i < entryCount; i++) {
    const offset = inv.mr(3 + i);
    if (offset >= size)
      return err.invalidArgument(3 + i, `Enclave_Load: entry ${i} lies outside the enclave`);
    const address = e.base + offset;
    if (entries.includes(address))
      return err.invalidArgument(3 + i, `Enclave_Load: entry ${i} repeats an earlier entry`);
    entries.push(address);
  }
  const cap = inv.extraCaps[0]!.cap;
  if (cap === null || cap.type !== ObjectType.Region || !has(cap.rights, Rights.Read))
    return err.invalidCapability(1, 'Enclave_Load: the image cap must be a Region cap with Read');
  const source = cap.obj as Region;
  if (imageLength > 2 ** source.sizeBits)
    return err.range(0, 2 ** source.sizeBits, 'Enclave_Load: the image is longer than its region');
  const refusal = inv.k.port.enclaveRefusal?.({ id: e.id, base: e.base, size, entries });
  if (refusal) return err.illegalOperation(`Enclave_Load: the port refuses it: ${refusal.message}`);
  const memory = inv.k.memory;
  if (!memory.contains(e.base, size) || !memory.contains(source.base, imageLength))
    return err.illegalOperation('Enclave_Load: enclave or image outside simulated memory');
  const image = memory.bytes.slice(
    source.base - memory.base,
    source.base - memory.base + imageLength,
  );
  let identity: Uint8Array;
  try {
    identity = encodeEnclaveIdentity({
      arch,
      image,
      regions: [{ base: e.base, size, permissions: { read: true, write: true, execute: true } }],
      entryPoints: entries,
      stackSize,
    });
  } catch (error) {
    if (error instanceof EnclaveError)
      return err.invalidArgument(0, `Enclave_Load: ${error.message}`);
    throw error;
  }
  return { kind: 'Load', enclave: e, image, stackSize, entries, measurement: sha256Sync(identity) };
}

function decodeAddThread(inv: Invocation, e: Enclave): EnclaveOp | SyscallError {
  if (!e.loaded) return err.illegalOperation('Enclave_AddThread: load the enclave first');
  if (inv.length < 3 || inv.extraCaps.length < 1)
    return err.truncated(
      'Enclave_AddThread needs entry index, stack offset, IPC buffer offset and a TCB cap',
    );
  const cap = inv.extraCaps[0]!.cap;
  if (cap === null || cap.type !== ObjectType.Tcb)
    return err.invalidCapability(1, 'Enclave_AddThread: the thread cap must be a TCB cap');
  const tcb = cap.obj as Tcb;
  if (tcb.enclave !== null)
    return err.illegalOperation('Enclave_AddThread: the thread already belongs to an enclave');
  if (tcb.state !== ThreadState.Inactive)
    return err.illegalOperation(
      'Enclave_AddThread: the thread must be inactive (not started or suspended)',
    );
  const index = inv.mr(0);
  if (index >= e.entries.length)
    return err.range(0, e.entries.length - 1, 'Enclave_AddThread: no such entry');
  const size = enclaveSize(e);
  const spOffset = inv.mr(1);
  if (spOffset > size)
    return err.invalidArgument(1, 'Enclave_AddThread: stack outside the enclave');
  const bufferOffset = inv.mr(2);
  if (bufferOffset % IPC_BUFFER_ALIGN !== 0)
    return err.alignment(
      `Enclave_AddThread: the IPC buffer must be ${IPC_BUFFER_ALIGN}-byte aligned`,
    );
  if (bufferOffset + IPC_BUFFER_BYTES > size)
    return err.invalidArgument(2, 'Enclave_AddThread: the IPC buffer must lie inside the enclave');
  return {
    kind: 'AddThread',
    enclave: e,
    tcb,
    entry: e.entries[index]!,
    sp: e.base + spOffset,
    ipcBuffer: e.base + bufferOffset,
  };
}

function decodeDeriveKey(inv: Invocation, e: Enclave): EnclaveOp | SyscallError {
  if (inv.thread.enclave !== e)
    return err.illegalOperation(
      'Enclave_DeriveKey: only a thread of the enclave may derive its keys',
    );
  const secret = inv.k.deviceSecret;
  if (secret === null)
    return err.illegalOperation(
      'Enclave_DeriveKey: the kernel has no device secret (KernelOptions.deviceSecret)',
    );
  const length = inv.mr(0);
  if (length > MAX_ENCLAVE_KEY_LABEL)
    return err.range(0, MAX_ENCLAVE_KEY_LABEL, 'Enclave_DeriveKey: label too long');
  if (inv.length < 1 + Math.ceil(length / 4))
    return err.truncated('Enclave_DeriveKey: the label bytes are missing');
  const label = new Uint8Array(length);
  for (let i = 0; i < length; i++) label[i] = (inv.mr(1 + (i >> 2)) >>> ((i & 3) * 8)) & 0xff;
  const { key, keyId } = sealingKeyMaterial(secret, e.measurement!, label);
  const words = [...bytesToWords(key), ...bytesToWords(keyId)];
  key.fill(0);
  return { kind: 'Words', words };
}

/** Decodes an enclave invocation. Changes nothing. */
export function decodeEnclave(inv: Invocation): EnclaveOp | SyscallError {
  const e = inv.cap.obj as Enclave;
  switch (inv.label) {
    case InvocationLabel.EnclaveLoad:
      return decodeLoad(inv, e);
    case InvocationLabel.EnclaveAddThread:
      return decodeAddThread(inv, e);
    case InvocationLabel.EnclaveMeasurement:
      if (!e.loaded) return err.illegalOperation('Enclave_Measurement: the enclave is not loaded');
      return { kind: 'Words', words: bytesToWords(e.measurement!) };
    case InvocationLabel.EnclaveDeriveKey:
      if (!e.loaded) return err.illegalOperation('Enclave_DeriveKey: the enclave is not loaded');
      return decodeDeriveKey(inv, e);
    default:
      return err.illegalOperation(`label ${inv.label} is not an Enclave method`);
  }
}

/** Performs a checked enclave operation. */
export function performEnclave(k: KernelState, op: EnclaveOp): number[] {
  switch (op.kind) {
    case 'Load': {
      const e = op.enclave;
      const offset = e.base - k.memory.base;
      k.memory.bytes.fill(0, offset, offset + enclaveSize(e));
      k.memory.bytes.set(op.image, offset);
      e.loaded = true;
      e.entries = op.entries;
      e.imageLength = op.image.length;
      e.stackSize = op.stackSize;
      e.measurement = op.measurement;
      k.port.addEnclave?.(enclaveDomain(e));
      return [];
    }
    case 'AddThread': {
      const { enclave: e, tcb } = op;
      const port = k.port;
      tcb.enclave = e;
      e.threads.push(tcb);
      // The thread's registers are its own from now on: start it clean at the entry.
      for (let i = 0; i < port.registerCount; i++) port.writeRegister(tcb.context, i, 0);
      port.writeRegister(tcb.context, port.convention.pcRegister, op.entry);
      port.writeRegister(tcb.context, port.convention.spRegister, op.sp);
      tcb.restartIp = op.entry;
      tcb.restartSp = op.sp;
      // Its IPC buffer moves inside the enclave; a region cap for an outside buffer is dropped.
      deleteCap(k, tcb.ipcBufferSlot);
      tcb.ipcBuffer = op.ipcBuffer;
      tcb.host = null;
      port.setEnclave?.(tcb.context, enclaveDomain(e));
      syncMemoryMap(k, tcb);
      return [];
    }
    case 'Words':
      return op.words.slice();
  }
}
