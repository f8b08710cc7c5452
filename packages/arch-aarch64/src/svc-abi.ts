// The K5 SVC syscall ABI on AArch64, from the kernel's side and from a host task's side. The
// registers come from @k5/abi's `SYSCALL_CONVENTIONS.aarch64`, which is the contract: a task
// executes `SVC #0` with the syscall number in x7 and up to seven arguments in x0-x6; the kernel
// returns up to seven results in x0-x6 and resumes the task at the instruction after the SVC
// (ELR_EL1 = PC + 4, set by the exception entry). x8-x30, SP_EL0 and NZCV are preserved. This is
// seL4's AArch64 shape (number in x7) and the RISC-V one (a7, a0-a6), so a port reads the slots
// from one contiguous block. The SVC immediate is ignored by K5 but reported (ESR_EL1.ISS[15:0])
// for debuggers. Relies on @k5/abi, context.ts and esr.ts.

import { SYSCALL_CONVENTIONS } from '@k5/abi';
import { type Aarch64Cpu, ExceptionKind } from './context';
import { Aarch64Error } from './errors';
import { decodeEsr, ExceptionClass, encodeEsr } from './esr';

const CONVENTION = SYSCALL_CONVENTIONS.aarch64;

/** The register holding the syscall number (x7, from `SYSCALL_CONVENTIONS.aarch64`). */
export const SYSCALL_NUMBER_REGISTER: number = CONVENTION.numberRegister;
/** The argument and result registers, slot 0 first (x0-x6, from `SYSCALL_CONVENTIONS.aarch64`). */
export const SYSCALL_SLOT_REGISTERS: readonly number[] = CONVENTION.argumentRegisters;
/** Number of argument and result registers (seven). */
export const SYSCALL_ARG_REGISTERS: number = SYSCALL_SLOT_REGISTERS.length;

/** A syscall as the kernel reads it after an SVC trap. */
export interface SyscallRequest {
  /** x7, as a Number (the low 32 bits; K5 syscall numbers are small). */
  number: number;
  /** The slot registers x0-x6, slot 0 first. */
  args: bigint[];
  /** The SVC immediate from ESR_EL1.ISS. */
  imm16: number;
}

/**
 * Host-task side: loads the number and arguments and executes `SVC #imm16` at the CPU's PC. The
 * CPU must be at EL0. Returns the vector address the kernel must run.
 */
export function issueSyscall(
  cpu: Aarch64Cpu,
  number: number,
  args: readonly (bigint | number)[],
  imm16 = 0,
): bigint {
  if (cpu.el !== 0) throw new Aarch64Error('bad-register', 'a syscall is issued from EL0');
  if (args.length > SYSCALL_ARG_REGISTERS) {
    throw new Aarch64Error(
      'out-of-range',
      `at most ${SYSCALL_ARG_REGISTERS} arguments (x0-x6), got ${args.length}`,
    );
  }
  for (const [i, a] of args.entries()) cpu.setX(SYSCALL_SLOT_REGISTERS[i]!, a);
  cpu.setX(SYSCALL_NUMBER_REGISTER, number);
  return cpu.takeException({
    kind: ExceptionKind.Sync,
    returnAddress: cpu.pc + 4n, // the preferred return address of SVC is the next instruction
    esr: encodeEsr({ ec: ExceptionClass.Svc64, il: true, imm16 }),
  });
}

/**
 * Kernel side: reads the syscall after an SVC trap. Throws `bad-register` when ESR_EL1 does not
 * hold an SVC from AArch64.
 */
export function readSyscall(cpu: Aarch64Cpu): SyscallRequest {
  const s = decodeEsr(cpu.esrEl1);
  if (s.ec !== ExceptionClass.Svc64) {
    throw new Aarch64Error(
      'bad-register',
      `ESR_EL1.EC is 0x${s.ec.toString(16)}, not SVC64 (0x15)`,
    );
  }
  const args = SYSCALL_SLOT_REGISTERS.map((r) => cpu.getX(r));
  return {
    number: Number(cpu.getX(SYSCALL_NUMBER_REGISTER) & 0xffff_ffffn),
    args,
    imm16: s.imm16,
  };
}

/** Kernel side: writes results into the slot registers (at most seven); others are untouched. */
export function writeSyscallResults(cpu: Aarch64Cpu, results: readonly (bigint | number)[]): void {
  if (results.length > SYSCALL_ARG_REGISTERS) {
    throw new Aarch64Error(
      'out-of-range',
      `at most ${SYSCALL_ARG_REGISTERS} results (x0-x6), got ${results.length}`,
    );
  }
  for (const [i, r] of results.entries()) cpu.setX(SYSCALL_SLOT_REGISTERS[i]!, r);
}
