// SysTick preemption of an enclave thread on a booted system: two machine-code threads with MCS
// budgets of 50 ticks every 100 share the CPU; the first belongs to an enclave (its 1 KiB buffer
// region is the enclave's memory and holds its stack), the second is an ordinary thread. Each
// budget expiry is taken through ArmV8mPort.takeInterrupt and saveFromException, as a simulator
// drives them. With random register contents: whenever the enclave is preempted, the CPU holds
// none of its values (r0-r12 and flags cleared, the frame on its Secure stack), the ordinary
// thread never finds one of them in its registers, and each thread resumes exactly as it left.

import type { EnclaveDomain } from '@k5/kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { APSR_FLAGS, ExceptionNumber, XPSR_T } from '../../src/index';
import { machinePair, type Snapshot, snapshot, threadState } from './machine-pair';

// Values at or above 0x1000 so that a zero (cleared) register is never mistaken for a secret.
const threadStates = threadState(fc.integer({ min: 0x1000, max: 0xefff_ffff }));

describe('SysTick preempting an enclave thread', () => {
  it('leaks nothing to the CPU or the ordinary thread, and both resume exactly', () => {
    fc.assert(
      fc.property(fc.array(threadStates, { minLength: 8, maxLength: 8 }), (states) => {
        const s = machinePair();
        const { port } = s;
        const k = s.system.kernel;
        const [enclaveTcb, taskTcb] = s.tcbs();
        const domain: EnclaveDomain = {
          id: 1,
          base: s.report.buffers[0]!,
          size: 0x400,
          entries: [s.report.buffers[0]!],
        };
        port.addEnclave(domain);
        port.setEnclave(enclaveTcb!.context, domain);
        const left = new Map<number, Snapshot>();
        const secrets = new Set<number>();
        let enclavePreemptions = 0;
        let taskRuns = 0;
        for (const state of states) {
          const t = k.current;
          if (t === null) {
            port.syncTimer();
            const idle = (k.deadline ?? k.now) - k.now;
            port.advanceTimer(idle);
            k.advance(idle);
            continue;
          }
          const inEnclave = t === enclaveTcb;
          port.returnToThread(t.context);
          expect([port.security, port.privileged]).toEqual([
            inEnclave ? 'secure' : 'non-secure',
            false,
          ]);
          const expected = left.get(t.id);
          if (expected) expect(snapshot(port)).toEqual(expected);
          if (t === taskTcb) {
            taskRuns++;
            for (let i = 0; i < 13; i++) expect(secrets.has(port.cpu.get(i))).toBe(false);
          }
          // Enclave values have bit 31 clear, the task's set: a match can only be a leak.
          const own = (v: number) =>
            inEnclave ? ((v & 0x7fff_ffff) | 0x1000) >>> 0 : (v | 0x8000_0000) >>> 0;
          state.r.forEach((v, i) => {
            port.cpu.set(i, own(v));
          });
          port.cpu.lr = own(state.lr);
          port.cpu.pc = state.pc;
          port.cpu.xpsr = (XPSR_T | state.flags) >>> 0;
          const before = snapshot(port);
          if (inEnclave) for (const v of [...before.r, before.lr]) secrets.add(v);
          let ran = 0;
          do ran++;
          while (!port.advanceTimer(1) && ran < 1000);
          const entry = port.takeInterrupt(t.context, ExceptionNumber.SysTick);
          if (inEnclave) {
            enclavePreemptions++;
            expect(entry.additionalState).toBe(entry.frameAddress - 0x28);
            expect(Array.from({ length: 13 }, (_, i) => port.cpu.get(i))).toEqual(
              Array(13).fill(0),
            );
            expect(port.cpu.xpsr & APSR_FLAGS).toBe(0);
          }
          port.saveFromException(t.context);
          left.set(t.id, before);
          k.advance(ran);
          k.assertInvariants();
        }
        expect(enclavePreemptions).toBeGreaterThanOrEqual(2);
        expect(taskRuns).toBeGreaterThanOrEqual(2);
      }),
      { numRuns: 25 },
    );
  });
});
