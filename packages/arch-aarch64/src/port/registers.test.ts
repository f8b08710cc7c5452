import { SYSCALL_CONVENTIONS } from '@k5/abi';
import { describe, expect, it } from 'vitest';
import {
  CONTEXT_REGISTERS,
  ELR_INDEX,
  RegisterContexts,
  SP_EL0_INDEX,
  SPSR_INDEX,
  sanitizeSpsr,
} from './registers';

describe('saved register contexts', () => {
  it('uses the register numbering of @k5/abi: x0-x30, sp 31, pc 32, pstate 33', () => {
    expect(CONTEXT_REGISTERS).toBe(34);
    expect(SP_EL0_INDEX).toBe(31);
    expect(ELR_INDEX).toBe(32);
    expect(SPSR_INDEX).toBe(33);
    expect(SYSCALL_CONVENTIONS.aarch64.registerNames[SPSR_INDEX]).toBe('pstate');
  });

  it('a word write zero-extends into the 64-bit register (as MOV Wn does)', () => {
    const r = new RegisterContexts();
    r.reset(0);
    r.write64(0, 5, 0xffff_ffff_0000_0001n);
    r.write(0, 5, 0x8000_0002);
    expect(r.read64(0, 5)).toBe(0x8000_0002n);
    expect(r.read(0, 5)).toBe(0x8000_0002);
  });

  it('keeps 64-bit values and reads their low word', () => {
    const r = new RegisterContexts();
    r.reset(3);
    r.write64(3, 30, 0x1234_5678_9abc_def0n);
    expect(r.read(3, 30)).toBe(0x9abc_def0);
    expect(r.read64(3, 30)).toBe(0x1234_5678_9abc_def0n);
  });

  it('sanitises SPSR: NZCV kept, EL0t, DAIF/IL/SS cleared', () => {
    // 0xF0300 3C5: NZCV | SS (bit 21) | IL (bit 20) | DAIF | EL1h → 0xF0000000.
    expect(sanitizeSpsr(0xf030_03c5)).toBe(0xf000_0000);
    const r = new RegisterContexts();
    r.reset(0);
    r.write(0, SPSR_INDEX, 0x6000_0005);
    expect(r.read(0, SPSR_INDEX)).toBe(0x6000_0000);
    r.write64(0, SPSR_INDEX, 0xffff_ffff_ffff_ffffn);
    expect(r.read64(0, SPSR_INDEX)).toBe(0xf000_0000n);
  });

  it('grows for many contexts and zeroes a reused one', () => {
    const r = new RegisterContexts();
    r.reset(200);
    r.write(200, 1, 7);
    r.reset(200);
    expect(r.read(200, 1)).toBe(0);
  });

  it('converts to and from the CPU model’s TaskContext', () => {
    const r = new RegisterContexts();
    r.reset(1);
    const x = Array.from({ length: 31 }, (_, i) => BigInt(i) * 0x1_0000_0001n);
    r.fromTaskContext(1, { x, sp: 0x7fff_f000n, pc: 0x40_1004n, spsr: 0x2000_0005 });
    expect(r.toTaskContext(1)).toEqual({ x, sp: 0x7fff_f000n, pc: 0x40_1004n, spsr: 0x2000_0000 });
    expect(() => r.fromTaskContext(1, { x: [], sp: 0n, pc: 0n, spsr: 0 })).toThrow(/31 values/);
  });

  it('refuses a register index outside the file with a typed error', () => {
    const r = new RegisterContexts();
    r.reset(0);
    expect(() => r.read(0, 34)).toThrow(/outside 0\.\.33/);
    expect(() => r.write(0, -1, 0)).toThrow(/outside 0\.\.33/);
  });
});
