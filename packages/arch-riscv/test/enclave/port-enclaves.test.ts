// The kernel's enclave hooks on RiscvPort (addEnclave, setEnclave, removeEnclave), driven the
// way the kernel and the MachineCodeRunner drive them: the real pmpcfg/pmpaddr CSRs on entry
// to and exit from an enclave thread, access checks and machine-code probes of every address
// of enclave memory from a thread whose grants cover it, refusals that change nothing, and the
// memory returning to normal when the enclave goes.
import { AccessKind } from '@k5/kernel';
import { describe, expect, it } from 'vitest';
import { CSR_MTVAL, CSR_PMPADDR0, CSR_PMPCFG0 } from '../../src/csr';
import { DEFAULT_MONITOR_MEMORY, RiscvError, RiscvPort } from '../../src/index';
import { ExceptionCause } from '../../src/trap';
import { lbu, lw, sw } from '../asm';
import {
  csrEntry,
  ENCLAVE,
  loaderImage,
  osThread,
  PC,
  portMachine,
  probe,
  RAM,
  RAM_SIZE,
  runOnHart,
  RWX,
  SHARED,
  SMALL,
} from './port-machine';

const KINDS = [AccessKind.Read, AccessKind.Write, AccessKind.Execute] as const;
const ENCLAVE_GRANT = { base: ENCLAVE.base, size: ENCLAVE.size, access: RWX };

/** A port with two enclaves, an OS thread over all RAM and a thread of ENCLAVE. */
function twoEnclaves() {
  const port = portMachine();
  const os = osThread(port);
  port.bus.load(ENCLAVE.base, loaderImage(Array.from({ length: 31 }, (_, i) => i + 1)));
  port.addEnclave(ENCLAVE);
  port.addEnclave(SMALL);
  const inside = port.createContext();
  port.setMemoryMap(inside, [SHARED, ENCLAVE_GRANT]);
  port.setEnclave(inside, ENCLAVE);
  port.writeRegister(inside, PC, ENCLAVE.base);
  return { port, os, inside };
}

/** Every pmpcfg and pmpaddr CSR of the hart. */
function pmpCsrs(port: RiscvPort): number[] {
  return [
    ...[0, 1, 2, 3].map((n) => port.hart.readCsr(CSR_PMPCFG0 + n)),
    ...Array.from({ length: 16 }, (_, i) => port.hart.readCsr(CSR_PMPADDR0 + i)),
  ];
}

