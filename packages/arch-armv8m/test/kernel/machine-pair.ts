// Test helper: two machine-code threads on a booted ArmV8mPort system, equal priority with MCS
// budgets of 50 ticks every 100, both run until they execute at ENTRY, plus what a property test
// of their preemption needs: random register contents and a snapshot of the CPU's registers.
// Shared by the SysTick-preemption property tests (ordinary threads, and an enclave thread).

import type { HostSystem } from '@k5/kernel';
import fc from 'fast-check';
import { APSR_FLAGS, type ArmV8mPort } from '../../src/index';
import { runScenario } from './harness';

/** Where both threads' code runs. */
export const ENTRY = 0x0800_4000;

/** A thread's core registers as the CPU holds them. */
export interface Snapshot {
  readonly r: number[];
  readonly lr: number;
  readonly pc: number;
  readonly xpsr: number;
  readonly sp: number;
}

export function snapshot(port: ArmV8mPort): Snapshot {
  const cpu = port.cpu;
  return {
    r: Array.from({ length: 13 }, (_, i) => cpu.get(i)),
    lr: cpu.lr,
    pc: cpu.pc,
    xpsr: cpu.xpsr,
    sp: cpu.sp,
  };
}

/** Random contents for r0-r12 and LR drawn from `word`, a halfword PC near ENTRY, APSR flags. */
export function threadState(word: fc.Arbitrary<number>) {
  return fc.record({
    r: fc.array(word, { minLength: 13, maxLength: 13 }),
    lr: word,
    pc: fc.integer({ min: ENTRY / 2, max: ENTRY / 2 + 0x7ff }).map((h) => h * 2),
    flags: word.map((f) => (f & APSR_FLAGS) >>> 0),
  });
}

function untilMachineRuns(system: HostSystem): void {
  const k = system.kernel;
  for (let guard = 0; guard < 10_000 && k.current; guard++) {
    if (k.port.readRegister(k.current.context, 15) >= ENTRY) return;
    system.run({ maxSteps: 1, checkInvariants: true });
  }
}

/** Boots the two threads (stacks at the end of their buffers) and runs until machine code runs. */
export function machinePair() {
  const holder: { system?: HostSystem } = {};
  return runScenario(
    {},
    [0, 1].map(() => ({
      program: 'machine',
      priority: 100,
      stackAtBufferEnd: true,
      registers: { 15: ENTRY },
      budget: { budget: 50, period: 100 },
    })),
    {
      port: {
        memory: {
          readWord: (a) => holder.system!.kernel.memory.read32(a),
          writeWord: (a, v) => holder.system!.kernel.memory.write32(a, v),
        },
      },
      drive: (system) => {
        holder.system = system;
        untilMachineRuns(system);
      },
    },
  );
}
