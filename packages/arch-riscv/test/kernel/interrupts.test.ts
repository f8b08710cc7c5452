// The kernel's time and interrupts on RiscvPort (CONTRACT.md): budgets end at the exact cycle
// because the runner never runs the hart past the kernel's deadline (which the port also writes
// to mtimecmp), and a PLIC source is claimed, handed to `kernel.interrupt`, masked until the
// IRQ-handler task acknowledges it, and signalled to that task's notification with its badge.
import { type BootInfo, type HostTask, ObjectType, Rights } from '@k5/abi';
import { TraceRecorder } from '@k5/kernel';
import {
  cnodeMint,
  irqControlGet,
  irqHandlerAck,
  irqHandlerSetNotification,
  Sys,
  tcbResume,
} from '@k5/userspace';
import { describe, expect, it } from 'vitest';
import { bootRiscvSystem, InterruptCause, type RiscvSystem } from '../../src/index';
import { addi, assemble, jal, lw, sw } from '../asm';
import { type ChildPlan, PC, RISCV_REGISTERS, RootEnv, spawn } from './fixture';

/** Spins forever incrementing the word at a0 + 0x100. */
const SPINNER = assemble([lw(6, 10, 0x100), addi(6, 6, 1), sw(6, 10, 0x100), jal(0, -12)]);

function spinner(system: () => RiscvSystem, plan: Omit<ChildPlan, 'beforeStart'>): ChildPlan {
  return {
    ...plan,
    regions: [{ sizeBits: 10, rights: Rights.ReadWrite }],
    beforeStart: ([code]) => {
      system().runner.load(code!, SPINNER);
      const regs = new Array<number>(RISCV_REGISTERS).fill(0);
      regs[PC] = code!;
      regs[10] = code!;
      return regs;
    },
  };
}

/** Runs one runner step at a time until kernel time reaches `until`. */
function runUntil(system: RiscvSystem, until: number, each?: () => void): void {
  for (let i = 0; i < 100_000 && system.kernel.now < until; i++) {
    system.run({ maxSteps: 1, checkInvariants: true });
    each?.();
  }
  expect(system.kernel.now).toBeGreaterThanOrEqual(until);
}

describe('timer preemption by budget on RiscvPort', () => {
  it('a machine-code thread runs exactly its budget per period; a lower one runs in between', () => {
    const trace = new TraceRecorder();
    let system!: RiscvSystem;
    const threads: number[] = [];
    const root = (boot: BootInfo): HostTask =>
      function* (ctx) {
        const env = new RootEnv(new Sys(ctx), boot);
        const a = yield* spawn(
          env,
          spinner(() => system, { priority: 120, sched: { budget: 1000, period: 5000 } }),
        );
        const b = yield* spawn(
          env,
          spinner(() => system, { priority: 100, sched: { budget: 50_000, period: 50_000 } }),
        );
        for (const c of [a, b]) expect(yield* tcbResume(env.sys, c.tcb)).toBe(0);
      };
    system = bootRiscvSystem({ root, trace: trace.sink, runner: { sliceCycles: 700 } });
    runUntil(system, 21_000);
    // The spinners are the two machine-code threads the runner started.
    for (const s of trace.ofKind('switch'))
      if (s.to !== 0 && !threads.includes(s.to)) threads.push(s.to);
    const [rootId, aId, bId] = [threads[0], ...threads.slice(-2)];
    expect(rootId).toBeDefined();
    // A's stretches on the CPU: from each switch to A until the next switch away.
    const switches = trace.ofKind('switch');
    const stretches: [number, number][] = [];
    for (let i = 0; i < switches.length; i++) {
      if (switches[i]!.to !== aId) continue;
      const away = switches.slice(i + 1).find((s) => s.from === aId);
      if (away) stretches.push([switches[i]!.time, away.time]);
    }
    expect(stretches.length).toBeGreaterThanOrEqual(3);
    for (const [from, to] of stretches) expect(to - from).toBe(1000);
    // Released once per period.
    const starts = stretches.map(([from]) => from);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBe(5000);
    // B ran in between, on the same hart.
    expect(switches.some((s) => s.to === bId)).toBe(true);
  });
});

