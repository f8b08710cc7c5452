import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { abortSyndrome, decodeEsr, ExceptionClass, encodeEsr, type Syndrome } from './esr';
import { AccessKind, FaultStatusCode, mmuFault } from './mmu/fault';

const abort = { fnv: false, ea: false, s1ptw: false };

describe('ESR_EL1', () => {
  it.each<[string, Syndrome, number]>([
    // EC 0x15 << 26 = 0x54000000, IL (bit 25) = 0x02000000.
    ['SVC #0', { ec: ExceptionClass.Svc64, il: true, imm16: 0 }, 0x5600_0000],
    ['SVC #0x1234', { ec: ExceptionClass.Svc64, il: true, imm16: 0x1234 }, 0x5600_1234],
    // EC 0x3C << 26 = 0xF0000000 | IL | comment 0x3E8.
    ['BRK #1000', { ec: ExceptionClass.Brk64, il: true, comment: 1000 }, 0xf200_03e8],
    // EC 0x24 << 26 = 0x90000000 | IL | WnR (0x40) | DFSC 0x07.
    [
      'data abort from EL0, write, translation L3',
      { ec: ExceptionClass.DataAbortLower, il: true, ...abort, cm: false, dfsc: 0x07, wnr: true },
      0x9200_0047,
    ],
    // ... | ISV (0x01000000) | SAS 0b10 << 22 (0x00800000) | SRT 3 << 16 (0x00030000), SF = 0.
    [
      'data abort with ISV: STR w3',
      {
        ec: ExceptionClass.DataAbortLower,
        il: true,
        ...abort,
        cm: false,
        dfsc: 0x07,
        wnr: true,
        access: { sas: 2, sse: false, srt: 3, sf: false, ar: false },
      },
      0x9383_0047,
    ],
    // ISV | SAS 0b11 (0x00C00000) | SSE (0x00200000) | SRT 30 (0x001E0000) | SF (0x8000) | AR (0x4000)
    // | FnV (0x400) | EA (0x200) | CM (0x100) | S1PTW (0x80), EC 0x25 << 26 = 0x94000000.
    [
      'data abort, every flag',
      {
        ec: ExceptionClass.DataAbortSame,
        il: true,
        fnv: true,
        ea: true,
        s1ptw: true,
        cm: true,
        dfsc: 0x0d,
        wnr: false,
        access: { sas: 3, sse: true, srt: 30, sf: true, ar: true },
      },
      0x97fe_c78d,
    ],
    // EC 0x21 << 26 = 0x84000000 | IL | IFSC 0x0E.
    [
      'instruction abort, same EL, permission L2',
      { ec: ExceptionClass.InstructionAbortSame, il: true, ...abort, ifsc: 0x0e },
      0x8600_000e,
    ],
    ['PC alignment', { ec: ExceptionClass.PcAlignment, il: true, iss: 0 }, 0x8a00_0000],
    ['SP alignment', { ec: ExceptionClass.SpAlignment, il: true, iss: 0 }, 0x9a00_0000],
    [
      'unknown / undefined instruction',
      { ec: ExceptionClass.Unknown, il: true, iss: 0 },
      0x0200_0000,
    ],
    ['illegal execution state', { ec: ExceptionClass.IllegalState, il: true, iss: 0 }, 0x3a00_0000],
  ])('%s', (_name, syndrome, esr) => {
    expect(encodeEsr(syndrome)).toBe(esr);
    expect(decodeEsr(esr)).toEqual(syndrome);
  });

  it('decode inverts encode for any ESR value of the modelled classes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0x00, 0x15, 0x20, 0x21, 0x22, 0x24, 0x25, 0x26, 0x3c, 0x2f),
        fc.boolean(),
        fc.integer({ min: 0, max: 0x1ff_ffff }),
        (ec, il, iss) => {
          // Only the ISS bits each class defines survive a round-trip; re-encoding must be stable.
          const once = encodeEsr(decodeEsr(((ec << 26) | (il ? 1 << 25 : 0) | iss) >>> 0));
          expect(encodeEsr(decodeEsr(once))).toBe(once);
        },
      ),
    );
  });

  it('rejects an out-of-range field', () => {
    expect(() => encodeEsr({ ec: ExceptionClass.Svc64, il: true, imm16: 0x1_0000 })).toThrow(
      expect.objectContaining({ code: 'field-range' }),
    );
  });

  it.each<[AccessKind, 0 | 1, number]>([
    // Data abort lower EL, read, translation L3 (0x07): 0x92000007.
    [AccessKind.Read, 0, 0x9200_0007],
    // Write adds WnR (0x40).
    [AccessKind.Write, 0, 0x9200_0047],
    // Same EL data abort: EC 0x25 → 0x96000047.
    [AccessKind.Write, 1, 0x9600_0047],
    // Instruction abort lower EL: EC 0x20 → 0x82000007.
    [AccessKind.Execute, 0, 0x8200_0007],
  ])('syndrome of an MMU fault (access %i from EL%i)', (access, el, esr) => {
    expect(encodeEsr(abortSyndrome(mmuFault('translation', 3), access, el))).toBe(esr);
    expect(FaultStatusCode.TranslationL3).toBe(0x07);
  });
});
