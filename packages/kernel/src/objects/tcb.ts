// TCB invocations: configure (CSpace root, IPC buffer), fault and timeout endpoints (copied
// into the TCB, MCS), priority and MCP, read/write registers, suspend and resume, notification
// binding, and the supervision methods of supervision/restart.ts. Decoders check everything
// first; performers cannot fail. Relies on cspace/, the scheduler and objects/endpoint.ts.

import { InvocationLabel, IPC_BUFFER_ALIGN, IPC_BUFFER_BYTES, ObjectType, Rights } from '@k5/abi';
import { Cap, type Slot } from '../cspace/cap';
import { cdtInsert, placeCap } from '../cspace/cdt';
import { deleteCap } from '../cspace/delete';
import { queueInsert, queueRemove } from '../ipc/queue';
import {
  isRunnable,
  makeRunnable,
  schedDequeue,
  setPriority,
  setThreadState,
} from '../sched/scheduler';
import type { KernelState } from '../state';
import { cancelPendingRestart } from '../supervision/restart-queue';
import { decodeSupervision, performSupervision, type SupervisionOp } from '../supervision/restart';
import { updateCapData } from './cnode';
import { cancelIPC } from './endpoint';
import { isOutsider } from './enclave-isolation';
import { cancelYieldTo } from './schedcontext';
import { err, has, type Invocation, type SyscallError } from './invocation';
import {
  type Endpoint,
  type Notification,
  type Region,
  type SchedContext,
  type Tcb,
  ThreadState,
} from './kobject';

/** TCB methods that would read or change an enclave thread's private state (K5 isolation). */
const ENCLAVE_PRIVATE_LABELS: ReadonlySet<number> = new Set([
  InvocationLabel.TcbReadRegisters,
  InvocationLabel.TcbWriteRegisters,
  InvocationLabel.TcbCopyRegisters,
  InvocationLabel.TcbConfigure,
  InvocationLabel.TcbSetSpace,
  InvocationLabel.TcbSetIpcBuffer,
]);

/** A checked TCB operation. */
export type TcbOp =
  | {
      readonly kind: 'ReadRegisters';
      readonly tcb: Tcb;
      readonly suspend: boolean;
      readonly count: number;
    }
  | {
      readonly kind: 'WriteRegisters';
      readonly tcb: Tcb;
      readonly resume: boolean;
      readonly values: readonly number[];
    }
  | {
      readonly kind: 'SetSpace';
      readonly tcb: Tcb;
      readonly root: { slot: Slot; cap: Cap } | null;
      readonly buffer: { slot: Slot; address: number } | null;
      readonly fault: Slot | null | undefined;
    }
  | {
      readonly kind: 'SetPriority';
      readonly tcb: Tcb;
      readonly priority: number | null;
      readonly mcp: number | null;
    }
  | { readonly kind: 'SetSchedContext'; readonly tcb: Tcb; readonly sc: SchedContext | null }
  | { readonly kind: 'Suspend'; readonly tcb: Tcb }
  | { readonly kind: 'Resume'; readonly tcb: Tcb }
  | { readonly kind: 'Bind'; readonly tcb: Tcb; readonly ntfn: Notification }
  | { readonly kind: 'Unbind'; readonly tcb: Tcb }
  | { readonly kind: 'SetTimeoutEndpoint'; readonly tcb: Tcb; readonly slot: Slot | null }
  | { readonly kind: 'Supervision'; readonly op: SupervisionOp }
  | { readonly kind: 'Multi'; readonly ops: readonly TcbOp[] };

function decodeRoot(root: Slot, data: number): { slot: Slot; cap: Cap } | SyscallError {
  const cap = root.cap;
  if (cap === null || cap.type !== ObjectType.CNode)
    return err.illegalOperation('the CSpace root must be a CNode cap');
  let c = new Cap(cap.type, cap.obj, cap.rights, 0, cap.guard, cap.guardBits);
  if (data !== 0) {
    const d = updateCapData(false, data, cap);
    if (d === null)
      return err.illegalOperation('the CSpace root data gives a guard longer than the word');
    c = new Cap(cap.type, cap.obj, cap.rights, 0, d.guard, d.guardBits);
  }
  return { slot: root, cap: c };
}

