// The two port entry points of the kernel time/interrupt contract, without a kernel: switchTo
// loads the chosen thread's MPU regions (or none when idle), and deliverInterrupts turns what the
// NVIC would take into kernel.timerInterrupt() and kernel.interrupt(n) calls, in priority order.

import { AccessKind } from '@k5/kernel';
import { describe, expect, it } from 'vitest';
import { ExceptionNumber, IRQ_BASE } from '../nvic';
import { ArmV8mPort, type InterruptSink } from './armv8m-port';

const RW = AccessKind.Read | AccessKind.Write;

function recorder(port: ArmV8mPort, maskOnEntry = true) {
  const calls: string[] = [];
  const sink: InterruptSink = {
    timerInterrupt: () => calls.push('timer'),
    interrupt: (irq) => {
      calls.push(`irq ${irq}`);
      // As the kernel does for a bound line: mask it until the handler acknowledges.
      if (maskOnEntry) port.interrupts.mask(irq);
    },
  };
  return { calls, sink };
}

describe('switchTo', () => {
  it('loads the chosen thread regions, and disables every thread region when idle', () => {
    const port = new ArmV8mPort({ mpuRegions: 8 });
    const a = port.createContext();
    const b = port.createContext();
    port.setMemoryMap(a, [{ base: 0x2000_0000, size: 0x400, access: RW }]);
    port.setMemoryMap(b, [{ base: 0x2000_1000, size: 0x400, access: RW }]);
    port.switchTo(a);
    expect(port.loadedContext).toBe(a);
    expect(port.mpu.regionRegisters(0).rbar & ~0x1f).toBe(0x2000_0000);
    port.switchTo(b);
    expect(port.mpu.regionRegisters(0).rbar & ~0x1f).toBe(0x2000_1000);
    const loads = port.mpuLoads;
    port.switchTo(b); // same thread again: nothing reloaded
    expect(port.mpuLoads).toBe(loads);
    port.switchTo(null);
    expect(port.loadedContext).toBeNull();
    for (let r = 0; r < 8; r++) expect(port.mpu.regionRegisters(r)).toEqual({ rbar: 0, rlar: 0 });
    // An unprivileged access now hits no region at all.
    expect(port.mpu.check(0x2000_1000, 4, 'read', false).allowed).toBe(false);
    expect(port.switches).toBe(4);
    port.switchTo(a);
    expect(port.mpu.regionRegisters(0).rbar & ~0x1f).toBe(0x2000_0000);
  });

  it('checking another thread (a caller lease) leaves the loaded regions alone', () => {
    const kernelRegion = { rbar: 0x0800_0000 | (0b10 << 1), rlar: 0x0803_ffe0 | 1 };
    const port = new ArmV8mPort({ mpuRegions: 8, kernelRegions: [kernelRegion] });
    const a = port.createContext();
    const b = port.createContext();
    port.setMemoryMap(a, [{ base: 0x2000_0000, size: 0x400, access: RW }]);
    port.setMemoryMap(b, [{ base: 0x2000_1000, size: 0x400, access: AccessKind.Read }]);
    port.switchTo(a);
    const live = Array.from({ length: 8 }, (_, r) => port.mpu.regionRegisters(r));
    const loads = port.mpuLoads;
    expect(port.checkAccess(b, 0x2000_1000, 4, AccessKind.Read)).toBe(true);
    expect(port.checkAccess(b, 0x2000_1000, 4, AccessKind.Write)).toBe(false);
    expect(port.lastFault).toMatchObject({ reason: 'permission', region: 1 });
    expect(port.checkAccess(b, 0x2000_0000, 4, AccessKind.Read)).toBe(false);
    expect(port.checkAccess(b, 0x0800_0000, 4, AccessKind.Read)).toBe(false); // kernel region
    expect(port.lastFault).toMatchObject({ reason: 'permission', region: 0 });
    expect(port.checkAccess(a, 0x2000_0000, 4, AccessKind.Write)).toBe(true);
    expect(Array.from({ length: 8 }, (_, r) => port.mpu.regionRegisters(r))).toEqual(live);
    expect(port.loadedContext).toBe(a);
    expect(port.mpuLoads).toBe(loads);
    // A new map for b is seen by the next check.
    port.setMemoryMap(b, [{ base: 0x2000_1000, size: 0x400, access: RW }]);
    expect(port.checkAccess(b, 0x2000_1000, 4, AccessKind.Write)).toBe(true);
  });

  it('keeps the kernel regions while idle', () => {
    const kernelRegion = { rbar: 0x0800_0000 | (0b10 << 1), rlar: 0x0803_ffe0 | 1 };
    const port = new ArmV8mPort({ mpuRegions: 4, kernelRegions: [kernelRegion] });
    port.switchTo(null);
    expect(port.mpu.regionRegisters(0)).toEqual(kernelRegion);
  });
});

