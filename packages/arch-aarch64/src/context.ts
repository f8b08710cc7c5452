// The EL0/EL1 register file and the exception model around it: x0-x30, SP_EL0/SP_EL1, PC,
// PSTATE, ELR_EL1, SPSR_EL1, ESR_EL1, FAR_EL1, VBAR_EL1; the VBAR_EL1 vector offsets; exception
// entry (SPSR/ELR/ESR/FAR written, DAIF masked, EL1h, PC = VBAR + offset) and ERET (with the
// illegal-return rule); saving and restoring a task's EL0 context. 64-bit registers are BigInt
// (their values are architecturally 64 bits); PSTATE, SPSR and ESR are Numbers (32 significant
// bits). Relies on errors.ts.

import { Aarch64Error, checkField } from './errors';

// ---- SPSR_EL1 / PSTATE bits (SPSR layout) ----
/** N [31]. */
export const SPSR_N_BIT = 31;
/** Z [30]. */
export const SPSR_Z_BIT = 30;
/** C [29]. */
export const SPSR_C_BIT = 29;
/** V [28]. */
export const SPSR_V_BIT = 28;
/** SS [21]: software step. */
export const SPSR_SS_BIT = 21;
/** IL [20]: illegal execution state. */
export const SPSR_IL_BIT = 20;
/** D [9]: debug exceptions masked. */
export const SPSR_D_BIT = 9;
/** A [8]: SError masked. */
export const SPSR_A_BIT = 8;
/** I [7]: IRQ masked. */
export const SPSR_I_BIT = 7;
/** F [6]: FIQ masked. */
export const SPSR_F_BIT = 6;
/** M[4] [4]: 1 = AArch32 (not modelled: returning there is illegal). */
export const SPSR_M4_BIT = 4;
/** M[3:0] mask. */
export const SPSR_M_MASK = 0xf;
/** D, A, I and F together. */
export const SPSR_DAIF_MASK = 0x3c0;
/** N, Z, C and V together. */
export const SPSR_NZCV_MASK = 0xf000_0000;

/** M[3:0] values of AArch64 state at EL0/EL1. */
export enum ProcessorMode {
  /** 0b0000: EL0, SP_EL0. */
  EL0t = 0b0000,
  /** 0b0100: EL1, SP_EL0. */
  EL1t = 0b0100,
  /** 0b0101: EL1, SP_EL1. */
  EL1h = 0b0101,
}

/** Where an exception comes from, for the vector table. */
export enum VectorSource {
  /** Current EL with SP_EL0 (EL1t): offset 0x000. */
  CurrentSp0 = 0x000,
  /** Current EL with SP_ELx (EL1h): offset 0x200. */
  CurrentSpx = 0x200,
  /** Lower EL using AArch64: offset 0x400. */
  LowerAArch64 = 0x400,
  /** Lower EL using AArch32: offset 0x600. */
  LowerAArch32 = 0x600,
}

/** The kind of exception, for the vector table. */
export enum ExceptionKind {
  /** Synchronous: +0x000. */
  Sync = 0x000,
  /** IRQ: +0x080. */
  Irq = 0x080,
  /** FIQ: +0x100. */
  Fiq = 0x100,
  /** SError: +0x180. */
  SError = 0x180,
}

/** Offset from VBAR_EL1 of a vector entry (each entry is 0x80 bytes, 32 instructions). */
export function vectorOffset(source: VectorSource, kind: ExceptionKind): number {
  return source + kind;
}

/** What an exception entry needs besides the kind. */
export interface ExceptionEntry {
  /** Sync, IRQ, FIQ or SError. */
  kind: ExceptionKind;
  /** ELR_EL1: the preferred return address (next instruction for SVC, the faulting one for aborts). */
  returnAddress: bigint;
  /** ESR_EL1 for synchronous exceptions and SError; left unchanged when absent. */
  esr?: number;
  /** FAR_EL1 for aborts, PC alignment and watchpoints; left unchanged when absent. */
  far?: bigint;
}

const MASK64 = 0xffff_ffff_ffff_ffffn;

/** A task's EL0 state as the kernel saves it: what ERET needs to resume the task exactly. */
export interface TaskContext {
  /** x0-x30. */
  x: bigint[];
  /** SP_EL0. */
  sp: bigint;
  /** ELR_EL1: where the task resumes. */
  pc: bigint;
  /** SPSR_EL1: the task's PSTATE. */
  spsr: number;
}

/** One PE's registers for EL0 and EL1 in AArch64 state. */
export class Aarch64Cpu {
  /** x0-x30. */
  readonly x = new BigUint64Array(31);
  /** The program counter. */
  pc = 0n;
  /** SP_EL0. */
  spEl0 = 0n;
  /** SP_EL1. */
  spEl1 = 0n;
  /** ELR_EL1. */
  elrEl1 = 0n;
  /** FAR_EL1. */
  farEl1 = 0n;
  /** ESR_EL1 (bits [31:0]). */
  esrEl1 = 0;
  /** SPSR_EL1. */
  spsrEl1 = 0;
  /** PSTATE in SPSR layout. Reset: EL1h with D, A, I, F masked. */
  pstate = SPSR_DAIF_MASK | ProcessorMode.EL1h;
  private vbar = 0n;

  /** The current exception level. */
  get el(): 0 | 1 {
    return (this.pstate & SPSR_M_MASK) === ProcessorMode.EL0t ? 0 : 1;
  }

  /** VBAR_EL1 (bits [10:0] are RES0 and read as 0). */
  get vbarEl1(): bigint {
    return this.vbar;
  }

