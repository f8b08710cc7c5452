// The board's bus decoder: accesses to a device window go to the device model instead of RAM.
// K5's host boot gives the kernel one PhysicalMemory and has no hook for device registers, so
// the decoder wraps that object's accessors (read32/write32/read8/write8). Everything that
// reaches memory through them — a task's checked accessors after the port's MMU allowed the
// access, and the kernel's own copies — sees the device in the window and RAM elsewhere.
// A byte access reads or writes the byte lane of the 32-bit register. Relies on @k5/kernel's
// PhysicalMemory.

import type { PhysicalMemory } from '@k5/kernel';

/** A memory-mapped device: 32-bit registers at byte offsets from its base. */
export interface MmioDevice {
  read(offset: number): number;
  write(offset: number, value: number): void;
}

/** Routes `[base, base + size)` of `memory` to `device`. */
export function attachMmio(
  memory: PhysicalMemory,
  base: number,
  size: number,
  device: MmioDevice,
): void {
  const inside = (a: number) => a >= base && a < base + size;
  const ram = {
    read32: memory.read32.bind(memory),
    write32: memory.write32.bind(memory),
    read8: memory.read8.bind(memory),
    write8: memory.write8.bind(memory),
  };
  const register = (a: number) => (a - base) & ~3;
  const lane = (a: number) => ((a - base) & 3) * 8;
  memory.read32 = (a) => (inside(a) ? device.read(register(a)) >>> 0 : ram.read32(a));
  memory.write32 = (a, v) => (inside(a) ? device.write(register(a), v >>> 0) : ram.write32(a, v));
  memory.read8 = (a) => (inside(a) ? (device.read(register(a)) >>> lane(a)) & 0xff : ram.read8(a));
  memory.write8 = (a, v) =>
    inside(a) ? device.write(register(a), (v & 0xff) << lane(a)) : ram.write8(a, v);
}
