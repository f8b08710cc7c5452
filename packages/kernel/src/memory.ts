// Physical memory as the kernel sees it: one little-endian byte array at a base address, owned
// by the machine (a simulator may hand in its own RAM). The kernel touches it only for IPC
// buffers, leases and debug calls; tasks reach it through checked accessors. Relies on nothing.

import { KernelUsageError } from './errors';

/** The machine's RAM: `bytes[i]` is the byte at address `base + i`. @public */
export class PhysicalMemory {
  readonly base: number;
  readonly bytes: Uint8Array;
  private readonly view: DataView;

  constructor(base: number, bytes: Uint8Array) {
    if (!Number.isInteger(base) || base < 0) {
      throw new KernelUsageError(
        'bad-memory',
        `memory base ${base} must be a non-negative integer`,
      );
    }
    this.base = base;
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** One past the last address. */
  get end(): number {
    return this.base + this.bytes.length;
  }

  /** Whether `[address, address + size)` is inside the memory. */
  contains(address: number, size: number): boolean {
    return address >= this.base && address + size <= this.end;
  }

  /** Reads a word (the caller has checked the range). */
  read32(address: number): number {
    return this.view.getUint32(address - this.base, true);
  }

  /** Writes a word (the caller has checked the range). */
  write32(address: number, value: number): void {
    this.view.setUint32(address - this.base, value >>> 0, true);
  }

  /** Reads a byte (the caller has checked the range). */
  read8(address: number): number {
    return this.bytes[address - this.base]!;
  }

  /** Writes a byte (the caller has checked the range). */
  write8(address: number, value: number): void {
    this.bytes[address - this.base] = value;
  }
}
