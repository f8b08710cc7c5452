// Deleting capabilities and destroying objects: cteDelete unlinks a cap from the CDT and, when
// it was the object's last cap, finalises the object, cleaning every thread that referred to it.
// Revoke deletes descendants in bounded batches so that a large revoke never stalls the machine
// (seL4's preemption point). Relies on cdt.ts and the object mechanisms.

import { ObjectType } from '@k5/abi';
import type { Cap, Slot } from './cap';
import { cdtUnlink } from './cdt';
import type {
  CNode,
  Enclave,
  Endpoint,
  IrqHandler,
  KObject,
  Notification,
  Reply,
  SchedContext,
  Tcb,
} from '../objects/kobject';
import { cancelAllIPC, cancelIPC } from '../objects/endpoint';
import { cancelAllSignals } from '../objects/notification';
import { replyUnlinkCaller } from '../objects/reply';
import { finaliseSchedContext, releaseSchedulingOf } from '../objects/schedcontext';
import { cancelPendingRestart } from '../supervision/restart-queue';
import { destroyEnclave, leaveEnclave } from '../objects/enclave-isolation';
import { unmapCap } from '../objects/region';
import { setThreadState } from '../sched/scheduler';
import { ThreadState } from '../objects/kobject';
import type { KernelState } from '../state';

/** Deletes the cap in `slot` (no-op when empty); destroys its object if it was the last cap. */
export function deleteCap(k: KernelState, slot: Slot): void {
  const cap = slot.cap;
  if (cap === null) return;
  cdtUnlink(cap);
  slot.cap = null;
  cap.slot = null;
  if (cap.mappedTo !== null) unmapCap(k, cap);
  if (slot.tcb !== null && slot === slot.tcb.ipcBufferSlot) slot.tcb.ipcBuffer = 0;
  const obj = cap.obj;
  obj.capCount--;
  if (obj.capCount === 0) finalise(k, obj);
}

/** Destroys an object whose last cap is gone. */
function finalise(k: KernelState, obj: KObject): void {
  obj.live = false;
  k.objects.delete(obj);
  if (obj.untyped) obj.untyped.children--;
  if (k.trace) k.trace({ kind: 'destroy', time: k.now, object: obj.id, type: obj.type });
  switch (obj.type) {
    case ObjectType.Endpoint:
      cancelAllIPC(k, obj as Endpoint);
      break;
    case ObjectType.Notification:
      cancelAllSignals(k, obj as Notification);
      break;
    case ObjectType.CNode:
      for (const s of (obj as CNode).slots) if (s.cap) deleteCap(k, s);
      break;
    case ObjectType.Tcb:
      destroyTcb(k, obj as Tcb);
      break;
    case ObjectType.Reply: {
      const r = obj as Reply;
      replyUnlinkCaller(k, r);
      if (r.receiver) cancelIPC(k, r.receiver);
      break;
    }
    case ObjectType.SchedContext:
      finaliseSchedContext(k, obj as SchedContext);
      break;
    case ObjectType.Enclave:
      destroyEnclave(k, obj as Enclave, (t) => {
        cancelIPC(k, t);
        cancelPendingRestart(k, t);
        setThreadState(k, t, ThreadState.Inactive);
        t.host = null;
      });
      break;
    case ObjectType.IrqHandler: {
      // seL4 deletingIRQHandler: the line goes back to inactive and is masked.
      const h = obj as IrqHandler;
      if (k.irqHandlers[h.irq] === h) k.irqHandlers[h.irq] = null;
      h.notification = null;
      k.port.interrupts?.mask(h.irq);
      break;
    }
    default:
      break;
  }
}

function destroyTcb(k: KernelState, t: Tcb): void {
  cancelIPC(k, t);
  setThreadState(k, t, ThreadState.Inactive);
  cancelPendingRestart(k, t);
  if (t.boundNotification) {
    t.boundNotification.boundTcb = null;
    t.boundNotification = null;
  }
  releaseSchedulingOf(k, t);
  leaveEnclave(k, t);
  for (const m of t.mappings.slice()) unmapCap(k, m.cap);
  for (const slot of t.privateSlots) deleteCap(k, slot);
  if (k.current === t) k.current = null;
  if (k.candidate === t) k.candidate = null;
  k.onThreadDestroyed?.(t);
  k.port.destroyContext(t.context);
}

/**
 * Deletes up to `k.revokeBatch` descendants of `cap`. Returns true when none are left, false
 * when it stopped at the preemption point (the invoker restarts the syscall to continue).
 */
export function revokeStep(k: KernelState, cap: Cap): boolean {
  let budget = k.revokeBatch;
  while (cap.firstChild !== null) {
    if (budget-- === 0) return false;
    let victim: Cap = cap.firstChild;
    // Delete leaves first so that re-parenting stays cheap.
    while (victim.firstChild !== null) victim = victim.firstChild;
    if (victim.slot) deleteCap(k, victim.slot);
    else cdtUnlink(victim);
  }
  return true;
}
