// A malicious ordinary thread against a kernel enclave on ArmV8mPort. Its MPU_NS map covers the
// enclave (a hostile grant), so only the SAU's attribution stands in the way: every byte of the
// enclave refuses reads and writes (SecureFault AUVIOL, SFAR = the byte) and fetches (INVEP),
// except a fetch of the SG at a declared entry, which passes the gateway. The enclave's own thread
// runs Secure unprivileged on MPU_S and reaches its memory; the state switches with switchTo; the
// fault becomes the kernel's VmFault; and removing the enclave gives the memory back.

import { FaultLabel } from '@k5/abi';
import { AccessKind } from '@k5/kernel';
import { describe, expect, it } from 'vitest';
import { ArmV8mPort, ExceptionNumber, SFSR } from '../../src/index';
import { ENCLAVE, portWithEnclave, RW, RWX, TASK_RAM } from './port-fixture';

const KINDS = [AccessKind.Read, AccessKind.Write, AccessKind.Execute] as const;
const ENTRIES = new Set(ENCLAVE.entries);

describe('a malicious Non-secure thread probing the enclave', () => {
  it('faults on every byte, for reads, writes and fetches, except the SG at each entry', () => {
    const { port, task } = portWithEnclave();
    let probes = 0;
    let gateways = 0;
    for (let a = ENCLAVE.base; a < ENCLAVE.base + ENCLAVE.size; a++) {
      for (const kind of KINDS) {
        port.clearSecureFault();
        port.lastFault = null;
        const allowed = port.checkAccess(task, a, 1, kind);
        probes++;
        if (kind === AccessKind.Execute && ENTRIES.has(a)) {
          expect(allowed).toBe(true);
          gateways++;
          continue;
        }
        expect(allowed).toBe(false);
        if (kind === AccessKind.Execute) {
          expect(port.lastFault).toMatchObject({
            fault: 'SecureFault',
            cause: 'INVEP',
            address: a,
          });
          expect(port.sfsr).toBe(SFSR.INVEP);
        } else {
          expect(port.lastFault).toEqual({
            allowed: false,
            fault: 'SecureFault',
            cause: 'AUVIOL',
            sfsr: SFSR.AUVIOL | SFSR.SFARVALID,
            sfar: a,
            address: a,
            access: kind === AccessKind.Read ? 'read' : 'write',
          });
          expect(port.sfar).toBe(a);
          expect(port.faultStatus).toMatchObject({ cfsr: 0, sfsr: 0x48, sfar: a });
        }
      }
    }
    expect(probes).toBe(3 * ENCLAVE.size);
    expect(gateways).toBe(ENCLAVE.entries.length);
  });

  it('word accesses at every 4 bytes, and accesses straddling an edge, fault', () => {
    const { port, task } = portWithEnclave();
    for (let a = ENCLAVE.base - 3; a < ENCLAVE.base + ENCLAVE.size; a += a < ENCLAVE.base ? 1 : 4) {
      expect(port.checkAccess(task, a, 4, AccessKind.Read)).toBe(false);
      expect(port.checkAccess(task, a, 4, AccessKind.Write)).toBe(false);
      expect(port.lastFault).toMatchObject({ cause: 'AUVIOL', sfar: Math.max(a, ENCLAVE.base) });
    }
    // From inside the enclave across its top edge: the first byte already faults.
    expect(port.checkAccess(task, ENCLAVE.base + ENCLAVE.size - 2, 4, AccessKind.Read)).toBe(false);
    // A fetch of more than the SG at an entry, or of its second halfword, is INVEP.
    expect(port.checkAccess(task, ENCLAVE.base, 8, AccessKind.Execute)).toBe(false);
    expect(port.checkAccess(task, ENCLAVE.base + 2, 2, AccessKind.Execute)).toBe(false);
    expect(port.lastFault).toMatchObject({ cause: 'INVEP' });
  });

  it('the rest of its hostile grant is ordinary memory it reaches through MPU_NS', () => {
    const { port, task } = portWithEnclave();
    for (const a of [TASK_RAM.base, ENCLAVE.base - 4, ENCLAVE.base + ENCLAVE.size, 0x2000_fffc]) {
      expect(port.checkAccess(task, a, 4, RW)).toBe(true);
    }
    // Past the grant, MPU_NS refuses it as before (a MemManage fault, not a SecureFault).
    expect(port.checkAccess(task, 0x2001_0000, 4, AccessKind.Read)).toBe(false);
    expect(port.lastFault).toMatchObject({ fault: 'MemManage', reason: 'background' });
  });

  it('a SecureFault becomes the kernel VmFault with SFAR as the address and SFSR as the status', () => {
    const { port, task } = portWithEnclave();
    expect(port.checkAccess(task, ENCLAVE.base + 0x40, 4, AccessKind.Read)).toBe(false);
    expect(port.faultMessage(task)).toEqual({
      label: FaultLabel.VmFault,
      words: [0x0800_1000, ENCLAVE.base + 0x40, 0, SFSR.AUVIOL | SFSR.SFARVALID],
      exception: ExceptionNumber.SecureFault,
    });
    expect(port.checkAccess(task, ENCLAVE.base + 0x40, 2, AccessKind.Execute)).toBe(false);
    expect(port.faultMessage(task)).toEqual({
      label: FaultLabel.VmFault,
      words: [0x0800_1000, 0x0800_1000, 1, SFSR.INVEP],
      exception: ExceptionNumber.SecureFault,
    });
  });
});