function decodeBuffer(
  regionSlot: Slot,
  address: number,
): { slot: Slot; address: number } | SyscallError {
  if (address === 0) return { slot: regionSlot, address: 0 };
  if (address % IPC_BUFFER_ALIGN !== 0)
    return err.alignment(`the IPC buffer address must be ${IPC_BUFFER_ALIGN}-byte aligned`);
  const cap = regionSlot.cap;
  if (cap === null || cap.type !== ObjectType.Region)
    return err.invalidCapability(2, 'the IPC buffer cap must be a Region cap');
  if (!has(cap.rights, Rights.ReadWrite))
    return err.invalidCapability(2, 'the IPC buffer region cap needs Read and Write');
  const r = cap.obj as Region;
  if (address < r.base || address + IPC_BUFFER_BYTES > r.base + 2 ** r.sizeBits) {
    return err.invalidArgument(
      1,
      `the IPC buffer (${IPC_BUFFER_BYTES} bytes) must lie inside the region`,
    );
  }
  return { slot: regionSlot, address };
}

function decodeFaultEp(slot: Slot): Slot | null | SyscallError {
  const cap = slot.cap;
  if (cap === null) return null;
  if (
    cap.type !== ObjectType.Endpoint ||
    !has(cap.rights, Rights.Write) ||
    !(cap.rights & (Rights.Grant | Rights.GrantReply))
  ) {
    return err.invalidCapability(
      1,
      'the fault endpoint must be an endpoint cap with Write and Grant or GrantReply',
    );
  }
  return slot;
}

function authorityMcp(inv: Invocation, index: number): number | SyscallError {
  const a = inv.extraCaps[index]?.cap;
  if (!a || a.type !== ObjectType.Tcb)
    return err.invalidCapability(index + 1, 'the authority must be a TCB cap');
  return (a.obj as Tcb).mcp;
}

const isErr = (x: unknown): x is SyscallError =>
  typeof x === 'object' && x !== null && 'code' in x && 'detail' in x;

