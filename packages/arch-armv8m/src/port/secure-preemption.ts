// An exception preempting an enclave (Secure, unprivileged, Thread mode on PSP_S) that is taken to
// Non-secure state, as ARMv8-M specifies it: the basic frame and then the additional state context
// (integrity signature 0xfefa125b, a reserved word, r4-r11) go onto the enclave's Secure stack,
// r0-r12 and the APSR flags are cleared, and LR gets EXC_RETURN 0xfffffffc (S = 1, DCRS = 1,
// ES = 0). The Secure kernel later reads the enclave's registers back from that stack, checking
// the signature first. Relies on the frame model and `trustzone/additional-state.ts`.

import {
  BASIC_FRAME_WORDS,
  EXC_RETURN_DCRS,
  EXC_RETURN_ES,
  EXC_RETURN_S,
  type ExceptionEntry,
  exceptionEntry,
  FRAME_OFFSET,
} from '../exception-frame';
import {
  CONTROL_FPCA,
  type RegisterFile,
  type WordMemory,
  XPSR_IPSR_MASK,
  XPSR_STACK_ALIGN,
} from '../registers';
import {
  ADDITIONAL_STATE_OFFSET,
  INTEGRITY_SIGNATURE,
  pushAdditionalState,
  readAdditionalState,
} from '../trustzone/additional-state';
import { TrustZoneError } from '../trustzone/errors';
import { ArmV8mPortError } from './port-errors';

/** APSR bits cleared with the registers: N, Z, C, V, Q and GE[3:0]. */
export const APSR_FLAGS = 0xf80f0000;

/** EXC_RETURN of a Non-secure handler over Secure Thread mode on PSP, basic frame. */
export const EXC_RETURN_NS_HANDLER_SECURE_THREAD = 0xfffffffc;
/** EXC_RETURN of a Non-secure handler over Non-secure Thread mode on PSP, basic frame. */
export const EXC_RETURN_NS_HANDLER_NS_THREAD = 0xffffffbc;
/** EXC_RETURN of a Secure handler (the kernel) over Non-secure Thread mode on PSP, basic frame. */
export const EXC_RETURN_SECURE_HANDLER_NS_THREAD = 0xffffffbd;

/** What {@link stackSecureContext} did. */
export interface SecureStacking extends ExceptionEntry {
  /** Where the additional state context starts: the enclave's PSP_S after stacking. */
  readonly additionalState: number;
}

/**
 * Takes an exception to Non-secure state over the enclave running on `cpu`: stacks the basic
 * frame and the additional state context on its PSP (PSP_S), clears r0-r12 and the APSR flags,
 * writes EXC_RETURN 0xfffffffc to LR and enters Handler mode. PC is left for the vector.
 *
 * @throws {@link TrustZoneError} `unsupported` with an active FP context (not modelled).
 */
export function stackSecureContext(
  cpu: RegisterFile,
  memory: WordMemory,
  exception: number,
  returnAddress: number,
): SecureStacking {
  if ((cpu.control & CONTROL_FPCA) !== 0) {
    throw new TrustZoneError(
      'unsupported',
      'an active FP context in an enclave preempted by a Non-secure exception is not modelled',
    );
  }
  const callee = Array.from({ length: 8 }, (_, i) => cpu.get(4 + i));
  const entry = exceptionEntry(cpu, memory, exception, returnAddress);
  const additionalState = pushAdditionalState(memory, entry.frameAddress, callee, true);
  cpu.psp = additionalState;
  for (let r = 0; r <= 12; r++) cpu.set(r, 0);
  cpu.xpsr = (cpu.xpsr & ~APSR_FLAGS) >>> 0;
  const excReturn = ((entry.excReturn & ~EXC_RETURN_ES) | EXC_RETURN_S | EXC_RETURN_DCRS) >>> 0;
  cpu.lr = excReturn;
  return { ...entry, excReturn, additionalState };
}

/** An enclave's registers read back from its Secure stack. */
export interface SecureContext {
  /** r0..r12. */
  readonly r: readonly number[];
  /** LR as the enclave had it. */
  readonly lr: number;
  /** Where the enclave resumes (the stacked return address). */
  readonly pc: number;
  /** xPSR without IPSR and the realignment bit. */
  readonly xpsr: number;
  /** The SP the enclave had before the exception. */
  readonly sp: number;
  /** The basic frame's address. */
  readonly frame: number;
}

/**
 * Reads the registers an exception stacked with {@link stackSecureContext} from the Secure stack at
 * `at` (the additional state context), as the Secure kernel does before it switches away.
 *
 * @throws {@link ArmV8mPortError} `integrity-signature` when the first word is not 0xfefa125b:
 * the stack is not one the PE stacked, so nothing on it is trusted.
 */
export function readSecureContext(memory: WordMemory, at: number): SecureContext {
  const state = readAdditionalState(memory, at);
  if (state.signature !== INTEGRITY_SIGNATURE) {
    throw new ArmV8mPortError(
      'integrity-signature',
      `the Secure stack at 0x${at.toString(16)} holds 0x${state.signature.toString(16)} where the integrity signature 0xfefa125b belongs`,
    );
  }
  const frame = at + ADDITIONAL_STATE_OFFSET.basicFrame;
  const word = (offset: number) => memory.readWord(frame + offset) >>> 0;
  const r = [word(FRAME_OFFSET.r0), word(FRAME_OFFSET.r1), word(FRAME_OFFSET.r2)];
  r.push(word(FRAME_OFFSET.r3), ...state.callee, word(FRAME_OFFSET.r12));
  const stacked = word(FRAME_OFFSET.xpsr);
  const padding = (stacked & XPSR_STACK_ALIGN) !== 0 ? 4 : 0;
  return {
    r,
    lr: word(FRAME_OFFSET.lr),
    pc: word(FRAME_OFFSET.pc),
    xpsr: (stacked & ~(XPSR_IPSR_MASK | XPSR_STACK_ALIGN)) >>> 0,
    sp: (frame + BASIC_FRAME_WORDS * 4 + padding) >>> 0,
    frame,
  };
}
