// Capability transfer over IPC (Grant, unwrapping), leases, TCB operations and faults.
import {
  encodeMessageInfo,
  FaultLabel,
  KernelError,
  LeaseAttribute,
  ObjectType,
  Rights,
} from '@k5/abi';
import {
  borrowRead,
  borrowWrite,
  leaseInfo,
  regionMap,
  tcbReadRegisters,
  tcbResume,
  tcbSetPriority,
  tcbSuspend,
  untypedRetype,
} from '@k5/userspace';
import { describe, expect, it } from 'vitest';
import { ThreadState } from '../src/objects/kobject';
import { C, DEPTH, makeFixture } from './fixture';

describe('capability transfer', () => {
  it.each([
    [Rights.All, true],
    [Rights.Write | Rights.Read, false],
  ])('with endpoint rights %i a cap %s transferred', (rights, transferred) => {
    let extra = -1;
    const f = makeFixture([
      {
        name: 'rx',
        priority: 120,
        *body(s) {
          s.setReceiveSlot(0, C.free, DEPTH);
          yield* s.recv(C.ep(0), 0);
          extra = s.extraCaps;
        },
      },
      {
        name: 'tx',
        rights,
        *body(s) {
          s.setCap(0, C.ntfn(0));
          yield* s.send(C.ep(0), encodeMessageInfo(0, 0, 1));
        },
      },
    ]);
    f.run();
    expect(extra).toBe(transferred ? 1 : 0);
    const got = f.cnodes[0]!.slots[C.free]!.cap;
    if (transferred) {
      expect(got?.obj).toBe(f.notifications[0]);
      expect(got?.parent).toBe(f.cnodes[1]!.slots[C.ntfn(0)]!.cap);
    } else expect(got).toBeNull();
  });

  it('a cap to the endpoint the message goes through is unwrapped into its badge', () => {
    let unwrapped = -1;
    let badge = -1;
    const f = makeFixture([
      {
        name: 'rx',
        priority: 120,
        *body(s) {
          yield* s.recv(C.ep(0), 0);
          unwrapped = s.capsUnwrapped;
          badge = s.getCapBadge(0);
        },
      },
      {
        name: 'tx',
        badge: 0x33,
        *body(s) {
          s.setCap(0, C.ep(0));
          yield* s.send(C.ep(0), encodeMessageInfo(0, 0, 1));
        },
      },
    ]);
    f.run();
    expect(unwrapped).toBe(1);
    expect(badge).toBe(0x33);
  });
});

describe('leases', () => {
  it("the server reads and writes the caller's lease during the call, and the lease ends with the reply", () => {
    const results: number[] = [];
    let after = -1;
    const f = makeFixture([
      {
        name: 'server',
        priority: 120,
        *body(s, ctx) {
          yield* s.recv(C.ep(0), C.reply);
          const mine = ctx.ipcBufferAddress() + 0x240; // scratch inside its own buffer region
          expect(yield* leaseInfo(s, C.reply, 0)).toBe(0);
          results.push(s.getMR(0), s.getMR(1));
          expect(yield* borrowRead(s, C.reply, 0, 0, mine, 4)).toBe(0);
          results.push(ctx.read32(mine));
          ctx.write32(mine, 0xcafef00d);
          expect(yield* borrowWrite(s, C.reply, 0, 4, mine, 4)).toBe(0);
          results.push(yield* borrowRead(s, C.reply, 1, 0, mine, 4));
          yield* s.send(C.reply, encodeMessageInfo(0, 0));
          after = yield* borrowRead(s, C.reply, 0, 0, mine, 4);
        },
      },
      {
        name: 'client',
        *body(s, ctx) {
          const lease = ctx.ipcBufferAddress() + 0x240;
          ctx.write32(lease, 0x12345678);
          s.setLeases([
            { address: lease, length: 8, attributes: LeaseAttribute.Read | LeaseAttribute.Write },
          ]);
          yield* s.call(C.ep(0), encodeMessageInfo(1, 0));
          results.push(ctx.read32(lease + 4));
        },
      },
    ]);
    f.run();
    expect(results).toEqual([8, 3, 0x12345678, KernelError.RangeError, 0xcafef00d]);
    expect(after).toBe(KernelError.IllegalOperation);
  });

  it("a lease outside the caller's memory is dropped", () => {
    let count = -1;
    const f = makeFixture([
      {
        name: 'server',
        priority: 120,
        *body(s) {
          yield* s.recv(C.ep(0), C.reply);
          count = yield* leaseInfo(s, C.reply, 0);
        },
      },
      {
        name: 'client',
        *body(s) {
          s.setLeases([{ address: 0x2008_0000, length: 8, attributes: LeaseAttribute.Read }]);
          yield* s.call(C.ep(0), encodeMessageInfo(1, 0));
        },
      },
    ]);
    f.run();
    expect(count).toBe(KernelError.RangeError);
  });
});