describe('deliverInterrupts', () => {
  it('turns a pending SysTick into timerInterrupt and an unmasked line into interrupt(n)', () => {
    const port = new ArmV8mPort({ irqs: 32, now: () => 0 });
    const { calls, sink } = recorder(port);
    port.interrupts.unmask(3);
    port.raiseInterrupt(3);
    port.setTimer(100);
    expect(port.advanceTimer(100)).toBe(true);
    const delivered = port.deliverInterrupts(sink);
    // SysTick (exception 15) outranks external lines at equal priority: lower number first.
    expect(delivered).toEqual([{ kind: 'timer' }, { kind: 'irq', irq: 3 }]);
    expect(calls).toEqual(['timer', 'irq 3']);
    expect(port.timerPending).toBe(false);
    expect(port.nvic.state(IRQ_BASE + 3)).toEqual({
      enabled: false,
      pending: false,
      active: false,
    });
    expect(port.deliverInterrupts(sink)).toEqual([]);
  });

  it('leaves masked lines pending and honours priorities and PRIMASK', () => {
    const port = new ArmV8mPort({ irqs: 32 });
    const { calls, sink } = recorder(port);
    port.raiseInterrupt(7); // masked (the kernel has not bound it)
    port.interrupts.unmask(1);
    port.interrupts.unmask(2);
    port.nvic.setPriority(IRQ_BASE + 1, 0x80);
    port.nvic.setPriority(IRQ_BASE + 2, 0x20); // more urgent
    port.raiseInterrupt(1);
    port.raiseInterrupt(2);
    port.cpu.primask = 1;
    expect(port.deliverInterrupts(sink)).toEqual([]);
    port.cpu.primask = 0;
    port.deliverInterrupts(sink);
    expect(calls).toEqual(['irq 2', 'irq 1']);
    expect(port.nvic.state(IRQ_BASE + 7).pending).toBe(true);
  });

  it('stops at a pending system exception it does not own (PendSV stays for the simulator)', () => {
    const port = new ArmV8mPort({ irqs: 8 });
    const { calls, sink } = recorder(port);
    port.nvic.setPending(ExceptionNumber.PendSV, true);
    port.nvic.setPriority(ExceptionNumber.PendSV, 0);
    port.interrupts.unmask(0);
    port.raiseInterrupt(0);
    port.nvic.setPriority(IRQ_BASE, 0x40);
    expect(port.deliverInterrupts(sink)).toEqual([]);
    expect(calls).toEqual([]);
  });
});

describe('syncTimer', () => {
  it('lets SysTick count kernel ticks spent by host tasks, not by the CPU', () => {
    let now = 0;
    const port = new ArmV8mPort({ now: () => now });
    port.setTimer(500);
    now = 300; // a host task worked 300 ticks
    expect(port.syncTimer()).toBe(false);
    expect(port.syncTimer()).toBe(false); // nothing more to catch up
    expect(port.advanceTimer(199)).toBe(false);
    expect(port.advanceTimer(1)).toBe(true);
    now = 1000;
    port.setTimer(1200);
    now = 1250;
    expect(port.syncTimer()).toBe(true);
    expect(port.timerPending).toBe(true);
  });
});

describe('long deadlines across SysTick wraps', () => {
  it('count exactly whether the cycles come one period at a time or in one advance', () => {
    const delay = 3 * 2 ** 24 + 12_345;
    for (const chunk of [delay - 1, 2 ** 24 + 7, 999_983]) {
      const port = new ArmV8mPort({ now: () => 0 });
      port.setTimer(delay);
      let counted = 0;
      let fired = false;
      while (!fired && counted < delay + 10) {
        const step = Math.min(chunk, delay - 1 - counted) || 1;
        fired = port.advanceTimer(step);
        counted += step;
      }
      expect(counted).toBe(delay);
      expect(port.timerPending).toBe(true);
    }
  });
});
