// Kernel scenarios for the port's time and interrupt side (CONTRACT.md): a GIC interrupt taken
// by the port (acknowledge, kernel.interrupt, priority drop) reaches an IRQ-handler task through
// its notification, and the line is deactivated only by the task's IRQHandler_Ack; a thread
// whose budget runs out is preempted at the deadline the kernel programmed into CNTP_CVAL, and
// every kernel entry ends with the port's switchTo (TTBR0_EL1 + ASID, never a TLB flush).
import { type HostTask, Rights } from '@k5/abi';
import type { ContextId } from '@k5/kernel';
import {
  cnodeCopy,
  cnodeMint,
  irqControlGet,
  irqHandlerAck,
  irqHandlerSetNotification,
  Sys,
} from '@k5/userspace';
import { describe, expect, it } from 'vitest';
import { bootScenario, CHILD } from './harness';

const LINE = 5;
const INTID = 32 + LINE;
const HANDLER_SLOT = 5; // in the driver's CNode
const NTFN_BADGE = 0b100;

describe('a GIC interrupt reaches an IRQ-handler task', () => {
  it('acknowledges, masks, signals the handler, and deactivates only on IRQHandler_Ack', () => {
    // A device on line 5 that the driver clears (a host stand-in for its MMIO write).
    const dev = { cleared: 0, level: (_high: boolean) => {} };
    const handled: number[] = [];
    const driver: HostTask = function* (ctx) {
      const sys = new Sys(ctx);
      for (;;) {
        handled.push(yield* sys.wait(CHILD.toChild));
        dev.cleared++;
        dev.level(false);
        if ((yield* irqHandlerAck(sys, HANDLER_SLOT)) !== 0) throw new Error('ack failed');
      }
    };
    const s = bootScenario({
      children: [{ program: 'driver', priority: 180 }],
      programs: { driver },
      *rootCode(b) {
        const D = b.boot.rootCNodeDepth;
        const root = b.boot.caps.rootCNode;
        const handler = b.allocSlot();
        const badged = b.allocSlot();
        const ok = (e: number, what: string) => {
          if (e !== 0) throw new Error(`${what} failed with error ${e}`);
        };
        ok(
          yield* irqControlGet(b.sys, b.boot.caps.irqControl, LINE, root, handler, D),
          'IRQControl_Get',
        );
        ok(
          yield* cnodeMint(b.sys, root, badged, D, root, b.toChild, D, Rights.All, NTFN_BADGE),
          'mint',
        );
        ok(yield* irqHandlerSetNotification(b.sys, handler, badged), 'SetNotification');
        ok(
          yield* cnodeCopy(b.sys, b.cnodes[0]!, HANDLER_SLOT, 4, root, handler, D, Rights.All),
          'copy',
        );
      },
    });
    const port = s.port;
    dev.level = (high) => port.setLineLevel(LINE, high);
    expect(s.system.run({ checkInvariants: true }).reason).toBe('idle');
    const [drv] = s.children();
    expect(port.gic.state.enabled[INTID]).toBe(1); // IRQControl_Get unmasked it
    expect(port.activeContext).toBe(null); // everyone waits: the idle table is installed

    // The device raises its line: the port takes the IRQ exception.
    port.setLineLevel(LINE, true);
    const taken = port.takeInterrupts(s.system.kernel);
    expect(taken).toEqual([{ kind: 'line', intid: INTID, line: LINE }]);
    // kernel.interrupt masked the line and woke the driver; the port's switchTo ran for it.
    expect(port.gic.state.enabled[INTID]).toBe(0);
    expect(port.gic.state.active[INTID]).toBe(1);
    expect(port.gic.cpu.runningPriority).toBe(0xff); // priority already dropped
    expect(s.system.kernel.current).toBe(drv);
    expect(port.activeContext).toBe(drv!.context as ContextId);

    expect(s.system.run({ checkInvariants: true }).reason).toBe('idle');
    expect(handled).toEqual([NTFN_BADGE]);
    // The ack deactivated and re-enabled the line; the device is quiet: nothing pending.
    expect(port.gic.state.active[INTID]).toBe(0);
    expect(port.gic.state.enabled[INTID]).toBe(1);
    expect(port.takeInterrupts(s.system.kernel)).toEqual([]);

    // Twice more: one interrupt each time, as the driver clears the device before its ack.
    for (let i = 0; i < 2; i++) {
      port.setLineLevel(LINE, true);
      port.takeInterrupts(s.system.kernel);
      s.system.run({ checkInvariants: true });
    }
    expect(handled).toEqual([NTFN_BADGE, NTFN_BADGE, NTFN_BADGE]);
    expect(dev.cleared).toBe(3);
    expect(port.gic.cpu.counters).toMatchObject({ acknowledged: 3, spurious: 0 });
    expect(port.mmu.tlb.counters.flushes.VMALLE1).toBe(0);
  });

  it('masks a line nobody handles as spurious and leaves it active', () => {
    const s = bootScenario({ children: [], programs: {} });
    s.system.run();
    s.port.interrupts.unmask(9);
    s.port.setLineLevel(9, true);
    expect(s.port.takeInterrupts(s.system.kernel)).toEqual([{ kind: 'line', intid: 41, line: 9 }]);
    expect(s.port.gic.state.enabled[41]).toBe(0);
    expect(s.port.gic.cpu.irqPending).toBe(false);
    // Still active: issuing a handler later (IRQControl_Get unmasks the line) deactivates it.
    expect(s.port.gic.state.active[41]).toBe(1);
  });
});

