// Context switches forced by SysTick preserve every register of machine-code threads: two
// equal-priority threads with MCS budgets of 50 ticks every 100 run on the port's CPU with random
// register contents (r0-r12, LR, PC and the xPSR flags). At each budget expiry the simulator takes
// the SysTick exception (hardware stacking of r0-r3, r12, LR, PC, xPSR onto the thread's PSP), the
// port saves r4-r11 and the frame into the thread's context, the kernel switches, and the port
// returns into the other thread. Each thread must find exactly the registers it was preempted with.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExceptionNumber, exceptionEntry, XPSR_T } from '../../src/index';
import { machinePair, type Snapshot, snapshot, threadState } from './machine-pair';

const threadStates = threadState(fc.integer({ min: 0, max: 0xffff_ffff }));

describe('SysTick-forced context switches of machine threads', () => {
  it('every thread resumes with exactly the registers it was preempted with', () => {
    fc.assert(
      fc.property(fc.array(threadStates, { minLength: 6, maxLength: 6 }), (states) => {
        const s = machinePair();
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
