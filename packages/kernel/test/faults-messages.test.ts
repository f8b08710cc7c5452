// Fault messages and fault replies, modelled on the seL4 test suite's fault tests (own
// scenarios): every fault kind's message words at the handler, replies that resume the thread
// with new registers, a non-zero reply label that leaves it stopped, a thread without a fault
// endpoint that just stops, and timeout faults through the timeout endpoint copied into the TCB.
import {
  encodeMessageInfo,
  type HostTaskContext,
  FAULT_REPLY_REGISTERS,
  FaultLabel,
  KernelError,
  LookupFailure,
  ObjectType,
  Rights,
} from '@k5/abi';
import { cnodeDelete, type Sys, tcbSetTimeoutEndpoint } from '@k5/userspace';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccessKind } from '../src/arch/port';
import { Cap } from '../src/cspace/cap';
import { cdtInsert, placeCap } from '../src/cspace/cdt';
import { panicMessageBytes } from '../src/faults/messages';
import { hasTimeoutHandler, raiseTimeoutFault } from '../src/faults/timeout';
import type { KObject, Tcb } from '../src/objects/kobject';
import { ThreadState } from '../src/objects/kobject';
import { C, DEPTH, digest, type Fixture, makeFixture, type ThreadSpec } from './fixture';

/** Gives thread `to` an extra (original) cap to `obj` at `slot` of its CNode. */
function giveCap(
  f: Fixture,
  to: number,
  slot: number,
  obj: KObject,
  rights: number = Rights.All,
): void {
  placeCap(f.cnodes[to]!.slots[slot]!, new Cap(obj.type, obj, rights));
}

/** Installs endpoint `ep` (badge) as `t`'s fault endpoint, as TCB_SetSpace would. */
function setFaultEndpoint(f: Fixture, t: Tcb, ep: number, badge = 0): void {
  const original = f.cnodes[0]!.slots[C.ep(ep)]!.cap!;
  const copy = new Cap(ObjectType.Endpoint, original.obj, Rights.All, badge);
  cdtInsert(original, copy);
  placeCap(t.faultSlot, copy);
}

interface Received {
  label: number;
  badge: number;
  words: number[];
}

/** A handler at priority 200 that receives one fault on ep(1) and replies with `reply`. */
function handler(
  got: Received[],
  reply: { label?: number; words?: number[] } | null = { label: 0, words: [] },
  count = 1,
): ThreadSpec {
  return {
    name: 'handler',
    priority: 200,
    *body(s) {
      for (let n = 0; n < count; n++) {
        const badge = yield* s.recv(C.ep(1), C.reply);
        const words: number[] = [];
        for (let i = 0; i < s.length; i++) words.push(s.getMR(i));
        got.push({ label: s.label, badge, words });
        if (reply === null) return;
        const w = reply.words ?? [];
        w.forEach((v, i) => {
          s.setMR(i, v);
        });
        yield* s.send(C.reply, encodeMessageInfo(reply.label ?? 0, w.length));
      }
    },
  };
}