describe('the enclave thread', () => {
  it('runs Secure unprivileged with its regions in MPU_S; ordinary threads Non-secure on MPU_NS', () => {
    const { port, enclaveThread, task } = portWithEnclave({ mpuRegions: 8 });
    expect(port.security).toBe('secure');
    expect(port.privileged).toBe(true);
    port.switchTo(enclaveThread);
    expect([port.security, port.privileged]).toEqual(['secure', false]);
    // MPU_S region 0: the enclave, RW for any privilege, executable.
    expect(port.secureMpu.regionRegisters(0)).toEqual({
      rbar: ENCLAVE.base | 0b010,
      rlar: (ENCLAVE.base + ENCLAVE.size - 32) | 1,
    });
    port.switchTo(task);
    expect([port.security, port.privileged]).toEqual(['non-secure', false]);
    expect(port.mpu.regionRegisters(0).rbar & ~0x1f).toBe(0x2000_0000);
    port.switchTo(null);
    expect([port.security, port.privileged]).toEqual(['secure', true]);
    expect(port.secureMpu.regionRegisters(0).rlar & 1).toBe(0);
    expect(port.mpu.regionRegisters(0).rlar & 1).toBe(0);
  });

  it('reaches every byte of its own memory, and nothing of a second enclave', () => {
    const { port, enclaveThread } = portWithEnclave();
    for (let a = ENCLAVE.base; a < ENCLAVE.base + ENCLAVE.size; a += 4) {
      expect(port.checkAccess(enclaveThread, a, 4, RWX)).toBe(true);
    }
    const other = { id: 9, base: 0x2000_c000, size: 0x100, entries: [0x2000_c000] };
    port.addEnclave(other);
    expect(port.checkAccess(enclaveThread, other.base, 4, AccessKind.Read)).toBe(false);
    expect(port.lastFault).toMatchObject({ fault: 'MemManage' });
    expect(port.sfsr).toBe(0);
  });
});

describe('removing the enclave', () => {
  it('returns its memory to ordinary memory: the grant works, its thread runs Non-secure', () => {
    const { port, task, enclaveThread } = portWithEnclave();
    expect(port.checkAccess(task, ENCLAVE.base + 0x80, 4, RW)).toBe(false);
    port.removeEnclave(ENCLAVE.id);
    for (let a = ENCLAVE.base; a < ENCLAVE.base + ENCLAVE.size; a += 4) {
      expect(port.checkAccess(task, a, 4, RW)).toBe(true);
    }
    expect(port.enclaveOf(enclaveThread)).toBeNull();
    port.switchTo(enclaveThread);
    expect(port.security).toBe('non-secure');
    // The memory can host a new enclave again.
    expect(port.enclaveRefusal(ENCLAVE)).toBeNull();
  });

  it('a port without enclaves refuses nothing the MPU allows', () => {
    const port = new ArmV8mPort();
    const ctx = port.createContext();
    port.setMemoryMap(ctx, [{ base: ENCLAVE.base, size: ENCLAVE.size, access: RWX }]);
    expect(port.checkAccess(ctx, ENCLAVE.base, ENCLAVE.size, RWX)).toBe(true);
  });
});
