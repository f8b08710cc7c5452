// A C task on the RISC-V port: client.c, compiled with clang for rv32imac against the K5
// syscall library (k5-riscv.h over @k5/abi's generated k5.h; see c-task/build.sh), runs on the
// hart beside a TypeScript server. It calls the server, stores the reply, then writes where
// its PMP forbids, and the fault handler receives the VM fault. client.bin is committed.
import { readFileSync } from 'node:fs';
import {
  type BootInfo,
  encodeMessageInfo,
  FaultLabel,
  type HostTask,
  ObjectType,
  Rights,
} from '@k5/abi';
import { AccessKind, TraceRecorder } from '@k5/kernel';
import { Sys, tcbResume } from '@k5/userspace';
import { describe, expect, it } from 'vitest';
import { bootRiscvSystem, type RiscvSystem } from '../../src/index';
import { PC, RISCV_REGISTERS, RootEnv, spawn } from './fixture';

const SLOT = { ep: 1, reply: 2, fault: 3 } as const;
const image = new Uint8Array(readFileSync(new URL('./c-task/client.bin', import.meta.url)));
/** `sw a2, 0(t0)` (`*forbidden = r.mr[0]`) in `llvm-objdump -d` of client.elf. */
const FORBIDDEN_STORE = 0x42;
const FORBIDDEN = 0x2000_0000;

/** FNV-1a over 32-bit words, as client.c computes it. */
function fnv(words: readonly number[]): number {
  let h = 2166136261;
  for (const w of words) h = Math.imul(h ^ w, 16777619) >>> 0;
  return h;
}

/** Boots the C client, the TypeScript server and the fault handler, and runs them to idle. */
function runCTask(trace?: TraceRecorder) {
  const received: number[] = [];
  const fault: number[] = [];
  const server: HostTask = function* (ctx) {
    const sys = new Sys(ctx);
    let badge = yield* sys.recv(SLOT.ep, SLOT.reply);
    for (;;) {
      const mrs = [0, 1, 2, 3].map((i) => sys.getMR(i));
      received.push(sys.label, sys.length, badge, ...mrs);
      sys.setMR(
        0,
        mrs.reduce((a, b) => a + b, 0),
      );
      sys.setMR(1, fnv(mrs));
      badge = yield* sys.replyRecv(SLOT.ep, encodeMessageInfo(0, 2), SLOT.reply);
    }
  };
  const handler: HostTask = function* (ctx) {
    const sys = new Sys(ctx);
    yield* sys.recv(SLOT.fault, SLOT.reply);
    fault.push(sys.label, sys.getMR(0), sys.getMR(1), sys.getMR(2), sys.getMR(3));
  };
  let system!: RiscvSystem;
  let base = 0;
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
          { slot: SLOT.ep, from: ep, rights: Rights.Read },
          { slot: SLOT.reply, from: replies, rights: Rights.All },
        ],
      });
      const c = yield* spawn(env, {
        priority: 100,
        caps: [{ slot: SLOT.ep, from: ep, rights: Rights.Write | Rights.GrantReply, badge: 0xc0 }],
        regions: [{ sizeBits: 10, rights: Rights.ReadWrite }],
        faultEndpoint: faultEp,
        beforeStart: ([b]) => {
          base = b!;
          system.runner.load(base, image);
          const regs = new Array<number>(RISCV_REGISTERS).fill(0);
          regs[PC] = base;
          regs[2] = base + 0x400; // sp: top of the region
          regs[10] = base + 0x200; // a0: result area
          regs[11] = FORBIDDEN; // a1: the root CNode's memory
          return regs;
        },
      });
      for (const t of [h.tcb, s.tcb, c.tcb]) expect(yield* tcbResume(env.sys, t)).toBe(0);
    };
  system = bootRiscvSystem({
    root,
    programs: { server, handler },
    ...(trace ? { trace: trace.sink } : {}),
  });
  expect(system.run({ checkInvariants: true }).reason).toBe('idle');
  return { system, received, fault, base };
}

describe('a C task on RiscvPort', () => {
  it('calls a TypeScript server and its PMP violation reaches the fault endpoint', () => {
    const { system, received, fault, base } = runCTask();
    const mrs = [0x101, 0x202, 0x303, 0x404];
    expect(received).toEqual([7, 4, 0xc0, ...mrs]);
    const out = [0, 4, 8, 12].map((o) => system.kernel.memory.read32(base + 0x200 + o));
    // info of the reply, MR0 = the sum, MR1 = FNV as the server computed it, and the C code's
    // own check that they agree.
    expect(out).toEqual([encodeMessageInfo(0, 2), 0xa0a, fnv(mrs), 1]);
    expect(fault).toEqual([
      FaultLabel.VmFault,
      base + FORBIDDEN_STORE,
      FORBIDDEN,
      0,
      AccessKind.Write,
    ]);
    expect(system.kernel.memory.read32(FORBIDDEN)).not.toBe(0xa0a);
  });
});

describe('determinism', () => {
  it('two runs of the mixed system give the same trace, event for event', () => {
    const traces = [new TraceRecorder(), new TraceRecorder()];
    for (const t of traces) runCTask(t);
    const a = JSON.stringify(traces[0]!.events);
    expect(traces[0]!.ofKind('fault').length).toBe(1);
    expect(JSON.stringify(traces[1]!.events)).toBe(a);
  });
});
