// Exception entry and return on Armv8-M: the hardware-stacked basic frame (r0-r3, r12, LR, PC,
// xPSR: 8 words) and extended frame (plus S0-S15, FPSCR and a reserved word: 26 words), the 8-byte
// realignment recorded in stacked xPSR bit 9, the EXC_RETURN value written to LR, and its
// validation on return. Models one security state without lazy FP stacking; the Security
// Extension's additional state context (DCRS, the integrity signature) is layered on top in
// `trustzone/secure-core.ts`. Relies on `registers.ts`.

import { ExceptionModelError } from './errors';
import {
  CONTROL_FPCA,
  CONTROL_SPSEL,
  type RegisterFile,
  type WordMemory,
  XPSR_IPSR_MASK,
  XPSR_STACK_ALIGN,
  XPSR_T,
} from './registers';

/** Words in the basic frame. */
export const BASIC_FRAME_WORDS = 8;
/** Words in the extended (FP) frame: 8 + S0-S15 + FPSCR + reserved. */
export const EXTENDED_FRAME_WORDS = 26;
/** Byte offsets in a frame: r0, r1, r2, r3, r12, LR, return address, xPSR, then S0 at 0x20. */
export const FRAME_OFFSET = Object.freeze({
  r0: 0x00,
  r1: 0x04,
  r2: 0x08,
  r3: 0x0c,
  r12: 0x10,
  lr: 0x14,
  pc: 0x18,
  xpsr: 0x1c,
  s0: 0x20,
  fpscr: 0x60,
  reserved: 0x64,
});

/** EXC_RETURN bits [31:24]: the prefix 0xff that marks an exception return. */
export const EXC_RETURN_PREFIX = 0xff000000;
/** EXC_RETURN bits [23:7], RES1. */
export const EXC_RETURN_RES1 = 0x00ffff80;
/** EXC_RETURN.ES (bit 0): the exception was taken to Secure state. */
export const EXC_RETURN_ES = 0x01;
/** EXC_RETURN.SPSEL (bit 2): the frame is on PSP. */
export const EXC_RETURN_SPSEL = 0x04;
/** EXC_RETURN.Mode (bit 3): return to Thread mode. */
export const EXC_RETURN_MODE = 0x08;
/** EXC_RETURN.FType (bit 4): 1 = basic frame, 0 = extended (FP) frame. */
export const EXC_RETURN_FTYPE = 0x10;
/** EXC_RETURN.DCRS (bit 5): 1 = default callee register stacking (no additional state context). */
export const EXC_RETURN_DCRS = 0x20;
/** EXC_RETURN.S (bit 6): the frame is on a Secure stack. */
export const EXC_RETURN_S = 0x40;
/** Return to Handler mode, MSP, basic frame (0xfffffff1). */
export const EXC_RETURN_HANDLER_MSP = 0xfffffff1;
/** Return to Thread mode, MSP, basic frame (0xfffffff9). */
export const EXC_RETURN_THREAD_MSP = 0xfffffff9;
/** Return to Thread mode, PSP, basic frame (0xfffffffd): how K5 tasks are entered. */
export const EXC_RETURN_THREAD_PSP = 0xfffffffd;
/** Return to Handler mode, MSP, extended frame (0xffffffe1). */
export const EXC_RETURN_HANDLER_MSP_FP = 0xffffffe1;
/** Return to Thread mode, MSP, extended frame (0xffffffe9). */
export const EXC_RETURN_THREAD_MSP_FP = 0xffffffe9;
/** Return to Thread mode, PSP, extended frame (0xffffffed). */
export const EXC_RETURN_THREAD_PSP_FP = 0xffffffed;

/** The fields of an EXC_RETURN value. */
export interface ExcReturn {
  /** ES: exception taken to Secure state. RES1-like (1) on a PE without the Security Extension. */
  readonly secureException: boolean;
  /** SPSEL: frame on the process stack. */
  readonly processStack: boolean;
  /** Mode: return to Thread mode (else Handler mode). */
  readonly threadMode: boolean;
  /** FType: basic frame (else extended FP frame). */
  readonly basicFrame: boolean;
  /** DCRS: default callee register stacking (no additional state context). */
  readonly defaultCalleeStacking: boolean;
  /** S: the frame is on a Secure stack. */
  readonly secureStack: boolean;
}

/** Encodes EXC_RETURN; returning to Handler mode on PSP is rejected as the architecture does. */
export function encodeExcReturn(f: ExcReturn): number {
  if (!f.threadMode && f.processStack) {
    throw new ExceptionModelError(
      'bad-exc-return',
      'Handler mode always uses MSP: SPSEL must be 0',
    );
  }
  return (
    (EXC_RETURN_PREFIX |
      EXC_RETURN_RES1 |
      (f.secureException ? EXC_RETURN_ES : 0) |
      (f.processStack ? EXC_RETURN_SPSEL : 0) |
      (f.threadMode ? EXC_RETURN_MODE : 0) |
      (f.basicFrame ? EXC_RETURN_FTYPE : 0) |
      (f.defaultCalleeStacking ? EXC_RETURN_DCRS : 0) |
      (f.secureStack ? EXC_RETURN_S : 0)) >>>
    0
  );
}

