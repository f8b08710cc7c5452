// A Non-secure interrupt preempting an enclave (Secure, unprivileged, Thread mode on its PSP):
// the PE stacks the basic frame and the additional state context (integrity signature, r4-r11)
// on the enclave's Secure stack, clears r0-r12 and the flags, and enters the Non-secure handler
// with EXC_RETURN 0xfffffffc (S = 1, DCRS = 1, ES = 0). Nothing the Non-secure side can read (the
// registers, its banked registers, any memory it may access) holds an enclave value; its
// attempts to read the Secure frame fault. The handler's return restores every enclave register.
// A forged return is refused: ES = 1 from a Non-secure handler is INVER, a frame without the
// signature is INVIS.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExceptionNumber, IRQ_BASE, SFSR, type TrustZoneCore, XPSR_T } from '../../src/index';
import { bootMachine, ENCLAVE_CODE, ENCLAVE_SP, TASK_CODE, TASK_SP, threadWith } from './fixture';

const UART_IRQ = 5;
const FLAGS = 0xf80f0000; // N Z C V Q and GE[3:0]

interface EnclaveState {
  r: number[];
  lr: number;
  flags: number;
}

/** The kernel resumes the enclave, which then fills its registers with secrets. */
function enclaveRunning(secret: EnclaveState): TrustZoneCore {
  const core = bootMachine();
  core.resumeThread('secure', threadWith([], ENCLAVE_SP, ENCLAVE_CODE));
  secret.r.forEach((v, i) => {
    core.regs.set(i, v);
  });
  core.regs.lr = secret.lr;
  core.regs.xpsr = (XPSR_T | (secret.flags & FLAGS)) >>> 0;
  core.regs.pc = ENCLAVE_CODE + 0x24;
  return core;
}

/** Everything the Non-secure handler can see without a fault. */
function nonSecureView(core: TrustZoneCore): number[] {
  const r = core.regs;
  const bank = core.banked('non-secure');
  return [
    ...Array.from({ length: 13 }, (_, i) => r.get(i)),
    r.lr,
    r.pc,
    r.xpsr & FLAGS,
    bank.msp,
    bank.psp,
    bank.control,
  ];
}

// Secrets below the EXC_RETURN range, so that a value in the Non-secure view can only be a leak.
const word = fc.integer({ min: 0x1000, max: 0xefff_ffff });
const secretState = fc.record({
  r: fc.array(word, { minLength: 13, maxLength: 13 }),
  lr: word,
  flags: fc.integer({ min: 0, max: 0xffff_ffff }).map((f) => (f & FLAGS) >>> 0 || 0x8000_0000),
});

