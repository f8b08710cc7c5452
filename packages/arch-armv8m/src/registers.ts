// The Armv8-M register file as the kernel sees it: r0-r12, the banked stack pointers MSP and PSP
// (SP selects one by mode and CONTROL.SPSEL), LR, PC, xPSR, CONTROL, the masks PRIMASK, BASEPRI and
// FAULTMASK, and the FP registers S0-S31 with FPSCR. Also the word-memory interface the exception
// frames are stacked into. No behaviour beyond register selection lives here.

import { ExceptionModelError } from './errors';

/** Core register numbers as in instruction encodings. */
export enum CoreRegister {
  R0 = 0,
  R1 = 1,
  R2 = 2,
  R3 = 3,
  R4 = 4,
  R5 = 5,
  R6 = 6,
  R7 = 7,
  R8 = 8,
  R9 = 9,
  R10 = 10,
  R11 = 11,
  R12 = 12,
  /** The current stack pointer (MSP or PSP). */
  SP = 13,
  LR = 14,
  PC = 15,
}

/** CONTROL.nPRIV: Thread mode is unprivileged. */
export const CONTROL_NPRIV = 0x1;
/** CONTROL.SPSEL: Thread mode uses PSP. */
export const CONTROL_SPSEL = 0x2;
/** CONTROL.FPCA: FP context is active (an FP frame will be stacked). */
export const CONTROL_FPCA = 0x4;
/** CONTROL.SFPA: Secure FP context active (Security Extension). */
export const CONTROL_SFPA = 0x8;
/** xPSR.IPSR mask: the active exception number, 0 in Thread mode. */
export const XPSR_IPSR_MASK = 0x1ff;
/** Stacked xPSR bit 9: the frame was realigned to 8 bytes by inserting a padding word. */
export const XPSR_STACK_ALIGN = 0x200;
/** xPSR.T: Thumb state (always 1 for executing code). */
export const XPSR_T = 0x01000000;
/** PRIMASK.PM: boosts execution priority to 0. */
export const PRIMASK_PM = 0x1;
/** FAULTMASK.FM: boosts execution priority to -1. */
export const FAULTMASK_FM = 0x1;

/** Memory as the exception model needs it: aligned 32-bit words, little-endian. */
export interface WordMemory {
  /** Reads the word at a 4-byte aligned address. */
  readWord(address: number): number;
  /** Writes the word at a 4-byte aligned address. */
  writeWord(address: number, value: number): void;
}

/** A sparse word memory (unwritten words read as 0), enough for host tasks and tests. */
export class SparseWordMemory implements WordMemory {
  private readonly words = new Map<number, number>();

  /** Reads a word; throws {@link ExceptionModelError} for an unaligned address. */
  readWord(address: number): number {
    return this.words.get(this.check(address)) ?? 0;
  }

  /** Writes a word; throws {@link ExceptionModelError} for an unaligned address. */
  writeWord(address: number, value: number): void {
    this.words.set(this.check(address), value >>> 0);
  }

  private check(address: number): number {
    if (!Number.isInteger(address) || address < 0 || address > 0xfffffffc || address % 4 !== 0) {
      throw new ExceptionModelError(
        'misaligned-stack',
        `word access at ${address} is not a 4-byte aligned 32-bit address`,
      );
    }
    return address;
  }
}

/**
 * The register file of one Armv8-M PE (one security state). Values are unsigned 32-bit. Reading or
 * writing `sp` (or register 13) reaches MSP in Handler mode or when CONTROL.SPSEL is 0, else PSP.
 */
export class RegisterFile {
  /** r0-r12, with slots 13-15 unused (SP is banked; LR and PC have fields). */
  private readonly r = new Uint32Array(13);
  /** Main stack pointer. */
  msp = 0;
  /** Process stack pointer. */
  psp = 0;
  /** Link register. */
  lr = 0;
  /** Program counter. */
  pc = 0;
  /** xPSR: APSR flags, IPSR (exception number), EPSR (T bit). */
  xpsr = XPSR_T;
  /** CONTROL: nPRIV, SPSEL, FPCA, SFPA. */
  control = 0;
  /** PRIMASK (bit 0). */
  primask = 0;
  /** BASEPRI (8 bits; 0 means no masking). */
  basepri = 0;
  /** FAULTMASK (bit 0). */
  faultmask = 0;
  /** S0-S31 as raw 32-bit patterns. */
  readonly s = new Uint32Array(32);
  /** FPSCR. */
  fpscr = 0;

  /** The active exception number (IPSR); 0 in Thread mode. */
  get ipsr(): number {
    return this.xpsr & XPSR_IPSR_MASK;
  }

  /** Whether the PE is in Handler mode. */
  get handlerMode(): boolean {
    return this.ipsr !== 0;
  }

  /** Whether execution is privileged: always in Handler mode, else when CONTROL.nPRIV is 0. */
  get privileged(): boolean {
    return this.handlerMode || (this.control & CONTROL_NPRIV) === 0;
  }

  /** Whether the current stack pointer is PSP. */
  get usingPsp(): boolean {
    return !this.handlerMode && (this.control & CONTROL_SPSEL) !== 0;
  }

  /** The current stack pointer. */
  get sp(): number {
    return this.usingPsp ? this.psp : this.msp;
  }

  set sp(value: number) {
    // SP[1:0] are RES0 (word aligned).
    if (this.usingPsp) this.psp = (value & ~3) >>> 0;
    else this.msp = (value & ~3) >>> 0;
  }

  /** Reads core register `n` (0..15). */
  get(n: number): number {
    if (n >= 0 && n <= 12 && Number.isInteger(n)) return this.r[n]!;
    if (n === CoreRegister.SP) return this.sp;
    if (n === CoreRegister.LR) return this.lr;
    if (n === CoreRegister.PC) return this.pc;
    throw new ExceptionModelError('bad-register', `core register ${n} does not exist (0..15)`);
  }

  /** Writes core register `n` (0..15); values are truncated to 32 bits. */
  set(n: number, value: number): void {
    const v = value >>> 0;
    if (n >= 0 && n <= 12 && Number.isInteger(n)) this.r[n] = v;
    else if (n === CoreRegister.SP) this.sp = v;
    else if (n === CoreRegister.LR) this.lr = v;
    else if (n === CoreRegister.PC) this.pc = v;
    else throw new ExceptionModelError('bad-register', `core register ${n} does not exist (0..15)`);
  }

  /** A deep copy. */
  clone(): RegisterFile {
    const c = new RegisterFile();
    c.r.set(this.r);
    c.s.set(this.s);
    c.msp = this.msp;
    c.psp = this.psp;
    c.lr = this.lr;
    c.pc = this.pc;
    c.xpsr = this.xpsr;
    c.control = this.control;
    c.primask = this.primask;
    c.basepri = this.basepri;
    c.faultmask = this.faultmask;
    c.fpscr = this.fpscr;
    return c;
  }
}