  set vbarEl1(value: bigint) {
    this.vbar = value & MASK64 & ~0x7ffn;
  }

  /** The stack pointer selected by PSTATE (SP_EL1 in EL1h, SP_EL0 otherwise). */
  get sp(): bigint {
    return (this.pstate & SPSR_M_MASK) === ProcessorMode.EL1h ? this.spEl1 : this.spEl0;
  }

  set sp(value: bigint) {
    if ((this.pstate & SPSR_M_MASK) === ProcessorMode.EL1h) this.spEl1 = value & MASK64;
    else this.spEl0 = value & MASK64;
  }

  /** Reads Xn (n = 31 reads XZR, i.e. 0). */
  getX(n: number): bigint {
    checkField('register number', n, 5);
    return n === 31 ? 0n : this.x[n]!;
  }

  /**
   * Writes Xn, truncated to 64 bits (n = 31 is XZR: discarded). A Number must be a safe
   * integer (negative values wrap as two's complement); throws `field-range` otherwise.
   */
  setX(n: number, value: bigint | number): void {
    checkField('register number', n, 5);
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw new Aarch64Error('field-range', `X${n}: ${value} is not a safe integer; pass a BigInt`);
    }
    if (n !== 31) this.x[n] = BigInt.asUintN(64, BigInt(value));
  }

  /**
   * Takes an exception to EL1: SPSR_EL1 = PSTATE, ELR_EL1 = return address, ESR/FAR when given,
   * PSTATE.D, A, I and F = 1, IL = SS = 0, mode EL1h, PC = VBAR_EL1 + vector offset. Returns the
   * vector address.
   */
  takeException(entry: ExceptionEntry): bigint {
    const mode = this.pstate & SPSR_M_MASK;
    const source =
      mode === ProcessorMode.EL0t
        ? VectorSource.LowerAArch64
        : mode === ProcessorMode.EL1t
          ? VectorSource.CurrentSp0
          : VectorSource.CurrentSpx;
    this.spsrEl1 = this.pstate >>> 0;
    this.elrEl1 = entry.returnAddress & MASK64;
    if (entry.esr !== undefined) this.esrEl1 = entry.esr >>> 0;
    if (entry.far !== undefined) this.farEl1 = entry.far & MASK64;
    const keep = this.pstate & SPSR_NZCV_MASK;
    this.pstate = (keep | SPSR_DAIF_MASK | ProcessorMode.EL1h) >>> 0;
    this.pc = (this.vbar + BigInt(vectorOffset(source, entry.kind))) & MASK64;
    return this.pc;
  }

  /**
   * ERET from EL1: PSTATE = SPSR_EL1 (NZCV, SS, IL, DAIF, M), PC = ELR_EL1. A return to a mode this PE lacks (AArch32,
   * EL2, EL3, reserved M values) is an illegal exception return: NZCV and DAIF are still restored,
   * PSTATE.IL is set, the EL and stack pointer do not change, and the next instruction takes an
   * Illegal Execution state exception (EC 0x0E). Returns whether the return was legal. Throws
   * `bad-register` when executed at EL0 (ERET is UNDEFINED there).
   */
  eret(): boolean {
    if (this.el === 0) {
      throw new Aarch64Error('bad-register', 'ERET at EL0 is UNDEFINED; take an exception first');
    }
    const spsr = this.spsrEl1 >>> 0;
    const mode = spsr & SPSR_M_MASK;
    const legal =
      (spsr & (1 << SPSR_M4_BIT)) === 0 &&
      (mode === ProcessorMode.EL0t || mode === ProcessorMode.EL1t || mode === ProcessorMode.EL1h);
    this.pc = this.elrEl1;
    if (legal) {
      // NZCV, SS, IL, DAIF and M come back from SPSR (a set SPSR.IL stays set, as specified).
      this.pstate = (spsr & 0xf030_03cf) >>> 0;
      return true;
    }
    const current = this.pstate & SPSR_M_MASK;
    this.pstate = ((spsr & (SPSR_NZCV_MASK | SPSR_DAIF_MASK)) | (1 << SPSR_IL_BIT) | current) >>> 0;
    return false;
  }

  /** Captures the EL0 context of the task that just trapped (call at EL1, after entry). */
  saveContext(): TaskContext {
    return { x: Array.from(this.x), sp: this.spEl0, pc: this.elrEl1, spsr: this.spsrEl1 };
  }

  /**
   * Installs a task's context so that the next {@link Aarch64Cpu.eret} resumes it. Throws
   * `bad-register` for a context with the wrong number of registers.
   */
  restoreContext(ctx: TaskContext): void {
    if (ctx.x.length !== 31) {
      throw new Aarch64Error(
        'bad-register',
        `a task context holds x0-x30 (31 values), got ${ctx.x.length}`,
      );
    }
    for (let i = 0; i < 31; i++) this.x[i] = BigInt.asUintN(64, ctx.x[i]!);
    this.spEl0 = ctx.sp & MASK64;
    this.elrEl1 = ctx.pc & MASK64;
    this.spsrEl1 = ctx.spsr >>> 0;
  }
}

/** A fresh EL0 context: PC at `entry`, SP at `stackTop`, EL0t with interrupts unmasked. */
export function initialTaskContext(entry: bigint, stackTop: bigint): TaskContext {
  return { x: new Array<bigint>(31).fill(0n), sp: stackTop, pc: entry, spsr: ProcessorMode.EL0t };
}