/** Decodes a TCB invocation. Changes nothing. */
export function decodeTcb(inv: Invocation): TcbOp | SyscallError {
  const tcb = inv.cap.obj as Tcb;
  const regCount = inv.k.port.registerCount;
  if (isOutsider(inv.thread, tcb) && ENCLAVE_PRIVATE_LABELS.has(inv.label)) {
    return err.illegalOperation(
      'the registers, CSpace and IPC buffer of an enclave thread are not reachable from outside its enclave',
    );
  }
  switch (inv.label) {
    case InvocationLabel.TcbReadRegisters: {
      if (inv.length < 2) return err.truncated('TCB_ReadRegisters needs flags and count');
      const count = inv.mr(1);
      if (count < 1 || count > regCount)
        return err.range(1, regCount, 'TCB_ReadRegisters: count out of range');
      if (tcb === inv.thread)
        return err.illegalOperation('TCB_ReadRegisters: a thread cannot read its own registers');
      return { kind: 'ReadRegisters', tcb, suspend: (inv.mr(0) & 1) === 1, count };
    }
    case InvocationLabel.TcbWriteRegisters: {
      if (inv.length < 2) return err.truncated('TCB_WriteRegisters needs flags and count');
      const count = Math.min(inv.mr(1), inv.length - 2, regCount);
      if (tcb === inv.thread)
        return err.illegalOperation('TCB_WriteRegisters: a thread cannot write its own registers');
      const values: number[] = [];
      for (let i = 0; i < count; i++) values.push(inv.mr(2 + i));
      return { kind: 'WriteRegisters', tcb, resume: (inv.mr(0) & 1) === 1, values };
    }
    case InvocationLabel.TcbConfigure: {
      if (inv.length < 2 || inv.extraCaps.length < 2)
        return err.truncated(
          'TCB_Configure needs 2 arguments and 2 caps (CSpace root, IPC buffer region)',
        );
      const root = decodeRoot(inv.extraCaps[0]!, inv.mr(0));
      if (isErr(root)) return root;
      const buffer = decodeBuffer(inv.extraCaps[1]!, inv.mr(1));
      if (isErr(buffer)) return buffer;
      return { kind: 'SetSpace', tcb, root, buffer, fault: undefined };
    }
    case InvocationLabel.TcbSetSpace: {
      if (inv.length < 1 || inv.extraCaps.length < 2)
        return err.truncated(
          'TCB_SetSpace needs root data and 2 caps (fault endpoint, CSpace root)',
        );
      const fault = decodeFaultEp(inv.extraCaps[0]!);
      if (isErr(fault)) return fault;
      const root = decodeRoot(inv.extraCaps[1]!, inv.mr(0));
      if (isErr(root)) return root;
      return { kind: 'SetSpace', tcb, root, buffer: null, fault };
    }
    case InvocationLabel.TcbSetIpcBuffer: {
      if (inv.length < 1 || inv.extraCaps.length < 1)
        return err.truncated('TCB_SetIPCBuffer needs an address and a region cap');
      const buffer = decodeBuffer(inv.extraCaps[0]!, inv.mr(0));
      if (isErr(buffer)) return buffer;
      return { kind: 'SetSpace', tcb, root: null, buffer, fault: undefined };
    }
    case InvocationLabel.TcbSetPriority:
    case InvocationLabel.TcbSetMCPriority: {
      if (inv.length < 1 || inv.extraCaps.length < 1)
        return err.truncated('TCB_SetPriority/SetMCPriority need a value and an authority TCB cap');
      const mcp = authorityMcp(inv, 0);
      if (isErr(mcp)) return mcp;
      const v = inv.mr(0);
      if (v > mcp) return err.range(0, mcp, `priority ${v} is above the authority's MCP ${mcp}`);
      return inv.label === InvocationLabel.TcbSetPriority
        ? { kind: 'SetPriority', tcb, priority: v, mcp: null }
        : { kind: 'SetPriority', tcb, priority: null, mcp: v };
    }
    case InvocationLabel.TcbSetSchedParams: {
      if (inv.length < 2 || inv.extraCaps.length < 3)
        return err.truncated(
          'TCB_SetSchedParams needs mcp, priority and 3 caps (authority, sched context, fault endpoint)',
        );
      const auth = authorityMcp(inv, 0);
      if (isErr(auth)) return auth;
      const mcp = inv.mr(0);
      const prio = inv.mr(1);
      if (mcp > auth) return err.range(0, auth, `MCP ${mcp} is above the authority's MCP ${auth}`);
      if (prio > auth)
        return err.range(0, auth, `priority ${prio} is above the authority's MCP ${auth}`);
      const scCap = inv.extraCaps[1]!.cap;
      let sc: SchedContext | null = null;
      if (scCap !== null) {
        if (scCap.type !== ObjectType.SchedContext)
          return err.invalidCapability(
            2,
            'the scheduling context cap must be a SchedContext cap or empty',
          );
        sc = scCap.obj as SchedContext;
        if (sc.tcb !== null && sc.tcb !== tcb)
          return err.illegalOperation('the scheduling context is bound to another thread');
        if (tcb.sc !== null && tcb.sc !== sc)
          return err.illegalOperation(
            'the thread already has a scheduling context; unbind it first',
          );
      }
      const fault = decodeFaultEp(inv.extraCaps[2]!);
      if (isErr(fault)) return fault;
      return {
        kind: 'Multi',
        ops: [
          { kind: 'SetPriority', tcb, priority: prio, mcp },
          { kind: 'SetSchedContext', tcb, sc },
          { kind: 'SetSpace', tcb, root: null, buffer: null, fault },
        ],
      };
    }
    case InvocationLabel.TcbSuspend:
      return { kind: 'Suspend', tcb };
    case InvocationLabel.TcbResume:
      return { kind: 'Resume', tcb };
    case InvocationLabel.TcbBindNotification: {
      if (inv.extraCaps.length < 1)
        return err.truncated('TCB_BindNotification needs a notification cap');
      const c = inv.extraCaps[0]!.cap;
      if (c === null || c.type !== ObjectType.Notification)
        return err.invalidCapability(1, 'TCB_BindNotification: not a notification cap');
      if (!has(c.rights, Rights.Read))
        return err.illegalOperation('TCB_BindNotification: the notification cap needs Read');
      if (tcb.boundNotification !== null)
        return err.illegalOperation(
          'TCB_BindNotification: the thread already has a bound notification',
        );
      const ntfn = c.obj as Notification;
      if (ntfn.boundTcb !== null || ntfn.queue.length > 0) {
        return err.illegalOperation(
          'TCB_BindNotification: the notification is bound or has waiters',
        );
      }
      return { kind: 'Bind', tcb, ntfn };
    }
    case InvocationLabel.TcbUnbindNotification:
      if (tcb.boundNotification === null)
        return err.illegalOperation('TCB_UnbindNotification: nothing is bound');
      return { kind: 'Unbind', tcb };
    case InvocationLabel.TcbSetTimeoutEndpoint: {
      // MCS: the endpoint cap is copied into the TCB now, as the fault endpoint is.
      if (inv.extraCaps.length < 1)
        return err.truncated('TCB_SetTimeoutEndpoint needs an endpoint cap (or an empty slot)');
      const slot = decodeFaultEp(inv.extraCaps[0]!);
      if (isErr(slot)) return slot;
      return { kind: 'SetTimeoutEndpoint', tcb, slot };
    }
    case InvocationLabel.TcbCopyRegisters:
      return err.illegalOperation('TCB_CopyRegisters is not implemented');
    default: {
      const op = decodeSupervision(inv, tcb);
      if (op === null) return err.illegalOperation(`label ${inv.label} is not a TCB method`);
      return isErr(op) ? op : { kind: 'Supervision', op };
    }
  }
}