/** Whether a value loaded into PC is an exception return (bits [31:24] = 0xff). */
export function isExcReturn(value: number): boolean {
  return value >>> 24 === 0xff;
}

/**
 * Decodes EXC_RETURN. Throws {@link ExceptionModelError} `bad-exc-return` where the PE would take an
 * INVPC UsageFault: bits [23:7] not all ones, bit 1 set, or Handler mode with SPSEL.
 */
export function decodeExcReturn(value: number): ExcReturn {
  const v = value >>> 0;
  if ((v & 0xff000000) >>> 0 !== EXC_RETURN_PREFIX || (v & EXC_RETURN_RES1) !== EXC_RETURN_RES1) {
    throw new ExceptionModelError(
      'bad-exc-return',
      `0x${v.toString(16)} is not an EXC_RETURN value (bits [31:7] must be 0x1ffffff)`,
    );
  }
  if ((v & 2) !== 0) {
    throw new ExceptionModelError(
      'bad-exc-return',
      `EXC_RETURN 0x${v.toString(16)} has reserved bit 1 set`,
    );
  }
  const f: ExcReturn = {
    secureException: (v & EXC_RETURN_ES) !== 0,
    processStack: (v & EXC_RETURN_SPSEL) !== 0,
    threadMode: (v & EXC_RETURN_MODE) !== 0,
    basicFrame: (v & EXC_RETURN_FTYPE) !== 0,
    defaultCalleeStacking: (v & EXC_RETURN_DCRS) !== 0,
    secureStack: (v & EXC_RETURN_S) !== 0,
  };
  if (!f.threadMode && f.processStack) {
    throw new ExceptionModelError(
      'bad-exc-return',
      `EXC_RETURN 0x${v.toString(16)} returns to Handler mode on PSP, which is an INVPC UsageFault`,
    );
  }
  return f;
}

/** What {@link exceptionEntry} did. */
export interface ExceptionEntry {
  /** Address of the stacked frame (the new SP of the stack it was pushed on). */
  readonly frameAddress: number;
  /** Whether a padding word was inserted to align the frame to 8 bytes (stacked xPSR bit 9). */
  readonly realigned: boolean;
  /** The EXC_RETURN value written to LR. */
  readonly excReturn: number;
}

/**
 * Takes an exception: stacks the basic frame (or the extended frame when CONTROL.FPCA is set) on the
 * current stack, aligned down to 8 bytes, with the return address `returnAddress` (defaults to the
 * current PC) and xPSR bit 9 recording the realignment; then sets LR to EXC_RETURN, IPSR to the
 * exception number, CONTROL.SPSEL and FPCA to 0 (Handler mode runs on MSP). PC is left for the
 * caller to load from the vector table.
 */
export function exceptionEntry(
  regs: RegisterFile,
  memory: WordMemory,
  exceptionNumber: number,
  returnAddress: number = regs.pc,
): ExceptionEntry {
  if (!Number.isInteger(exceptionNumber) || exceptionNumber < 1 || exceptionNumber > 511) {
    throw new ExceptionModelError('bad-value', `exception number ${exceptionNumber} is not 1..511`);
  }
  const fp = (regs.control & CONTROL_FPCA) !== 0;
  const frameSize = (fp ? EXTENDED_FRAME_WORDS : BASIC_FRAME_WORDS) * 4;
  const sp = regs.sp;
  const realigned = (sp & 4) !== 0;
  // frameptr = (SP - framesize) with bit 2 cleared: 8-byte aligned because SP is word aligned.
  const frame = ((sp - frameSize) & ~4) >>> 0;
  const w = (offset: number, value: number) => memory.writeWord(frame + offset, value >>> 0);
  w(FRAME_OFFSET.r0, regs.get(0));
  w(FRAME_OFFSET.r1, regs.get(1));
  w(FRAME_OFFSET.r2, regs.get(2));
  w(FRAME_OFFSET.r3, regs.get(3));
  w(FRAME_OFFSET.r12, regs.get(12));
  w(FRAME_OFFSET.lr, regs.lr);
  w(FRAME_OFFSET.pc, returnAddress & ~1);
  w(FRAME_OFFSET.xpsr, (regs.xpsr & ~XPSR_STACK_ALIGN) | (realigned ? XPSR_STACK_ALIGN : 0));
  if (fp) {
    for (let i = 0; i < 16; i++) w(FRAME_OFFSET.s0 + i * 4, regs.s[i]!);
    w(FRAME_OFFSET.fpscr, regs.fpscr);
    w(FRAME_OFFSET.reserved, 0);
  }
  const excReturn = encodeExcReturn({
    secureException: true,
    processStack: regs.usingPsp,
    threadMode: !regs.handlerMode,
    basicFrame: !fp,
    defaultCalleeStacking: true,
    secureStack: true,
  });
  regs.sp = frame;
  regs.lr = excReturn;
  regs.xpsr = ((regs.xpsr & ~XPSR_IPSR_MASK) | exceptionNumber) >>> 0;
  regs.control &= ~(CONTROL_SPSEL | CONTROL_FPCA);
  return { frameAddress: frame, realigned, excReturn };
}

