// Kernel scenarios with machine code: RV32 programs assembled by the test assembler run on the
// RiscvPort's hart in U mode under their PMP layouts, trap into the kernel with ecall, and share
// one system with TypeScript host tasks.
import {
  type BootInfo,
  encodeMessageInfo,
  FaultLabel,
  type HostTask,
  ObjectType,
  Rights,
  Syscall,
} from '@k5/abi';
import { AccessKind, type Tcb, TraceRecorder } from '@k5/kernel';
import { Sys, tcbReadRegisters, tcbResume, tcbSetPriority } from '@k5/userspace';
import { describe, expect, it } from 'vitest';
import { bootRiscvSystem, type PmpLayout, type RiscvSystem } from '../../src/index';
import { addi, assemble, ebreak, ecall, jal, jalr, li, sw } from '../asm';
import { PC, RISCV_REGISTERS, RootEnv, spawn } from './fixture';

const SLOT = { ep: 1, reply: 2, fault: 3 } as const;
const A0 = 10;
const A1 = 11;
const A2 = 12;
const A3 = 13;
const A4 = 14;
const A5 = 15;
const A7 = 17;
const T0 = 5;
const T1 = 6;
const NAPOT_RWX = 0x1f;

/** A layout's entries 0..3 as (cfg, pmpaddr). */
function firstEntries(layout: PmpLayout): number[][] {
  return [0, 1, 2, 3].map((i) => {
    const e = layout.entries.find((x) => x.index === i);
    return [e?.cfg ?? 0, e?.addr ?? 0];
  });
}

/** The running host task's own layout, and which context's layout the hart holds meanwhile. */
function livePmp(system: RiscvSystem): number[][] {
  const t = system.kernel.current!;
  hartHeld.push(system.port.activeContext);
  return firstEntries(system.port.pmpLayout(t.context));
}
const hartHeld: (number | null)[] = [];

