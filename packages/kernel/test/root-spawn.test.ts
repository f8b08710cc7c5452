// @k5/userspace's root-task helpers (RootEnv, spawn) against the real kernel: children get the
// caps, regions, registers and priorities of their plan, and a refused step throws a
// RootTaskError naming the step and the kernel's error.
import { type BootInfo, encodeMessageInfo, type HostTask, ObjectType, Rights } from '@k5/abi';
import { RootEnv, RootTaskError, spawn, Sys } from '@k5/userspace';
import { describe, expect, it } from 'vitest';
import { bootSystem } from '../src/boot';
import type { Tcb } from '../src/objects/kobject';

const EP = 1;
const REPLY = 2;

function system(root: (env: RootEnv, boot: BootInfo) => Generator<number, void, void>, radix = 8) {
  const seen: { badge: number; sum: number; region: number }[] = [];
  const shared = { region: 0 };
  const server: HostTask = function* (ctx) {
    const sys = new Sys(ctx);
    let badge = yield* sys.recv(EP, REPLY);
    for (;;) {
      const region = shared.region;
      ctx.write32(region, 0xfeed);
      seen.push({ badge, sum: sys.getMR(0), region: ctx.read32(region) });
      badge = yield* sys.replyRecv(EP, encodeMessageInfo(0, 0), REPLY);
    }
  };
  const client: HostTask = function* (ctx) {
    const sys = new Sys(ctx);
    sys.setMR(0, 42);
    yield* sys.call(EP, encodeMessageInfo(0, 1));
  };
  let error: unknown = null;
  const rootTask = (boot: BootInfo): HostTask =>
    function* (ctx) {
      try {
        yield* root(new RootEnv(new Sys(ctx), boot), boot);
      } catch (e) {
        error = e;
      }
    };
  const s = bootSystem({ root: rootTask, programs: { server, client }, rootCNodeRadix: radix });
  return { s, seen, shared, error: () => error };
}

describe('RootEnv and spawn', () => {
  it('builds children with the planned caps, regions, registers and priorities', () => {
    const { s, seen, shared, error } = system(function* (env, boot) {
      const ep = yield* env.retype(ObjectType.Endpoint, 0);
      const replies = yield* env.retype(ObjectType.Reply, 0, 2);
      const server = yield* spawn(env, {
        name: 'server',
        entry: boot.programs.server!,
        priority: 150,
        caps: [
          { slot: EP, from: ep, rights: Rights.Read | Rights.Write },
          { slot: REPLY, from: replies, rights: Rights.All },
        ],
        regions: [{ sizeBits: 8, rights: Rights.ReadWrite }],
        start: true,
      });
      shared.region = server.regionBases[0]!;
      const client = yield* spawn(env, {
        name: 'client',
        priority: 100,
        mcp: 120,
        caps: [
          { slot: EP, from: ep, rights: Rights.Write | Rights.GrantReply, badge: 0x77 },
          { slot: REPLY, from: replies + 1, rights: Rights.All },
        ],
        // The whole register file, from the hook: pc (r15 on the generic port) = client entry.
        beforeStart: (bases) => {
          expect(bases).toEqual([]);
          const regs = new Array<number>(16).fill(0);
          regs[15] = boot.programs.client!;
          return regs;
        },
        start: true,
      });
      expect(client.tcb).toBeGreaterThan(server.tcb);
      expect(server.ipcBufferBase % 1024).toBe(0);
    });
    expect(s.run({ checkInvariants: true }).reason).toBe('idle');
    expect(error()).toBeNull();
    expect(seen).toEqual([{ badge: 0x77, sum: 42, region: 0xfeed }]);
    const prios = s.kernel
      .threads()
      .map((t: Tcb) => [t.priority, t.mcp])
      .sort((a, b) => a[0]! - b[0]!);
    expect(prios).toContainEqual([100, 120]);
    expect(prios).toContainEqual([150, 150]);
  });

  it('names the refused step and the kernel error', () => {
    const { s, error } = system(function* (env) {
      // A CNode far larger than the untyped memory: the kernel refuses the retype.
      yield* env.retype(ObjectType.CNode, 20);
    });
    s.run();
    const e = error();
    expect(e).toBeInstanceOf(RootTaskError);
    expect((e as RootTaskError).code).not.toBe(0);
    expect((e as Error).message).toMatch(
      /retyping 1 object\(s\) of type \d+ failed: kernel error \w+/,
    );
  });

  it('refuses to hand out more root slots than are empty', () => {
    const { s, error } = system(function* (env) {
      env.allocSlots(env.freeSlots);
      yield* env.retype(ObjectType.Endpoint, 0);
    }, 4);
    s.run();
    expect(error()).toBeInstanceOf(RootTaskError);
    expect((error() as Error).message).toContain('only 0 empty slots are left');
  });

  it('reports a missing untyped block as a RootTaskError', () => {
    const { s, error } = system(function* (env, boot) {
      yield* [];
      new RootEnv(env.sys, boot, { minUntypedBits: 31 });
    });
    s.run();
    expect((error() as Error).message).toContain('no untyped block of at least 2^31 bytes');
  });
});
