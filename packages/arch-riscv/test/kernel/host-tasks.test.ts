// Kernel scenarios with host tasks on the RISC-V port: the kernel's own boot path and executor,
// with RiscvPort holding every context as a trap frame and checking every task memory access
// through the PMP model.
import {
  type BootInfo,
  encodeMessageInfo,
  FaultLabel,
  type HostTask,
  ObjectType,
  Rights,
} from '@k5/abi';
import { AccessKind, bootSystem, type Tcb, TraceRecorder } from '@k5/kernel';
import { Sys, tcbResume } from '@k5/userspace';
import { describe, expect, it } from 'vitest';
import { PMP_L, type RiscvError, RiscvPort } from '../../src/index';
import { RootEnv, spawn } from './fixture';

const SLOT = { ep: 1, reply: 2, fault: 3 } as const;
/** NAPOT with R, W and X: A = 3 in bits 4:3, then XWR. */
const NAPOT_RWX = 0x1f;
const napotAddr = (base: number, size: number) => base / 4 + size / 8 - 1;

const server: HostTask = function* (ctx) {
  const sys = new Sys(ctx);
  let badge = yield* sys.recv(SLOT.ep, SLOT.reply);
  for (;;) {
    let sum = 0;
    for (let i = 0; i < sys.length; i++) sum += sys.getMR(i);
    sys.setMR(0, sum);
    sys.setMR(1, badge);
    badge = yield* sys.replyRecv(SLOT.ep, encodeMessageInfo(0, 2), SLOT.reply);
  }
};

function clientServerRoot(answers: number[][]) {
  const client: HostTask = function* (ctx) {
    const sys = new Sys(ctx);
    for (let round = 1; round <= 3; round++) {
      // Five MRs: four in a2..a5, the fifth in the IPC buffer.
      for (let i = 0; i < 5; i++) sys.setMR(i, round * 10 + i);
      yield* sys.call(SLOT.ep, encodeMessageInfo(1, 5));
      answers.push([sys.getMR(0), sys.getMR(1)]);
    }
  };
  const root = (boot: BootInfo): HostTask =>
    function* (ctx) {
      const env = new RootEnv(new Sys(ctx), boot);
      const ep = yield* env.retype(ObjectType.Endpoint, 0);
      const replies = yield* env.retype(ObjectType.Reply, 0, 2);
      const s = yield* spawn(env, {
        entry: boot.programs.server!,
        priority: 150,
        caps: [
          { slot: SLOT.ep, from: ep, rights: Rights.Read | Rights.Write },
          { slot: SLOT.reply, from: replies, rights: Rights.All },
        ],
      });
      const c = yield* spawn(env, {
        entry: boot.programs.client!,
        priority: 100,
        caps: [{ slot: SLOT.ep, from: ep, rights: Rights.Write | Rights.GrantReply, badge: 0x77 }],
      });
      expect(yield* tcbResume(env.sys, s.tcb)).toBe(0);
      expect(yield* tcbResume(env.sys, c.tcb)).toBe(0);
    };
  return { root, programs: { server, client } };
}

const byPriority = (threads: Tcb[], p: number) => threads.find((t) => t.priority === p)!;