describe('timer preemption on the generic timer', () => {
  it('preempts a thread at its budget expiry, the deadline the kernel put in CNTP_CVAL', () => {
    const order: string[] = [];
    const spinner = (name: string): HostTask =>
      function* (ctx) {
        const sys = new Sys(ctx);
        for (let i = 0; i < 3; i++) {
          order.push(name);
          yield* sys.work(250);
        }
      };
    const s = bootScenario({
      children: [
        { program: 'a', priority: 100, budget: { budget: 100, period: 100 } },
        { program: 'b', priority: 100, budget: { budget: 100, period: 100 } },
      ],
      programs: { a: spinner('a'), b: spinner('b') },
    });
    const port = s.port;
    const armed: (number | null)[] = [];
    const setTimer = port.setTimer.bind(port);
    port.setTimer = (d) => {
      setTimer(d);
      armed.push(d);
      // CNTP_CVAL_EL0 holds the deadline, CNTP_CTL_EL0.ENABLE follows it.
      expect(port.timerDeadline).toBe(d === null ? null : Math.ceil(d));
    };
    const switches: { time: number; to: number }[] = [];
    const switchTo = port.switchTo.bind(port);
    port.switchTo = (ctx) => {
      switchTo(ctx);
      switches.push({ time: s.system.kernel.now, to: ctx ?? -1 });
    };
    expect(s.system.run({ checkInvariants: true }).reason).toBe('idle');
    const [a, b] = s.children();
    // Round robin with 100-tick slices: each 250-tick work item is cut at a deadline.
    expect(armed.filter((d) => d !== null).length).toBeGreaterThan(5);
    expect(s.system.kernel.now).toBe(1500);
    expect(armed.at(-1)).toBe(null); // tickless: disarmed when nothing is due
    const ctxA = a!.context as number;
    const ctxB = b!.context as number;
    const handoffs = switches.filter(
      (x, i) => i > 0 && x.to !== switches[i - 1]!.to && (x.to === ctxA || x.to === ctxB),
    );
    const deadlines = new Set(armed);
    // 1,500 ticks of work in 100-tick slices: b, a, b, ... b finishes at 1,450 (its third item
    // ends 50 ticks into a slice) and a runs to the end.
    expect(handoffs.map((h) => h.time)).toEqual([
      0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200, 1300, 1400, 1450,
    ]);
    // Every preemption (all but the first dispatch and b's exit) is at an armed deadline.
    for (const h of handoffs.slice(1, -1)) expect(deadlines.has(h.time)).toBe(true);
    expect(switches.at(-1)).toEqual({ time: 1500, to: -1 }); // idle: the idle table
    // Both started before either finished its first work item: preemption, not cooperation.
    expect(order.slice(0, 2).sort()).toEqual(['a', 'b']);
    expect(port.mmu.tlb.counters.flushes.VMALLE1).toBe(0);
  });
});

describe('an idle system waits for the generic timer', () => {
  it('runs a 100-per-1000-tick budget, idles with CNTP_CVAL at the refill, and wakes there', () => {
    const done: number[] = [];
    const worker: HostTask = function* (ctx) {
      const sys = new Sys(ctx);
      yield* sys.work(250);
      done.push(1);
    };
    const s = bootScenario({
      children: [{ program: 'worker', priority: 100, budget: { budget: 100, period: 1000 } }],
      programs: { worker },
    });
    const { kernel } = s.system;
    const port = s.port;
    const wakes: number[] = [];
    for (let round = 0; round < 5 && done.length === 0; round++) {
      expect(s.system.run({ checkInvariants: true }).reason).toBe('idle');
      if (done.length > 0) break;
      // Out of budget: nothing runs, the idle table is in TTBR0_EL1, the refill is armed.
      port.syncCounter(kernel.now);
      expect(port.activeContext).toBe(null);
      expect(kernel.deadline).not.toBe(null);
      expect(port.timerDeadline).toBe(kernel.deadline);
      expect(port.timer.istatus).toBe(false);
      // WFI: both clocks run to the deadline; the kernel releases the worker there.
      expect(port.advanceClock(kernel, kernel.deadline! - kernel.now)).toBe(0);
      wakes.push(kernel.now);
      expect(port.timer.cntpct).toBe(BigInt(kernel.now));
      expect(port.activeContext).toBe(s.children()[0]!.context as ContextId);
      // The handled deadline is not left pending at the GIC: CNTP_CVAL was re-armed.
      expect(port.gic.cpu.irqPending).toBe(false);
    }
    // 100 ticks per 1,000-tick period: 0-100, 1000-1100, 2000-2050.
    expect(wakes).toEqual([1000, 2000]);
    expect(done).toEqual([1]);
    expect(kernel.now).toBe(2050);
    expect(port.timerDeadline).toBe(null);
  });
});
