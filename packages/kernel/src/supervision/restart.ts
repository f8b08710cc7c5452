// Supervision (K5, after Hubris's supervisor and kernel restart): TCB_SetSupervisor names the
// notification signalled when the thread stops on a fault no fault endpoint takes, and records
// its restart point; TCB_GetFault reads the last fault (a panic's message included);
// TCB_Restart resets the thread: its generation grows, callers waiting on replies it held get
// PEER_DEAD_LABEL instead, its registers are cleared and set to the restart point (a host
// task's generator starts again), and it runs again now or after a back-off delay. Decoders
// change nothing. Relies on cspace/, objects/reply.ts, ipc/transfer.ts and restart-queue.ts.

import { InvocationLabel, MSG_MAX_LENGTH, ObjectType, PEER_DEAD_LABEL, Rights } from '@k5/abi';
import { Cap, type Slot } from '../cspace/cap';
import { cdtInsert, placeCap } from '../cspace/cdt';
import { deleteCap } from '../cspace/delete';
import { writeKernelReply } from '../ipc/transfer';
import { isOutsider } from '../objects/enclave-isolation';
import { err, has, type Invocation, type SyscallError } from '../objects/invocation';
import { type CNode, type Reply, type Tcb, ThreadState } from '../objects/kobject';
import { replyUnlinkCaller } from '../objects/reply';
import { makeRunnable } from '../sched/scheduler';
import type { KernelState } from '../state';
import { cancelPendingRestart, scheduleRestart } from './restart-queue';

/** A checked supervision operation on a TCB. */
export type SupervisionOp =
  | { readonly kind: 'SetSupervisor'; readonly tcb: Tcb; readonly from: Slot | null }
  | { readonly kind: 'GetFault'; readonly tcb: Tcb; readonly redact: boolean }
  | {
      readonly kind: 'Restart';
      readonly tcb: Tcb;
      readonly delay: number;
      readonly ip: number;
      readonly sp: number;
    };

/** Decodes a supervision method of a TCB; null when the label is not one. Changes nothing. */
export function decodeSupervision(inv: Invocation, tcb: Tcb): SupervisionOp | SyscallError | null {
  switch (inv.label) {
    case InvocationLabel.TcbSetSupervisor: {
      if (inv.extraCaps.length < 1)
        return err.truncated('TCB_SetSupervisor needs a notification cap (or an empty slot)');
      const slot = inv.extraCaps[0]!;
      const c = slot.cap;
      if (c === null) return { kind: 'SetSupervisor', tcb, from: null };
      if (c.type !== ObjectType.Notification || !has(c.rights, Rights.Write))
        return err.invalidCapability(1, 'TCB_SetSupervisor needs a notification cap with Write');
      return { kind: 'SetSupervisor', tcb, from: slot };
    }
    case InvocationLabel.TcbGetFault:
      return { kind: 'GetFault', tcb, redact: isOutsider(inv.thread, tcb) };
    case InvocationLabel.TcbRestart: {
      if (tcb === inv.thread)
        return err.illegalOperation('TCB_Restart: a thread cannot restart itself');
      const explicit = inv.length >= 3;
      if (explicit && tcb.enclave !== null)
        return err.illegalOperation('TCB_Restart: an enclave thread restarts only at its entry');
      return {
        kind: 'Restart',
        tcb,
        delay: inv.length >= 1 ? inv.mr(0) : 0,
        ip: explicit ? inv.mr(1) : tcb.restartIp,
        sp: explicit ? inv.mr(2) : tcb.restartSp,
      };
    }
    default:
      return null;
  }
}

/**
 * The words TCB_GetFault returns: label, generation, time (low word), length, the words (none when
 * `redact`).
 */
export function faultReport(t: Tcb, redact = false): number[] {
  // Outside an enclave, its threads' faults show the label and when, never addresses or values.
  const words = redact ? [] : t.lastFaultWords;
  const n = Math.min(words.length, MSG_MAX_LENGTH - 4);
  const out = [t.lastFaultLabel, t.generation, t.lastFaultTime >>> 0, n];
  for (let i = 0; i < n; i++) out.push(words[i]!);
  return out;
}

