import {
  type ArchName,
  decodeMessageInfo,
  encodeMessageInfo,
  HOST_TRAP_SYSCALL,
  type HostTaskContext,
  IpcBufferWord,
  SYSCALL_CONVENTIONS,
  Syscall,
} from '@k5/abi';
import { describe, expect, it } from 'vitest';
import { invoke } from './invoke';
import { Sys } from './sys';

/** A fake machine: a register file and a word memory; records each trap's registers. */
function fakeContext(arch: ArchName) {
  const regs = new Array<number>(40).fill(0);
  const mem = new Map<number, number>();
  const ctx: HostTaskContext = {
    convention: SYSCALL_CONVENTIONS[arch],
    getRegister: (i) => regs[i]!,
    setRegister: (i, v) => {
      regs[i] = v >>> 0;
    },
    ipcBufferAddress: () => 0x1000,
    read32: (a) => mem.get(a) ?? 0,
    write32: (a, v) => {
      mem.set(a, v >>> 0);
    },
    read8: () => 0,
    write8: () => undefined,
    // biome-ignore lint/correctness/useYield: the fake machine never waits for host promises
    *await() {
      throw new Error('not used');
    },
  };
  return { ctx, regs, mem };
}

/** Runs a stub to its first trap and returns the yielded value. */
function firstYield(gen: Generator<number, unknown, void>): number {
  const r = gen.next();
  expect(r.done).toBe(false);
  return r.value as number;
}

describe('Sys stubs encode through the convention', () => {
  it.each([
    ['armv8m', 11, [4, 5, 6, 7, 8, 9, 10]],
    ['riscv', 17, [10, 11, 12, 13, 14, 15, 16]],
    ['aarch64', 7, [0, 1, 2, 3, 4, 5, 6]],
    ['generic', 7, [0, 1, 2, 3, 4, 5, 6]],
  ] as const)(
    '%s: Call puts the number in r%i and cptr, info, MR0-3 in the argument registers',
    (arch, numberReg, args) => {
      const { ctx, regs } = fakeContext(arch);
      const sys = new Sys(ctx);
      for (let i = 0; i < 4; i++) sys.setMR(i, 100 + i);
      const info = encodeMessageInfo(3, 4);
      expect(firstYield(sys.call(42, info))).toBe(HOST_TRAP_SYSCALL);
      expect(regs[numberReg]).toBe(Syscall.Call);
      expect(args.map((r) => regs[r])).toEqual([42, info, 100, 101, 102, 103, 0]);
    },
  );

  it('Recv puts the reply cptr in slot 6; ReplyRecv carries info too', () => {
    const { ctx, regs } = fakeContext('riscv');
    const sys = new Sys(ctx);
    firstYield(sys.recv(5, 9));
    expect([regs[17], regs[10], regs[16]]).toEqual([Syscall.Recv, 5, 9]);
    firstYield(sys.replyRecv(5, 77, 9));
    expect([regs[17], regs[10], regs[11], regs[16]]).toEqual([Syscall.ReplyRecv, 5, 77, 9]);
  });

  it('MRs beyond the fourth and extra caps go to the IPC buffer', () => {
    const { ctx, mem } = fakeContext('generic');
    const sys = new Sys(ctx);
    sys.setMR(4, 0xabc);
    sys.setCap(1, 33);
    expect(mem.get(0x1000 + (IpcBufferWord.Msg + 4) * 4)).toBe(0xabc);
    expect(mem.get(0x1000 + (IpcBufferWord.CapsOrBadges + 1) * 4)).toBe(33);
  });

  it('NBSendRecv moves MR3 to the buffer and puts the destination in slot 5', () => {
    const { ctx, regs, mem } = fakeContext('generic');
    const sys = new Sys(ctx);
    sys.setMR(3, 0x33);
    firstYield(sys.nbSendRecv(8, 1, 2, 3));
    expect([regs[7], regs[0], regs[5], regs[6]]).toEqual([Syscall.NBSendRecv, 2, 8, 3]);
    expect(mem.get(0x1000 + (IpcBufferWord.Msg + 3) * 4)).toBe(0x33);
  });

  it('Log packs bytes little-endian into MRs and passes level and length', () => {
    const { ctx, regs } = fakeContext('generic');
    const sys = new Sys(ctx);
    firstYield(sys.log(2, new Uint8Array([1, 2, 3, 4, 5])));
    expect([regs[7], regs[0], regs[1], regs[2], regs[3]]).toEqual([
      Syscall.Log,
      2,
      5,
      0x04030201,
      5,
    ]);
  });

  it('invoke stages label, arguments and caps, and returns the reply label', () => {
    const { ctx, regs } = fakeContext('generic');
    const sys = new Sys(ctx);
    const gen = invoke(sys, 7, 19, [1, 2, 3, 4, 5], [9]);
    firstYield(gen);
    expect(decodeMessageInfo(regs[1]!)).toEqual({
      label: 19,
      length: 5,
      extraCaps: 1,
      capsUnwrapped: 0,
    });
    regs[1] = encodeMessageInfo(8, 0); // the "kernel" replies DeleteFirst
    expect(gen.next()).toEqual({ done: true, value: 8 });
  });

  it('work yields its cycle count', () => {
    const { ctx } = fakeContext('generic');
    expect(firstYield(new Sys(ctx).work(1234))).toBe(1234);
  });
});
