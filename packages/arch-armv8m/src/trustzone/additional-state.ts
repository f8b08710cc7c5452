// The additional state context of ARMv8-M: when an exception taken to Non-secure state
// interrupts Secure code, the PE pushes, below the basic frame on the Secure stack, an integrity
// signature, a reserved word and the callee-saved registers r4-r11 (10 words), then clears them
// so that the Non-secure handler sees nothing. The return to Secure state checks the signature
// before restoring them. Relies on `registers.ts` for the word memory.

import type { WordMemory } from '../registers';

/** Words in the additional state context: signature, reserved, r4-r11. */
export const ADDITIONAL_STATE_WORDS = 10;
/** Integrity signature with a basic (non-FP) frame below it: bit 0 mirrors EXC_RETURN.FType = 1. */
export const INTEGRITY_SIGNATURE = 0xfefa125b;
/** Integrity signature with an extended FP frame (FType = 0). */
export const INTEGRITY_SIGNATURE_FP = 0xfefa125a;

/** Byte offsets in the additional state context (from the lowest address). */
export const ADDITIONAL_STATE_OFFSET = Object.freeze({
  signature: 0x00,
  reserved: 0x04,
  r4: 0x08,
  /** The basic frame starts right above r11. */
  basicFrame: 0x28,
});

/** The signature for a frame of the given type. */
export function integritySignature(basicFrame: boolean): number {
  return basicFrame ? INTEGRITY_SIGNATURE : INTEGRITY_SIGNATURE_FP;
}

/**
 * Pushes the additional state context right below the basic frame at `frame` and returns its
 * address (the new stack pointer). `callee` holds r4..r11.
 */
export function pushAdditionalState(
  memory: WordMemory,
  frame: number,
  callee: readonly number[],
  basicFrame: boolean,
): number {
  const at = frame - ADDITIONAL_STATE_WORDS * 4;
  memory.writeWord(at + ADDITIONAL_STATE_OFFSET.signature, integritySignature(basicFrame));
  memory.writeWord(at + ADDITIONAL_STATE_OFFSET.reserved, 0);
  for (let i = 0; i < 8; i++) {
    memory.writeWord(at + ADDITIONAL_STATE_OFFSET.r4 + i * 4, (callee[i] ?? 0) >>> 0);
  }
  return at;
}

/** What the additional state context at `at` holds. */
export interface AdditionalState {
  /** The stacked signature word. */
  readonly signature: number;
  /** r4..r11. */
  readonly callee: readonly number[];
}

/** Reads the additional state context at `at` (the stack pointer). */
export function readAdditionalState(memory: WordMemory, at: number): AdditionalState {
  return {
    signature: memory.readWord(at + ADDITIONAL_STATE_OFFSET.signature) >>> 0,
    callee: Array.from(
      { length: 8 },
      (_, i) => memory.readWord(at + ADDITIONAL_STATE_OFFSET.r4 + i * 4) >>> 0,
    ),
  };
}
