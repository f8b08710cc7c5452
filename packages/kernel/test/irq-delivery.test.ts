// Interrupts, modelled on the seL4 test suite's interrupt tests (own scenarios): issuing
// handler caps and its errors, delivery to the bound notification with the line masked until
// the handler acknowledges it, spurious interrupts on lines nobody handles, and clearing.
import { KernelError, Rights } from '@k5/abi';
import {
  cnodeDelete,
  irqControlGet,
  irqHandlerAck,
  irqHandlerClear,
  irqHandlerSetNotification,
  schedContextBind,
  schedContextUnbind,
} from '@k5/userspace';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GenericPort } from '../src/arch/generic-port';
import { Cap } from '../src/cspace/cap';
import { placeCap } from '../src/cspace/cdt';
import { IrqControl, ThreadState } from '../src/objects/kobject';
import { sendSignal } from '../src/objects/notification';
import { handleInterrupt, irqHandlerOf } from '../src/objects/irq';
import { originalCap } from '../src/objects/untyped';
import { endKernelEntry } from '../src/syscalls';
import { C, DEPTH, digest, type Fixture, makeFixture, type ThreadSpec } from './fixture';

const IRQ_CONTROL = C.free;
const HANDLER = C.free + 1;
const BADGED_NTFN = C.free + 2;

/** Gives thread 0 the IRQControl cap and a notification cap badged 0b100. */
function withIrqControl(f: Fixture): IrqControl {
  const k = f.kernel.state;
  const control = new IrqControl(k.nextId++, 0, 0, null);
  k.objects.add(control);
  placeCap(f.cnodes[0]!.slots[IRQ_CONTROL]!, originalCap(control));
  const n = f.notifications[0]!;
  placeCap(f.cnodes[0]!.slots[BADGED_NTFN]!, new Cap(n.type, n, Rights.All, 0b100));
  return control;
}

/** The simulator raises line `irq`; true when a notification was signalled. */
function fire(f: Fixture, irq: number): boolean {
  const signals = f.trace.ofKind('signal').length;
  f.kernel.interrupt(irq);
  f.kernel.assertInvariants();
  return f.trace.ofKind('signal').length > signals;
}

const traced = (specs: ThreadSpec[]) => makeFixture(specs, { trace: true });

const masked = (f: Fixture) => (f.kernel.port as GenericPort).interrupts.masked;

function driver(words: number[], rounds: number, irq = 3): ThreadSpec {
  return {
    name: 'driver',
    priority: 150,
    *body(s) {
      expect(yield* irqControlGet(s, IRQ_CONTROL, irq, C.cnode, HANDLER, DEPTH)).toBe(0);
      expect(yield* irqHandlerSetNotification(s, HANDLER, BADGED_NTFN)).toBe(0);
      for (let i = 0; i < rounds; i++) {
        words.push(yield* s.wait(C.ntfn(0)));
        expect(yield* irqHandlerAck(s, HANDLER)).toBe(0);
      }
    },
  };
}