/**
 * Returns from an exception with `excReturn` (the value branched to): selects the stack from Mode
 * and SPSEL, unstacks the frame FType names, restores SP (adding the padding word when stacked
 * xPSR bit 9 is set), CONTROL.SPSEL and FPCA, and the registers, and returns the frame address.
 * Throws {@link ExceptionModelError} for an EXC_RETURN that would be an INVPC UsageFault.
 */
export function exceptionReturn(regs: RegisterFile, memory: WordMemory, excReturn: number): number {
  const f = decodeExcReturn(excReturn);
  const frame = f.processStack ? regs.psp : regs.msp;
  const r = (offset: number) => memory.readWord(frame + offset) >>> 0;
  const xpsr = r(FRAME_OFFSET.xpsr);
  const frameSize = (f.basicFrame ? BASIC_FRAME_WORDS : EXTENDED_FRAME_WORDS) * 4;
  regs.set(0, r(FRAME_OFFSET.r0));
  regs.set(1, r(FRAME_OFFSET.r1));
  regs.set(2, r(FRAME_OFFSET.r2));
  regs.set(3, r(FRAME_OFFSET.r3));
  regs.set(12, r(FRAME_OFFSET.r12));
  regs.lr = r(FRAME_OFFSET.lr);
  regs.pc = r(FRAME_OFFSET.pc);
  if (!f.basicFrame) {
    for (let i = 0; i < 16; i++) regs.s[i] = r(FRAME_OFFSET.s0 + i * 4);
    regs.fpscr = r(FRAME_OFFSET.fpscr);
  }
  const newSp = (frame + frameSize + ((xpsr & XPSR_STACK_ALIGN) !== 0 ? 4 : 0)) >>> 0;
  if (f.processStack) regs.psp = newSp;
  else regs.msp = newSp;
  let control = regs.control & ~(CONTROL_SPSEL | CONTROL_FPCA);
  if (f.threadMode && f.processStack) control |= CONTROL_SPSEL;
  if (!f.basicFrame) control |= CONTROL_FPCA;
  regs.control = control;
  // The stacked IPSR is the interrupted context's; bit 9 is frame bookkeeping, not state.
  regs.xpsr = (xpsr & ~XPSR_STACK_ALIGN) >>> 0;
  if (f.threadMode) regs.xpsr = (regs.xpsr & ~XPSR_IPSR_MASK) >>> 0;
  return frame;
}

/** Where and how a new task starts. */
export interface TaskStart {
  /** Entry point (Thumb bit ignored). */
  readonly entry: number;
  /** Initial PSP before the frame (the top of the task's stack, 8-byte aligned). */
  readonly stackTop: number;
  /** Values for r0-r3 (missing ones are 0). */
  readonly args?: readonly number[];
  /** LR the task sees (where a returning entry function goes). Defaults to 0xffffffff. */
  readonly lr?: number;
}

/**
 * Builds the basic frame a new task is entered through: exception return with
 * {@link EXC_RETURN_THREAD_PSP} then starts it in Thread mode on PSP at `entry`, with xPSR = T only.
 * Returns the PSP to store (the frame address). Set CONTROL.nPRIV for an unprivileged task.
 */
export function prepareTaskFrame(memory: WordMemory, start: TaskStart): number {
  if (start.stackTop % 8 !== 0 || start.stackTop < 32 || start.stackTop > 0x100000000) {
    throw new ExceptionModelError(
      'misaligned-stack',
      `task stack top 0x${start.stackTop.toString(16)} must be 8-byte aligned and leave room for a 32-byte frame`,
    );
  }
  const args = start.args ?? [];
  if (args.length > 4) {
    throw new ExceptionModelError(
      'bad-argument-count',
      `${args.length} start arguments: r0-r3 hold at most 4`,
    );
  }
  const frame = start.stackTop - BASIC_FRAME_WORDS * 4;
  for (let i = 0; i < 4; i++) memory.writeWord(frame + i * 4, (args[i] ?? 0) >>> 0);
  memory.writeWord(frame + FRAME_OFFSET.r12, 0);
  memory.writeWord(frame + FRAME_OFFSET.lr, (start.lr ?? 0xffffffff) >>> 0);
  memory.writeWord(frame + FRAME_OFFSET.pc, (start.entry & ~1) >>> 0);
  memory.writeWord(frame + FRAME_OFFSET.xpsr, XPSR_T);
  return frame;
}