describe('machine-code threads on RiscvPort', () => {
  it('context switches preserve every register of two machine-code threads', () => {
    // Four Yields then a breakpoint: the only register the program needs is a7 (the number).
    const program = assemble([ecall(), ecall(), ecall(), ecall(), ebreak()]);
    const written = [0xa, 0xb].map((tag) => {
      const regs = Array.from({ length: RISCV_REGISTERS }, (_, i) =>
        i === 0 ? 0 : ((tag << 28) | (i << 16) | (i * 0x111)) >>> 0,
      );
      regs[A7] = Syscall.Yield;
      return regs;
    });
    const read: number[][] = [];
    let system!: RiscvSystem;
    const root = (boot: BootInfo): HostTask =>
      function* (ctx) {
        const env = new RootEnv(new Sys(ctx), boot);
        const tcbs: number[] = [];
        for (const regs of written) {
          const child = yield* spawn(env, {
            priority: 100,
            regions: [{ sizeBits: 10, rights: Rights.Read }],
            beforeStart: ([code]) => {
              system.runner.load(code!, program);
              const r = [...regs];
              r[PC] = code!;
              return r;
            },
          });
          tcbs.push(child.tcb);
        }
        for (const t of tcbs) expect(yield* tcbResume(env.sys, t)).toBe(0);
        // Step aside: the two threads run, yield to each other, then stop at the ebreak.
        expect(yield* tcbSetPriority(env.sys, boot.caps.rootTcb, boot.caps.rootTcb, 10)).toBe(0);
        for (const t of tcbs) {
          expect(yield* tcbReadRegisters(env.sys, t, false, RISCV_REGISTERS)).toBe(0);
          read.push(Array.from({ length: RISCV_REGISTERS }, (_, i) => env.sys.getMR(i)));
        }
      };
    const trace = new TraceRecorder();
    system = bootRiscvSystem({ root, trace: trace.sink });
    expect(system.run({ checkInvariants: true }).reason).toBe('idle');
    const threads = system.kernel.threads().filter((t) => t.priority === 100);
    const ids = new Set(threads.map((t) => t.id));
    const between = trace
      .ofKind('switch')
      .filter((e) => ids.has(e.from) && ids.has(e.to) && e.from !== e.to);
    // One switch to the other thread after each of the 8 Yields, and one when the first
    // thread's ebreak makes it inactive; they alternate strictly.
    expect(between.length).toBe(9);
    for (let i = 1; i < between.length; i++) expect(between[i]!.from).toBe(between[i - 1]!.to);
    expect(system.runner.stats.syscalls).toBe(8);
    expect(system.runner.stats.faults).toBe(2);
    expect(trace.ofKind('fault').map((f) => f.label)).toEqual([
      FaultLabel.UserException,
      FaultLabel.UserException,
    ]);
    for (const [n, regs] of written.entries()) {
      const got = read[n]!;
      // x1..x31 exactly as written; pc stopped on the ebreak (16 bytes in).
      expect(got.slice(1, 32)).toEqual(regs.slice(1, 32));
      expect(got[0]).toBe(0);
      expect(got[PC]).toBe(system.port.readRegister(threads[n]!.context, PC));
      expect(got[PC]! % 1024).toBe(16);
    }
  });

  it('a machine-code client calls a host server, then its PMP violation reaches the fault endpoint', () => {
    const received: number[] = [];
    const fault: number[] = [];
    const livePmpInServer: number[][] = [];
    const livePmpInHandler: number[][] = [];
    let serverBuffer = 0;
    let handlerBuffer = 0;
    let system!: RiscvSystem;
    const server: HostTask = function* (ctx) {
      const sys = new Sys(ctx);
      serverBuffer = ctx.ipcBufferAddress();
      let badge = yield* sys.recv(SLOT.ep, SLOT.reply);
      for (;;) {
        livePmpInServer.push(...livePmp(system));
        received.push(sys.label, sys.length, badge);
        let sum = 0;
        for (let i = 0; i < sys.length; i++) {
          received.push(sys.getMR(i));
          sum += sys.getMR(i);
        }
        sys.setMR(0, sum);
        sys.setMR(1, badge);
        badge = yield* sys.replyRecv(SLOT.ep, encodeMessageInfo(0, 2), SLOT.reply);
      }
    };
    const handler: HostTask = function* (ctx) {
      const sys = new Sys(ctx);
      handlerBuffer = ctx.ipcBufferAddress();
      yield* sys.recv(SLOT.fault, SLOT.reply);
      livePmpInHandler.push(...livePmp(system));
      fault.push(sys.label, sys.length, sys.getMR(0), sys.getMR(1), sys.getMR(2), sys.getMR(3));
    };
    // The client: Call(ep, label 5, 4 MRs in a2..a5), store the reply in its data page, then
    // store to the root CNode's memory, which its PMP does not grant.
    const client = (data: number) => {
      const head = [
        ...li(A0, SLOT.ep),
        ...li(A1, encodeMessageInfo(5, 4)),
        addi(A2, 0, 11),
        addi(A3, 0, 22),
        addi(A4, 0, 33),
        addi(A5, 0, 44),
        addi(A7, 0, Syscall.Call),
        ecall(),
        ...li(T0, data),
        sw(A0, T0, 0),
        sw(A1, T0, 4),
        sw(A2, T0, 8),
        sw(A3, T0, 12),
        ...li(T1, 0x2000_0000),
      ];
      return { code: assemble([...head, sw(A2, T1, 0), jal(0, 0)]), faultOffset: head.length * 4 };
    };
    let codeBase = 0;
    let faultOffset = 0;
    const root = (boot: BootInfo): HostTask =>
      function* (ctx) {
        const env = new RootEnv(new Sys(ctx), boot);
        const ep = yield* env.retype(ObjectType.Endpoint, 0);
        const faultEp = yield* env.retype(ObjectType.Endpoint, 0);
        const replies = yield* env.retype(ObjectType.Reply, 0, 2);
        const h = yield* spawn(env, {
          entry: boot.programs.handler!,
          priority: 200,
          caps: [
            { slot: SLOT.fault, from: faultEp, rights: Rights.Read },
            { slot: SLOT.reply, from: replies + 1, rights: Rights.All },
          ],
        });
        const s = yield* spawn(env, {
          entry: boot.programs.server!,
          priority: 150,
          caps: [
            { slot: SLOT.ep, from: ep, rights: Rights.Read | Rights.Write },
            { slot: SLOT.reply, from: replies, rights: Rights.All },
          ],
        });
        const c = yield* spawn(env, {
          priority: 100,
          caps: [
            { slot: SLOT.ep, from: ep, rights: Rights.Write | Rights.GrantReply, badge: 0x42 },
          ],
          regions: [{ sizeBits: 10, rights: Rights.ReadWrite }],
          faultEndpoint: faultEp,
          beforeStart: ([base]) => {
            codeBase = base!;
            const p = client(base! + 0x200);
            faultOffset = p.faultOffset;
            system.runner.load(base!, p.code);
            const regs = new Array<number>(RISCV_REGISTERS).fill(0);
            regs[PC] = base!;
            return regs;
          },
        });
        for (const t of [h.tcb, s.tcb, c.tcb]) expect(yield* tcbResume(env.sys, t)).toBe(0);
      };
    system = bootRiscvSystem({ root, programs: { server, handler } });
    expect(system.run({ checkInvariants: true }).reason).toBe('idle');

    // The server saw label 5, four MRs from a2..a5 and the client's badge.
    expect(received).toEqual([5, 4, 0x42, 11, 22, 33, 44]);
    // The client stored the reply: a0 = 0 (a reply carries no badge), info (a1), MR0 = 110,
    // MR1 = the badge the server saw.
    const data = system.kernel.memory;
    expect([0, 4, 8, 12].map((o) => data.read32(codeBase + 0x200 + o))).toEqual([
      0,
      encodeMessageInfo(0, 2),
      110,
      0x42,
    ]);
    // VmFault: ip = the faulting sw, address = mtval, not a fetch, status = a write.
    expect(fault).toEqual([
      FaultLabel.VmFault,
      4,
      codeBase + faultOffset,
      0x2000_0000,
      0,
      AccessKind.Write,
    ]);
    expect(system.runner.stats.syscalls).toBe(1);
    expect(system.runner.stats.faults).toBe(1);
    // Each host task's own solved layout is its 1 KiB IPC buffer as one NAPOT RWX entry (no
    // locked entries), the rest OFF; the hart was not reloaded for them (nothing runs on it),
    // so it kept the machine-code client's layout.
    const only = (base: number) => [
      [NAPOT_RWX, base / 4 + 1024 / 8 - 1],
      [0, 0],
      [0, 0],
      [0, 0],
    ];
    expect(livePmpInServer).toEqual(only(serverBuffer));
    expect(livePmpInHandler).toEqual(only(handlerBuffer));
    const clientCtx = system.kernel.threads().find((t: Tcb) => t.priority === 100)!.context;
    expect(new Set(hartHeld)).toEqual(new Set([clientCtx]));
    // The client's own layout grants its code/data region and buffer, nothing else.
    const clientTcb = system.kernel.threads().find((t: Tcb) => t.priority === 100)!;
    const ok = (a: number, k: AccessKind) => system.port.checkAccess(clientTcb.context, a, 4, k);
    expect(ok(codeBase, AccessKind.Execute)).toBe(true);
    expect(ok(codeBase + 0x200, AccessKind.Write)).toBe(true);
    expect(ok(clientTcb.ipcBuffer, AccessKind.Write)).toBe(true);
    expect(ok(0x2000_0000, AccessKind.Write)).toBe(false);
  });

  it('a jump out of its regions is an instruction-fetch VmFault', () => {
    const fault: number[] = [];
    let system!: RiscvSystem;
    const handler: HostTask = function* (ctx) {
      const sys = new Sys(ctx);
      yield* sys.recv(SLOT.fault, SLOT.reply);
      fault.push(sys.label, sys.getMR(0), sys.getMR(1), sys.getMR(2), sys.getMR(3));
    };
    const root = (boot: BootInfo): HostTask =>
      function* (ctx) {
        const env = new RootEnv(new Sys(ctx), boot);
        const faultEp = yield* env.retype(ObjectType.Endpoint, 0);
        const reply = yield* env.retype(ObjectType.Reply, 0);
        const h = yield* spawn(env, {
          entry: boot.programs.handler!,
          priority: 200,
          caps: [
            { slot: SLOT.fault, from: faultEp, rights: Rights.Read },
            { slot: SLOT.reply, from: reply, rights: Rights.All },
          ],
        });
        const c = yield* spawn(env, {
          priority: 100,
          regions: [{ sizeBits: 10, rights: Rights.Read }],
          faultEndpoint: faultEp,
          beforeStart: ([base]) => {
            system.runner.load(base!, assemble([...li(T0, 0x2000_0000), jalr(0, T0, 0)]));
            const regs = new Array<number>(RISCV_REGISTERS).fill(0);
            regs[PC] = base!;
            return regs;
          },
        });
        for (const t of [h.tcb, c.tcb]) expect(yield* tcbResume(env.sys, t)).toBe(0);
      };
    system = bootRiscvSystem({ root, programs: { handler } });
    expect(system.run({ checkInvariants: true }).reason).toBe('idle');
    // The fetch at the target faults: mepc and mtval are both the target.
    expect(fault).toEqual([FaultLabel.VmFault, 0x2000_0000, 0x2000_0000, 1, AccessKind.Execute]);
  });
});