describe('IRQControl_Get', () => {
  it.each([
    ['a line out of range', 32, HANDLER, KernelError.RangeError, [0, 31]],
    ['a line that already has a handler', 3, HANDLER + 3, KernelError.RevokeFirst, []],
    ['a full destination slot', 4, C.reply, KernelError.DeleteFirst, []],
  ])('rejects %s and changes nothing', (_name, irq, dest, code, detail) => {
    const out: { code: number; detail: number[]; same: boolean }[] = [];
    const f = traced([
      {
        name: 'root',
        *body(s) {
          expect(yield* irqControlGet(s, IRQ_CONTROL, 3, C.cnode, HANDLER, DEPTH)).toBe(0);
          const before = digest(f.kernel);
          const e = yield* irqControlGet(s, IRQ_CONTROL, irq, C.cnode, dest, DEPTH);
          out.push({
            code: e,
            detail: detail.map((_, i) => s.getMR(i)),
            same: digest(f.kernel) === before,
          });
        },
      },
    ]);
    withIrqControl(f);
    f.run();
    expect(out).toEqual([{ code, detail, same: true }]);
  });

  it('issues a handler cap that is a CDT child of IRQControl and unmasks the line', () => {
    const f = traced([
      {
        name: 'root',
        *body(s) {
          expect(yield* irqControlGet(s, IRQ_CONTROL, 7, C.cnode, HANDLER, DEPTH)).toBe(0);
        },
      },
    ]);
    withIrqControl(f);
    f.kernel.port.interrupts!.mask(7);
    f.run();
    const cap = f.cnodes[0]!.slots[HANDLER]!.cap!;
    expect(cap.parent).toBe(f.cnodes[0]!.slots[IRQ_CONTROL]!.cap);
    expect(irqHandlerOf(f.kernel.state, 7)?.irq).toBe(7);
    expect(masked(f).has(7)).toBe(false);
  });

  it('deleting the last handler cap frees the line for a new handler', () => {
    const codes: number[] = [];
    const f = traced([
      {
        name: 'root',
        *body(s) {
          codes.push(yield* irqControlGet(s, IRQ_CONTROL, 5, C.cnode, HANDLER, DEPTH));
          codes.push(yield* cnodeDelete(s, C.cnode, HANDLER, DEPTH));
          codes.push(yield* irqControlGet(s, IRQ_CONTROL, 5, C.cnode, HANDLER, DEPTH));
        },
      },
    ]);
    withIrqControl(f);
    f.run();
    expect(codes).toEqual([0, 0, 0]);
  });

  it('deleting the last handler cap masks the line and makes it spurious (seL4 deletingIRQHandler)', () => {
    const f = traced([
      {
        name: 'root',
        *body(s) {
          expect(yield* irqControlGet(s, IRQ_CONTROL, 6, C.cnode, HANDLER, DEPTH)).toBe(0);
          expect(yield* irqHandlerSetNotification(s, HANDLER, BADGED_NTFN)).toBe(0);
          expect(yield* cnodeDelete(s, C.cnode, HANDLER, DEPTH)).toBe(0);
        },
      },
    ]);
    withIrqControl(f);
    f.run();
    expect(masked(f).has(6)).toBe(true);
    expect(irqHandlerOf(f.kernel.state, 6)).toBeNull();
    expect(fire(f, 6)).toBe(false);
    expect(f.trace.ofKind('irq')).toEqual([
      { kind: 'irq', time: f.kernel.now, irq: 6, handled: false },
    ]);
  });
});

describe('delivery', () => {
  it('signals the notification with its badge, masks until Ack, then unmasks', () => {
    const words: number[] = [];
    const f = traced([driver(words, 2)]);
    withIrqControl(f);
    f.run();
    expect(masked(f).has(3)).toBe(false);
    expect(fire(f, 3)).toBe(true);
    // The driver has been woken but has not run yet: the line stays masked.
    expect(masked(f).has(3)).toBe(true);
    expect(f.kernel.current).toBe(f.threads[0]);
    f.run();
    expect(words).toEqual([0b100]);
    expect(masked(f).has(3)).toBe(false);
    expect(fire(f, 3)).toBe(true);
    f.run();
    expect(words).toEqual([0b100, 0b100]);
  });

  it('an interrupt on a masked line (a controller that ignores the mask) leaves a pending signal', () => {
    const words: number[] = [];
    const f = traced([driver(words, 1)]);
    withIrqControl(f);
    f.run();
    // The driver waits: the first wakes it; the second finds it runnable and sets the word.
    fire(f, 3);
    fire(f, 3);
    f.run();
    expect(words).toEqual([0b100]);
    expect(f.notifications[0]!.active).toBe(true);
  });

  it('a higher-priority driver preempts the running task when its IRQ fires', () => {
    const words: number[] = [];
    const order: string[] = [];
    const f = traced([
      driver(words, 1),
      {
        name: 'busy',
        priority: 10,
        *body(s) {
          order.push('busy');
          yield* s.yield();
          order.push('busy again');
        },
      },
    ]);
    withIrqControl(f);
    f.executor.run({ maxSteps: 4, checkInvariants: true });
    expect(f.kernel.current).toBe(f.threads[1]);
    fire(f, 3);
    expect(f.kernel.current).toBe(f.threads[0]);
    f.run();
    expect(words).toEqual([0b100]);
  });
});

