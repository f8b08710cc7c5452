import { describe, expect, it } from 'vitest';
import { RiscvError } from './errors';
import { MemoryBus } from './hart/memory';
import { CheckedMemory } from './host-access';
import { PmpAccess } from './pmp/checker';
import { PMP_R, PMP_W, PmpAddressMatching, PmpRegisters } from './pmp/registers';
import { PrivilegeMode } from './trap';

const NAPOT = PmpAddressMatching.Napot << 3;

function setup() {
  const bus = new MemoryBus();
  bus.addRam(0x1000, 0x1000);
  bus.addRam(0x2000, 0x1000, 'next');
  const pmp = new PmpRegisters();
  // entry 0: [0x1100, 0x1200) R only; entry 1: [0x1000, 0x2000) R+W; entry 2: [0x2000, 0x2100) R+W.
  pmp.writeAddr(0, (0x1100 >>> 2) | 0x1f);
  pmp.writeAddr(1, (0x1000 >>> 2) | 0x1ff);
  pmp.writeAddr(2, (0x2000 >>> 2) | 0x1f);
  pmp.writeCfg(0, NAPOT | PMP_R | ((NAPOT | PMP_R | PMP_W) << 8) | ((NAPOT | PMP_R | PMP_W) << 16));
  return { bus, mem: new CheckedMemory(bus, pmp) };
}

describe('CheckedMemory', () => {
  it('reads and writes what the mode may access, across RAM regions', () => {
    const { mem } = setup();
    expect(mem.write(0x1ffe, Uint8Array.from([1, 2, 3, 4]))).toEqual({ ok: true });
    const r = mem.read(0x1ffe, 4);
    expect(r.ok && [...r.bytes]).toEqual([1, 2, 3, 4]);
  });

  it('reports the first denied byte and writes nothing', () => {
    const { mem, bus } = setup();
    expect(mem.write(0x10fe, Uint8Array.from([9, 9, 9, 9]))).toEqual({
      ok: false,
      fault: { address: 0x1100, access: PmpAccess.Write, reason: 'pmp' },
    });
    expect(bus.read(0x10fe, 2)).toBe(0);
    expect(mem.read(0x1100, 4).ok).toBe(true);
  });

  it('denies U mode where no entry matches, allows M mode; reports unmapped memory', () => {
    const { mem } = setup();
    expect(mem.read(0x20fc, 8)).toEqual({
      ok: false,
      fault: { address: 0x2100, access: PmpAccess.Read, reason: 'pmp' },
    });
    expect(mem.read(0x20fc, 8, PrivilegeMode.Machine).ok).toBe(true);
    expect(mem.read(0x2ffc, 8, PrivilegeMode.Machine)).toEqual({
      ok: false,
      fault: { address: 0x3000, access: PmpAccess.Read, reason: 'unmapped' },
    });
  });

  it('empty ranges are fine; bad ranges are typed errors', () => {
    const { mem } = setup();
    expect(mem.read(0x1000, 0).ok).toBe(true);
    expect(() => mem.read(-1, 4)).toThrow(RiscvError);
  });
});