describe('a PLIC interrupt delivered to an IRQ-handler task', () => {
  const IRQ = 5;
  const BADGE = 0x50;

  it('is claimed, masked, signalled with the badge, and unmasked by the handler’s Ack', () => {
    let system!: RiscvSystem;
    const seen: { badge: number; time: number; unmasked: boolean }[] = [];
    let raisedAt = 0;
    const SLOT = { ntfn: 1, handler: 2 } as const;
    const handler: HostTask = function* (ctx) {
      const sys = new Sys(ctx);
      expect(yield* irqHandlerAck(sys, SLOT.handler)).toBe(0);
      for (;;) {
        const badge = yield* sys.wait(SLOT.ntfn);
        const port = system.port;
        seen.push({ badge, time: system.kernel.now, unmasked: port.interrupts.isUnmasked(IRQ) });
        port.plic.setLine(IRQ, false); // the driver clears the device's request
        expect(yield* irqHandlerAck(sys, SLOT.handler)).toBe(0);
      }
    };
    const root = (boot: BootInfo): HostTask =>
      function* (ctx) {
        const env = new RootEnv(new Sys(ctx), boot);
        const ntfn = yield* env.retype(ObjectType.Notification, 0);
        const handlerCap = env.boot.emptySlots[0] + 100;
        expect(
          yield* irqControlGet(
            env.sys,
            boot.caps.irqControl,
            IRQ,
            boot.caps.rootCNode,
            handlerCap,
            boot.rootCNodeDepth,
          ),
        ).toBe(0);
        const badged = handlerCap + 1;
        expect(
          yield* cnodeMint(
            env.sys,
            boot.caps.rootCNode,
            badged,
            boot.rootCNodeDepth,
            boot.caps.rootCNode,
            ntfn,
            boot.rootCNodeDepth,
            Rights.All,
            BADGE,
          ),
        ).toBe(0);
        expect(yield* irqHandlerSetNotification(env.sys, handlerCap, badged)).toBe(0);
        const h = yield* spawn(env, {
          entry: boot.programs.handler!,
          priority: 200,
          caps: [
            { slot: SLOT.ntfn, from: ntfn, rights: Rights.Read },
            { slot: SLOT.handler, from: handlerCap, rights: Rights.All },
          ],
        });
        const s = yield* spawn(
          env,
          spinner(() => system, { priority: 100 }),
        );
        for (const c of [h, s]) expect(yield* tcbResume(env.sys, c.tcb)).toBe(0);
      };
    const taken: number[] = [];
    system = bootRiscvSystem({
      root,
      programs: { handler },
      runner: {
        sliceCycles: 500,
        onInterrupt: (i) => i.cause === InterruptCause.MachineExternal && taken.push(i.irq),
      },
    });
    runUntil(system, 2000);
    expect(system.port.interrupts.isUnmasked(IRQ)).toBe(true);
    system.port.plic.setLine(IRQ, true);
    raisedAt = system.kernel.now;
    runUntil(system, 4000);
    system.port.plic.setLine(IRQ, true);
    runUntil(system, 6000);
    expect(taken).toEqual([IRQ, IRQ]);
    expect(seen).toHaveLength(2);
    for (const s of seen) {
      expect(s.badge).toBe(BADGE);
      expect(s.unmasked).toBe(false); // masked by the kernel until the Ack
    }
    expect(system.port.interrupts.isInService(IRQ)).toBe(false); // completed by the Ack
    expect(seen[0]!.time).toBeGreaterThanOrEqual(raisedAt);
    expect(seen[0]!.time - raisedAt).toBeLessThan(10);
    expect(system.port.interrupts.isUnmasked(IRQ)).toBe(true);
  });
});