/** Every Reply object reachable through `t`'s CSpace (the replies it could answer). */
function repliesHeldBy(t: Tcb): Reply[] {
  const out: Reply[] = [];
  const root = t.cspaceSlot.cap;
  if (root === null || root.type !== ObjectType.CNode) return out;
  const seen = new Set<CNode>();
  const work: CNode[] = [root.obj as CNode];
  while (work.length > 0) {
    const cnode = work.pop()!;
    if (seen.has(cnode)) continue;
    seen.add(cnode);
    for (const s of cnode.slots) {
      const c = s.cap;
      if (c === null) continue;
      if (c.type === ObjectType.CNode) work.push(c.obj as CNode);
      else if (c.type === ObjectType.Reply) out.push(c.obj as Reply);
    }
  }
  return out;
}

/**
 * Callers waiting on replies `t` held get PEER_DEAD_LABEL with `t`'s new generation in MR0
 * (Hubris's dead code). A thread waiting there with a fault message stays stopped, as when a
 * reply object is deleted in seL4.
 */
function wakeDeadCallers(k: KernelState, t: Tcb): void {
  for (const r of repliesHeldBy(t)) {
    const caller = r.caller;
    if (caller === null) continue;
    const faulted = caller.faultWords !== null;
    replyUnlinkCaller(k, r);
    if (faulted) continue;
    writeKernelReply(k, caller, PEER_DEAD_LABEL, [t.generation]);
    makeRunnable(k, caller, ThreadState.Running);
  }
}

/**
 * Resets a thread the caller has already suspended (its IPC cancelled): bumps its generation,
 * answers callers it held, clears its registers to `ip`/`sp` and runs it now or after `delay`
 * ticks. Returns the new generation.
 * @public
 */
export function restartThread(
  k: KernelState,
  t: Tcb,
  delay: number,
  ip: number,
  sp: number,
): number {
  cancelPendingRestart(k, t);
  t.generation++;
  wakeDeadCallers(k, t);
  const port = k.port;
  for (let i = 0; i < port.registerCount; i++) port.writeRegister(t.context, i, 0);
  port.writeRegister(t.context, port.convention.pcRegister, ip);
  port.writeRegister(t.context, port.convention.spRegister, sp);
  // A host task's stack is its generator: drop it so that the executor starts the program anew.
  t.host = null;
  t.lastFaultLabel = 0;
  t.lastFaultWords = [];
  t.faultWords = null;
  if (k.trace)
    k.trace({
      kind: 'restart',
      time: k.now,
      thread: t.id,
      generation: t.generation,
      at: k.now + delay,
    });
  if (delay === 0) makeRunnable(k, t, ThreadState.Restart);
  else scheduleRestart(k, t, k.now + delay);
  return t.generation;
}

/** Performs a supervision operation; returns the reply words. Restart expects a suspended thread. */
export function performSupervision(k: KernelState, op: SupervisionOp): number[] {
  switch (op.kind) {
    case 'SetSupervisor': {
      const t = op.tcb;
      deleteCap(k, t.supervisorSlot);
      const src = op.from?.cap ?? null;
      if (src !== null) {
        const copy = new Cap(src.type, src.obj, src.rights, src.badge);
        cdtInsert(src, copy);
        placeCap(t.supervisorSlot, copy);
      }
      // An enclave thread keeps the entry Enclave_AddThread gave it as its restart point.
      if (t.enclave === null) {
        t.restartIp = k.port.readRegister(t.context, k.port.convention.pcRegister);
        t.restartSp = k.port.readRegister(t.context, k.port.convention.spRegister);
      }
      return [];
    }
    case 'GetFault':
      return faultReport(op.tcb, op.redact);
    case 'Restart':
      return [restartThread(k, op.tcb, op.delay, op.ip, op.sp)];
  }
}