describe('fault messages carry the ABI layout', () => {
  it('cap fault: ip, cptr, phase and the lookup failure', () => {
    const got: Received[] = [];
    const f = makeFixture([
      handler(got, null),
      {
        name: 'faulter',
        *body(s) {
          yield* s.wait(C.free + 3);
        },
      },
    ]);
    setFaultEndpoint(f, f.threads[1]!, 1, 0x31);
    f.run();
    const pc = f.kernel.port.readRegister(f.threads[1]!.context, 15);
    expect(got).toEqual([
      {
        label: FaultLabel.CapFault,
        badge: 0x31,
        words: [pc, C.free + 3, 1, LookupFailure.MissingCapability, 0],
      },
    ]);
    expect(f.threads[1]!.state).toBe(ThreadState.BlockedOnReply);
  });

  it('unknown syscall: ip, sp, number and the seven argument slots', () => {
    const got: Received[] = [];
    const f = makeFixture([
      handler(got, null),
      {
        name: 'bad',
        *body(_s, ctx) {
          const c = ctx.convention;
          ctx.setRegister(c.spRegister, 0x2000_7ff0);
          c.argumentRegisters.forEach((r, i) => {
            ctx.setRegister(r, 0x100 + i);
          });
          ctx.setRegister(c.numberRegister, 77);
          yield -1;
        },
      },
    ]);
    setFaultEndpoint(f, f.threads[1]!, 1);
    f.run();
    const pc = f.kernel.port.readRegister(f.threads[1]!.context, 15);
    expect(got[0]!.label).toBe(FaultLabel.UnknownSyscall);
    expect(got[0]!.words).toEqual([
      pc,
      0x2000_7ff0,
      77,
      0x100,
      0x101,
      0x102,
      0x103,
      0x104,
      0x105,
      0x106,
    ]);
  });

  it('user exception: a host task that throws reports ip and zeros', () => {
    const got: Received[] = [];
    const f = makeFixture([
      handler(got, null),
      {
        name: 'thrower',
        *body(s) {
          yield* s.work(1);
          throw new Error('bug');
        },
      },
    ]);
    setFaultEndpoint(f, f.threads[1]!, 1);
    f.run();
    const pc = f.kernel.port.readRegister(f.threads[1]!.context, 15);
    expect(got).toEqual([{ label: FaultLabel.UserException, badge: 0, words: [pc, 0, 0, 0] }]);
  });

  it('VM fault: ip, the address, not a fetch, and the access kind', () => {
    const got: Received[] = [];
    const f = makeFixture([
      handler(got, null),
      {
        name: 'stray',
        *body(s, ctx) {
          yield* s.work(1);
          ctx.write32(0x1000_0000, 1);
        },
      },
    ]);
    setFaultEndpoint(f, f.threads[1]!, 1);
    f.run();
    const pc = f.kernel.port.readRegister(f.threads[1]!.context, 15);
    expect(got).toEqual([
      { label: FaultLabel.VmFault, badge: 0, words: [pc, 0x1000_0000, 0, AccessKind.Write] },
    ]);
  });

  it('panic: ip, length and the message bytes packed from MR2', () => {
    const got: Received[] = [];
    const f = makeFixture([
      handler(got, null),
      {
        name: 'p',
        *body(s) {
          yield* s.panic('motor stalled at step 42');
        },
      },
    ]);
    setFaultEndpoint(f, f.threads[1]!, 1);
    f.run();
    expect(got[0]!.label).toBe(FaultLabel.Panic);
    expect(got[0]!.words[1]).toBe(24);
    expect(got[0]!.words).toHaveLength(2 + 6);
    expect(new TextDecoder().decode(panicMessageBytes(got[0]!.words))).toBe(
      'motor stalled at step 42',
    );
  });

  it('timeout: badge and consumed time split into two words', () => {
    const got: Received[] = [];
    const f = makeFixture([
      handler(got),
      {
        name: 'late',
        *body(s) {
          yield* s.work(5);
        },
      },
    ]);
    const t = f.threads[1]!;
    const original = f.cnodes[0]!.slots[C.ep(1)]!.cap!;
    const copy = new Cap(ObjectType.Endpoint, original.obj, Rights.All, 0x7);
    cdtInsert(original, copy);
    placeCap(t.timeoutSlot, copy);
    expect(raiseTimeoutFault(f.kernel.state, t, 0xbeef, 2 ** 32 + 5)).toBe(true);
    f.kernel.assertInvariants();
    f.run();
    expect(got).toEqual([{ label: FaultLabel.Timeout, badge: 0x7, words: [0xbeef, 5, 1] }]);
    // The reply resumes it ('continue'); it finishes its work and exits.
    expect(t.state).toBe(ThreadState.Inactive);
    expect(t.lastFaultLabel).toBe(FaultLabel.Timeout);
  });
});

