// Entering a TrustZone-M enclave: a Non-secure task gets in only at a declared entry (an SG in
// the enclave's Non-secure callable gateway); every other address of the gateway and of the
// enclave's own memory is SecureFault INVEP and leaves the task Non-secure where it was. The
// enclave leaves with BXNS; a plain branch from Secure code into Non-secure memory is INVTRAN.

import { describe, expect, it } from 'vitest';
import { SFSR, type TrustZoneCore } from '../../src/index';
import { bootMachine, KEYSTORE, TASK_CODE, TASK_SP, threadWith } from './fixture';

function nonSecureTask(): TrustZoneCore {
  const core = bootMachine();
  core.resumeThread('non-secure', threadWith([], TASK_SP, TASK_CODE, 0x0804_0301));
  return core;
}

describe('enclave entry through its gateway', () => {
  it('the task runs Non-secure, unprivileged, on its PSP', () => {
    const core = nonSecureTask();
    expect(core.security).toBe('non-secure');
    expect(core.regs.handlerMode).toBe(false);
    expect(core.regs.privileged).toBe(false);
    expect(core.regs.sp).toBe(TASK_SP);
    expect(core.regs.pc).toBe(TASK_CODE);
  });

  it('a declared entry switches to Secure state after the SG, with LR bit 0 cleared', () => {
    for (const entry of KEYSTORE.entries) {
      const core = nonSecureTask();
      core.regs.lr = 0x0804_0301; // BL sets LR to the return address with the Thumb bit
      expect(core.branchFromNonSecure(entry | 1)).toEqual({ ok: true });
      expect(core.security).toBe('secure');
      expect(core.regs.pc).toBe(entry + 4);
      expect(core.regs.lr).toBe(0x0804_0300);
      expect(core.sfsr).toBe(0);
      // The enclave returns with BXNS LR: back to Non-secure state at the caller.
      expect(core.branchFromSecure(core.regs.lr, 'bxns')).toEqual({ ok: true });
      expect(core.security).toBe('non-secure');
      expect(core.regs.pc).toBe(0x0804_0300);
      // The task's banked stack survived the round trip.
      expect(core.regs.sp).toBe(TASK_SP);
    }
  });

  it('every other halfword of the gateway and of the enclave is an invalid entry point', () => {
    const core = nonSecureTask();
    const declared = new Set(KEYSTORE.entries);
    let probes = 0;
    for (const range of [KEYSTORE.gateway, ...KEYSTORE.memory]) {
      for (let a = range.base; a < range.base + range.size; a += 2) {
        if (declared.has(a)) continue;
        core.clearSecureFault();
        const result = core.branchFromNonSecure(a | 1);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.fault).toEqual({ cause: 'INVEP', sfsr: SFSR.INVEP });
        expect(core.sfsr).toBe(SFSR.INVEP);
        expect(core.security).toBe('non-secure');
        expect(core.regs.pc).toBe(TASK_CODE);
        probes++;
      }
    }
    expect(probes).toBe((0x40 + 0x1000 + 0x800) / 2 - KEYSTORE.entries.length);
  });

  it('a branch to Non-secure memory stays Non-secure', () => {
    const core = nonSecureTask();
    expect(core.branchFromNonSecure(TASK_CODE + 0x40)).toEqual({ ok: true });
    expect(core.security).toBe('non-secure');
    expect(core.regs.pc).toBe(TASK_CODE + 0x40);
  });

  it('Secure code reaching Non-secure memory with a plain branch is INVTRAN', () => {
    const core = nonSecureTask();
    core.branchFromNonSecure(KEYSTORE.entries[0]!);
    expect(core.branchFromSecure(TASK_CODE, 'bx')).toEqual({
      ok: false,
      fault: { cause: 'INVTRAN', sfsr: SFSR.INVTRAN },
    });
    expect(core.security).toBe('secure');
    // BXNS with bit 0 set stays Secure (a Secure target).
    expect(core.branchFromSecure(0x1000_8101, 'bxns')).toEqual({ ok: true });
    expect(core.security).toBe('secure');
    expect(core.regs.pc).toBe(0x1000_8100);
  });
});
