// Kernel scenarios on the AArch64 port: the kernel's own host tasks, booted with
// bootSystem({ port: new Aarch64Port() }), exchanging messages, switching, faulting and losing a
// mapping, with the port's MMU, TLB and ASID counters checked along the way.
import {
  encodeMessageInfo,
  FaultLabel,
  faultWordIndex,
  type HostTask,
  KernelError,
  LeaseAttribute,
  Syscall,
} from '@k5/abi';
import { AccessKind, type ContextId } from '@k5/kernel';
import {
  borrowRead,
  borrowWrite,
  leaseInfo,
  regionUnmap,
  Sys,
  tcbReadRegisters,
} from '@k5/userspace';
import { describe, expect, it } from 'vitest';
import { FaultStatusCode } from '../../src/index';
import { bootScenario, CHILD } from './harness';

const tlbiTotal = (flushes: Record<string, number>) =>
  Object.values(flushes).reduce((a, b) => a + b, 0);

describe('client and server on the AArch64 port', () => {
  const answers: number[][] = [];
  const server: HostTask = function* (ctx) {
    const sys = new Sys(ctx);
    let badge = yield* sys.recv(CHILD.ep, CHILD.reply);
    for (;;) {
      let sum = 0;
      // MRs 4.. travel in the IPC buffer: the server reads them through its own page tables.
      for (let i = 0; i < sys.length; i++) sum += sys.getMR(i);
      sys.setMR(0, sum);
      sys.setMR(1, badge);
      badge = yield* sys.replyRecv(CHILD.ep, encodeMessageInfo(0, 2), CHILD.reply);
    }
  };
  const client: HostTask = function* (ctx) {
    const sys = new Sys(ctx);
    for (let round = 1; round <= 4; round++) {
      for (let i = 0; i < 6; i++) sys.setMR(i, round * 10 + i);
      yield* sys.call(CHILD.ep, encodeMessageInfo(1, 6));
      answers.push([sys.getMR(0), sys.getMR(1)]);
    }
  };

  it('exchanges messages unchanged, each thread with its own ASID, without one TLB flush', () => {
    answers.length = 0;
    const s = bootScenario({
      children: [
        { program: 'server', priority: 150 },
        { program: 'client', priority: 100 },
      ],
      programs: { server, client },
    });
    const result = s.system.run({ checkInvariants: true });
    expect(result.reason).toBe('idle');
    // Sums of round*10+0..5 = 60*round + 15; the server's endpoint cap is unbadged.
    expect(answers).toEqual([
      [75, 0],
      [135, 0],
      [195, 0],
      [255, 0],
    ]);
    const [srv, cli] = s.children();
    const contexts = [s.system.rootThread, srv!, cli!].map((t) => t.context as ContextId);
    const asids = contexts.map((c) => s.port.asidOf(c));
    expect(new Set(asids).size).toBe(3);
    expect(asids.every((a) => a !== undefined && a > 0)).toBe(true);
    // Each of the 4 calls and 4 replies moves between client and server address spaces.
    expect(s.port.counters.switches).toBeGreaterThanOrEqual(8);
    const c = s.port.mmu.tlb.counters;
    expect(c.flushes).toEqual({ VAE1: 0, VALE1: 0, VAAE1: 0, VAALE1: 0, ASIDE1: 0, VMALLE1: 0 });
    // Entries survived the switches: IPC-buffer accesses after a switch back hit the TLB.
    expect(c.hits).toBeGreaterThan(0);
    expect(s.port.mmu.counters.walks).toBe(c.misses);
    // Every cached translation is tagged with one of the threads' ASIDs (nothing global).
    for (const e of s.port.mmu.tlb.entries()) expect(asids).toContain(e.asid);
    expect(s.trace.ofKind('fault')).toEqual([]);
  });
});

