// The K5 system-call ABI on Armv8-M (the Hubris convention): SVC traps with the syscall number in
// r11 and up to seven arguments in r4-r10; results come back in r4-r10. These registers are
// callee-saved, so the hardware frame does not hold them: the kernel reads them from the live
// register file, and a context switch saves and restores r4-r11 in software (PendSV does it on the
// deferred path). Relies on `registers.ts`.

import { ExceptionModelError } from './errors';
import type { RegisterFile, WordMemory } from './registers';

/** The register holding the syscall number. */
export const SYSCALL_NUMBER_REGISTER = 11;
/** The registers holding arguments and results, in order. */
export const SYSCALL_ARGUMENT_REGISTERS: readonly number[] = Object.freeze([4, 5, 6, 7, 8, 9, 10]);
/** The SVC immediate K5 uses (the kernel ignores it; the number is in r11). */
export const K5_SVC_IMMEDIATE = 0;

/** A decoded syscall. */
export interface SyscallRegisters {
  /** Syscall number (r11). */
  readonly number: number;
  /** r4..r10. */
  readonly args: readonly number[];
}

function checkWords(what: string, values: readonly number[]): void {
  if (values.length > SYSCALL_ARGUMENT_REGISTERS.length) {
    throw new ExceptionModelError(
      'bad-argument-count',
      `${values.length} ${what} do not fit: the K5 ABI passes at most 7 in r4-r10`,
    );
  }
  for (const v of values) {
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0xffffffff) {
      throw new ExceptionModelError('bad-value', `${what} value ${v} is not a 32-bit integer`);
    }
  }
}

/** Places a syscall in the register file as a task would before SVC (unused argument registers keep their values). */
export function encodeSyscall(regs: RegisterFile, number: number, args: readonly number[]): void {
  checkWords('arguments', [number]);
  checkWords('arguments', args);
  regs.set(SYSCALL_NUMBER_REGISTER, number);
  args.forEach((v, i) => {
    regs.set(SYSCALL_ARGUMENT_REGISTERS[i]!, v);
  });
}

/** Reads a syscall from the register file, as the kernel does on SVC (all seven argument registers). */
export function decodeSyscall(regs: RegisterFile): SyscallRegisters {
  return {
    number: regs.get(SYSCALL_NUMBER_REGISTER),
    args: SYSCALL_ARGUMENT_REGISTERS.map((r) => regs.get(r)),
  };
}

/** Writes results into r4.. as the kernel does before returning to the task. */
export function encodeSyscallResults(regs: RegisterFile, results: readonly number[]): void {
  checkWords('results', results);
  results.forEach((v, i) => {
    regs.set(SYSCALL_ARGUMENT_REGISTERS[i]!, v);
  });
}

/** Reads `count` results from r4.. as the task does after SVC returns. */
export function decodeSyscallResults(regs: RegisterFile, count = 7): number[] {
  if (!Number.isInteger(count) || count < 0 || count > 7) {
    throw new ExceptionModelError('bad-argument-count', `result count ${count} is not 0..7`);
  }
  return SYSCALL_ARGUMENT_REGISTERS.slice(0, count).map((r) => regs.get(r));
}

/** A task's software-saved context: r4-r11, its PSP and the EXC_RETURN to resume it with. */
export interface SavedContext {
  /** r4..r11. */
  readonly callee: Uint32Array;
  /** Process stack pointer (pointing at its hardware frame). */
  psp: number;
  /** EXC_RETURN to resume with. */
  excReturn: number;
}

/** A fresh saved context. */
export function newSavedContext(psp: number, excReturn: number): SavedContext {
  return { callee: new Uint32Array(8), psp: psp >>> 0, excReturn: excReturn >>> 0 };
}

/** Copies r4-r11, PSP and LR (the EXC_RETURN inside a handler) into `saved`. */
export function saveCalleeRegisters(regs: RegisterFile, saved: SavedContext): void {
  for (let i = 0; i < 8; i++) saved.callee[i] = regs.get(4 + i);
  saved.psp = regs.psp;
  saved.excReturn = regs.lr;
}

/** Loads r4-r11, PSP and LR from `saved`. */
export function restoreCalleeRegisters(regs: RegisterFile, saved: SavedContext): void {
  for (let i = 0; i < 8; i++) regs.set(4 + i, saved.callee[i]!);
  regs.psp = saved.psp;
  regs.lr = saved.excReturn;
}

/**
 * Pushes r4-r11 below PSP as `stmdb psp!, {r4-r11}` does (r4 at the lowest address) and returns the
 * new PSP; the variant of the callee save that keeps them on the task's own stack.
 */
export function pushCalleeRegisters(regs: RegisterFile, memory: WordMemory): number {
  const base = (regs.psp - 32) >>> 0;
  for (let i = 0; i < 8; i++) memory.writeWord(base + i * 4, regs.get(4 + i));
  regs.psp = base;
  return base;
}

/** Pops r4-r11 from PSP as `ldmia psp!, {r4-r11}` does and returns the new PSP. */
export function popCalleeRegisters(regs: RegisterFile, memory: WordMemory): number {
  const base = regs.psp;
  for (let i = 0; i < 8; i++) regs.set(4 + i, memory.readWord(base + i * 4));
  regs.psp = (base + 32) >>> 0;
  return regs.psp;
}

/**
 * The PendSV handler body of a deferred context switch: saves the outgoing task's r4-r11, PSP and
 * EXC_RETURN, loads the incoming task's. Run it in Handler mode after exception entry; returning
 * with `regs.lr` then resumes the incoming task from its own hardware frame.
 */
export function pendSvSwitch(
  regs: RegisterFile,
  outgoing: SavedContext,
  incoming: SavedContext,
): void {
  saveCalleeRegisters(regs, outgoing);
  restoreCalleeRegisters(regs, incoming);
}
