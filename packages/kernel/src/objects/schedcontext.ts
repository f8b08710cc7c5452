// Scheduling contexts: binding to a thread (which makes it schedulable) or a notification, and
// unbinding. Budget, period and refills arrive with the MCS scheduler (issue 4), in
// sched/refills.ts; SchedControl_ConfigureFlags is decoded there. Relies on the scheduler.

import { InvocationLabel, ObjectType } from '@k5/abi';
import { isRunnable, makeRunnable, setThreadState } from '../sched/scheduler';
import type { KernelState } from '../state';
import { err, type Invocation, type SyscallError } from './invocation';
import type { Notification, SchedContext, Tcb } from './kobject';

/** A checked SchedContext operation. */
export type SchedContextOp =
  | { readonly kind: 'BindTcb'; readonly sc: SchedContext; readonly tcb: Tcb }
  | { readonly kind: 'BindNotification'; readonly sc: SchedContext; readonly ntfn: Notification }
  | {
      readonly kind: 'Unbind';
      readonly sc: SchedContext;
      readonly tcb: boolean;
      readonly ntfn: boolean;
    };

/** Decodes a SchedContext invocation. Changes nothing. */
export function decodeSchedContext(inv: Invocation): SchedContextOp | SyscallError {
  const sc = inv.cap.obj as SchedContext;
  switch (inv.label) {
    case InvocationLabel.SchedContextBind: {
      if (inv.extraCaps.length < 1)
        return err.truncated('SchedContext_Bind needs a TCB or notification cap');
      const c = inv.extraCaps[0]!.cap;
      if (c?.type === ObjectType.Tcb) {
        const tcb = c.obj as Tcb;
        if (sc.tcb !== null || tcb.sc !== null)
          return err.illegalOperation(
            'SchedContext_Bind: the context or the thread is already bound',
          );
        return { kind: 'BindTcb', sc, tcb };
      }
      if (c?.type === ObjectType.Notification) {
        const ntfn = c.obj as Notification;
        if (sc.notification !== null || ntfn.sc !== null)
          return err.illegalOperation(
            'SchedContext_Bind: the context or the notification is already bound',
          );
        return { kind: 'BindNotification', sc, ntfn };
      }
      return err.invalidCapability(
        1,
        'SchedContext_Bind: extra cap 0 must be a TCB or notification',
      );
    }
    case InvocationLabel.SchedContextUnbind:
      return { kind: 'Unbind', sc, tcb: true, ntfn: true };
    case InvocationLabel.SchedContextUnbindObject: {
      if (inv.extraCaps.length < 1)
        return err.truncated('SchedContext_UnbindObject needs a TCB or notification cap');
      const c = inv.extraCaps[0]!.cap;
      if (c?.type === ObjectType.Tcb && sc.tcb === c.obj)
        return { kind: 'Unbind', sc, tcb: true, ntfn: false };
      if (c?.type === ObjectType.Notification && sc.notification === c.obj)
        return { kind: 'Unbind', sc, tcb: false, ntfn: true };
      return err.illegalOperation(
        'SchedContext_UnbindObject: the object is not bound to this context',
      );
    }
    case InvocationLabel.SchedContextConsumed:
    case InvocationLabel.SchedContextYieldTo:
      return err.illegalOperation(
        'this SchedContext method arrives with the MCS scheduler (issue 4)',
      );
    default:
      return err.illegalOperation(`label ${inv.label} is not a SchedContext method`);
  }
}

/** Performs a SchedContext operation. */
export function performSchedContext(k: KernelState, op: SchedContextOp): number[] {
  const sc = op.sc;
  switch (op.kind) {
    case 'BindTcb':
      sc.tcb = op.tcb;
      op.tcb.sc = sc;
      if (isRunnable(op.tcb)) makeRunnable(k, op.tcb, op.tcb.state);
      return [];
    case 'BindNotification':
      sc.notification = op.ntfn;
      op.ntfn.sc = sc;
      return [];
    case 'Unbind':
      if (op.tcb && sc.tcb) {
        const t = sc.tcb;
        sc.tcb = null;
        t.sc = null;
        setThreadState(k, t, t.state);
      }
      if (op.ntfn && sc.notification) {
        sc.notification.sc = null;
        sc.notification = null;
      }
      return [];
  }
}