describe('leases: the kernel checks both sides through their page tables', () => {
  it('copies through a client’s lease and refuses memory the other side has not mapped', () => {
    const log: number[] = [];
    const server: HostTask = function* (ctx) {
      const sys = new Sys(ctx);
      const clientData = ctx.getRegister(9); // mapped for the client only
      const scratch = ctx.ipcBufferAddress() + 0x800;
      yield* sys.recv(CHILD.ep, CHILD.reply);
      log.push(yield* leaseInfo(sys, CHILD.reply, 0), sys.getMR(0), sys.getMR(1));
      // The second lease named the server's page, which the client cannot access: dropped.
      log.push(yield* leaseInfo(sys, CHILD.reply, 1));
      log.push(yield* borrowRead(sys, CHILD.reply, 0, 0, scratch, 16), sys.getMR(0));
      ctx.write32(scratch + 4, ctx.read32(scratch + 4) + 1);
      log.push(yield* borrowWrite(sys, CHILD.reply, 0, 0, scratch, 8));
      // Copying into the client's page by its address is the server's access: refused.
      log.push(yield* borrowRead(sys, CHILD.reply, 0, 0, clientData, 4));
      yield* sys.send(CHILD.reply, encodeMessageInfo(0, 0));
    };
    const client: HostTask = function* (ctx) {
      const sys = new Sys(ctx);
      const data = ctx.getRegister(9);
      const serverPage = ctx.getRegister(10);
      ctx.write32(data, 0x11);
      ctx.write32(data + 4, 0x22);
      sys.setLeases([
        { address: data, length: 16, attributes: LeaseAttribute.Read | LeaseAttribute.Write },
        { address: serverPage, length: 8, attributes: LeaseAttribute.Read },
      ]);
      yield* sys.call(CHILD.ep, encodeMessageInfo(0, 0));
      log.push(ctx.read32(data), ctx.read32(data + 4));
    };
    const s = bootScenario({
      children: [
        { program: 'server', priority: 150 },
        { program: 'client', priority: 100, dataRegion: true },
      ],
      programs: { server, client },
      registers: (b, child): Record<number, number> =>
        child === 0 ? { 9: b.dataBases[1]! } : { 9: b.dataBases[1]!, 10: b.bufferBases[0]! },
    });
    expect(s.system.run({ checkInvariants: true }).reason).toBe('idle');
    expect(log).toEqual([
      0,
      16,
      LeaseAttribute.Read | LeaseAttribute.Write, // lease 0
      KernelError.RangeError, // lease 1 was dropped
      0,
      16, // 16 bytes read
      0, // 8 bytes written back
      KernelError.InvalidArgument, // the server has no mapping of the client's page
      0x11,
      0x23, // the client sees the server's increment
    ]);
    // The last refusal was the server's write into the client's page: no level-3 entry there.
    const [srv] = s.children();
    expect(s.port.lastFault).toMatchObject({
      context: srv!.context,
      access: AccessKind.Write,
      fault: { kind: 'translation', level: 3 },
    });
    expect(s.port.mmu.tlb.counters.flushes.VMALLE1).toBe(0);
  });
});

describe('ASID roll-over under the kernel', () => {
  it('with two ASIDs for three threads, rolls over with one full flush each time and stays correct', () => {
    const got: number[] = [];
    const echo: HostTask = function* (ctx) {
      const sys = new Sys(ctx);
      yield* sys.recv(CHILD.ep, CHILD.reply);
      for (;;) {
        sys.setMR(0, sys.getMR(0) + 1);
        yield* sys.replyRecv(CHILD.ep, encodeMessageInfo(0, 1), CHILD.reply);
      }
    };
    const caller: HostTask = function* (ctx) {
      const sys = new Sys(ctx);
      for (let i = 0; i < 5; i++) {
        // Touch the IPC buffer through the MMU on every round, whatever ASID this space has now.
        ctx.write32(ctx.ipcBufferAddress() + 0x100, i);
        sys.setMR(0, 10 * i);
        yield* sys.call(CHILD.ep, encodeMessageInfo(0, 1));
        got.push(sys.getMR(0), ctx.read32(ctx.ipcBufferAddress() + 0x100));
      }
    };
    const s = bootScenario({
      children: [
        { program: 'echo', priority: 150 },
        { program: 'caller', priority: 100 },
      ],
      programs: { echo, caller },
      port: { asidLimit: 2 },
    });
    expect(s.system.run({ checkInvariants: true }).reason).toBe('idle');
    expect(got).toEqual([1, 0, 11, 1, 21, 2, 31, 3, 41, 4]);
    const rollovers = s.port.asids.counters.rollovers;
    expect(rollovers).toBeGreaterThan(0);
    // The policy's only flush: one TLBI VMALLE1 per roll-over, no other TLB maintenance.
    expect(s.port.mmu.tlb.counters.flushes).toEqual({
      VAE1: 0,
      VALE1: 0,
      VAAE1: 0,
      VAALE1: 0,
      ASIDE1: 0,
      VMALLE1: rollovers,
    });
  });
});

