// The syscall dispatcher (Hubris safe_syscall_entry / seL4 handleSyscall): reads the number and
// arguments through the port, performs the send and receive phases, turns every outcome into
// result registers, an error reply or a fault in one place, and ends with one scheduling
// decision. Relies on every object module, the scheduler and @k5/abi's tables.

import {
  type FaultLabel,
  IpcBufferWord,
  LOG_MAX_BYTES,
  MSG_MAX_LENGTH,
  messageInfoExtraCaps,
  messageInfoLabel,
  messageInfoLength,
  ObjectType,
  Rights,
  Syscall,
} from '@k5/abi';
import type { Cap, Slot } from './cspace/cap';
import { lookupFault, lookupSlotForThread } from './cspace/lookup';
import { getMR, writeKernelReply } from './ipc/transfer';
import { deliverFault } from './faults/deliver';
import { capFaultMessage, panicMessage, unknownSyscallMessage } from './faults/messages';
import { decodeCNode, performCNode } from './objects/cnode';
import { receiveIPC, sendIPC } from './objects/endpoint';
import { decodeEnclave, performEnclave } from './objects/enclave';
import { err, has, type Invocation, lookupFaultWords, SyscallError } from './objects/invocation';
import type { Endpoint, Notification, Reply, Tcb } from './objects/kobject';
import { ThreadState } from './objects/kobject';
import { decodeLease, performLease } from './objects/lease';
import { receiveSignal, sendSignal } from './objects/notification';
import { decodeIrqControl, decodeIrqHandler, performIrq } from './objects/irq';
import { decodeRegion, performRegion } from './objects/region';
import { doReplyTransfer } from './objects/reply';
import { decodeSchedContext, performSchedContext } from './objects/schedcontext';
import { checkBudgetRestart, yieldBudget } from './sched/budget';
import { decodeSchedControl, performSchedControl } from './sched/configure';
import { decodeTcb, performTcb } from './objects/tcb';
import { decodeUntyped, performRetype } from './objects/untyped';
import { rescheduleRequired, schedule, setThreadState } from './sched/scheduler';
import { type KernelState, SchedulerAction } from './state';

/**
 * Delivers a fault of `t` (see faults/deliver.ts): to its fault endpoint, else its supervisor,
 * else it just stops.
 */
export function handleFault(k: KernelState, t: Tcb, label: FaultLabel, words: number[]): void {
  deliverFault(k, t, { label, words });
}

function capFault(k: KernelState, t: Tcb, cptr: number, inReceive: boolean, lf: number[]): void {
  const pc = k.port.readRegister(t.context, k.port.convention.pcRegister);
  deliverFault(k, t, capFaultMessage(pc, cptr, inReceive, lf));
}

/** Looks a CPtr up for a syscall; on failure raises a cap fault and returns null. */
function lookupOrFault(k: KernelState, t: Tcb, cptr: number, inReceive: boolean): Slot | null {
  const r = lookupSlotForThread(t.cspaceSlot.cap, cptr, k.scratch);
  if (r.fault) {
    capFault(k, t, cptr, inReceive, lookupFaultWords(r.fault));
    return null;
  }
  return r.slot;
}

function missing(k: KernelState, t: Tcb, cptr: number, inReceive: boolean): void {
  capFault(k, t, cptr, inReceive, lookupFaultWords(lookupFault(2, 0)));
}

