import { describe, expect, it } from 'vitest';
import { Aarch64Port } from './aarch64-port';
import type { InterruptEntries } from './irq-entry';

/** A kernel stand-in that masks the line it is given, as kernel.interrupt does (CONTRACT.md). */
function recordingKernel(port: Aarch64Port, onTimer: () => void = () => port.setTimer(null)) {
  const calls: string[] = [];
  const kernel: InterruptEntries = {
    interrupt: (irq) => {
      calls.push(`irq ${irq}`);
      port.interrupts.mask(irq);
    },
    timerInterrupt: () => {
      calls.push('timer');
      onTimer();
    },
  };
  return { kernel, calls };
}

describe('Aarch64Port IRQ entry: acknowledge, kernel, priority drop, deactivate on ack', () => {
  it('hands SPI 32 + n to kernel.interrupt(n) and deactivates it only when the line is unmasked', () => {
    const port = new Aarch64Port();
    const { kernel, calls } = recordingKernel(port);
    port.interrupts.unmask(5);
    port.setLineLevel(5, true);
    expect(port.takeInterrupts(kernel)).toEqual([{ kind: 'line', intid: 37, line: 5 }]);
    expect(calls).toEqual(['irq 5']);
    // Priority dropped (running priority idle again) but the interrupt is still active.
    expect(port.gic.cpu.runningPriority).toBe(0xff);
    expect(port.gic.state.active[37]).toBe(1);
    expect(port.gic.cpu.irqPending).toBe(false);
    // The device drops its level; the handler acks: deactivated, enabled, nothing pending.
    port.setLineLevel(5, false);
    port.interrupts.unmask(5);
    expect(port.gic.state.active[37]).toBe(0);
    expect(port.takeInterrupts(kernel)).toEqual([]);
    expect(calls).toEqual(['irq 5']);
  });

  it('takes a level that is still high again after the ack', () => {
    const port = new Aarch64Port();
    const { kernel, calls } = recordingKernel(port);
    port.interrupts.unmask(2);
    port.setLineLevel(2, true);
    port.takeInterrupts(kernel);
    port.interrupts.unmask(2); // ack while the device still asserts its line
    expect(port.takeInterrupts(kernel)).toEqual([{ kind: 'line', intid: 34, line: 2 }]);
    expect(calls).toEqual(['irq 2', 'irq 2']);
  });

  it('sends the timer PPI to kernel.timerInterrupt and deactivates it at once', () => {
    const port = new Aarch64Port();
    // The kernel re-arms 150 ticks after now, as a periodic budget would.
    const { kernel, calls } = recordingKernel(port, () =>
      port.setTimer(Number(port.timer.cntpct) + 150),
    );
    port.setTimer(100);
    port.timer.advance(100);
    expect(port.takeInterrupts(kernel)).toEqual([{ kind: 'timer', intid: 30 }]);
    expect(calls).toEqual(['timer']);
    expect(port.gic.state.active[30]).toBe(0);
    expect(port.timerDeadline).toBe(250); // the kernel re-armed: the level dropped
    port.timer.advance(149);
    expect(port.takeInterrupts(kernel)).toEqual([]);
    port.timer.advance(1);
    expect(port.takeInterrupts(kernel)).toEqual([{ kind: 'timer', intid: 30 }]);
    expect(port.timerDeadline).toBe(400);
  });

  it('takes higher-priority interrupts first: the timer before a kernel line', () => {
    const port = new Aarch64Port();
    const { kernel, calls } = recordingKernel(port);
    port.interrupts.unmask(0);
    port.setLineLevel(0, true);
    port.setTimer(10);
    port.timer.advance(10);
    expect(port.takeInterrupts(kernel).map((t) => t.kind)).toEqual(['timer', 'line']);
    expect(calls).toEqual(['timer', 'irq 0']);
  });

  it('stops after a bounded number of interrupts when the kernel cannot clear a level', () => {
    const port = new Aarch64Port();
    // A broken kernel that neither masks the line nor re-arms the timer.
    const kernel: InterruptEntries = { interrupt: () => {}, timerInterrupt: () => {} };
    port.setTimer(1);
    port.timer.advance(1);
    const taken = port.takeInterrupts(kernel);
    expect(taken.length).toBe(port.gic.state.count);
    expect(taken.every((t) => t.kind === 'timer')).toBe(true);
  });

  it('rejects a line outside the GIC with a typed error', () => {
    const port = new Aarch64Port();
    expect(() => port.setLineLevel(64, true)).toThrow(/outside 0\.\.63/);
  });
});

describe('Aarch64Port.switchTo (called at the end of every kernel entry)', () => {
  it('installs the idle table under ASID 0 for null, and a thread space without any TLBI', () => {
    const port = new Aarch64Port();
    const a = port.createContext();
    const b = port.createContext();
    port.switchTo(a);
    expect(port.activeContext).toBe(a);
    expect(port.mmu.ttbr0).toEqual({ asid: port.asidOf(a), baddr: port.tableRootOf(a) });
    port.switchTo(null);
    expect(port.activeContext).toBe(null);
    expect(port.mmu.ttbr0.asid).toBe(0);
    port.switchTo(null); // already idle: nothing
    port.switchTo(b);
    port.switchTo(a);
    expect(port.counters).toMatchObject({ switches: 3, idleSwitches: 1 });
    expect(Object.values(port.mmu.tlb.counters.flushes).every((n) => n === 0)).toBe(true);
  });
});
