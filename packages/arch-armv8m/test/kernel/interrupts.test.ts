// The interrupt and timer paths at model level, on a booted system: the kernel's
// InterruptController is the port's NVIC, a device line raised while unmasked is reported by the
// port, and a deadline armed against the kernel's clock pends SysTick when the simulator has run
// that many cycles. The kernel's IRQ objects on top of this are in irq-handler.test.ts and
// budget-preemption.test.ts.

import { describe, expect, it } from 'vitest';
import { ExceptionNumber, IRQ_BASE } from '../../src/index';
import { runScenario } from './harness';

describe('NVIC behind the kernel', () => {
  it('the kernel sees the NVIC as its interrupt controller; a raised line is reported once unmasked', () => {
    const s = runScenario({ idle: function* () {} }, [], { port: { irqs: 96 } });
    const port = s.port;
    const controller = s.system.kernel.port.interrupts!;
    expect(controller).toBe(port.interrupts);
    expect(controller.lineCount).toBe(96);
    // A UART on line 37 asserts its interrupt; the kernel has not unmasked it yet.
    port.raiseInterrupt(37);
    expect(port.nvic.state(IRQ_BASE + 37).pending).toBe(true);
    expect(port.pendingInterrupt()).toBeUndefined();
    // IRQHandler_Ack would unmask; the simulator then sees line 37 ready to be taken.
    controller.unmask(37);
    expect(port.pendingInterrupt()).toBe(37);
    // Taking it: the kernel would signal the handler's notification and mask the line.
    port.acknowledgeInterrupt(37);
    controller.mask(37);
    expect(port.nvic.state(IRQ_BASE + 37)).toEqual({
      enabled: false,
      pending: false,
      active: true,
    });
    expect(port.completeInterrupt(37)).toBeUndefined();
  });

  it('a deadline armed against the kernel clock pends SysTick after that many cycles', () => {
    const s = runScenario({ idle: function* () {} }, []);
    const port = s.port;
    const now = s.system.kernel.now;
    port.setTimer(now + 1000);
    expect(port.advanceTimer(999)).toBe(false);
    expect(port.advanceTimer(1)).toBe(true);
    expect(port.nvic.state(ExceptionNumber.SysTick).pending).toBe(true);
  });
});
