// A malicious Non-secure task probes every byte of the enclave's memory and gateway with reads,
// writes and fetches, and straddling accesses from the edges: every one is a SecureFault
// (AUVIOL with SFAR at the first Secure byte for data, INVEP for fetches). Its own memory stays
// reachable. The checker combines the SAU with the IDAU: an SAU region cannot make the IDAU's
// Secure alias Non-secure.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkNonSecureAccess,
  type MemoryAccess,
  planSau,
  applySauPlan,
  Sau,
  SFSR,
} from '../../src/index';
import {
  bootMachine,
  ENCLAVE_RANGES,
  idau,
  KEYSTORE,
  NS_FLASH,
  NS_RAM,
  TASK_CODE,
  TASK_SP,
  threadWith,
} from './fixture';

const ACCESSES: MemoryAccess[] = ['read', 'write', 'execute'];

describe('a malicious Non-secure task probing the enclave', () => {
  it('faults on every byte of the enclave, for every access kind', () => {
    const core = bootMachine();
    core.resumeThread('non-secure', threadWith([], TASK_SP, TASK_CODE));
    let probes = 0;
    for (const range of ENCLAVE_RANGES) {
      for (let a = range.base; a < range.base + range.size; a++) {
        for (const access of ACCESSES) {
          core.clearSecureFault();
          const result = core.checkAccess(a, 1, access);
          if (result.allowed) throw new Error(`${access} of 0x${a.toString(16)} was allowed`);
          if (access === 'execute') {
            expect(result.fault).toEqual({ cause: 'INVEP', sfsr: SFSR.INVEP });
          } else {
            expect(result.fault).toEqual({
              cause: 'AUVIOL',
              sfsr: SFSR.AUVIOL | SFSR.SFARVALID,
              sfar: a,
            });
            expect(core.sfar).toBe(a);
          }
          probes++;
        }
      }
    }
    expect(probes).toBe(3 * (0x1000 + 0x800 + 0x40));
  });

  it('word accesses straddling an enclave edge fault at the first enclave byte', () => {
    const core = bootMachine();
    core.resumeThread('non-secure', threadWith([], TASK_SP, TASK_CODE));
    // The gateway sits at the end of a 0x1000_xxxx block; probe from below each enclave range.
    for (const range of ENCLAVE_RANGES) {
      for (let back = 1; back <= 3; back++) {
        const result = core.checkAccess(range.base - back, 4, 'read');
        expect(result.allowed).toBe(false);
      }
    }
  });

  it('its own flash (read, execute) and RAM (read, write) stay reachable through its MPU', () => {
    const core = bootMachine();
    core.resumeThread('non-secure', threadWith([], TASK_SP, TASK_CODE));
    const allowed = (a: number, access: MemoryAccess) => core.checkAccess(a, 4, access).allowed;
    for (const a of [NS_FLASH.base, NS_FLASH.base + NS_FLASH.size - 4]) {
      expect([allowed(a, 'read'), allowed(a, 'write'), allowed(a, 'execute')]).toEqual([
        true,
        false,
        true,
      ]);
    }
    for (const a of [NS_RAM.base, NS_RAM.base + NS_RAM.size - 4]) {
      expect([allowed(a, 'read'), allowed(a, 'write'), allowed(a, 'execute')]).toEqual([
        true,
        true,
        false,
      ]);
    }
    // The refusals came from MPU_NS (MemManage), not from attribution.
    expect(core.checkAccess(NS_RAM.base, 4, 'execute')).toMatchObject({ fault: 'MemManage' });
    expect(core.sfsr).toBe(0);
  });

  it('attribution comes first: a Non-secure MPU region over the enclave does not help', () => {
    const core = bootMachine();
    // A hostile Non-secure OS opens its own MPU over the enclave's data, unprivileged RW.
    core.nonSecureMpu.setRegion(7, 0x3000_4000 | (0b01 << 1), 0x3000_47e0 | 1);
    core.resumeThread('non-secure', threadWith([], TASK_SP, TASK_CODE));
    expect(core.checkAccess(0x3000_4100, 4, 'read')).toEqual({
      allowed: false,
      fault: { cause: 'AUVIOL', sfsr: SFSR.AUVIOL | SFSR.SFARVALID, sfar: 0x3000_4100 },
    });
  });

  it('random accesses: allowed exactly when every byte lies in Non-secure memory', () => {
    const sau = new Sau({ regions: 8, idau });
    applySauPlan(sau, planSau({ nonSecure: [NS_FLASH, NS_RAM], enclaves: [KEYSTORE] }, 8));
    const inRange = (a: number, r: { base: number; size: number }) =>
      a >= r.base && a < r.base + r.size;
    const address = fc.oneof(
      ...[...ENCLAVE_RANGES, NS_FLASH, NS_RAM].map((r) =>
        fc.integer({ min: r.base - 64, max: r.base + r.size + 64 }),
      ),
    );
    fc.assert(
      fc.property(
        address,
        fc.integer({ min: 1, max: 64 }),
        fc.constantFrom(...ACCESSES),
        (a, size, access) => {
          let nonSecure = true;
          for (let b = a; b < a + size; b++) {
            if (!inRange(b, NS_FLASH) && !inRange(b, NS_RAM)) nonSecure = false;
          }
          const result = checkNonSecureAccess(sau, a, size, access);
          expect(result.allowed).toBe(nonSecure);
          if (!result.allowed && access !== 'execute') {
            // SFAR: the first byte that is not Non-secure.
            let first = a;
            while (inRange(first, NS_FLASH) || inRange(first, NS_RAM)) first++;
            expect(result.fault.sfar).toBe(first);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('the IDAU wins over the SAU: an SAU region over the Secure alias stays Secure', () => {
    const sau = new Sau({ regions: 8, idau });
    sau.setRegion(0, 0x3000_0000, 0x3000_ffff, false);
    sau.write(0xe000edd0, 1);
    expect(checkNonSecureAccess(sau, 0x3000_0100, 4, 'read')).toEqual({
      allowed: false,
      fault: { cause: 'AUVIOL', sfsr: SFSR.AUVIOL | SFSR.SFARVALID, sfar: 0x3000_0100 },
    });
    // With no IDAU the same SAU region is Non-secure.
    const plain = new Sau({ regions: 8 });
    plain.setRegion(0, 0x3000_0000, 0x3000_ffff, false);
    plain.write(0xe000edd0, 1);
    expect(checkNonSecureAccess(plain, 0x3000_0100, 4, 'read')).toEqual({ allowed: true });
    // SAU disabled and ALLNS clear: everything Secure; exempt PPB addresses keep the access's state.
    const off = new Sau({ regions: 8 });
    expect(checkNonSecureAccess(off, 0x2000_0000, 4, 'read').allowed).toBe(false);
    expect(checkNonSecureAccess(off, 0xe000_e010, 4, 'read').allowed).toBe(true);
  });
});