/** Decodes and performs an invocation of a kernel object (not an IPC object). */
function invokeObject(
  k: KernelState,
  t: Tcb,
  slot: Slot,
  cap: Cap,
  isCall: boolean,
  isBlocking: boolean,
  info: number,
): void {
  let length = messageInfoLength(info);
  if (length > MSG_MAX_LENGTH) length = MSG_MAX_LENGTH;
  if (t.ipcBuffer === 0 && length > t.fastMrs) length = t.fastMrs;
  const extraCaps: Slot[] = [];
  const nExtra = t.ipcBuffer === 0 ? 0 : messageInfoExtraCaps(info);
  for (let i = 0; i < nExtra; i++) {
    const cptr = k.memory.read32(t.ipcBuffer + (IpcBufferWord.CapsOrBadges + i) * 4);
    const r = lookupSlotForThread(t.cspaceSlot.cap, cptr, k.scratch);
    if (r.fault) {
      if (isBlocking) capFault(k, t, cptr, false, lookupFaultWords(r.fault));
      return;
    }
    extraCaps.push(r.slot!);
  }
  const label = messageInfoLabel(info);
  const inv: Invocation = {
    k,
    thread: t,
    cap,
    slot,
    label,
    length,
    extraCaps,
    mr: (i) => (i < length ? getMR(k, t, i) : 0),
  };
  const result = decodeAndPerform(k, inv);
  if (result === 'preempted') {
    if (k.trace) k.trace({ kind: 'preempt', time: k.now, thread: t.id, done: k.revokeBatch });
    setThreadState(k, t, ThreadState.Restart);
    // Let anything of higher or equal priority run before the restart continues the work.
    rescheduleRequired(k);
    return;
  }
  const error = result instanceof SyscallError ? result.code : 0;
  if (k.trace)
    k.trace({ kind: 'invoke', time: k.now, thread: t.id, label, object: cap.obj.id, error });
  if (isCall && t.state === ThreadState.Running) {
    if (result instanceof SyscallError) writeKernelReply(k, t, result.code, result.detail);
    else writeKernelReply(k, t, 0, result);
  }
}

/** Runs decode then perform for one invocation: the reply words, a typed error, or 'preempted'. */
export function decodeAndPerform(
  k: KernelState,
  inv: Invocation,
): number[] | SyscallError | 'preempted' {
  switch (inv.cap.type) {
    case ObjectType.Untyped: {
      const op = decodeUntyped(inv);
      return op instanceof SyscallError ? op : performRetype(k, op);
    }
    case ObjectType.CNode: {
      const op = decodeCNode(inv);
      if (op instanceof SyscallError) return op;
      return performCNode(k, op) ? [] : 'preempted';
    }
    case ObjectType.Tcb: {
      const op = decodeTcb(inv);
      return op instanceof SyscallError ? op : performTcb(k, op);
    }
    case ObjectType.SchedContext: {
      const op = decodeSchedContext(inv);
      return op instanceof SyscallError ? op : performSchedContext(k, op);
    }
    case ObjectType.Region: {
      const op = decodeRegion(inv);
      return op instanceof SyscallError ? op : performRegion(k, op);
    }
    case ObjectType.Reply: {
      const op = decodeLease(inv);
      return op instanceof SyscallError ? op : performLease(k, op);
    }
    case ObjectType.IrqControl: {
      const op = decodeIrqControl(inv);
      return op instanceof SyscallError ? op : performIrq(k, op);
    }
    case ObjectType.IrqHandler: {
      const op = decodeIrqHandler(inv);
      return op instanceof SyscallError ? op : performIrq(k, op);
    }
    case ObjectType.SchedControl: {
      const op = decodeSchedControl(inv);
      return op instanceof SyscallError ? op : performSchedControl(k, op);
    }
    case ObjectType.Enclave: {
      const op = decodeEnclave(inv);
      return op instanceof SyscallError ? op : performEnclave(k, op);
    }
    default:
      return err.invalidCapability(0, 'this capability cannot be invoked');
  }
}