describe('context switches preserve every register', () => {
  // Distinct values per thread: x0-x30 and SP_EL0; PSTATE is written with EL1h and DAIF set.
  const value = (child: number, r: number) => ((child + 1) * 0x1000_0000 + r * 0x0101_0101) >>> 0;
  const SPSR_ATTEMPT = 0xf000_03c5; // NZCV + DAIF + EL1h: only NZCV may survive.
  const seen: { child: number; first: number[]; bad: number[] }[] = [];

  const worker = (child: number): HostTask =>
    function* (ctx) {
      const first: number[] = [];
      for (let r = 0; r < 34; r++) first.push(ctx.getRegister(r));
      const bad: number[] = [];
      const sys = new Sys(ctx);
      for (let round = 0; round < 4; round++) {
        yield* sys.yield();
        // x0-x7 belong to the syscall convention; x8-x30 and SP_EL0 must come back intact.
        for (let r = 8; r <= 31; r++) if (ctx.getRegister(r) !== value(child, r)) bad.push(r);
      }
      seen.push({ child, first, bad });
      // Its last syscall: a signal is Send on a notification cap; then the thread returns.
      yield* sys.signal(CHILD.toRoot);
    };

  it('gives two threads distinct x0-x30, switches them several times, and reads them back', () => {
    seen.length = 0;
    const readBack: number[][] = [];
    const registers = (child: number) => {
      const r: Record<number, number> = {};
      for (let i = 0; i <= 31; i++) r[i] = value(child, i);
      r[33] = SPSR_ATTEMPT;
      return r;
    };
    const s = bootScenario({
      children: [
        { program: 'a', priority: 100, registers: registers(0) },
        { program: 'b', priority: 100, registers: registers(1) },
      ],
      programs: { a: worker(0), b: worker(1) },
      *rootCode(b) {
        let word = 0;
        while (word !== 3) word |= yield* b.sys.wait(b.toRoot);
        for (const tcb of b.tcbs) {
          expect(yield* tcbReadRegisters(b.sys, tcb, false, 34)).toBe(0);
          readBack.push(Array.from({ length: 34 }, (_, i) => b.sys.getMR(i)));
        }
      },
    });
    const switchesBefore = s.port.counters.switches;
    expect(s.system.run({ checkInvariants: true }).reason).toBe('idle');
    // Four yields each at one priority alternate a and b: at least 8 switches between them.
    expect(s.port.counters.switches - switchesBefore).toBeGreaterThanOrEqual(8);
    const entries = s.system.boot.programs;
    for (const child of [0, 1]) {
      const got = seen.find((x) => x.child === child)!;
      const expected = [
        ...Array.from({ length: 32 }, (_, r) => value(child, r)),
        child === 0 ? entries.a! : entries.b!,
        0xf000_0000, // SPSR sanitised: NZCV kept, EL0t, DAIF clear
      ];
      expect(got.first).toEqual(expected);
      expect(got.bad).toEqual([]);
      const back = readBack[child]!;
      expect(back.slice(8, 32)).toEqual(expected.slice(8, 32));
      expect(back[7]).toBe(Syscall.Send); // x7: the number of its last syscall
      expect(back[32]).toBe(expected[32]);
      expect(back[33]).toBe(0xf000_0000);
    }
    // The kernel's writes are W-register writes: the upper halves are zero.
    const [a] = s.children();
    expect(s.port.readRegister64(a!.context, 20)).toBe(BigInt(value(0, 20)));
    expect(s.port.mmu.tlb.counters.flushes.VMALLE1).toBe(0);
  });
});

