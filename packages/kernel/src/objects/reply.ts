// Reply objects (MCS): Call pushes the caller into the receiver's Reply object; replying through
// it resumes the caller. K5 adds Hubris-style leases: the caller's IPC buffer may describe up to
// MAX_LEASES memory ranges it lends for the duration of the call; they are checked against the
// caller's memory map when the call is received, and end with the reply. Relies on
// ipc/transfer.ts, the scheduler and arch/port.ts for access checks.

import { IpcBufferWord, LeaseAttribute, MAX_LEASES } from '@k5/abi';
import { AccessKind } from '../arch/port';
import { transferMessage } from '../ipc/transfer';
import { possibleSwitchTo, setThreadState } from '../sched/scheduler';
import type { KernelState } from '../state';
import { type Lease, NO_LEASES, type Reply, type Tcb, ThreadState } from './kobject';

/** Reads and checks the leases a caller describes in its IPC buffer. */
function collectLeases(k: KernelState, caller: Tcb): readonly Lease[] {
  if (caller.ipcBuffer === 0 || caller.faultWords !== null) return NO_LEASES;
  const buf = caller.ipcBuffer;
  const count = Math.min(k.memory.read32(buf + IpcBufferWord.LeaseCount * 4), MAX_LEASES);
  if (count === 0) return NO_LEASES;
  const leases: Lease[] = [];
  for (let i = 0; i < count; i++) {
    const w = buf + (IpcBufferWord.Leases + 3 * i) * 4;
    const address = k.memory.read32(w);
    const length = k.memory.read32(w + 4);
    const attributes = k.memory.read32(w + 8) & (LeaseAttribute.Read | LeaseAttribute.Write);
    // A lease the caller could not access itself is dropped, with the rest after it.
    const kind =
      (attributes & LeaseAttribute.Read ? AccessKind.Read : 0) |
      (attributes & LeaseAttribute.Write ? AccessKind.Write : 0);
    if (
      length > 0 &&
      kind !== 0 &&
      !k.port.checkAccess(caller.context, address, length, kind as AccessKind)
    )
      break;
    leases.push({ address, length, attributes });
  }
  return leases;
}

/** Links a caller into a Reply object and blocks it (seL4 MCS reply_push, without donation). */
export function replyPush(k: KernelState, caller: Tcb, reply: Reply, canGrant: boolean): void {
  reply.caller = caller;
  reply.canGrant = canGrant;
  reply.leases = collectLeases(k, caller);
  caller.replyObject = reply;
  setThreadState(k, caller, ThreadState.BlockedOnReply);
  if (k.trace)
    k.trace({
      kind: 'block',
      time: k.now,
      thread: caller.id,
      state: 'BlockedOnReply',
      object: reply.id,
    });
}

/**
 * Removes a stale caller from a Reply object that is about to be reused or destroyed: the
 * caller can no longer be replied to and becomes Inactive (seL4 reply_remove).
 */
export function replyUnlinkCaller(k: KernelState, reply: Reply): void {
  const caller = reply.caller;
  if (caller === null) return;
  reply.caller = null;
  reply.leases = NO_LEASES;
  caller.replyObject = null;
  caller.faultWords = null;
  setThreadState(k, caller, ThreadState.Inactive);
}

/**
 * Replies through a Reply object (seL4 doReplyTransfer): the caller gets the replier's message
 * and runs again. A reply to a fault message restarts the faulting thread instead. A Reply
 * object without a caller is ignored, as in seL4.
 */
export function doReplyTransfer(k: KernelState, replier: Tcb, reply: Reply): void {
  const caller = reply.caller;
  if (caller === null) return;
  reply.caller = null;
  reply.leases = NO_LEASES;
  caller.replyObject = null;
  if (caller.faultWords !== null) {
    caller.faultWords = null;
    setThreadState(k, caller, ThreadState.Restart);
  } else {
    const saved = replier.sendIsCall;
    replier.sendIsCall = false;
    const length = transferMessage(k, replier, caller, 0, reply.canGrant, null);
    replier.sendIsCall = saved;
    if (k.trace) k.trace({ kind: 'reply', time: k.now, from: replier.id, to: caller.id, length });
    setThreadState(k, caller, ThreadState.Running);
  }
  possibleSwitchTo(k, caller);
}
