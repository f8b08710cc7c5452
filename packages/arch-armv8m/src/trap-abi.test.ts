import { describe, expect, it } from 'vitest';
import { ExceptionModelError } from './errors';
import { EXC_RETURN_THREAD_PSP, exceptionEntry, exceptionReturn } from './exception-frame';
import { CONTROL_NPRIV, CONTROL_SPSEL, RegisterFile, SparseWordMemory } from './registers';
import {
  decodeSyscall,
  decodeSyscallResults,
  encodeSyscall,
  encodeSyscallResults,
  newSavedContext,
  pendSvSwitch,
  popCalleeRegisters,
  pushCalleeRegisters,
} from './trap-abi';

describe('K5 SVC ABI', () => {
  it('number in r11, arguments in r4-r10', () => {
    const regs = new RegisterFile();
    encodeSyscall(regs, 3, [10, 20, 0xffffffff]);
    expect([11, 4, 5, 6].map((r) => regs.get(r))).toEqual([3, 10, 20, 0xffffffff]);
    expect(decodeSyscall(regs)).toEqual({ number: 3, args: [10, 20, 0xffffffff, 0, 0, 0, 0] });
    encodeSyscallResults(regs, [0, 42]);
    expect(decodeSyscallResults(regs, 2)).toEqual([0, 42]);
    expect(regs.get(6)).toBe(0xffffffff); // untouched
  });

  it('rejects an eighth argument and non-32-bit values', () => {
    const regs = new RegisterFile();
    expect(() => encodeSyscall(regs, 1, [1, 2, 3, 4, 5, 6, 7, 8])).toThrow(ExceptionModelError);
    expect(() => encodeSyscall(regs, 1, [2 ** 32])).toThrow(/32-bit/);
  });

  it('the arguments survive SVC entry because they are not in the hardware frame', () => {
    const regs = new RegisterFile();
    regs.psp = 0x20001000;
    regs.control = CONTROL_NPRIV | CONTROL_SPSEL;
    encodeSyscall(regs, 7, [1, 2, 3, 4, 5, 6, 7]);
    const mem = new SparseWordMemory();
    exceptionEntry(regs, mem, 11);
    expect(decodeSyscall(regs)).toEqual({ number: 7, args: [1, 2, 3, 4, 5, 6, 7] });
    encodeSyscallResults(regs, [99]);
    exceptionReturn(regs, mem, regs.lr);
    expect(decodeSyscallResults(regs, 1)).toEqual([99]);
  });
});

describe('context switch', () => {
  it('push/pop of r4-r11 mirrors stmdb/ldmia', () => {
    const regs = new RegisterFile();
    regs.psp = 0x20000100;
    for (let r = 4; r <= 11; r++) regs.set(r, r * 0x11);
    const mem = new SparseWordMemory();
    expect(pushCalleeRegisters(regs, mem)).toBe(0x200000e0);
    expect(mem.readWord(0x200000e0)).toBe(0x44); // r4 lowest
    expect(mem.readWord(0x200000fc)).toBe(0xbb); // r11 highest
    for (let r = 4; r <= 11; r++) regs.set(r, 0);
    expect(popCalleeRegisters(regs, mem)).toBe(0x20000100);
    expect(regs.get(11)).toBe(0xbb);
  });

  it('a PendSV switch between two tasks preserves every register of both', () => {
    const mem = new SparseWordMemory();
    const regs = new RegisterFile();
    regs.msp = 0x20008000;
    regs.control = CONTROL_NPRIV | CONTROL_SPSEL;
    // Task B was switched out earlier: its frame is on its stack and its r4-r11 saved.
    const b = new RegisterFile();
    b.msp = regs.msp;
    b.psp = 0x20002000;
    b.control = regs.control;
    for (let i = 0; i <= 12; i++) b.set(i, 0xb000 + i);
    b.pc = 0x08001000;
    b.lr = 0x08001001;
    const bSaved = newSavedContext(0, EXC_RETURN_THREAD_PSP);
    const bCopy = b.clone();
    exceptionEntry(b, mem, 14);
    pendSvSwitch(b, bSaved, bSaved); // saves B's r4-r11 and PSP
    // Task A runs now.
    regs.psp = 0x20001000;
    for (let i = 0; i <= 12; i++) regs.set(i, 0xa000 + i);
    regs.pc = 0x08000500;
    regs.lr = 0x08000501;
    const aCopy = regs.clone();
    const aSaved = newSavedContext(0, 0);
    exceptionEntry(regs, mem, 14);
    pendSvSwitch(regs, aSaved, bSaved);
    exceptionReturn(regs, mem, regs.lr);
    expect(regs).toEqual(bCopy);
    exceptionEntry(regs, mem, 14);
    pendSvSwitch(regs, bSaved, aSaved);
    exceptionReturn(regs, mem, regs.lr);
    expect(regs).toEqual(aCopy);
  });
});
