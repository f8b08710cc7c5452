// Saved EL0 register contexts of the AArch64 port: x0-x30, SP_EL0, ELR_EL1 (the PC a thread
// resumes at) and SPSR_EL1, one block per thread in two growable Uint32Arrays (low and high
// halves), so the kernel's word-sized accesses never allocate a BigInt. Indices follow
// `SYSCALL_CONVENTIONS.aarch64.registerNames` (x0..x30, sp, pc, pstate). A kernel write is a
// W-register write: it zero-extends into the 64-bit X register, as `MOV Wn` does. SPSR writes are
// sanitised (only NZCV kept, mode forced to EL0t) so no thread can be resumed at EL1 through
// TCB_WriteRegisters, as seL4 does in sanitiseRegister. Relies on context.ts and errors.ts.

import { SYSCALL_CONVENTIONS } from '@k5/abi';
import { ProcessorMode, SPSR_NZCV_MASK, type TaskContext } from '../context';
import { Aarch64Error } from '../errors';

const CONVENTION = SYSCALL_CONVENTIONS.aarch64;

/** Number of registers in a saved context: x0-x30, SP_EL0, ELR_EL1 (pc), SPSR_EL1 (pstate). */
export const CONTEXT_REGISTERS = CONVENTION.registerNames.length;
/** Register-file index of SP_EL0. */
export const SP_EL0_INDEX = CONVENTION.spRegister;
/** Register-file index of ELR_EL1, the PC the thread resumes at. */
export const ELR_INDEX = CONVENTION.pcRegister;
/** Register-file index of SPSR_EL1, the thread's saved PSTATE. */
export const SPSR_INDEX = CONTEXT_REGISTERS - 1;

/** Keeps what EL0 may set in its PSTATE: the flags. Everything else resets to EL0t. */
export function sanitizeSpsr(value: number): number {
  return ((value & SPSR_NZCV_MASK) | ProcessorMode.EL0t) >>> 0;
}

/** The saved register contexts of every thread, indexed by context number. */
export class RegisterContexts {
  private lo = new Uint32Array(CONTEXT_REGISTERS * 64);
  private hi = new Uint32Array(CONTEXT_REGISTERS * 64);

  /** Zeroes context `id` (growing the storage if needed): x0-x30 = 0, PC = 0, SPSR = EL0t. */
  reset(id: number): void {
    const end = (id + 1) * CONTEXT_REGISTERS;
    if (end > this.lo.length) {
      let size = this.lo.length;
      while (size < end) size *= 2;
      const lo = new Uint32Array(size);
      const hi = new Uint32Array(size);
      lo.set(this.lo);
      hi.set(this.hi);
      this.lo = lo;
      this.hi = hi;
    }
    this.lo.fill(0, id * CONTEXT_REGISTERS, end);
    this.hi.fill(0, id * CONTEXT_REGISTERS, end);
  }

  /** The low 32 bits of register `index` (what the kernel's word-sized view sees). */
  read(id: number, index: number): number {
    return this.lo[id * CONTEXT_REGISTERS + checkIndex(index)]!;
  }

  /** A W-register write: the low word is `value`, the high word becomes 0. */
  write(id: number, index: number, value: number): void {
    const at = id * CONTEXT_REGISTERS + checkIndex(index);
    this.lo[at] = index === SPSR_INDEX ? sanitizeSpsr(value) : value >>> 0;
    this.hi[at] = 0;
  }

  /** The full 64-bit value of register `index`. */
  read64(id: number, index: number): bigint {
    const at = id * CONTEXT_REGISTERS + checkIndex(index);
    return (BigInt(this.hi[at]!) << 32n) | BigInt(this.lo[at]!);
  }

  /** Writes the full 64-bit value of register `index` (SPSR is sanitised as in `write`). */
  write64(id: number, index: number, value: bigint): void {
    const at = id * CONTEXT_REGISTERS + checkIndex(index);
    const v = BigInt.asUintN(64, value);
    if (index === SPSR_INDEX) {
      this.lo[at] = sanitizeSpsr(Number(v & 0xffff_ffffn));
      this.hi[at] = 0;
      return;
    }
    this.lo[at] = Number(v & 0xffff_ffffn);
    this.hi[at] = Number(v >> 32n);
  }

  /** The context as the CPU model's {@link TaskContext} (what `restoreContext` installs). */
  toTaskContext(id: number): TaskContext {
    const x: bigint[] = [];
    for (let i = 0; i < 31; i++) x.push(this.read64(id, i));
    return {
      x,
      sp: this.read64(id, SP_EL0_INDEX),
      pc: this.read64(id, ELR_INDEX),
      spsr: this.read(id, SPSR_INDEX),
    };
  }

  /** Stores a context saved from the CPU model (`saveContext` after a trap). */
  fromTaskContext(id: number, ctx: TaskContext): void {
    if (ctx.x.length !== 31) {
      throw new Aarch64Error(
        'bad-register',
        `a task context holds x0-x30 (31 values), got ${ctx.x.length}`,
      );
    }
    for (let i = 0; i < 31; i++) this.write64(id, i, ctx.x[i]!);
    this.write64(id, SP_EL0_INDEX, ctx.sp);
    this.write64(id, ELR_INDEX, ctx.pc);
    this.write64(id, SPSR_INDEX, BigInt(ctx.spsr >>> 0));
  }
}

function checkIndex(index: number): number {
  if (!Number.isInteger(index) || index < 0 || index >= CONTEXT_REGISTERS) {
    throw new Aarch64Error(
      'bad-register',
      `register index ${index} is outside 0..${CONTEXT_REGISTERS - 1} (x0-x30, sp, pc, pstate)`,
    );
  }
  return index;
}