describe('TCB', () => {
  it('suspend and resume restart a blocked receive; read registers sees the syscall slots', () => {
    let got = -1;
    const regs: number[] = [];
    const f = makeFixture([
      {
        name: 'rx',
        priority: 120,
        *body(s) {
          got = yield* s.recv(C.ep(0), 0);
        },
      },
      {
        name: 'ctl',
        badge: 5,
        *body(s) {
          // rx is in thread 0's CSpace; reach its TCB through our own CNode copy made by the fixture.
          expect(yield* tcbSuspend(s, C.free)).toBe(0);
          expect(yield* tcbReadRegisters(s, C.free, false, 8)).toBe(0);
          for (let i = 0; i < 8; i++) regs.push(s.getMR(i));
          expect(yield* tcbResume(s, C.free)).toBe(0);
          yield* s.send(C.ep(0), 0);
        },
      },
    ]);
    // Give ctl a cap to rx's TCB.
    const { Cap } = capModule;
    const k = f.kernel.state;
    const slot = f.cnodes[1]!.slots[C.free]!;
    const src = f.cnodes[0]!.slots[C.self]!.cap!;
    const c = new Cap(ObjectType.Tcb, src.obj, Rights.All);
    cdt.cdtInsert(src, c);
    cdt.placeCap(slot, c);
    expect(k.objects.size).toBeGreaterThan(0);
    f.run();
    expect(f.threads[0]!.state).toBe(ThreadState.Inactive);
    expect(got).toBe(5);
    expect(regs[0]).toBe(C.ep(0));
    expect(regs[7]).toBe(6); // Recv
  });

  it("SetPriority above the authority's MCP is a RangeError", () => {
    let code = -1;
    const f = makeFixture([
      {
        name: 't',
        *body(s) {
          code = yield* tcbSetPriority(s, C.self, C.self, 256);
        },
      },
    ]);
    f.threads[0]!.mcp = 200;
    f.run();
    expect(code).toBe(KernelError.RangeError);
  });

  it('a host task touching unmapped memory takes a VM fault, delivered to its fault endpoint', () => {
    let label = -1;
    let addr = -1;
    const f = makeFixture([
      {
        name: 'handler',
        priority: 120,
        *body(s) {
          yield* s.recv(C.ep(1), C.reply);
          label = s.label;
          addr = s.getMR(1);
        },
      },
      {
        name: 'bad',
        *body(s, ctx) {
          yield* s.work(10);
          ctx.read32(0x2008_0000);
        },
      },
    ]);
    const faultCap = f.cnodes[1]!.slots[C.ep(1)]!.cap!;
    const copy = new capModule.Cap(ObjectType.Endpoint, faultCap.obj, Rights.All);
    cdt.cdtInsert(faultCap, copy);
    cdt.placeCap(f.threads[1]!.faultSlot, copy);
    f.run();
    expect(label).toBe(FaultLabel.VmFault);
    expect(addr).toBe(0x2008_0000);
    expect(f.threads[1]!.state).toBe(ThreadState.BlockedOnReply);
  });

  it('Region_Map grants a thread access to a new region', () => {
    let value = -1;
    const f = makeFixture([
      {
        name: 't',
        *body(s, ctx) {
          expect(
            yield* untypedRetype(s, C.untyped, ObjectType.Region, 8, C.cnode, 0, 0, C.free, 1),
          ).toBe(0);
          expect(yield* regionMap(s, C.free, C.self, Rights.ReadWrite)).toBe(0);
          const base = f.cnodes[0]!.slots[C.free]!.cap!.obj.base;
          ctx.write32(base + 8, 77);
          value = ctx.read32(base + 8);
        },
      },
    ]);
    f.run();
    expect(value).toBe(77);
  });
});

import * as capModule from '../src/cspace/cap';
import * as cdt from '../src/cspace/cdt';
