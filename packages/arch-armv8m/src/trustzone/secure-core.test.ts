import { describe, expect, it } from 'vitest';
import { ExceptionNumber } from '../nvic';
import { CONTROL_FPCA, CONTROL_NPRIV, CONTROL_SPSEL, XPSR_T } from '../registers';
import { Sau, SAU_CTRL, SAU_CTRL_ALLNS } from '../sau';
import { TrustZoneError } from './errors';
import { TrustZoneCore } from './secure-core';
import { SCB_SFAR, SCB_SFSR } from './sfsr';

/** Everything Non-secure except 0x3000_0000.. (SAU off with ALLNS, IDAU marks it Secure). */
function core(): TrustZoneCore {
  const sau = new Sau({ regions: 4, idau: (a) => (a >= 0x3000_0000 && a < 0x4000_0000 ? 2 : 0) });
  sau.write(SAU_CTRL, SAU_CTRL_ALLNS);
  const c = new TrustZoneCore({ sau });
  c.regs.msp = 0x3000_8000;
  c.setBanked('non-secure', { msp: 0x2000_8000 });
  c.takeException(ExceptionNumber.SVCall, true);
  return c;
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof TrustZoneError) return e.code;
    throw e;
  }
  return undefined;
}

describe('TrustZoneCore', () => {
  it('resets Secure, privileged, and banks MSP/PSP/CONTROL per state', () => {
    const c = core();
    expect(c.security).toBe('secure');
    expect(c.regs.privileged).toBe(true);
    expect(c.regs.msp).toBe(0x3000_8000 - 0x20);
    expect(c.banked('non-secure').msp).toBe(0x2000_8000);
    c.setBanked('secure', { basepri: 0x40 });
    expect(c.regs.basepri).toBe(0x40);
  });

  it('resuming a thread replaces every kernel register with the thread context', () => {
    const c = core();
    for (let i = 0; i <= 12; i++) c.regs.set(i, 0xdead_0000 + i);
    const r = Array.from({ length: 13 }, (_, i) => 0x1000 + i);
    const excReturn = c.resumeThread('non-secure', {
      r,
      sp: 0x2000_4000,
      lr: 0x55,
      pc: 0x0800_0401,
      xpsr: XPSR_T | 0x3ff,
    });
    expect(excReturn).toBe(0xffffffbd);
    expect(c.security).toBe('non-secure');
    expect(Array.from({ length: 13 }, (_, i) => c.regs.get(i))).toEqual(r);
    expect(c.regs.sp).toBe(0x2000_4000);
    expect(c.regs.pc).toBe(0x0800_0400);
    expect(c.regs.xpsr).toBe(XPSR_T); // no exception number, no realignment bit
    expect(c.regs.control & (CONTROL_NPRIV | CONTROL_SPSEL)).toBe(CONTROL_NPRIV | CONTROL_SPSEL);
    // The Secure kernel's MSP is banked away as its handler left it.
    expect(c.banked('secure').msp).toBe(0x3000_8000 - 0x20);
  });

  it('a Secure kernel interrupting a Non-secure task gets EXC_RETURN ES = 1, S = 0', () => {
    const c = core();
    c.resumeThread('non-secure', { r: [], sp: 0x2000_4000, lr: 0, pc: 0x0800_0400, xpsr: XPSR_T });
    c.regs.set(4, 0x4444);
    expect(c.takeException(ExceptionNumber.SysTick, true)).toBe(0xffffffbd);
    expect(c.security).toBe('secure');
    // Secure handlers see the Non-secure registers (the kernel saves them itself).
    expect(c.regs.get(4)).toBe(0x4444);
    expect(c.returnFromException(0xffffffbd)).toEqual({ ok: true });
    expect(c.security).toBe('non-secure');
    expect(c.regs.sp).toBe(0x2000_4000);
  });

  it('a Non-secure exception over Non-secure code zeroes the stacked r0-r3, r12 and flags only', () => {
    const c = core();
    c.resumeThread('non-secure', { r: [], sp: 0x2000_4000, lr: 0, pc: 0x0800_0400, xpsr: XPSR_T });
    for (let i = 0; i <= 12; i++) c.regs.set(i, 0x100 + i);
    c.regs.xpsr = (XPSR_T | 0xf000_0000) >>> 0;
    expect(c.takeException(16 + 3, false)).toBe(0xffffffbc);
    expect(Array.from({ length: 13 }, (_, i) => c.regs.get(i))).toEqual([
      0, 0, 0, 0, 0x104, 0x105, 0x106, 0x107, 0x108, 0x109, 0x10a, 0x10b, 0,
    ]);
    expect(c.regs.xpsr >>> 28).toBe(0);
    expect(c.returnFromException(0xffffffbc)).toEqual({ ok: true });
    expect(c.regs.get(0)).toBe(0x100);
    expect(c.regs.get(12)).toBe(0x10c);
    expect(c.regs.xpsr >>> 28).toBe(0xf);
  });

  it('SFSR and SFAR are Secure-only registers; SFSR is write-one-to-clear', () => {
    const c = core();
    c.resumeThread('non-secure', { r: [], sp: 0x2000_4000, lr: 0, pc: 0x0800_0400, xpsr: XPSR_T });
    expect(c.checkAccess(0x3000_0010, 4, 'read').allowed).toBe(false);
    expect(code(() => c.readRegister(SCB_SFSR))).toBe('wrong-state');
    c.takeException(ExceptionNumber.SecureFault, true);
    expect(c.readRegister(SCB_SFSR)).toBe(0x48);
    expect(c.readRegister(SCB_SFAR)).toBe(0x3000_0010);
    c.clearSecureFault(0x08);
    expect(c.readRegister(SCB_SFSR)).toBe(0x40);
  });

  it('refuses what it does not model and transitions from the wrong state', () => {
    const c = core();
    c.resumeThread('secure', { r: [], sp: 0x3000_4000, lr: 0, pc: 0x1000_0000, xpsr: XPSR_T });
    c.regs.control |= CONTROL_FPCA;
    expect(code(() => c.takeException(16, false))).toBe('unsupported');
    expect(code(() => c.returnFromException(0xfffffffd))).toBe('wrong-state');
    expect(code(() => c.branchFromNonSecure(0x0800_0000))).toBe('wrong-state');
    expect(
      code(() => c.resumeThread('secure', { r: [], sp: 0x3000_4004, lr: 0, pc: 0, xpsr: 0 })),
    ).toBe('wrong-state');
  });
});