describe('host tasks on RiscvPort', () => {
  it('a client/server exchange works unchanged, with invariants green', () => {
    const answers: number[][] = [];
    const port = new RiscvPort();
    const trace = new TraceRecorder();
    const { root, programs } = clientServerRoot(answers);
    const system = bootSystem({ root, programs, port, trace: trace.sink });
    expect(system.run({ checkInvariants: true }).reason).toBe('idle');
    // Round r sends r*10+0 .. r*10+4: sum 50r + 10; badge 0x77.
    expect(answers).toEqual([
      [60, 0x77],
      [110, 0x77],
      [160, 0x77],
    ]);
    expect(trace.ofKind('fault')).toEqual([]);
    expect(system.kernel.checkInvariants()).toEqual([]);
  });

  it("solves each thread's map into PMP entries and checks accesses with the PMP model", () => {
    const port = new RiscvPort({ lockedRegions: [{ base: 0x1000_0000, size: 0x1000 }] });
    const { root, programs } = clientServerRoot([]);
    const system = bootSystem({ root, programs, port });
    system.run();
    const client = byPriority(system.kernel.threads(), 100);
    const buffer = client.ipcBuffer;
    // Entry 0 is the kernel's locked NAPOT; the IPC buffer (1 KiB, RWX) takes entry 1.
    expect(port.lockedEntries).toBe(1);
    const layout = port.pmpLayout(client.context);
    expect(layout.used).toBe(1);
    expect(layout.entries[0]).toEqual({
      index: 1,
      cfg: NAPOT_RWX,
      addr: napotAddr(buffer, 1024),
    });
    expect(layout.entries.slice(1).every((e) => e.cfg === 0)).toBe(true);
    expect(port.hart.pmp.entryConfig(0)).toBe(0x18 | PMP_L);
    expect(port.hart.pmp.readAddr(0)).toBe(0x0400_01ff);
    // The boundaries of the buffer, through the checker.
    const ok = (a: number, n: number, k: AccessKind) => port.checkAccess(client.context, a, n, k);
    expect(ok(buffer, 4, AccessKind.Write)).toBe(true);
    expect(ok(buffer + 1020, 4, AccessKind.Read)).toBe(true);
    expect(ok(buffer + 1022, 4, AccessKind.Read)).toBe(false);
    expect(ok(buffer - 4, 4, AccessKind.Read)).toBe(false);
    expect(ok(buffer + 1024, 1, AccessKind.Read)).toBe(false);
    expect(ok(0x1000_0000, 4, AccessKind.Read)).toBe(false);
  });

  it('a refused access becomes a VmFault at the fault endpoint with the address', () => {
    const seen: number[] = [];
    let wroteOwnBuffer = false;
    const handler: HostTask = function* (ctx) {
      const sys = new Sys(ctx);
      yield* sys.recv(SLOT.fault, SLOT.reply);
      seen.push(sys.label, sys.length, sys.getMR(0), sys.getMR(1), sys.getMR(2), sys.getMR(3));
    };
    const faulter: HostTask = function* (ctx) {
      ctx.write32(ctx.ipcBufferAddress(), 0x1234);
      wroteOwnBuffer = true;
      ctx.read32(0x2000_0000);
      yield 1;
    };
    const root = (boot: BootInfo): HostTask =>
      function* (ctx) {
        const env = new RootEnv(new Sys(ctx), boot);
        const ep = yield* env.retype(ObjectType.Endpoint, 0);
        const reply = yield* env.retype(ObjectType.Reply, 0);
        const h = yield* spawn(env, {
          entry: boot.programs.handler!,
          priority: 200,
          caps: [
            { slot: SLOT.fault, from: ep, rights: Rights.Read },
            { slot: SLOT.reply, from: reply, rights: Rights.All },
          ],
        });
        const f = yield* spawn(env, {
          entry: boot.programs.faulter!,
          priority: 100,
          faultEndpoint: ep,
        });
        expect(yield* tcbResume(env.sys, h.tcb)).toBe(0);
        expect(yield* tcbResume(env.sys, f.tcb)).toBe(0);
      };
    let entry = 0;
    const system = bootSystem({
      root: (boot) => {
        entry = boot.programs.faulter!;
        return root(boot);
      },
      programs: { handler, faulter },
      port: new RiscvPort(),
    });
    system.run({ checkInvariants: true });
    expect(wroteOwnBuffer).toBe(true);
    expect(seen).toEqual([FaultLabel.VmFault, 4, entry, 0x2000_0000, 0, AccessKind.Read]);
  });

  it('a grant PMP cannot express (write without read) is a typed error and grants nothing', () => {
    const errors: RiscvError[] = [];
    let faulted = false;
    const victim: HostTask = function* (ctx) {
      try {
        ctx.read32(ctx.ipcBufferAddress());
      } catch {
        faulted = true;
        throw new Error('refused');
      }
      yield 1;
    };
    const port = new RiscvPort({ onMemoryMapError: (_ctx, e) => errors.push(e) });
    const root = (boot: BootInfo): HostTask =>
      function* (ctx) {
        const env = new RootEnv(new Sys(ctx), boot);
        const v = yield* spawn(env, {
          entry: boot.programs.victim!,
          priority: 100,
          regions: [{ sizeBits: 10, rights: Rights.Write }],
        });
        expect(yield* tcbResume(env.sys, v.tcb)).toBe(0);
      };
    const system = bootSystem({ root, programs: { victim }, port });
    system.run({ checkInvariants: true });
    expect(errors.map((e) => e.code)).toEqual(['pmp-unencodable-permissions']);
    const t = byPriority(system.kernel.threads(), 100);
    expect(port.memoryMapError(t.context)?.code).toBe('pmp-unencodable-permissions');
    expect(port.pmpLayout(t.context).used).toBe(0);
    expect(faulted).toBe(true);
  });
});