/** The send phase of Call, Send, NBSend (and the NB sends of NBSendRecv/NBSendWait). */
function sendPhase(
  k: KernelState,
  t: Tcb,
  cptr: number,
  isCall: boolean,
  isBlocking: boolean,
  // NBSendRecv/NBSendWait: a passive receiver keeps the sender's context (seL4 canDonate).
  canDonate = false,
): void {
  const info = k.port.argument(t.context, 1);
  const r = lookupSlotForThread(t.cspaceSlot.cap, cptr, k.scratch);
  if (r.fault) {
    if (isBlocking) capFault(k, t, cptr, false, lookupFaultWords(r.fault));
    return;
  }
  const slot = r.slot!;
  const cap = slot.cap;
  if (cap === null) {
    if (isCall) writeKernelReply(k, t, 2, [0]);
    return;
  }
  switch (cap.type) {
    case ObjectType.Endpoint:
      if (!has(cap.rights, Rights.Write)) {
        // seL4: an error for Call, silently dropped otherwise.
        if (isCall) writeKernelReply(k, t, 2, [0]);
        return;
      }
      sendIPC(
        k,
        isBlocking,
        isCall,
        cap.badge,
        has(cap.rights, Rights.Grant),
        has(cap.rights, Rights.GrantReply),
        t,
        cap.obj as Endpoint,
        isCall || canDonate,
      );
      return;
    case ObjectType.Notification:
      if (!has(cap.rights, Rights.Write)) {
        if (isCall) writeKernelReply(k, t, 2, [0]);
        return;
      }
      sendSignal(k, cap.obj as Notification, cap.badge);
      if (isCall) writeKernelReply(k, t, 0, []);
      return;
    case ObjectType.Reply:
      if (!isCall) {
        doReplyTransfer(k, t, cap.obj as Reply);
        return;
      }
      invokeObject(k, t, slot, cap, isCall, isBlocking, info);
      return;
    default:
      invokeObject(k, t, slot, cap, isCall, isBlocking, info);
  }
}

/** Looks up the reply object of a receive; `undefined` after raising a fault. */
function lookupReply(k: KernelState, t: Tcb, cptr: number): Reply | null | undefined {
  if (cptr === 0) return null;
  const slot = lookupOrFault(k, t, cptr, true);
  if (slot === null) return undefined;
  const cap = slot.cap;
  if (cap === null || cap.type !== ObjectType.Reply) {
    missing(k, t, cptr, true);
    return undefined;
  }
  return cap.obj as Reply;
}

/** The receive phase of Recv, NBRecv, Wait, NBWait, ReplyRecv, NBSendRecv, NBSendWait. */
function receivePhase(
  k: KernelState,
  t: Tcb,
  cptr: number,
  replyCptr: number,
  isBlocking: boolean,
  // ReplyRecv has already resolved its reply cap (a successful lookup cannot change in between:
  // the reply transfer only fills an empty slot); undefined = look it up here.
  resolvedReply?: Reply | null,
): void {
  const slot = lookupOrFault(k, t, cptr, true);
  if (slot === null) return;
  const cap = slot.cap;
  if (cap === null || !has(cap.rights, Rights.Read)) {
    missing(k, t, cptr, true);
    return;
  }
  if (cap.type === ObjectType.Endpoint) {
    const reply = resolvedReply !== undefined ? resolvedReply : lookupReply(k, t, replyCptr);
    if (reply === undefined) return;
    receiveIPC(k, t, cap.obj as Endpoint, isBlocking, reply, has(cap.rights, Rights.Grant));
  } else if (cap.type === ObjectType.Notification) {
    const ntfn = cap.obj as Notification;
    if (ntfn.boundTcb !== null && ntfn.boundTcb !== t) {
      missing(k, t, cptr, true);
      return;
    }
    receiveSignal(k, t, ntfn, isBlocking);
  } else {
    missing(k, t, cptr, true);
  }
}

function readBytes(k: KernelState, t: Tcb, length: number): Uint8Array {
  const n = Math.min(length, LOG_MAX_BYTES);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (getMR(k, t, i >>> 2) >>> ((i & 3) * 8)) & 0xff;
  return out;
}

/** Callbacks the dispatcher reports debug output to. */
export interface SyscallHooks {
  onLog: ((thread: Tcb, level: number, bytes: Uint8Array) => void) | null;
}

/**
 * Handles the syscall a thread just trapped with, then schedules. After it, `k.current` is the
 * thread to run.
 */
