// Interrupts (seL4 IRQControl / IRQHandler): IRQControl_Get issues one handler cap per line;
// a handler is bound to a notification; when the line fires the kernel masks it through the
// port's interrupt controller and signals the notification; IRQHandler_Ack unmasks it. A line
// with no live handler or no live notification is masked and reported as spurious. A
// scheduling context bound to the notification lets a passive handler thread run (the MCS
// lending lives in objects/schedcontext.ts). Decoders change nothing. Relies on
// objects/notification.ts, cspace/ and the port's InterruptController.

import { InvocationLabel, ObjectType, Rights, WORD_BITS } from '@k5/abi';
import type { InterruptController } from '../arch/port';
import { Cap, type Slot } from '../cspace/cap';
import { cdtInsert, placeCap } from '../cspace/cdt';
import { newResolved, resolveAddressBits } from '../cspace/lookup';
import { KernelUsageError } from '../errors';
import type { KernelState } from '../state';
import { err, has, type Invocation, SyscallError } from './invocation';
import { IrqHandler, type Notification } from './kobject';
import { sendSignal } from './notification';

/** A checked IRQControl or IRQHandler operation. */
export type IrqOp =
  | { readonly kind: 'Issue'; readonly irq: number; readonly control: Cap; readonly dest: Slot }
  | { readonly kind: 'Ack'; readonly handler: IrqHandler }
  | {
      readonly kind: 'SetNotification';
      readonly handler: IrqHandler;
      readonly notification: Notification;
      readonly badge: number;
    }
  | { readonly kind: 'Clear'; readonly handler: IrqHandler };

/** The live handler of a line, if any (a handler whose last cap was deleted no longer counts). */
export function irqHandlerOf(k: KernelState, irq: number): IrqHandler | null {
  const h = k.irqHandlers[irq] ?? null;
  return h?.live ? h : null;
}

function controller(k: KernelState): InterruptController | SyscallError {
  return k.port.interrupts ?? err.illegalOperation('this machine has no interrupt controller');
}

/** Decodes an IRQControl invocation (seL4 decodeIRQControlInvocation). Changes nothing. */
export function decodeIrqControl(inv: Invocation): IrqOp | SyscallError {
  if (inv.label !== InvocationLabel.IrqIssueIrqHandler)
    return err.illegalOperation(`label ${inv.label} is not an IRQControl method`);
  if (inv.length < 3 || inv.extraCaps.length < 1)
    return err.truncated('IRQControl_Get needs irq, index, depth and a root CNode cap');
  const ic = controller(inv.k);
  if (ic instanceof SyscallError) return ic;
  const irq = inv.mr(0);
  if (irq >= ic.lineCount)
    return err.range(0, ic.lineCount - 1, `IRQ ${irq} is outside 0..${ic.lineCount - 1}`);
  if (irqHandlerOf(inv.k, irq) !== null)
    return err.revokeFirst(`IRQ ${irq} already has a handler; delete its caps first`);
  const index = inv.mr(1);
  const depth = inv.mr(2);
  if (depth < 1 || depth > WORD_BITS)
    return err.range(1, WORD_BITS, `IRQControl_Get: depth ${depth} outside 1..${WORD_BITS}`);
  const r = resolveAddressBits(inv.extraCaps[0]!.cap, index, depth, newResolved());
  if (r.fault) return err.failedLookup(false, r.fault, 'IRQControl_Get: destination lookup failed');
  if (r.bitsRemaining !== 0 || r.slot === null)
    return err.failedLookup(
      false,
      { kind: 3, bitsLeft: r.bitsRemaining, bitsFound: 0, guardSize: 0 },
      'IRQControl_Get: depth does not end at a slot',
    );
  if (r.slot.cap !== null) return err.deleteFirst('IRQControl_Get: the destination slot is full');
  return { kind: 'Issue', irq, control: inv.cap, dest: r.slot };
}

/** Decodes an IRQHandler invocation (seL4 decodeIRQHandlerInvocation). Changes nothing. */
export function decodeIrqHandler(inv: Invocation): IrqOp | SyscallError {
  const handler = inv.cap.obj as IrqHandler;
  switch (inv.label) {
    case InvocationLabel.IrqAckIrq: {
      const ic = controller(inv.k);
      return ic instanceof SyscallError ? ic : { kind: 'Ack', handler };
    }
    case InvocationLabel.IrqSetIrqHandler: {
      if (inv.extraCaps.length < 1)
        return err.truncated('IRQHandler_SetNotification needs a notification cap');
      const c = inv.extraCaps[0]!.cap;
      if (c === null || c.type !== ObjectType.Notification || !has(c.rights, Rights.Write))
        return err.invalidCapability(
          1,
          'IRQHandler_SetNotification needs a notification cap with Write',
        );
      return {
        kind: 'SetNotification',
        handler,
        notification: c.obj as Notification,
        badge: c.badge,
      };
    }
    case InvocationLabel.IrqClearIrqHandler:
      return { kind: 'Clear', handler };
    default:
      return err.illegalOperation(`label ${inv.label} is not an IRQHandler method`);
  }
}

/** Performs a checked IRQ operation. Cannot fail. */
export function performIrq(k: KernelState, op: IrqOp): number[] {
  switch (op.kind) {
    case 'Issue': {
      const h = new IrqHandler(k.nextId++, op.irq);
      k.objects.add(h);
      k.irqHandlers[op.irq] = h;
      // A child of the IRQControl cap: revoking IRQControl takes every handler back.
      const cap = new Cap(ObjectType.IrqHandler, h, Rights.All);
      cdtInsert(op.control, cap);
      placeCap(op.dest, cap);
      if (k.trace)
        k.trace({ kind: 'create', time: k.now, object: h.id, type: h.type, base: 0, sizeBits: 0 });
      // seL4 setIRQState(IRQSignal) unmasks the line when it is issued.
      k.port.interrupts?.unmask(op.irq);
      return [];
    }
    case 'Ack':
      k.port.interrupts?.unmask(op.handler.irq);
      return [];
    case 'SetNotification':
      op.handler.notification = op.notification;
      op.handler.badge = op.badge;
      return [];
    case 'Clear':
      op.handler.notification = null;
      op.handler.badge = 0;
      return [];
  }
}

/**
 * Interrupt line `irq` fired (the kernel side of `kernel.interrupt`). Masks the line, then
 * signals the bound notification with the handler's badge; without a live handler and
 * notification the interrupt is spurious: masked only. The caller ends the kernel entry.
 * Returns whether the interrupt was delivered.
 * @public
 */
export function handleInterrupt(k: KernelState, irq: number): boolean {
  const ic = k.port.interrupts;
  if (ic === undefined)
    throw new KernelUsageError(
      'bad-config',
      'an interrupt was raised on a port without an interrupt controller',
    );
  if (!Number.isInteger(irq) || irq < 0 || irq >= ic.lineCount)
    throw new RangeError(`IRQ ${irq} is outside the controller's lines 0..${ic.lineCount - 1}`);
  ic.mask(irq);
  const h = irqHandlerOf(k, irq);
  const n = h?.notification ?? null;
  // Spurious: nobody to tell. The line stays masked until a handler is issued or acks it.
  const handled = h !== null && n?.live === true;
  if (k.trace) k.trace({ kind: 'irq', time: k.now, irq, handled });
  if (h === null || n === null || !handled) return false;
  sendSignal(k, n, h.badge);
  return true;
}
