// The port's timer and interrupt controller under a running machine-code thread: the one-shot
// CLINT deadline interrupts the hart at its exact cycle, and an unmasked PLIC source is claimed
// and masked again. The kernel does not program either yet (issue 4), so the root task stands
// in for it and calls the port directly.
import { type BootInfo, type HostTask, Rights } from '@k5/abi';
import { Sys, tcbResume } from '@k5/userspace';
import { describe, expect, it } from 'vitest';
import {
  bootRiscvSystem,
  InterruptCause,
  type RiscvSystem,
  type TakenInterrupt,
} from '../../src/index';
import { assemble, jal } from '../asm';
import { PC, RISCV_REGISTERS, RootEnv, spawn } from './fixture';

function spinnerSystem(setUp: (system: RiscvSystem) => void) {
  const taken: TakenInterrupt[] = [];
  let system!: RiscvSystem;
  const root = (boot: BootInfo): HostTask =>
    function* (ctx) {
      const env = new RootEnv(new Sys(ctx), boot);
      const child = yield* spawn(env, {
        priority: 100,
        regions: [{ sizeBits: 10, rights: Rights.Read }],
        beforeStart: ([code]) => {
          system.runner.load(code!, assemble([jal(0, 0)]));
          const regs = new Array<number>(RISCV_REGISTERS).fill(0);
          regs[PC] = code!;
          return regs;
        },
      });
      setUp(system);
      expect(yield* tcbResume(env.sys, child.tcb)).toBe(0);
    };
  system = bootRiscvSystem({
    root,
    runner: { sliceCycles: 100, onInterrupt: (i) => taken.push(i) },
  });
  return { system, taken };
}

describe('timer and interrupts on RiscvPort', () => {
  it('setTimer arms mtimecmp; the deadline interrupts the spinning thread once, on time', () => {
    let deadline = 0;
    const { system, taken } = spinnerSystem((s) => {
      deadline = s.kernel.now + 250;
      s.port.setTimer(deadline);
    });
    expect(system.run({ maxSteps: 20 }).reason).toBe('step-limit');
    expect(deadline).toBe(250);
    expect(system.port.clint.getMtimecmp(0)).toBe(2n ** 64n - 1n);
    // Taken when mtime reaches 250; taking the trap costs one more cycle.
    expect(taken).toEqual([{ cause: InterruptCause.MachineTimer, irq: 0, time: 251 }]);
    expect(system.port.timerDeadline).toBeNull();
  });

  it('an unmasked PLIC source interrupts the thread, is claimed and masked again', () => {
    const { system, taken } = spinnerSystem((s) => {
      s.port.interrupts.unmask(5);
      s.port.plic.setLine(3, true); // masked: ignored
      s.port.plic.setLine(5, true);
    });
    expect(system.port.interrupts.isUnmasked(5)).toBe(false);
    expect(system.run({ maxSteps: 20 }).reason).toBe('step-limit');
    expect(taken.map((t) => [t.cause, t.irq])).toEqual([[InterruptCause.MachineExternal, 5]]);
    expect(system.port.interrupts.isUnmasked(5)).toBe(false);
    expect(() => system.port.interrupts.mask(0)).toThrow(/not a PLIC source/);
  });
});
