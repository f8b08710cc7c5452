// Context switches on the ARMv8-M port preserve every register of both threads: the root writes
// r0-r12, sp, lr and xpsr of two equal-priority threads with TCB_WriteRegisters, each thread
// checks them on start, then fills all registers with its own pattern and yields to the other
// several times, checking after every switch; finally the root reads both register files back
// with TCB_ReadRegisters while the threads are blocked.

import { type HostTask, Syscall } from '@k5/abi';
import { Sys, tcbReadRegisters, tcbSetPriority } from '@k5/userspace';
import { describe, expect, it } from 'vitest';
import { ARMV8M_REGISTER_COUNT, XPSR_T } from '../../src/index';
import { runScenario, SLOT } from './harness';

const PC = 15;
const ROUNDS = 3;

/** A distinct value for register `r` of thread `t` in phase `phase`, valid for that register. */
function pattern(t: number, phase: number, r: number): number {
  if (r === 13) return 0x2000_8000 + t * 0x1000 + phase * 0x100; // SP: word aligned
  if (r === 16) return (XPSR_T | ((0x8 >> t) << 28) | (phase << 16)) >>> 0; // flags, no IPSR
  return (0xa000_0000 + t * 0x0100_0000 + phase * 0x1_0000 + r * 0x101) >>> 0;
}

function patternFile(t: number, phase: number): number[] {
  return Array.from({ length: ARMV8M_REGISTER_COUNT }, (_, r) => pattern(t, phase, r));
}

describe('context switches on ArmV8mPort', () => {
  it('preserve all 17 registers of both threads across repeated yields', () => {
    const seen: Record<string, number[]> = {};
    const readBack: number[][] = [];
    const entries: number[] = [];
    const errors: number[] = [];
    const program = (t: number): HostTask =>
      function* (ctx) {
        const sys = new Sys(ctx);
        const all = () =>
          Array.from({ length: ARMV8M_REGISTER_COUNT }, (_, r) => ctx.getRegister(r));
        seen[`t${t} start`] = all();
        for (let round = 1; round <= ROUNDS; round++) {
          patternFile(t, round).forEach((v, r) => {
            if (r !== PC) ctx.setRegister(r, v);
          });
          yield* sys.yield();
          seen[`t${t} round ${round}`] = all();
        }
        patternFile(t, 9).forEach((v, r) => {
          if (r !== PC) ctx.setRegister(r, v);
        });
        // Block for good: nobody sends on the endpoint.
        yield* sys.recv(SLOT.endpoint, SLOT.reply);
      };
    const s = runScenario(
      (_port, _report) => ({ a: program(0), b: program(1) }),
      [0, 1].map((t) => ({
        program: t === 0 ? 'a' : 'b',
        priority: 100,
        registers: Object.fromEntries(patternFile(t, 0).map((v, r) => [r, v])),
      })),
      {
        *after(sys, boot, report) {
          // Let both threads run, then read their registers once both are blocked.
          // (Assertions inside a task would only fault the task, so errors are collected.)
          errors.push(yield* tcbSetPriority(sys, boot.caps.rootTcb, boot.caps.rootTcb, 10));
          for (const slot of report.tcbSlots) {
            errors.push(yield* tcbReadRegisters(sys, slot, false, ARMV8M_REGISTER_COUNT));
            readBack.push(Array.from({ length: ARMV8M_REGISTER_COUNT }, (_, i) => sys.getMR(i)));
          }
          entries.push(boot.programs.a!, boot.programs.b!);
        },
      },
    );
    expect(s.report.started).toBe(true);
    expect(errors).toEqual([0, 0, 0]);
    // a and b alternate: three yields each, then a blocks (to b) and b blocks (to the root).
    const [ta, tb] = s.tcbs().map((t) => t.id);
    const between = s.trace
      .ofKind('switch')
      .filter((e) => (e.from === ta && e.to === tb) || (e.from === tb && e.to === ta));
    expect(between).toHaveLength(7);
    for (const t of [0, 1]) {
      const entry = entries[t]!;
      // What the root wrote, with the PC set to the program's entry.
      const start = patternFile(t, 0);
      start[PC] = entry;
      expect(seen[`t${t} start`]).toEqual(start);
      for (let round = 1; round <= ROUNDS; round++) {
        // Everything the thread wrote survives the switches except r11, which the Yield stub
        // set to the syscall number (the kernel writes no result for Yield).
        const want = patternFile(t, round);
        want[PC] = entry;
        want[11] = Syscall.Yield;
        expect(seen[`t${t} round ${round}`]).toEqual(want);
      }
      // Blocked in Recv: r4 = endpoint cptr, r10 = reply cptr, r11 = Recv; the rest is phase 9.
      const final = patternFile(t, 9);
      final[PC] = entry;
      final[4] = SLOT.endpoint;
      final[10] = SLOT.reply;
      final[11] = Syscall.Recv;
      expect(readBack[t]).toEqual(final);
    }
  });

  it('keeps each context separate in the port (sp is the PSP, xpsr drops IPSR)', () => {
    const s = runScenario({ idle: function* () {} }, []);
    const port = s.port;
    const a = port.createContext();
    const b = port.createContext();
    port.writeRegister(a, 13, 0x2000_1003);
    port.writeRegister(b, 13, 0x2000_2000);
    port.writeRegister(a, 16, XPSR_T | 0x1ff | 0x200);
    expect(port.readRegister(a, 13)).toBe(0x2000_1000);
    expect(port.readRegister(b, 13)).toBe(0x2000_2000);
    expect(port.readRegister(a, 16)).toBe(XPSR_T);
    port.setResult(a, 2, 0x55);
    expect(port.readRegister(a, 6)).toBe(0x55);
    expect(port.argument(a, 2)).toBe(0x55);
    expect(port.readRegister(b, 6)).toBe(0);
  });
});
