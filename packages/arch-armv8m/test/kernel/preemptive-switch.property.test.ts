// Context switches forced by SysTick preserve every register of machine-code threads: two
// equal-priority threads with MCS budgets of 50 ticks every 100 run on the port's CPU with random
// register contents (r0-r12, LR, PC and the xPSR flags). At each budget expiry the simulator takes
// the SysTick exception (hardware stacking of r0-r3, r12, LR, PC, xPSR onto the thread's PSP), the
// port saves r4-r11 and the frame into the thread's context, the kernel switches, and the port
// returns into the other thread. Each thread must find exactly the registers it was preempted with.

import type { HostSystem } from '@k5/kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ArmV8mPort, ExceptionNumber, exceptionEntry, XPSR_T } from '../../src/index';
import { runScenario } from './harness';

const ENTRY = 0x0800_4000;
const FLAGS = 0xf80f0000;

interface Snapshot {
  readonly r: number[];
  readonly lr: number;
  readonly pc: number;
  readonly xpsr: number;
  readonly sp: number;
}

function snapshot(port: ArmV8mPort): Snapshot {
  const cpu = port.cpu;
  return {
    r: Array.from({ length: 13 }, (_, i) => cpu.get(i)),
    lr: cpu.lr,
    pc: cpu.pc,
    xpsr: cpu.xpsr,
    sp: cpu.sp,
  };
}

const word = fc.integer({ min: 0, max: 0xffff_ffff });
const threadState = fc.record({
  r: fc.array(word, { minLength: 13, maxLength: 13 }),
  lr: word,
  pc: fc.integer({ min: ENTRY / 2, max: ENTRY / 2 + 0x7ff }).map((h) => h * 2),
  flags: word.map((f) => (f & FLAGS) >>> 0),
});

function untilMachineRuns(system: HostSystem): void {
  const k = system.kernel;
  for (let guard = 0; guard < 10_000 && k.current; guard++) {
    if (k.port.readRegister(k.current.context, 15) >= ENTRY) return;
    system.run({ maxSteps: 1, checkInvariants: true });
  }
}

describe('SysTick-forced context switches of machine threads', () => {
  it('every thread resumes with exactly the registers it was preempted with', () => {
    fc.assert(
      fc.property(fc.array(threadState, { minLength: 6, maxLength: 6 }), (states) => {
        const holder: { system?: HostSystem } = {};
        const s = runScenario(
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
        const { port } = s;
        const k = s.system.kernel;
        const left = new Map<number, Snapshot>();
        let switches = 0;
        let resumed = 0;
        for (const state of states) {
          const t = k.current;
          if (t === null) {
            // Both out of budget: idle until the next refill.
            port.syncTimer();
            const idle = (k.deadline ?? k.now) - k.now;
            port.advanceTimer(idle);
            k.advance(idle);
            continue;
          }
          port.returnToThread(t.context);
          const expected = left.get(t.id);
          if (expected) {
            expect(snapshot(port)).toEqual(expected);
            resumed++;
          }
          // The thread computes: new register contents.
          state.r.forEach((v, i) => {
            port.cpu.set(i, v);
          });
          port.cpu.lr = state.lr;
          port.cpu.pc = state.pc;
          port.cpu.xpsr = (XPSR_T | state.flags) >>> 0;
          const before = snapshot(port);
          // It runs until its budget expires: SysTick fires, the exception is taken.
          let ran = 0;
          do ran++;
          while (!port.advanceTimer(1) && ran < 1000);
          exceptionEntry(port.cpu, port.memory, ExceptionNumber.SysTick, port.cpu.pc);
          port.saveFromException(t.context);
          left.set(t.id, before);
          k.advance(ran);
          k.assertInvariants();
          if (k.current !== t) switches++;
        }
        expect(switches).toBeGreaterThanOrEqual(3);
        expect(resumed).toBeGreaterThanOrEqual(2);
      }),
      { numRuns: 25 },
    );
  });
});