describe('without a handler', () => {
  it.each([
    ['cap fault', (s: Sys) => s.wait(C.free + 3)],
    ['panic', (s: Sys) => s.panic('x')],
  ])('a %s stops the thread (Inactive) and records the fault', (_name, act) => {
    const f = makeFixture([
      {
        name: 'lonely',
        *body(s) {
          yield* act(s);
          throw new Error('must not continue');
        },
      },
    ]);
    f.run();
    expect(f.threads[0]!.state).toBe(ThreadState.Inactive);
    expect(f.threads[0]!.lastFaultLabel).not.toBe(FaultLabel.NullFault);
  });

  it('a timeout fault without a timeout endpoint changes nothing and reports false', () => {
    const f = makeFixture([
      {
        name: 'a',
        *body(s) {
          yield* s.work(1);
        },
      },
    ]);
    setFaultEndpoint(f, f.threads[0]!, 1); // a fault endpoint is not a timeout endpoint
    const before = digest(f.kernel);
    expect(hasTimeoutHandler(f.threads[0]!)).toBe(false);
    expect(raiseTimeoutFault(f.kernel.state, f.threads[0]!, 1, 1)).toBe(false);
    expect(digest(f.kernel)).toBe(before);
    expect(f.threads[0]!.lastFaultLabel).toBe(FaultLabel.NullFault);
  });
});