describe('PMP CSRs on entry to and exit from an enclave thread', () => {
  it('hold the locked monitor entry, the guards and the running thread layout', () => {
    const { port, os, inside } = twoEnclaves();
    const first = port.monitor!.firstOsEntry;
    expect(first).toBe(5); // monitor entry, four guards (default maxEnclaves)
    const monitorEntry = { locked: true, a: 3, perms: '---', ...DEFAULT_MONITOR_MEMORY };
    const guard = (e: typeof ENCLAVE, perms: string) => ({
      locked: false,
      a: 3,
      perms,
      base: e.base,
      size: e.size,
    });
    const off = { locked: false, a: 0, perms: '---' };

    port.switchTo(inside);
    expect(csrEntry(port, 0)).toEqual(monitorEntry);
    expect(csrEntry(port, 1)).toEqual(guard(ENCLAVE, 'rwx'));
    expect(csrEntry(port, 2)).toEqual(guard(SMALL, '---'));
    expect([3, 4].map((i) => csrEntry(port, i))).toEqual([off, off]);
    // Its own memory needs no entry of its layout: only the shared buffer is there.
    expect(csrEntry(port, first)).toEqual({
      locked: false,
      a: 3,
      perms: 'rw-',
      base: SHARED.base,
      size: SHARED.size,
    });
    for (let i = first + 1; i < 16; i++) expect(csrEntry(port, i)).toEqual(off);

    port.switchTo(os);
    expect(csrEntry(port, 0)).toEqual(monitorEntry);
    expect(csrEntry(port, 1)).toEqual(guard(ENCLAVE, '---'));
    expect(csrEntry(port, 2)).toEqual(guard(SMALL, '---'));
    expect(csrEntry(port, first)).toEqual({
      locked: false,
      a: 3,
      perms: 'rwx',
      base: RAM,
      size: RAM_SIZE,
    });

    port.switchTo(null);
    expect(csrEntry(port, 1)).toEqual(guard(ENCLAVE, '---'));
    for (let i = first; i < 16; i++) expect(csrEntry(port, i)).toEqual(off);
    // The OS side cannot unlock or move the monitor's entry.
    port.hart.writeCsr(CSR_PMPCFG0, 0);
    port.hart.writeCsr(CSR_PMPADDR0, 0);
    expect(csrEntry(port, 0)).toEqual(monitorEntry);
  });

  it('describe each thread the same way the hart holds it when it runs', () => {
    const { port, os, inside } = twoEnclaves();
    for (const ctx of [inside, os]) {
      port.switchTo(ctx);
      const live = port.describePmp(ctx);
      expect(live.length).toBeGreaterThan(2);
      for (const d of live) {
        const e = csrEntry(port, d.index);
        expect(d.permissions.startsWith(e.perms), d.text).toBe(true);
        if (e.base !== undefined) expect([d.start, d.end]).toEqual([e.base, e.base + e.size!]);
      }
    }
  });
});

