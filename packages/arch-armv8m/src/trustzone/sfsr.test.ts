import { describe, expect, it } from 'vitest';
import {
  ADDITIONAL_STATE_WORDS,
  INTEGRITY_SIGNATURE,
  INTEGRITY_SIGNATURE_FP,
  integritySignature,
  pushAdditionalState,
  readAdditionalState,
} from './additional-state';
import { SparseWordMemory } from '../registers';
import { SCB_SFAR, SCB_SFSR, SFSR, secureFault, sfsrBitNames } from './sfsr';

describe('SFSR and SFAR', () => {
  it('have the architected addresses and bit positions', () => {
    expect(SCB_SFSR).toBe(0xe000ede4);
    expect(SCB_SFAR).toBe(0xe000ede8);
    expect(SFSR).toEqual({
      INVEP: 0x01,
      INVIS: 0x02,
      INVER: 0x04,
      AUVIOL: 0x08,
      INVTRAN: 0x10,
      LSPERR: 0x20,
      SFARVALID: 0x40,
      LSERR: 0x80,
    });
    expect(sfsrBitNames(0x4a)).toEqual(['INVIS', 'AUVIOL', 'SFARVALID']);
  });

  it('an attribution violation carries SFARVALID and the address; the others do not', () => {
    expect(secureFault('AUVIOL', 0x1000_8004)).toEqual({
      cause: 'AUVIOL',
      sfsr: 0x48,
      sfar: 0x1000_8004,
    });
    expect(secureFault('INVEP')).toEqual({ cause: 'INVEP', sfsr: 0x01 });
  });
});

describe('additional state context', () => {
  it('is signature, reserved, r4-r11 below the basic frame, with bit 0 of the signature = FType', () => {
    expect(integritySignature(true)).toBe(0xfefa125b);
    expect(integritySignature(false)).toBe(0xfefa125a);
    expect([INTEGRITY_SIGNATURE, INTEGRITY_SIGNATURE_FP]).toEqual([0xfefa125b, 0xfefa125a]);
    const memory = new SparseWordMemory();
    const callee = [4, 5, 6, 7, 8, 9, 10, 11].map((r) => 0xc0de_0000 + r);
    const at = pushAdditionalState(memory, 0x3000_0400, callee, true);
    expect(at).toBe(0x3000_0400 - ADDITIONAL_STATE_WORDS * 4);
    expect(memory.readWord(at)).toBe(0xfefa125b);
    expect(memory.readWord(at + 4)).toBe(0);
    expect(memory.readWord(at + 8)).toBe(0xc0de_0004);
    expect(memory.readWord(at + 0x24)).toBe(0xc0de_000b);
    expect(readAdditionalState(memory, at)).toEqual({ signature: 0xfefa125b, callee });
  });
});
