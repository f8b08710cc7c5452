import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExceptionModelError } from './errors';
import {
  decodeExcReturn,
  EXC_RETURN_HANDLER_MSP,
  EXC_RETURN_THREAD_MSP,
  EXC_RETURN_THREAD_PSP,
  EXC_RETURN_THREAD_PSP_FP,
  encodeExcReturn,
  exceptionEntry,
  exceptionReturn,
  prepareTaskFrame,
} from './exception-frame';
import {
  CONTROL_FPCA,
  CONTROL_NPRIV,
  CONTROL_SPSEL,
  RegisterFile,
  SparseWordMemory,
} from './registers';

function task(psp: number): RegisterFile {
  const regs = new RegisterFile();
  for (let i = 0; i <= 12; i++) regs.set(i, 0x1000 + i);
  regs.lr = 0x08000101;
  regs.pc = 0x08000200;
  regs.xpsr = 0x61000000; // Z, C, T; Thread mode
  regs.msp = 0x20008000;
  regs.psp = psp;
  regs.control = CONTROL_NPRIV | CONTROL_SPSEL;
  return regs;
}

describe('EXC_RETURN', () => {
  // bits: S(6) DCRS(5) FType(4) Mode(3) SPSEL(2) 0 ES(0), above bit 7 all ones.
  it.each([
    [
      EXC_RETURN_HANDLER_MSP,
      0xfffffff1,
      { threadMode: false, processStack: false, basicFrame: true },
    ],
    [
      EXC_RETURN_THREAD_MSP,
      0xfffffff9,
      { threadMode: true, processStack: false, basicFrame: true },
    ],
    [EXC_RETURN_THREAD_PSP, 0xfffffffd, { threadMode: true, processStack: true, basicFrame: true }],
    [
      EXC_RETURN_THREAD_PSP_FP,
      0xffffffed,
      { threadMode: true, processStack: true, basicFrame: false },
    ],
  ])('0x%s', (constant, value, fields) => {
    expect(constant).toBe(value);
    const f = decodeExcReturn(value);
    expect(f).toMatchObject({
      ...fields,
      secureException: true,
      defaultCalleeStacking: true,
      secureStack: true,
    });
    expect(encodeExcReturn(f)).toBe(value);
  });

  it('Non-secure thread on PSP, basic frame, is 0xffffffbc', () => {
    // S=0, DCRS=1, FType=1, Mode=1, SPSEL=1, ES=0: 0x80|0x20|0x10|0x08|0x04 = 0xbc
    const v = encodeExcReturn({
      secureException: false,
      processStack: true,
      threadMode: true,
      basicFrame: true,
      defaultCalleeStacking: true,
      secureStack: false,
    });
    expect(v).toBe(0xffffffbc);
  });

  it.each([0xfffffff5, 0xfffffffb, 0xfeffffff, 0x7ffffffd, 0xffff7ffd])(
    '0x%s is an INVPC value',
    (v) => {
      expect(() => decodeExcReturn(v)).toThrow(ExceptionModelError);
    },
  );
});

