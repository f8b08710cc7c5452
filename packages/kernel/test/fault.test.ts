// Fault messages to a fault endpoint, and restarting the faulting thread by replying.
import { FaultLabel, LookupFailure, ObjectType, Rights } from '@k5/abi';
import { cnodeCopy } from '@k5/userspace';
import { describe, expect, it } from 'vitest';
import { Cap } from '../src/cspace/cap';
import { cdtInsert, placeCap } from '../src/cspace/cdt';
import { ThreadState } from '../src/objects/kobject';
import { C, DEPTH, makeFixture, RADIX } from './fixture';

describe('faults', () => {
  it('a cap fault reaches the fault endpoint; the handler fixes the slot and replies; the thread retries', () => {
    const fault: number[] = [];
    let got = -1;
    const f = makeFixture([
      {
        name: 'handler',
        priority: 120,
        badge: 0x10,
        *body(s) {
          yield* s.recv(C.ep(1), C.reply);
          fault.push(s.label, s.getMR(1), s.getMR(2), s.getMR(3), s.getMR(4));
          expect(
            yield* cnodeCopy(s, C.free + 1, C.free, DEPTH, C.cnode, C.ntfn(0), DEPTH, Rights.All),
          ).toBe(0);
          yield* s.signal(C.ntfn(0));
          yield* s.send(C.reply, 0);
        },
      },
      {
        name: 'faulter',
        priority: 100,
        *body(s) {
          got = yield* s.wait(C.free);
        },
      },
    ]);
    const faulter = f.threads[1]!;
    const ep1 = f.cnodes[1]!.slots[C.ep(1)]!.cap!;
    const faultCap = new Cap(ObjectType.Endpoint, ep1.obj, Rights.All);
    cdtInsert(ep1, faultCap);
    placeCap(faulter.faultSlot, faultCap);
    placeCap(
      f.cnodes[0]!.slots[C.free + 1]!,
      new Cap(ObjectType.CNode, f.cnodes[1]!, Rights.All, 0, 0, DEPTH - RADIX),
    );
    f.run();
    // label, address, in receive phase, lookup failure kind, bits left
    expect(fault).toEqual([FaultLabel.CapFault, C.free, 1, LookupFailure.MissingCapability, 0]);
    expect(got).toBe(0x10);
    expect(faulter.state).toBe(ThreadState.Inactive);
  });

  it('an unknown syscall number is an UnknownSyscall fault carrying the number and arguments', () => {
    const msg: number[] = [];
    const f = makeFixture([
      {
        name: 'handler',
        priority: 120,
        *body(s) {
          yield* s.recv(C.ep(1), C.reply);
          for (let i = 0; i < 6; i++) msg.push(s.getMR(i));
          msg.unshift(s.label);
        },
      },
      {
        name: 'bad',
        *body(_s, ctx) {
          ctx.setRegister(ctx.convention.argumentRegisters[0]!, 0xaa);
          ctx.setRegister(ctx.convention.numberRegister, 99);
          yield -1;
        },
      },
    ]);
    const ep1 = f.cnodes[1]!.slots[C.ep(1)]!.cap!;
    const faultCap = new Cap(ObjectType.Endpoint, ep1.obj, Rights.All);
    cdtInsert(ep1, faultCap);
    placeCap(f.threads[1]!.faultSlot, faultCap);
    f.run();
    expect(msg[0]).toBe(FaultLabel.UnknownSyscall);
    expect(msg[3]).toBe(99);
    expect(msg[4]).toBe(0xaa);
  });

  it('a panic without a fault handler stops the thread and traces the message', () => {
    const f = makeFixture(
      [
        {
          name: 'p',
          *body(s) {
            yield* s.panic('boom');
            throw new Error('unreachable');
          },
        },
      ],
      { trace: true },
    );
    f.run();
    expect(f.threads[0]!.state).toBe(ThreadState.Inactive);
    expect(new TextDecoder().decode(f.trace.ofKind('panic')[0]!.message)).toBe('boom');
    expect(f.trace.ofKind('fault')[0]!.label).toBe(FaultLabel.Panic);
  });
});
