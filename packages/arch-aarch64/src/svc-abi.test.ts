import { SYSCALL_CONVENTIONS } from '@k5/abi';
import { describe, expect, it } from 'vitest';
import { Aarch64Cpu, ProcessorMode } from './context';
import {
  issueSyscall,
  readSyscall,
  SYSCALL_ARG_REGISTERS,
  SYSCALL_NUMBER_REGISTER,
  SYSCALL_SLOT_REGISTERS,
  writeSyscallResults,
} from './svc-abi';

function atEl0(): Aarch64Cpu {
  const cpu = new Aarch64Cpu();
  cpu.pstate = ProcessorMode.EL0t;
  cpu.pc = 0x40_0000n;
  return cpu;
}

describe('SVC ABI follows @k5/abi', () => {
  it('takes its registers from SYSCALL_CONVENTIONS.aarch64: number in x7, slots x0-x6', () => {
    expect(SYSCALL_NUMBER_REGISTER).toBe(SYSCALL_CONVENTIONS.aarch64.numberRegister);
    expect(SYSCALL_SLOT_REGISTERS).toEqual(SYSCALL_CONVENTIONS.aarch64.argumentRegisters);
    // Pinned by hand as well, so a silent change of the contract shows up here.
    expect(SYSCALL_NUMBER_REGISTER).toBe(7);
    expect(SYSCALL_SLOT_REGISTERS).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(SYSCALL_ARG_REGISTERS).toBe(7);
  });

  it('a task writes the number to x7 and arguments to x0-x6; x8 stays untouched', () => {
    const cpu = atEl0();
    cpu.setX(8, 0x8888n);
    issueSyscall(cpu, 5, [10n, 11n, 12n, 13n, 14n, 15n, 16n]);
    expect(cpu.getX(7)).toBe(5n);
    expect(cpu.getX(8)).toBe(0x8888n);
    expect(Array.from(cpu.x.slice(0, 7))).toEqual([10n, 11n, 12n, 13n, 14n, 15n, 16n]);
    expect(readSyscall(cpu)).toEqual({
      number: 5,
      args: [10n, 11n, 12n, 13n, 14n, 15n, 16n],
      imm16: 0,
    });
  });

  it('results land in x0-x6 and never in x7', () => {
    const cpu = atEl0();
    issueSyscall(cpu, 3, []);
    writeSyscallResults(cpu, [1n, 2n, 3n, 4n, 5n, 6n, 7n]);
    expect(Array.from(cpu.x.slice(0, 8))).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n, 3n]);
  });

  it('refuses an eighth argument or result with a typed error', () => {
    const cpu = atEl0();
    expect(() => issueSyscall(cpu, 1, [0, 1, 2, 3, 4, 5, 6, 7])).toThrow(/at most 7 arguments/);
    expect(() => writeSyscallResults(cpu, [0, 1, 2, 3, 4, 5, 6, 7])).toThrow(/at most 7 results/);
  });
});