export function handleSyscall(k: KernelState, t: Tcb, hooks: SyscallHooks): void {
  const port = k.port;
  const ctx = t.context;
  const n = port.syscallNumber(ctx);
  if (k.trace) k.trace({ kind: 'syscall', time: k.now, thread: t.id, syscall: n });
  // MCS: the time used so far is checked against the budget first; if it is exhausted the slice
  // ends and the syscall runs again once the thread has budget (seL4 checkBudgetRestart).
  if (!checkBudgetRestart(k)) {
    schedule(k);
    return;
  }
  if (t.state === ThreadState.Restart) t.state = ThreadState.Running;
  t.fastMrs = 4;
  switch (n) {
    case Syscall.Call:
      sendPhase(k, t, port.argument(ctx, 0), true, true);
      break;
    case Syscall.Send:
      sendPhase(k, t, port.argument(ctx, 0), false, true);
      break;
    case Syscall.NBSend:
      sendPhase(k, t, port.argument(ctx, 0), false, false);
      break;
    case Syscall.ReplyRecv: {
      const reply = lookupReply(k, t, port.argument(ctx, 6));
      if (reply === undefined) break;
      if (reply) doReplyTransfer(k, t, reply);
      receivePhase(k, t, port.argument(ctx, 0), port.argument(ctx, 6), true, reply);
      break;
    }
    case Syscall.NBSendRecv:
    case Syscall.NBSendWait:
      t.fastMrs = 3;
      sendPhase(k, t, port.argument(ctx, 5), false, false, true);
      t.fastMrs = 4;
      if (t.state === ThreadState.Running) {
        receivePhase(
          k,
          t,
          port.argument(ctx, 0),
          n === Syscall.NBSendRecv ? port.argument(ctx, 6) : 0,
          true,
        );
      }
      break;
    case Syscall.Recv:
      receivePhase(k, t, port.argument(ctx, 0), port.argument(ctx, 6), true);
      break;
    case Syscall.NBRecv:
      receivePhase(k, t, port.argument(ctx, 0), port.argument(ctx, 6), false);
      break;
    case Syscall.Wait:
      receivePhase(k, t, port.argument(ctx, 0), 0, true);
      break;
    case Syscall.NBWait:
      receivePhase(k, t, port.argument(ctx, 0), 0, false);
      break;
    case Syscall.Yield:
      // MCS: give up the rest of the head refill until the next one.
      yieldBudget(k, t);
      break;
    case Syscall.Log: {
      const bytes = readBytes(k, t, port.argument(ctx, 1));
      const level = port.argument(ctx, 0);
      if (k.trace) k.trace({ kind: 'log', time: k.now, thread: t.id, level, bytes });
      hooks.onLog?.(t, level, bytes);
      break;
    }
    case Syscall.DebugPutChar: {
      const c = port.argument(ctx, 0) & 0xff;
      k.console.push(c);
      if (k.trace) k.trace({ kind: 'debug-char', time: k.now, thread: t.id, char: c });
      break;
    }
    case Syscall.Panic: {
      const message = readBytes(k, t, port.argument(ctx, 1));
      if (k.trace) k.trace({ kind: 'panic', time: k.now, thread: t.id, message });
      deliverFault(k, t, panicMessage(port.readRegister(ctx, port.convention.pcRegister), message));
      break;
    }
    default: {
      const args: number[] = [];
      for (let i = 0; i < 7; i++) args.push(port.argument(ctx, i));
      const c = port.convention;
      deliverFault(
        k,
        t,
        unknownSyscallMessage(
          port.readRegister(ctx, c.pcRegister),
          port.readRegister(ctx, c.spRegister),
          n,
          args,
        ),
      );
    }
  }
  schedule(k);
}

/** Ends a kernel entry that was not a syscall (fault, thread exit): schedule. */
export function endKernelEntry(k: KernelState): void {
  if (
    k.current &&
    k.current.state !== ThreadState.Running &&
    k.action === SchedulerAction.ResumeCurrent
  ) {
    rescheduleRequired(k);
  }
  schedule(k);
}
