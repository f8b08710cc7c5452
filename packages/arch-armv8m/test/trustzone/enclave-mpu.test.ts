// Enclaves from each other and from the kernel's data: an enclave runs Secure and unprivileged,
// so the Secure MPU decides what it reaches. With the keystore's regions loaded in MPU_S
// (enclaveRegionRequests, solved) and PRIVDEFENA set, the keystore reaches its own code (read,
// execute) and data (read, write) and nothing else: not the second enclave, not the kernel's
// data, not even task memory. The kernel, Secure and privileged, keeps the default map.

import { describe, expect, it } from 'vitest';
import type { MemoryAccess } from '../../src/index';
import {
  bootMachine,
  COUNTER,
  ENCLAVE_CODE,
  ENCLAVE_SP,
  KERNEL_DATA,
  KEYSTORE,
  NS_RAM,
  threadWith,
} from './fixture';

const KINDS: MemoryAccess[] = ['read', 'write', 'execute'];

describe('the Secure MPU confines an enclave to its own memory', () => {
  it('the keystore gets exactly its permissions on its own memory', () => {
    const core = bootMachine();
    core.resumeThread('secure', threadWith([], ENCLAVE_SP, ENCLAVE_CODE));
    expect(core.security).toBe('secure');
    expect(core.regs.privileged).toBe(false);
    const rights = (a: number) => KINDS.map((k) => core.checkAccess(a, 4, k).allowed);
    const [code, data] = KEYSTORE.memory;
    for (const a of [code!.base, code!.base + code!.size - 4]) {
      expect(rights(a)).toEqual([true, false, true]);
    }
    for (const a of [data!.base, data!.base + data!.size - 4]) {
      expect(rights(a)).toEqual([true, true, false]);
    }
  });

  it('and nothing else: the other enclave, the kernel data, task memory all MemManage', () => {
    const core = bootMachine();
    core.resumeThread('secure', threadWith([], ENCLAVE_SP, ENCLAVE_CODE));
    const others = [
      ...COUNTER.memory.flatMap((m) => [m.base, m.base + m.size - 4]),
      KERNEL_DATA,
      NS_RAM.base,
      KEYSTORE.memory[1]!.base + KEYSTORE.memory[1]!.size, // one past its data
    ];
    for (const a of others) {
      for (const k of KINDS) {
        expect(core.checkAccess(a, 4, k)).toMatchObject({
          allowed: false,
          fault: 'MemManage',
          reason: 'background',
          address: a,
        });
      }
    }
    // No SecureFault: these are the Secure state's own MPU refusals.
    expect(core.sfsr).toBe(0);
  });

  it('the kernel, Secure and privileged, reaches every enclave and its own data', () => {
    const core = bootMachine();
    expect(core.regs.privileged).toBe(true);
    for (const a of [KEYSTORE.memory[1]!.base, COUNTER.memory[1]!.base, KERNEL_DATA]) {
      expect(core.checkAccess(a, 4, 'write').allowed).toBe(true);
    }
  });
});