describe('spurious and cleared lines', () => {
  it('a line without a handler is masked and wakes nobody', () => {
    const f = traced([
      {
        name: 'idle',
        *body(s) {
          yield* s.wait(C.ntfn(0));
        },
      },
    ]);
    f.run();
    const before = digest(f.kernel);
    expect(fire(f, 9)).toBe(false);
    expect(masked(f).has(9)).toBe(true);
    expect(digest(f.kernel)).toBe(before);
  });

  it('a handler without a notification, or after Clear, is spurious', () => {
    const f = traced([
      {
        name: 'root',
        *body(s) {
          expect(yield* irqControlGet(s, IRQ_CONTROL, 2, C.cnode, HANDLER, DEPTH)).toBe(0);
          yield* s.wait(C.ntfn(1));
          expect(yield* irqHandlerSetNotification(s, HANDLER, BADGED_NTFN)).toBe(0);
          expect(yield* irqHandlerClear(s, HANDLER)).toBe(0);
          yield* s.wait(C.ntfn(1));
        },
      },
    ]);
    withIrqControl(f);
    const wakeRoot = () => {
      sendSignal(f.kernel.state, f.notifications[1]!, 1);
      endKernelEntry(f.kernel.state);
      f.run();
    };
    f.run();
    expect(fire(f, 2)).toBe(false);
    wakeRoot();
    expect(irqHandlerOf(f.kernel.state, 2)?.notification).toBeNull();
    expect(fire(f, 2)).toBe(false);
    expect(f.notifications[0]!.active).toBe(false);
    wakeRoot();
    expect(f.threads[0]!.state).toBe(ThreadState.Inactive);
  });

  it('an IRQ number outside the controller throws a RangeError', () => {
    const f = traced([{ name: 'a', *body() {} }]);
    expect(() => handleInterrupt(f.kernel.state, 32)).toThrow(RangeError);
    expect(() => handleInterrupt(f.kernel.state, -1)).toThrow(RangeError);
  });
});

describe('masking (model-based)', () => {
  it('a line is masked exactly from an interrupt until the driver acks it', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('fire', 'run'), { maxLength: 30 }), (commands) => {
        const words: number[] = [];
        const f = traced([driver(words, 1000)]);
        withIrqControl(f);
        f.run();
        // The model: is the line masked, is a signal pending, how many signals were handled.
        let isMasked = false;
        let pending = false;
        let handled = 0;
        for (const c of commands) {
          if (c === 'fire') {
            // The controller delivers a line only while it is unmasked.
            if (!masked(f).has(3)) {
              fire(f, 3);
              isMasked = true;
              pending = true;
            }
          } else {
            f.run();
            if (pending) handled++;
            pending = false;
            isMasked = false;
          }
          expect(masked(f).has(3)).toBe(isMasked);
          expect(words).toHaveLength(handled);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('passive interrupt handler', () => {
  it('runs on the scheduling context bound to its notification and gives it back when it waits', () => {
    const words: number[] = [];
    const DRIVER_SC = C.free + 3;
    const f = traced([
      driver(words, 2),
      {
        name: 'root',
        priority: 100,
        *body(s) {
          // Take the driver's context away and bind it to the IRQ notification instead.
          expect(yield* schedContextUnbind(s, DRIVER_SC)).toBe(0);
          expect(yield* schedContextBind(s, DRIVER_SC, C.ntfn(0))).toBe(0);
        },
      },
    ]);
    withIrqControl(f);
    const driverThread = f.threads[0]!;
    const sc = driverThread.sc!;
    placeCap(f.cnodes[1]!.slots[DRIVER_SC]!, new Cap(sc.type, sc, Rights.All));
    f.run();
    expect(driverThread.sc).toBeNull();
    expect(f.notifications[0]!.sc).toBe(sc);
    expect(fire(f, 3)).toBe(true);
    // Lent to the woken driver, which preempts nothing (the system was idle) and runs.
    expect(driverThread.sc).toBe(sc);
    expect(f.kernel.current).toBe(driverThread);
    f.run();
    expect(words).toEqual([0b100]);
    expect(driverThread.sc).toBeNull();
    expect(f.notifications[0]!.sc).toBe(sc);
    expect(masked(f).has(3)).toBe(false);
  });
});