describe('enclave memory and non-enclave contexts', () => {
  it('checkAccess refuses every word (every byte of the small one) to the OS side', () => {
    const { port, os, inside } = twoEnclaves();
    for (const kind of KINDS) {
      for (let a = ENCLAVE.base; a < ENCLAVE.base + ENCLAVE.size; a += 4) {
        expect(port.checkAccess(os, a, 4, kind)).toBe(false);
        expect(port.checkAccess(inside, a, 4, kind)).toBe(true);
      }
      for (let a = SMALL.base; a < SMALL.base + SMALL.size; a++) {
        expect(port.checkAccess(os, a, 1, kind)).toBe(false);
        expect(port.checkAccess(inside, a, 1, kind)).toBe(false);
      }
      const monitor = DEFAULT_MONITOR_MEMORY;
      for (let a = monitor.base; a < monitor.base + monitor.size; a += 4) {
        expect(port.checkAccess(os, a, 4, kind)).toBe(false);
        expect(port.checkAccess(inside, a, 4, kind)).toBe(false);
      }
      // The rest of RAM is the OS thread's as granted; the enclave thread has its shared buffer.
      expect(port.checkAccess(os, RAM + 0x1000, 4, kind)).toBe(true);
      expect(port.checkAccess(inside, RAM + 0x1000, 4, kind)).toBe(false);
    }
    expect(port.checkAccess(inside, SHARED.base, 4, AccessKind.Write)).toBe(true);
    // An access straddling the enclave's edge is refused as a whole.
    expect(port.checkAccess(os, ENCLAVE.base - 2, 4, AccessKind.Read)).toBe(false);
  });

  for (const [what, op, cause] of [
    ['load', lw(7, 10, 0), ExceptionCause.LoadAccessFault],
    ['store', sw(10, 10, 0), ExceptionCause.StoreAccessFault],
  ] as const) {
    it(`a machine-code ${what} of every word faults with mcause ${cause} and mtval = the address`, () => {
      const { port, os } = twoEnclaves();
      const before = port.bus.dump(ENCLAVE.base, ENCLAVE.size);
      const faults = probe(port, os, op, ENCLAVE.base, ENCLAVE.base + ENCLAVE.size, 4);
      expect(faults).toEqual(
        Array.from({ length: ENCLAVE.size / 4 }, (_, i) => ({
          cause,
          mtval: ENCLAVE.base + 4 * i,
        })),
      );
      expect(port.bus.dump(ENCLAVE.base, ENCLAVE.size)).toEqual(before);
    });
  }

  it('a byte load of every byte of the small enclave faults (mcause 5)', () => {
    const { port, os } = twoEnclaves();
    const faults = probe(port, os, lbu(7, 10, 0), SMALL.base, SMALL.base + SMALL.size, 1);
    expect(faults).toEqual(
      Array.from({ length: SMALL.size }, (_, i) => ({
        cause: ExceptionCause.LoadAccessFault,
        mtval: SMALL.base + i,
      })),
    );
  });

  it('a jump to every halfword of enclave memory, entries included, faults on the fetch (mcause 1)', () => {
    const { port, os } = twoEnclaves();
    for (let a = ENCLAVE.base; a < ENCLAVE.base + ENCLAVE.size; a += 2) {
      port.writeRegister(os, PC, a);
      const exit = runOnHart(port, os, 1);
      expect(exit).toEqual({
        trapped: true,
        mcause: ExceptionCause.InstructionAccessFault,
        mtval: a,
      });
    }
  });

  it('the probe still reaches the rest of RAM', () => {
    const { port, os } = twoEnclaves();
    expect(probe(port, os, lw(7, 10, 0), RAM + 0x1000, RAM + 0x2000, 4)).toEqual([]);
  });

  it('the enclave thread runs its code and reaches its memory, not the other enclave', () => {
    const { port, inside } = twoEnclaves();
    const exit = runOnHart(port, inside, 200);
    expect(exit.trapped).toBe(false);
    // It loaded x1..x31 from its table (1..31) and spins at the j . after the loads.
    for (let r = 1; r < 32; r++) expect(port.readRegister(inside, r)).toBe(r);
    expect(port.readRegister(inside, PC)).toBe(ENCLAVE.base + 32 * 4);
    port.writeRegister(inside, 10, SMALL.base);
    port.bus.load(ENCLAVE.base + 0x800, new Uint8Array(new Uint32Array([lw(7, 10, 0)]).buffer));
    port.writeRegister(inside, PC, ENCLAVE.base + 0x800);
    expect(runOnHart(port, inside, 1)).toEqual({
      trapped: true,
      mcause: ExceptionCause.LoadAccessFault,
      mtval: SMALL.base,
    });
    // The kernel got the address; the hart kept nothing of it.
    expect(port.hart.registers()).toEqual(new Array(32).fill(0));
    expect(port.hart.readCsr(CSR_MTVAL)).toBe(0);
  });
});

