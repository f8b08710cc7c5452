// The guarded accessors: the kernel's RAM replaces that part of the RP2040's address space,
// unprivileged accesses are checked (fetches as execute) and refused ones throw MpuAbort
// before memory changes; privileged code is not checked.
import { AccessKind, PhysicalMemory } from '@k5/kernel';
import { RP2040 } from 'rp2040js';
import { describe, expect, it } from 'vitest';
import { GuardedBus, MpuAbort } from '../src/guarded-bus';

const BASE = 0x2000_0000;

function setup() {
  const mcu = new RP2040();
  const ram = new PhysicalMemory(BASE, new Uint8Array(0x1000));
  const bus = new GuardedBus(mcu.core, ram);
  const seen: [number, number, number][] = [];
  bus.check = (address, size, kind) => {
    seen.push([address, size, kind]);
    return address < BASE + 0x800;
  };
  return { mcu, ram, bus, core: mcu.core, seen };
}

describe('GuardedBus', () => {
  it('serves the kernel RAM range from the kernel memory and the rest from the RP2040', () => {
    const { mcu, ram, core } = setup();
    core.writeUint32(BASE + 8, 0x1234_5678);
    expect(ram.read32(BASE + 8)).toBe(0x1234_5678);
    expect(mcu.sramView.getUint32(8, true)).toBe(0); // the RP2040's own SRAM is untouched
    core.writeUint16(BASE + 0x10, 0xbeef);
    core.writeUint8(BASE + 0x12, 0x7f);
    expect(core.readUint32(BASE + 0x10)).toBe(0x007f_beef);
    core.writeUint32(BASE + 0x2000, 0xcafe); // past the kernel RAM: the RP2040's SRAM
    expect(mcu.sramView.getUint32(0x2000, true)).toBe(0xcafe);
  });

  it('checks only unprivileged accesses, and aborts refused ones before memory changes', () => {
    const { ram, core, bus, seen } = setup();
    core.writeUint32(BASE + 0x900, 1); // privileged Thread mode: not checked
    expect(seen).toEqual([]);
    core.nPRIV = true;
    core.writeUint32(BASE + 0x100, 2);
    expect(seen).toEqual([[BASE + 0x100, 4, AccessKind.Write]]);
    expect(() => core.writeUint8(BASE + 0x900, 3)).toThrow(MpuAbort);
    expect(ram.read32(BASE + 0x900)).toBe(1);
    expect(() => core.readUint16(BASE + 0x902)).toThrow(/MPU refused a 2-byte read/);
    expect(bus.counts).toEqual({ checked: 3, refused: 2 });
    core.currentMode = 1; // Handler mode is privileged whatever CONTROL.nPRIV says
    expect(core.readUint32(BASE + 0x900)).toBe(1);
    expect(bus.counts.checked).toBe(3);
  });

  it('checks the halfwords at PC and PC + 2 as instruction fetches', () => {
    const { core, seen } = setup();
    core.nPRIV = true;
    core.PC = BASE + 0x40;
    core.readUint16(BASE + 0x40);
    core.readUint16(BASE + 0x42);
    core.readUint16(BASE + 0x44);
    expect(seen.map(([, , kind]) => kind)).toEqual([
      AccessKind.Execute,
      AccessKind.Execute,
      AccessKind.Read,
    ]);
  });
});