describe('exception entry and return', () => {
  it('stacks the basic frame with 8-byte realignment (hand-derived addresses)', () => {
    const regs = task(0x20001004);
    const mem = new SparseWordMemory();
    const entry = exceptionEntry(regs, mem, 11);
    // 0x20001004 - 0x20 = 0x20000fe4; clearing bit 2 gives 0x20000fe0 and one padding word.
    expect(entry).toEqual({ frameAddress: 0x20000fe0, realigned: true, excReturn: 0xfffffffd });
    expect([0, 4, 8, 12, 16, 20, 24, 28].map((o) => mem.readWord(0x20000fe0 + o))).toEqual([
      0x1000, 0x1001, 0x1002, 0x1003, 0x100c, 0x08000101, 0x08000200, 0x61000200,
    ]);
    expect(regs.psp).toBe(0x20000fe0);
    expect(regs.ipsr).toBe(11);
    expect(regs.sp).toBe(0x20008000); // Handler mode runs on MSP
    expect(regs.privileged).toBe(true);
    exceptionReturn(regs, mem, regs.lr);
    expect(regs.psp).toBe(0x20001004);
    expect(regs.xpsr).toBe(0x61000000);
    expect(regs.control).toBe(CONTROL_NPRIV | CONTROL_SPSEL);
  });

  it('stacks 26 words when FPCA is set and restores S0-S15 and FPSCR', () => {
    const regs = task(0x20001000);
    regs.control |= CONTROL_FPCA;
    for (let i = 0; i < 32; i++) regs.s[i] = 0x3f800000 + i;
    regs.fpscr = 0x03000000;
    const mem = new SparseWordMemory();
    const entry = exceptionEntry(regs, mem, 15);
    // 0x20001000 - 104 (0x68) = 0x20000f98, already 8-aligned: no padding.
    expect(entry).toEqual({ frameAddress: 0x20000f98, realigned: false, excReturn: 0xffffffed });
    expect(mem.readWord(0x20000f98 + 0x20)).toBe(0x3f800000);
    expect(mem.readWord(0x20000f98 + 0x60)).toBe(0x03000000);
    regs.s.fill(0);
    regs.fpscr = 0;
    exceptionReturn(regs, mem, regs.lr);
    expect(regs.s[15]).toBe(0x3f80000f);
    expect(regs.s[16]).toBe(0); // S16-S31 are callee-saved: not in the frame
    expect(regs.fpscr).toBe(0x03000000);
    expect(regs.control & CONTROL_FPCA).toBe(CONTROL_FPCA);
    expect(regs.psp).toBe(0x20001000);
  });

  it('entry then return restores every caller-visible register (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 0xffffffff }), { minLength: 16, maxLength: 16 }),
        fc.integer({ min: 0x2000_0100, max: 0x2000_ff00 }).map((v) => v & ~3),
        fc.boolean(),
        (values, psp, fp) => {
          const regs = task(psp);
          values.slice(0, 13).forEach((v, i) => {
            regs.set(i, v);
          });
          regs.lr = values[13]!;
          regs.pc = (values[14]! & ~1) >>> 0;
          regs.xpsr = ((values[15]! & 0xf8000000) | 0x01000000) >>> 0;
          if (fp) regs.control |= CONTROL_FPCA;
          const before = regs.clone();
          const mem = new SparseWordMemory();
          const { frameAddress } = exceptionEntry(regs, mem, 14);
          expect(frameAddress % 8).toBe(0);
          exceptionReturn(regs, mem, regs.lr);
          expect(regs).toEqual(before);
        },
      ),
    );
  });
});

describe('task start', () => {
  it('a prepared frame enters the task unprivileged on PSP through exception return', () => {
    const mem = new SparseWordMemory();
    const psp = prepareTaskFrame(mem, { entry: 0x08000401, stackTop: 0x20001000, args: [7, 8] });
    expect(psp).toBe(0x20000fe0); // 0x20001000 - 8 words
    const regs = new RegisterFile();
    regs.xpsr = 14; // inside PendSV, Handler mode
    regs.msp = 0x20008000;
    regs.psp = psp;
    regs.control = CONTROL_NPRIV;
    exceptionReturn(regs, mem, EXC_RETURN_THREAD_PSP);
    expect(regs.pc).toBe(0x08000400);
    expect([regs.get(0), regs.get(1), regs.get(2)]).toEqual([7, 8, 0]);
    expect(regs.xpsr).toBe(0x01000000);
    expect(regs.psp).toBe(0x20001000);
    expect(regs.handlerMode).toBe(false);
    expect(regs.usingPsp).toBe(true);
    expect(regs.privileged).toBe(false);
    expect(() => prepareTaskFrame(mem, { entry: 0, stackTop: 0x20001004 })).toThrow(
      ExceptionModelError,
    );
  });
});
