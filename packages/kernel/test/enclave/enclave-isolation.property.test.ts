// Property: whatever an outside task does — probe any byte of enclave memory, read or write the
// enclave thread's registers, reconfigure it, restart it, read its faults, call it, make it
// fault — it never observes the enclave's secret, every probe is refused, the enclave keeps
// serving correctly, and the invariant checker (with the isolation rules) holds after every
// kernel entry. The secret is random per run.

import { encodeMessageInfo, FaultLabel, type HostTask, KernelError } from '@k5/abi';
import {
  Sys,
  tcbGetFault,
  tcbReadRegisters,
  tcbRestart,
  tcbSetSpace,
  tcbWriteRegisters,
} from '@k5/userspace';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { enclaveOf, enclaveSystem, IPC_OFFSET, SECRET_OFFSET, SLOT } from './enclave-system';

const SOAK = typeof process !== 'undefined' && process.env.K5_SOAK === '1';
const CRASH = 0xdead;

type Action =
  | { kind: 'probe'; offset: number; write: boolean }
  | { kind: 'read-registers'; count: number }
  | { kind: 'write-registers'; value: number }
  | { kind: 'set-space' }
  | { kind: 'get-fault' }
  | { kind: 'restart' }
  | { kind: 'call'; value: number }
  | { kind: 'crash' };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('probe' as const), offset: fc.nat(4095), write: fc.boolean() }),
  fc.record({
    kind: fc.constant('read-registers' as const),
    count: fc.integer({ min: 1, max: 16 }),
  }),
  fc.record({ kind: fc.constant('write-registers' as const), value: fc.nat() }),
  fc.constant({ kind: 'set-space' as const }),
  fc.constant({ kind: 'get-fault' as const }),
  fc.constant({ kind: 'restart' as const }),
  fc.record({ kind: fc.constant('call' as const), value: fc.nat(0xffff) }),
  fc.constant({ kind: 'crash' as const }),
);

function scenario(secret: number, actions: readonly Action[]) {
  const observed: number[] = [];
  const refusedProbes: number[] = [];
  const codes: { kind: string; code: number }[] = [];
  const answers: { value: number; answer: number }[] = [];
  const faults: { label: number; words: number[] }[] = [];
  let system: ReturnType<typeof enclaveSystem> | null = null;

  const enclave: HostTask = function* (ctx) {
    const sys = new Sys(ctx);
    const base = ctx.ipcBufferAddress() - IPC_OFFSET;
    ctx.write32(base + SECRET_OFFSET, secret);
    yield* sys.recv(SLOT.ep, SLOT.reply);
    for (;;) {
      const v = sys.getMR(0);
      // Uses the secret, never reveals it.
      const check = ctx.read32(base + SECRET_OFFSET) === secret ? 1 : 0;
      if (v === CRASH) ctx.read32(0x10); // outside RAM: a VM fault
      sys.setMR(0, v + check);
      yield* sys.replyRecv(SLOT.ep, encodeMessageInfo(0, 1), SLOT.reply);
    }
  };
  const handler: HostTask = function* (ctx) {
    const sys = new Sys(ctx);
    yield* sys.recv(SLOT.faultEp, SLOT.reply);
    for (;;) {
      const words = Array.from({ length: sys.length }, (_, i) => sys.getMR(i));
      faults.push({ label: sys.label, words });
      observed.push(...words);
      // Restart the enclave, trying to give it new registers on the way.
      sys.setMR(0, 0x0800_0000);
      sys.setMR(1, 0x2000_0000);
      yield* sys.replyRecv(SLOT.faultEp, encodeMessageInfo(0, 2), SLOT.reply);
    }
  };
  const rogue: HostTask = function* (ctx) {
    const sys = new Sys(ctx);
    const e = enclaveOf(system!.s);
    const collect = () => {
      for (let i = 0; i < sys.length; i++) observed.push(sys.getMR(i));
    };
    for (const a of actions) {
      switch (a.kind) {
        case 'probe':
          try {
            if (a.write) ctx.write8(e.base + a.offset, 0x55);
            else observed.push(ctx.read8(e.base + a.offset));
          } catch {
            refusedProbes.push(a.offset);
          }
          break;
        case 'read-registers':
          codes.push({
            kind: a.kind,
            code: yield* tcbReadRegisters(sys, SLOT.enclaveTcb, false, a.count),
          });
          collect();
          break;
        case 'write-registers':
          codes.push({
            kind: a.kind,
            code: yield* tcbWriteRegisters(sys, SLOT.enclaveTcb, false, [a.value, a.value]),
          });
          break;
        case 'set-space':
          codes.push({ kind: a.kind, code: yield* tcbSetSpace(sys, SLOT.enclaveTcb, 0, 0, 0) });
          break;
        case 'get-fault':
          codes.push({ kind: a.kind, code: yield* tcbGetFault(sys, SLOT.enclaveTcb) });
          collect();
          break;
        case 'restart':
          codes.push({ kind: a.kind, code: yield* tcbRestart(sys, SLOT.enclaveTcb, 0) });
          break;
        case 'call':
          sys.setMR(0, a.value);
          yield* sys.call(SLOT.ep, encodeMessageInfo(0, 1));
          collect();
          answers.push({ value: a.value, answer: sys.getMR(0) });
          break;
        case 'crash':
          sys.setMR(0, CRASH);
          yield* sys.send(SLOT.ep, encodeMessageInfo(0, 1));
          break;
      }
    }
  };
  system = enclaveSystem({
    entries: [enclave],
    enclaveFaultHandled: true,
    extra: [
      { name: 'handler', task: handler, priority: 60, faultHandler: true },
      { name: 'rogue', task: rogue, priority: 50, client: true, enclaveTcbCap: true },
    ],
  });
  system.s.run({ checkInvariants: true, maxSteps: 200_000 });
  return { system, observed, refusedProbes, codes, answers, faults };
}

describe('Enclave isolation (property)', () => {
  it('an outside task never observes the secret and never reaches enclave state', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0x9000_0000, max: 0xffff_ffff }),
        fc.array(action, { minLength: 1, maxLength: 25 }),
        (secret, actions) => {
          const r = scenario(secret, actions);
          expect(r.system.rootError()).toBeNull();
          expect(r.observed).not.toContain(secret);
          const probes = actions.filter((a) => a.kind === 'probe');
          expect(r.refusedProbes).toHaveLength(probes.length);
          const e = enclaveOf(r.system.s);
          expect(r.system.s.kernel.memory.read32(e.base + SECRET_OFFSET)).toBe(secret);
          for (const c of r.codes) {
            const expected =
              c.kind === 'get-fault' || c.kind === 'restart' ? 0 : KernelError.IllegalOperation;
            expect(c.code, c.kind).toBe(expected);
          }
          // Every call was answered as the enclave's code says: its secret was intact each time.
          for (const a of r.answers) expect(a.answer).toBe(a.value + 1);
          const crashes = actions.filter((a) => a.kind === 'crash').length;
          expect(r.faults.length).toBeLessThanOrEqual(crashes);
          for (const f of r.faults) {
            expect(f.label).toBe(FaultLabel.VmFault);
            expect(f.words.every((w) => w === 0)).toBe(true);
          }
        },
      ),
      { numRuns: SOAK ? 2_000 : 120 },
    );
  });
});