describe('fault replies', () => {
  it('the reply layout is ip, sp, then the seven argument slots', () => {
    expect(FAULT_REPLY_REGISTERS).toEqual(['ip', 'sp', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6']);
  });

  it('an unknown syscall the handler emulates continues after the trap with the new a0', () => {
    let result = -1;
    const f = makeFixture([
      {
        name: 'emulator',
        priority: 200,
        *body(s) {
          yield* s.recv(C.ep(1), C.reply);
          // ip and sp unchanged (from the fault words), a0 = the emulated result.
          s.setMR(0, s.getMR(0));
          s.setMR(1, s.getMR(1));
          s.setMR(2, 4242);
          yield* s.send(C.reply, encodeMessageInfo(0, 3));
        },
      },
      {
        name: 'emulated',
        *body(_s, ctx) {
          ctx.setRegister(ctx.convention.numberRegister, 99);
          yield -1;
          result = ctx.getRegister(ctx.convention.argumentRegisters[0]!);
        },
      },
    ]);
    setFaultEndpoint(f, f.threads[1]!, 1);
    f.run();
    expect(result).toBe(4242);
    expect(f.threads[1]!.state).toBe(ThreadState.Inactive);
  });

  it('reply words overwrite ip, sp and a0: the thread restarts at the new entry', () => {
    const got: Received[] = [];
    const seen: number[] = [];
    const f = makeFixture([
      {
        name: 'handler',
        priority: 200,
        *body(s) {
          yield* s.recv(C.ep(1), C.reply);
          got.push({ label: s.label, badge: 0, words: [s.getMR(0)] });
          s.setMR(0, recoveredEntry);
          s.setMR(1, 0x2000_4000);
          s.setMR(2, 0xabc);
          yield* s.send(C.reply, encodeMessageInfo(0, 3));
        },
      },
      {
        name: 'broken',
        *body(s) {
          yield* s.wait(C.free + 5); // cap fault
          seen.push(-1); // never: the new ip starts another program
        },
      },
    ]);
    const recoveredEntry = f.executor.addProgram('recovered', function* (ctx) {
      yield 1; // spend a tick, as any task's first instruction would
      seen.push(ctx.getRegister(ctx.convention.spRegister));
      seen.push(ctx.getRegister(ctx.convention.argumentRegisters[0]!));
    });
    setFaultEndpoint(f, f.threads[1]!, 1);
    f.run();
    expect(got[0]!.label).toBe(FaultLabel.CapFault);
    expect(seen).toEqual([0x2000_4000, 0xabc]);
    expect(f.kernel.port.readRegister(f.threads[1]!.context, 15)).toBe(recoveredEntry);
  });

  it('an empty reply to a cap fault retries the syscall (here it faults again)', () => {
    const got: Received[] = [];
    const f = makeFixture([
      handler(got, { label: 0, words: [] }, 2),
      {
        name: 'retry',
        *body(s) {
          yield* s.wait(C.free + 5);
        },
      },
    ]);
    setFaultEndpoint(f, f.threads[1]!, 1);
    f.run();
    expect(got.map((g) => g.label)).toEqual([FaultLabel.CapFault, FaultLabel.CapFault]);
  });

  it('a reply with a non-zero label leaves the thread stopped', () => {
    const got: Received[] = [];
    const f = makeFixture([
      handler(got, { label: 1, words: [] }),
      {
        name: 'doomed',
        *body(s) {
          yield* s.wait(C.free + 5);
        },
      },
    ]);
    setFaultEndpoint(f, f.threads[1]!, 1);
    f.run();
    expect(got).toHaveLength(1);
    expect(f.threads[1]!.state).toBe(ThreadState.Inactive);
    expect(f.threads[1]!.faultWords).toBeNull();
  });
});

describe('TCB_SetTimeoutEndpoint', () => {
  it('copies the cap into the TCB: deleting the original keeps the timeout endpoint', () => {
    const codes: number[] = [];
    const f = makeFixture([
      {
        name: 'root',
        priority: 200,
        *body(s) {
          codes.push(yield* tcbSetTimeoutEndpoint(s, C.free, C.ep(2)));
          codes.push(yield* cnodeDelete(s, C.cnode, C.ep(2), DEPTH));
        },
      },
      { name: 'worker', start: false, *body() {} },
    ]);
    giveCap(f, 0, C.free, f.threads[1]!);
    f.run();
    expect(codes).toEqual([0, 0]);
    const cap = f.threads[1]!.timeoutSlot.cap!;
    expect(cap.obj).toBe(f.endpoints[2]);
    expect(hasTimeoutHandler(f.threads[1]!)).toBe(true);
  });

  it.each([
    ['a notification cap', C.ntfn(0), KernelError.InvalidCapability],
    ['an endpoint cap without Grant', C.free + 1, KernelError.InvalidCapability],
  ])('rejects %s and changes nothing', (_name, cptr, code) => {
    let got = -1;
    let before = '';
    let after = '';
    const f = makeFixture([
      {
        name: 'root',
        priority: 200,
        *body(s) {
          before = digest(f.kernel);
          got = yield* tcbSetTimeoutEndpoint(s, C.free, cptr);
          after = digest(f.kernel);
        },
      },
      { name: 'worker', start: false, *body() {} },
    ]);
    giveCap(f, 0, C.free, f.threads[1]!);
    giveCap(f, 0, C.free + 1, f.endpoints[2]!, Rights.Write);
    f.run();
    expect(got).toBe(code);
    expect(f.threads[1]!.timeoutSlot.cap).toBeNull();
    expect(after).toBe(before);
  });
});

describe('fault reply registers (property)', () => {
  it('a reply of length n overwrites exactly the first n registers of the layout', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: FAULT_REPLY_REGISTERS.length }),
        fc.array(fc.integer({ min: 0, max: 0xffff_ffff }), {
          minLength: FAULT_REPLY_REGISTERS.length,
          maxLength: FAULT_REPLY_REGISTERS.length,
        }),
        (n, words) => {
          let before: number[] = [];
          let after: number[] = [];
          const layout = (ctx: HostTaskContext) => [
            ctx.convention.pcRegister,
            ctx.convention.spRegister,
            ...ctx.convention.argumentRegisters,
          ];
          const f = makeFixture([
            {
              name: 'emulator',
              priority: 200,
              *body(s) {
                yield* s.recv(C.ep(1), C.reply);
                const ip = s.getMR(0);
                for (let i = 0; i < n; i++) s.setMR(i, i === 0 ? ip : words[i]!);
                yield* s.send(C.reply, encodeMessageInfo(0, n));
              },
            },
            {
              name: 'emulated',
              *body(_s, ctx) {
                const c = ctx.convention;
                ctx.setRegister(c.spRegister, 0x2000_7000);
                c.argumentRegisters.forEach((r, i) => {
                  ctx.setRegister(r, 0x50 + i);
                });
                ctx.setRegister(c.numberRegister, 99);
                before = layout(ctx).map((r) => ctx.getRegister(r));
                yield -1;
                after = layout(ctx).map((r) => ctx.getRegister(r));
              },
            },
          ]);
          setFaultEndpoint(f, f.threads[1]!, 1);
          f.run();
          const want = before.map((v, i) => (i < n && i > 0 ? words[i]! : v));
          expect(after).toEqual(want);
        },
      ),
      { numRuns: 40 },
    );
  });
});