function installCopy(k: KernelState, dest: Slot, from: Slot, cap: Cap): void {
  deleteCap(k, dest);
  if (from.cap === null) return;
  cdtInsert(from.cap, cap);
  placeCap(dest, cap);
}

/** Suspends a thread (seL4 suspend; Inactive also takes it out of the release queue). */
export function suspend(k: KernelState, t: Tcb): void {
  cancelIPC(k, t);
  setThreadState(k, t, ThreadState.Inactive);
  schedDequeue(k, t);
  cancelYieldTo(t);
}

/** Performs a TCB operation; returns reply words. */
export function performTcb(k: KernelState, op: TcbOp): number[] {
  switch (op.kind) {
    case 'ReadRegisters': {
      if (op.suspend) suspend(k, op.tcb);
      const out: number[] = [];
      for (let i = 0; i < op.count; i++) out.push(k.port.readRegister(op.tcb.context, i));
      return out;
    }
    case 'WriteRegisters':
      op.values.forEach((v, i) => {
        k.port.writeRegister(op.tcb.context, i, v);
      });
      if (op.resume && op.tcb.state === ThreadState.Inactive)
        makeRunnable(k, op.tcb, ThreadState.Restart);
      return [];
    case 'SetSpace': {
      const t = op.tcb;
      if (op.fault !== undefined) {
        if (op.fault === null) deleteCap(k, t.faultSlot);
        else {
          const c = op.fault.cap!;
          installCopy(k, t.faultSlot, op.fault, new Cap(c.type, c.obj, c.rights, c.badge));
        }
      }
      if (op.root) installCopy(k, t.cspaceSlot, op.root.slot, op.root.cap);
      if (op.buffer) {
        if (op.buffer.address === 0) deleteCap(k, t.ipcBufferSlot);
        else {
          const c = op.buffer.slot.cap!;
          installCopy(k, t.ipcBufferSlot, op.buffer.slot, new Cap(c.type, c.obj, c.rights));
        }
        t.ipcBuffer = op.buffer.address;
      }
      return [];
    }
    case 'SetPriority': {
      if (op.mcp !== null) op.tcb.mcp = op.mcp;
      if (op.priority !== null && op.priority !== op.tcb.priority) {
        setPriority(k, op.tcb, op.priority);
        // Keep endpoint/notification queues ordered by the new priority.
        const obj = op.tcb.blockedOn;
        if (obj) {
          queueRemove(obj.queue, op.tcb);
          queueInsert(obj.queue, op.tcb);
        }
      }
      return [];
    }
    case 'SetSchedContext': {
      const t = op.tcb;
      if (t.sc === op.sc) return [];
      if (t.sc) t.sc.tcb = null;
      t.sc = op.sc;
      if (op.sc) op.sc.tcb = t;
      if (op.sc && isRunnable(t)) makeRunnable(k, t, t.state);
      else setThreadState(k, t, t.state);
      return [];
    }
    case 'Suspend':
      cancelPendingRestart(k, op.tcb);
      suspend(k, op.tcb);
      return [];
    case 'Resume':
      cancelPendingRestart(k, op.tcb);
      if (op.tcb.state === ThreadState.Inactive) makeRunnable(k, op.tcb, ThreadState.Restart);
      return [];
    case 'SetTimeoutEndpoint': {
      const t = op.tcb;
      if (op.slot === null) deleteCap(k, t.timeoutSlot);
      else {
        const c = op.slot.cap!;
        installCopy(k, t.timeoutSlot, op.slot, new Cap(c.type, c.obj, c.rights, c.badge));
      }
      return [];
    }
    case 'Supervision':
      if (op.op.kind === 'Restart') suspend(k, op.op.tcb);
      return performSupervision(k, op.op);
    case 'Bind':
      op.tcb.boundNotification = op.ntfn;
      op.ntfn.boundTcb = op.tcb;
      return [];
    case 'Unbind': {
      const n = op.tcb.boundNotification!;
      n.boundTcb = null;
      op.tcb.boundNotification = null;
      return [];
    }
    case 'Multi':
      for (const o of op.ops) performTcb(k, o);
      return [];
  }
}

/** Endpoint type guard used by the syscall layer. */
export function isEndpoint(x: unknown): x is Endpoint {
  return (
    typeof x === 'object' && x !== null && (x as { type?: number }).type === ObjectType.Endpoint
  );
}
