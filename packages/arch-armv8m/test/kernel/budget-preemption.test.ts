// Timer preemption by budget on the ARMv8-M port, driven by SysTick as a CPU simulator would: a
// machine-code thread with an MCS budget of 100 ticks every 1,000 runs on the port's CPU; the
// kernel armed SysTick (setTimer) for its budget expiry. The simulator counts executed cycles
// into SysTick; it fires exactly at the kernel's deadline, the simulator hands the cycles to
// kernel.advance (which stops at the deadline and handles it, as the SysTick handler would), and
// the kernel switches to the lower-priority host task (switchTo loads its MPU regions). While idle, SysTick
// fires again at the refill and the machine thread is back.

import type { HostTask } from '@k5/abi';
import type { HostSystem } from '@k5/kernel';
import { Sys } from '@k5/userspace';
import { describe, expect, it } from 'vitest';
import { type ArmV8mPort, SYST_CSR, SYST_CSR_ENABLE, SYST_CSR_TICKINT } from '../../src/index';
import { runScenario, SLOT } from './harness';

const MACHINE_ENTRY = 0x0800_4000;
const BUDGET = 100;
const PERIOD = 1000;

/** Runs host steps until the thread the kernel chose is the machine thread (or nothing runs). */
function untilMachineRuns(system: HostSystem): void {
  const k = system.kernel;
  for (let guard = 0; guard < 10_000 && k.current; guard++) {
    if (k.port.readRegister(k.current.context, 15) >= MACHINE_ENTRY) return;
    system.run({ maxSteps: 1, checkInvariants: true });
  }
}

/** The simulated CPU executes one cycle at a time until SysTick fires; returns the cycles. */
function cyclesUntilSysTick(port: ArmV8mPort, limit: number): number {
  for (let cycles = 1; cycles <= limit; cycles++) if (port.advanceTimer(1)) return cycles;
  throw new Error(`SysTick did not fire within ${limit} cycles`);
}

describe('budget preemption through SysTick', () => {
  it('SysTick fires at the budget expiry, the kernel switches, and the refill brings it back', () => {
    let hostRuns = 0;
    const background: HostTask = function* (ctx) {
      const sys = new Sys(ctx);
      hostRuns++;
      yield* sys.work(300);
      yield* sys.recv(SLOT.endpoint, SLOT.reply);
    };
    const s = runScenario(
      { background },
      [
        {
          program: 'machine',
          priority: 100,
          stackAtBufferEnd: true,
          registers: { 15: MACHINE_ENTRY },
          budget: { budget: BUDGET, period: PERIOD },
        },
        { program: 'background', priority: 50 },
      ],
      { drive: untilMachineRuns },
    );
    const { port, system } = s;
    const k = system.kernel;
    const [machine, host] = s.tcbs();
    expect(k.current).toBe(machine);
    const start = k.now;
    // The kernel armed its earliest deadline, the budget expiry, on SysTick.
    expect(k.deadline).toBe(start + BUDGET);
    expect(port.timerDeadline).toBe(k.deadline);
    expect(port.systick.read(SYST_CSR) & (SYST_CSR_ENABLE | SYST_CSR_TICKINT)).toBe(
      SYST_CSR_ENABLE | SYST_CSR_TICKINT,
    );
    port.returnToThread(machine!.context);
    expect(port.loadedContext).toBe(machine!.context);

    // The machine thread spins; SysTick counts its cycles and fires exactly at the deadline.
    const ran = cyclesUntilSysTick(port, 10_000);
    expect(start + ran).toBe(start + BUDGET);
    expect(port.timerPending).toBe(true);
    // Handing the executed cycles to the kernel is the SysTick exception: advance stops at the
    // deadline and handles it, and re-arming SysTick for the next deadline consumes the pending
    // bit, so nothing stale is delivered twice.
    expect(k.advance(ran)).toBe(0);
    expect(port.timerPending).toBe(false);
    expect(port.deliverInterrupts(k)).toEqual([]);
    expect(k.now).toBe(start + BUDGET);
    // Out of budget until its refill: the background task runs, with its own MPU regions.
    expect(k.current).toBe(host);
    expect(port.loadedContext).toBe(host!.context);
    const preempted = s.trace
      .ofKind('switch')
      .filter((e) => e.from === machine!.id && e.to === host!.id);
    expect(preempted.map((e) => e.time)).toEqual([start + BUDGET]);

    // The host task works 300 ticks and blocks; the CPU idles until SysTick fires at the refill.
    system.run({ checkInvariants: true });
    expect(hostRuns).toBe(1);
    expect(k.current).toBeNull();
    expect(k.deadline).toBe(start + PERIOD);
    expect(port.timerDeadline).toBe(start + PERIOD);
    // Host work moved kernel time without the CPU: SysTick catches up on those ticks first.
    expect(port.syncTimer()).toBe(false);
    const idle = cyclesUntilSysTick(port, 10_000);
    expect(k.now + idle).toBe(start + PERIOD);
    k.advance(idle);
    expect(k.current).toBe(machine);
    expect(port.loadedContext).toBe(machine!.context);
    expect(k.deadline).toBe(start + PERIOD + BUDGET);
    k.assertInvariants();
  });
});
