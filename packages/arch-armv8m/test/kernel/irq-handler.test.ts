// An NVIC interrupt waking an IRQ-handler task on the ARMv8-M port: the driver task holds the
// handler cap of line 37 and a notification badged 0x20; it waits. A device raises line 37 in the
// NVIC; the simulator's deliverInterrupts takes it into kernel.interrupt(37), which masks the line
// (NVIC enable bit cleared), signals the notification and switches to the driver (switchTo loads
// its MPU regions). An edge while masked stays latched in the NVIC; the driver's Ack enables the
// line again and the latched edge is delivered the same way. A line nobody handles stays masked.

import type { HostTask } from '@k5/abi';
import { irqHandlerAck } from '@k5/userspace';
import { Sys } from '@k5/userspace';
import { describe, expect, it } from 'vitest';
import { IRQ_BASE } from '../../src/index';
import { runScenario, SLOT } from './harness';

const LINE = 37;
const BADGE = 0x20;

describe('NVIC interrupts wake the IRQ-handler task', () => {
  it('delivers line 37 to the driver through its notification, masked until acknowledged', () => {
    const woken: number[] = [];
    const acks: number[] = [];
    const driver: HostTask = function* (ctx) {
      const sys = new Sys(ctx);
      for (;;) {
        woken.push(yield* sys.wait(SLOT.notification));
        acks.push(yield* irqHandlerAck(sys, SLOT.irqHandler));
      }
    };
    const s = runScenario(
      { driver },
      [{ program: 'driver', priority: 150, irq: { line: LINE, badge: BADGE } }],
      {
        port: { irqs: 64 },
      },
    );
    const { port, system } = s;
    const kernel = system.kernel;
    const [driverTcb] = s.tcbs();
    expect(s.report.started).toBe(true);
    // The driver waits; IRQControl_Get left the line enabled in the NVIC.
    expect(kernel.current).toBeNull();
    expect(port.nvic.state(IRQ_BASE + LINE).enabled).toBe(true);
    expect(woken).toEqual([]);

    port.raiseInterrupt(LINE);
    expect(port.deliverInterrupts(kernel)).toEqual([{ kind: 'irq', irq: LINE }]);
    // Masked in the NVIC until the driver acknowledges; the driver is chosen and its MPU loaded.
    expect(port.nvic.state(IRQ_BASE + LINE)).toEqual({
      enabled: false,
      pending: false,
      active: false,
    });
    expect(kernel.current).toBe(driverTcb);
    expect(port.loadedContext).toBe(driverTcb!.context);
    // A second edge before the driver ran: latched pending in the NVIC, not delivered.
    port.raiseInterrupt(LINE);
    expect(port.deliverInterrupts(kernel)).toEqual([]);
    system.run({ checkInvariants: true });
    expect(woken).toEqual([BADGE]);
    expect(acks).toEqual([0]);
    // The Ack re-enabled the line: the latched edge is taken now.
    expect(port.nvic.state(IRQ_BASE + LINE)).toMatchObject({ enabled: true, pending: true });
    expect(kernel.current).toBeNull();
    expect(port.loadedContext).toBeNull();
    expect(port.deliverInterrupts(kernel)).toEqual([{ kind: 'irq', irq: LINE }]);
    system.run({ checkInvariants: true });
    expect(woken).toEqual([BADGE, BADGE]);
    expect(port.nvic.state(IRQ_BASE + LINE)).toMatchObject({ enabled: true, pending: false });
  });

  it('a line with no handler is masked as spurious and wakes nobody', () => {
    const s = runScenario({ idle: function* () {} }, [], { port: { irqs: 64 } });
    const { port, system } = s;
    port.interrupts.unmask(12);
    port.raiseInterrupt(12);
    expect(port.deliverInterrupts(system.kernel)).toEqual([{ kind: 'irq', irq: 12 }]);
    expect(port.nvic.state(IRQ_BASE + 12).enabled).toBe(false);
    expect(system.kernel.current).toBeNull();
  });
});