describe('refusals', () => {
  const code = (f: () => void) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(RiscvError);
      return (e as RiscvError).code;
    }
    return 'no error';
  };

  it('refuses memory PMP cannot guard with one entry, overlaps and bad entries, changing nothing', () => {
    const { port } = twoEnclaves();
    const before = pmpCsrs(port);
    const bad = [
      { id: 20, base: RAM + 0x2000, size: 0x300, entries: [RAM + 0x2000] },
      { id: 21, base: RAM + 0x2100, size: 0x200, entries: [RAM + 0x2100] },
      { id: 22, base: RAM + 0x8800, size: 0x800, entries: [RAM + 0x8800] },
      { id: 23, base: RAM + 0x2000, size: 0x400, entries: [RAM + 0x2400] },
      { id: 24, base: RAM + 0x2000, size: 0x400, entries: [] },
      {
        id: 25,
        base: DEFAULT_MONITOR_MEMORY.base,
        size: 0x400,
        entries: [DEFAULT_MONITOR_MEMORY.base],
      },
    ];
    for (const domain of bad) {
      expect(code(() => port.addEnclave(domain))).toBe('enclave-invalid-layout');
    }
    expect(code(() => port.addEnclave(ENCLAVE))).toBe('enclave-bad-state');
    expect(pmpCsrs(port)).toEqual(before);
  });

  it('refuses an enclave when every guard entry is taken', () => {
    const port = portMachine({ securityMonitor: { maxEnclaves: 1 } });
    port.addEnclave(ENCLAVE);
    const before = pmpCsrs(port);
    expect(code(() => port.addEnclave(SMALL))).toBe('enclave-out-of-resources');
    expect(pmpCsrs(port)).toEqual(before);
    // One guard means 14 entries for thread layouts.
    expect(port.monitor!.firstOsEntry).toBe(2);
  });

  it('refuses a thread when every save area is taken, and leaves it outside', () => {
    // 512 bytes: one frame for the monitor's own enclave slot, three save areas.
    const port = portMachine({
      securityMonitor: { memory: { base: 0x1000_0000, size: 0x200 }, maxEnclaves: 1 },
    });
    port.addEnclave(ENCLAVE);
    const threads = [0, 1, 2, 3].map(() => port.createContext());
    for (const t of threads.slice(0, 3)) port.setEnclave(t, ENCLAVE);
    port.writeRegister(threads[3]!, 5, 55);
    expect(code(() => port.setEnclave(threads[3]!, ENCLAVE))).toBe('enclave-out-of-resources');
    expect(port.enclaveOf(threads[3]!)).toBeNull();
    expect(port.readRegister(threads[3]!, 5)).toBe(55);
    // Freed by a thread leaving: the area can be taken again.
    port.setEnclave(threads[0]!, null);
    port.setEnclave(threads[3]!, ENCLAVE);
    expect(port.enclaveOf(threads[3]!)).toBe(ENCLAVE.id);
  });

  it('refuses a thread joining an enclave never added, and enclaves on a port that locks regions', () => {
    const port = portMachine();
    const t = port.createContext();
    expect(code(() => port.setEnclave(t, ENCLAVE))).toBe('enclave-bad-state');
    expect(code(() => port.removeEnclave(ENCLAVE.id))).toBe('invalid-argument');
    const locked = new RiscvPort({ lockedRegions: [{ base: 0x1000_0000, size: 0x1000 }] });
    locked.bus.addRam(RAM, RAM_SIZE);
    expect(code(() => locked.addEnclave(ENCLAVE))).toBe('enclave-bad-state');
  });
});

describe('removing an enclave', () => {
  it('returns its memory to normal: zeroed, guard off, reachable as granted', () => {
    const { port, os, inside } = twoEnclaves();
    runOnHart(port, inside, 100);
    const area = port.enclaveSaveArea(inside)!;
    expect(port.readRegister(inside, 7)).toBe(7);
    port.removeEnclave(ENCLAVE.id);
    expect(csrEntry(port, 1).a).toBe(0);
    expect(port.bus.dump(ENCLAVE.base, ENCLAVE.size)).toEqual(new Uint8Array(ENCLAVE.size));
    // Its thread left it with nothing: registers zero, save area wiped.
    expect(port.enclaveOf(inside)).toBeNull();
    expect(port.readRegister(inside, 7)).toBe(0);
    expect(port.bus.dump(area, 128)).toEqual(new Uint8Array(128));
    for (const kind of KINDS) {
      expect(port.checkAccess(os, ENCLAVE.base, 4, kind)).toBe(true);
      expect(port.checkAccess(os, ENCLAVE.base + ENCLAVE.size - 4, 4, kind)).toBe(true);
    }
    expect(probe(port, os, lw(7, 10, 0), ENCLAVE.base, ENCLAVE.base + ENCLAVE.size, 4)).toEqual([]);
    // The other enclave is still guarded, and the guard entry can be used again.
    expect(probe(port, os, lw(7, 10, 0), SMALL.base, SMALL.base + 8, 4)).toHaveLength(2);
    port.addEnclave(ENCLAVE);
    expect(port.checkAccess(os, ENCLAVE.base, 4, AccessKind.Read)).toBe(false);
  });
});