describe('VM faults go to the fault endpoint', () => {
  it('delivers a read of another thread’s page with the faulting address and DFSC', () => {
    const got: number[] = [];
    const handler: HostTask = function* (ctx) {
      const sys = new Sys(ctx);
      yield* sys.recv(CHILD.ep, CHILD.reply);
      got.push(sys.label, ...[0, 1, 2, 3].map((i) => sys.getMR(i)));
    };
    const faulter: HostTask = function* (ctx) {
      // Its own buffer is mapped; x9 holds the handler's buffer, which is not.
      ctx.write32(ctx.ipcBufferAddress(), 0x1234_5678);
      if (ctx.read32(ctx.ipcBufferAddress()) !== 0x1234_5678) throw new Error('own page');
      ctx.read32(ctx.getRegister(9) + 0x10);
      yield 1;
    };
    const s = bootScenario({
      children: [
        { program: 'handler', priority: 150 },
        { program: 'faulter', priority: 100, faultHandler: true },
      ],
      programs: { handler, faulter },
      registers: (b, child): Record<number, number> =>
        child === 1 ? { 9: b.bufferBases[0]! } : {},
    });
    expect(s.system.run({ checkInvariants: true }).reason).toBe('idle');
    const [h, f] = s.children();
    const target = h!.ipcBuffer + 0x10;
    const w = (name: string) => 1 + faultWordIndex(FaultLabel.VmFault, name);
    expect(got[0]).toBe(FaultLabel.VmFault);
    expect(got[w('ip')]).toBe(s.system.boot.programs.faulter);
    expect(got[w('address')]).toBe(target);
    expect(got[w('isInstructionFetch')]).toBe(0);
    expect(got[w('status')]).toBe(AccessKind.Read);
    // The port saw a translation fault at level 3: the faulter's level-3 table holds its own
    // page only (both buffers lie in one 2 MiB range). ESR: EC 0x24 (data abort, lower EL)
    // << 26 = 0x90000000 | IL 0x02000000 | DFSC 0x07 = 0x92000007.
    expect(s.port.lastFault).toEqual({
      context: f!.context,
      address: target,
      access: AccessKind.Read,
      fault: { kind: 'translation', level: 3, statusCode: FaultStatusCode.TranslationL3 },
      esr: 0x9200_0007,
    });
  });
});

describe('unmapping with ASIDs', () => {
  it('switches without flushing, and an unmapped page faults at once (no stale TLB entry)', () => {
    const reads: number[] = [];
    const faults: number[] = [];
    const handler: HostTask = function* (ctx) {
      const sys = new Sys(ctx);
      yield* sys.recv(CHILD.ep, CHILD.reply);
      faults.push(sys.label, sys.getMR(1));
    };
    const user: HostTask = function* (ctx) {
      const sys = new Sys(ctx);
      const data = ctx.getRegister(9);
      ctx.write32(data, 0xcafe);
      reads.push(ctx.read32(data));
      yield* sys.signal(CHILD.toRoot);
      yield* sys.wait(CHILD.toChild);
      reads.push(ctx.read32(data)); // faults: the root unmapped the page meanwhile
    };
    let before: { cached: boolean; flushes: Record<string, number> } | undefined;
    let after: { cached: boolean; flushes: Record<string, number> } | undefined;
    let userCtx = -1;
    let dataPage = -1;
    const s = bootScenario({
      children: [
        { program: 'handler', priority: 150 },
        { program: 'user', priority: 100, dataRegion: true, faultHandler: true },
      ],
      programs: { handler, user },
      registers: (b, child): Record<number, number> => (child === 1 ? { 9: b.dataBases[1]! } : {}),
      *rootCode(b) {
        yield* b.sys.wait(b.toRoot);
        const port = s.port;
        const user = s.children()[1]!;
        userCtx = user.context;
        const asid = port.asidOf(user.context);
        const page = b.dataBases[1]!;
        dataPage = page;
        const cachedFor = () =>
          port.mmu.tlb.entries().some((e) => e.asid === asid && e.entry.vaBase === page);
        // The root runs now, under its own ASID: the user's entry is still cached.
        before = { cached: cachedFor(), flushes: { ...port.mmu.tlb.counters.flushes } };
        expect(yield* regionUnmap(b.sys, b.dataRegions[1]!)).toBe(0);
        after = { cached: cachedFor(), flushes: { ...port.mmu.tlb.counters.flushes } };
        yield* b.sys.signal(b.toChild);
      },
    });
    expect(s.system.run({ checkInvariants: true }).reason).toBe('idle');
    const data = s.port.mappingsOf(s.children()[1]!.context);
    expect(before!.cached).toBe(true);
    expect(tlbiTotal(before!.flushes)).toBe(0); // switching root ↔ user flushed nothing
    expect(after!.cached).toBe(false);
    // One 4 KiB leaf: one TLBI VALE1 for the user's ASID, nothing broader.
    expect(after!.flushes).toEqual({ ...before!.flushes, VALE1: 1 });
    expect(reads).toEqual([0xcafe]);
    expect(faults).toEqual([FaultLabel.VmFault, dataPage]);
    expect(s.port.lastFault?.context).toBe(userCtx);
    expect(s.port.lastFault?.fault?.kind).toBe('translation');
    // Only the IPC buffer is left mapped for the user.
    expect(data).toEqual([
      {
        va: s.children()[1]!.ipcBuffer,
        size: 4096,
        access: AccessKind.Read | AccessKind.Write | AccessKind.Execute,
        device: false,
      },
    ]);
  });
});