describe('a Non-secure interrupt preempting an enclave', () => {
  it('stacks the additional state context and hands the handler cleared registers', () => {
    const secret: EnclaveState = {
      r: Array.from({ length: 13 }, (_, i) => 0x5ec0_0000 + i),
      lr: 0x1000_8233,
      flags: 0xf0000000,
    };
    const core = enclaveRunning(secret);
    expect(core.security).toBe('secure');
    expect(core.regs.privileged).toBe(false);
    const excReturn = core.takeException(IRQ_BASE + UART_IRQ, false);
    expect(excReturn).toBe(0xfffffffc);
    expect(core.security).toBe('non-secure');
    expect(core.regs.ipsr).toBe(IRQ_BASE + UART_IRQ);
    for (let i = 0; i <= 12; i++) expect(core.regs.get(i)).toBe(0);
    expect(core.regs.xpsr & FLAGS).toBe(0);
    // The Secure stack: signature, reserved, r4-r11, then r0-r3, r12, LR, PC, xPSR.
    const psp = core.banked('secure').psp;
    expect(psp).toBe(ENCLAVE_SP - 0x48);
    const stacked = Array.from({ length: 18 }, (_, i) => core.memory.readWord(psp + i * 4));
    expect(stacked).toEqual([
      0xfefa125b,
      0,
      ...secret.r.slice(4, 12),
      ...secret.r.slice(0, 4),
      secret.r[12],
      secret.lr,
      ENCLAVE_CODE + 0x24,
      (XPSR_T | secret.flags) >>> 0,
    ]);
    // The handler may not read any of it.
    for (let a = psp; a < ENCLAVE_SP; a += 4) {
      expect(core.checkAccess(a, 4, 'read')).toMatchObject({
        allowed: false,
        fault: { cause: 'AUVIOL', sfar: a },
      });
    }
  });

  it('what the Non-secure handler sees does not depend on the enclave registers at all', () => {
    fc.assert(
      fc.property(secretState, secretState, (a, b) => {
        const ca = enclaveRunning(a);
        const cb = enclaveRunning(b);
        ca.takeException(IRQ_BASE + UART_IRQ, false);
        cb.takeException(IRQ_BASE + UART_IRQ, false);
        expect(nonSecureView(ca)).toEqual(nonSecureView(cb));
      }),
      { numRuns: 200 },
    );
  });

  it('leaks no register value to the Non-secure side, and the return restores all of them', () => {
    fc.assert(
      fc.property(
        secretState,
        fc.array(word, { minLength: 13, maxLength: 13 }),
        (secret, clobber) => {
          const core = enclaveRunning(secret);
          const securePsp = core.regs.psp;
          core.takeException(IRQ_BASE + UART_IRQ, false);
          const view = new Set(nonSecureView(core));
          for (const v of [...secret.r, secret.lr]) expect(view.has(v)).toBe(false);
          // The handler runs: it clobbers every general register, then returns.
          clobber.forEach((v, i) => {
            core.regs.set(i, v);
          });
          const lr = core.regs.lr;
          expect(core.returnFromException(lr)).toEqual({ ok: true });
          expect(core.security).toBe('secure');
          expect(core.regs.handlerMode).toBe(false);
          expect(core.regs.privileged).toBe(false);
          expect(Array.from({ length: 13 }, (_, i) => core.regs.get(i))).toEqual(secret.r);
          expect(core.regs.lr).toBe(secret.lr);
          expect(core.regs.pc).toBe(ENCLAVE_CODE + 0x24);
          expect(core.regs.xpsr).toBe((XPSR_T | secret.flags) >>> 0);
          expect(core.regs.sp).toBe(securePsp);
          expect(core.sfsr).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a Secure interrupt (the kernel tick) preempts the enclave without the additional context', () => {
    const core = enclaveRunning({ r: Array(13).fill(7), lr: 1, flags: 0 });
    expect(core.takeException(ExceptionNumber.SysTick, true)).toBe(0xfffffffd);
    expect(core.security).toBe('secure');
    expect(core.regs.psp).toBe(ENCLAVE_SP - 0x20);
    expect(core.returnFromException(0xfffffffd)).toEqual({ ok: true });
    expect(core.regs.get(4)).toBe(7);
  });

  it('a handler claiming a Secure exception (ES = 1) is INVER, and nothing is unstacked', () => {
    const core = enclaveRunning({ r: Array(13).fill(9), lr: 1, flags: 0 });
    core.takeException(IRQ_BASE + UART_IRQ, false);
    const result = core.returnFromException(0xfffffffd);
    expect(result).toEqual({ ok: false, fault: { cause: 'INVER', sfsr: SFSR.INVER } });
    expect(core.security).toBe('non-secure');
    expect(core.regs.handlerMode).toBe(true);
    expect(core.regs.get(4)).toBe(0);
    // DCRS = 0 from a Non-secure handler is INVER too.
    expect(core.returnFromException(0xffffffdc)).toMatchObject({
      ok: false,
      fault: { cause: 'INVER' },
    });
  });

  it('a forged return into a Secure stack without the integrity signature is INVIS', () => {
    // A Non-secure task (no enclave interrupted) takes a Non-secure interrupt, and its handler
    // returns with S = 1 to smuggle itself into Secure Thread mode.
    const core = bootMachine();
    core.setBanked('secure', { psp: ENCLAVE_SP - 0x48 });
    core.resumeThread('non-secure', threadWith([], TASK_SP, TASK_CODE));
    expect(core.takeException(IRQ_BASE + UART_IRQ, false)).toBe(0xffffffbc);
    const result = core.returnFromException(0xfffffffc);
    expect(result).toEqual({ ok: false, fault: { cause: 'INVIS', sfsr: SFSR.INVIS } });
    expect(core.security).toBe('non-secure');
    // Writing a signature there first is an attribution violation.
    expect(core.checkAccess(ENCLAVE_SP - 0x48, 4, 'write').allowed).toBe(false);
    expect(core.sfsr).toBe(SFSR.INVIS | SFSR.AUVIOL | SFSR.SFARVALID);
  });
});
