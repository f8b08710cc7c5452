// The memory bus a hart goes through: RAM regions (typed-array backed, with the decoded
// instruction cache that belongs to their bytes) and memory-mapped devices. Owns address
// decoding and the rule that every write to RAM invalidates decoded instructions it touches.
// Relies on a little-endian host for the word views (checked at construction) and on
// `errors.ts`. PMP is not checked here: the hart checks it before it comes to the bus.

import { RiscvError } from '../errors';

/** A memory-mapped device: offsets are relative to the device's base address. */
export interface MmioDevice {
  /**
   * Reads `size` (1, 2 or 4) bytes at `offset`; returns the value zero-extended, or
   * `undefined` when the access is not supported (the hart then raises an access fault).
   */
  read(offset: number, size: 1 | 2 | 4): number | undefined;
  /** Writes `size` bytes; returns false when the access is not supported (access fault). */
  write(offset: number, size: 1 | 2 | 4, value: number): boolean;
}

/** Bytes of code covered by one "contains decoded instructions" flag. */
const CODE_LINE_SHIFT = 6;
const HALFWORDS_PER_LINE = 1 << (CODE_LINE_SHIFT - 1);

const hostIsLittleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * A RAM region: its bytes, typed views for aligned access, and the decoded-instruction cache
 * (one slot per halfword, since the C extension lets instructions start on any halfword).
 */
export class RamRegion {
  /** First address (inclusive). */
  readonly base: number;
  /** Size in bytes (a multiple of 4). */
  readonly size: number;
  /** Name for diagnostics. */
  readonly name: string;
  /** The region's bytes. */
  readonly bytes: Uint8Array;
  /** Signed byte view. @internal */
  readonly i8: Int8Array;
  /** Unsigned halfword view (aligned access only). @internal */
  readonly u16: Uint16Array;
  /** Signed halfword view. @internal */
  readonly i16: Int16Array;
  /** Word view. @internal */
  readonly i32: Int32Array;
  /** Decoded instruction info per halfword; 0 means "not decoded". @internal */
  readonly decodedInfo: Int32Array;
  /** Decoded immediate per halfword. @internal */
  readonly decodedImm: Int32Array;
  /** One flag per 64-byte line: the line holds decoded instructions. @internal */
  readonly codeLines: Uint8Array;

  /**
   * @param base - first address, 4-byte aligned
   * @param sizeOrBytes - size in bytes (a multiple of 4), or the backing bytes themselves
   * @param name - name for diagnostics
   */
  constructor(base: number, sizeOrBytes: number | Uint8Array, name = 'ram') {
    if (!hostIsLittleEndian) {
      throw new RiscvError('invalid-region', 'RAM regions need a little-endian host');
    }
    const size = typeof sizeOrBytes === 'number' ? sizeOrBytes : sizeOrBytes.length;
    if (!Number.isInteger(base) || base < 0 || base % 4 !== 0 || base > 0xffff_ffff) {
      throw new RiscvError('invalid-region', `region ${name}: base must be a 4-byte aligned u32`);
    }
    if (!Number.isInteger(size) || size <= 0 || size % 4 !== 0 || base + size > 2 ** 32) {
      throw new RiscvError(
        'invalid-region',
        `region ${name}: size must be a positive multiple of 4 that ends within 4 GiB`,
      );
    }
    this.base = base;
    this.size = size;
    this.name = name;
    let bytes: Uint8Array;
    if (typeof sizeOrBytes === 'number') bytes = new Uint8Array(size);
    else if (sizeOrBytes.byteOffset % 4 === 0) bytes = sizeOrBytes;
    else bytes = sizeOrBytes.slice();
    this.bytes = bytes;
    const { buffer, byteOffset } = bytes;
    this.i8 = new Int8Array(buffer, byteOffset, size);
    this.u16 = new Uint16Array(buffer, byteOffset, size >>> 1);
    this.i16 = new Int16Array(buffer, byteOffset, size >>> 1);
    this.i32 = new Int32Array(buffer, byteOffset, size >>> 2);
    this.decodedInfo = new Int32Array(size >>> 1);
    this.decodedImm = new Int32Array(size >>> 1);
    this.codeLines = new Uint8Array((size >>> CODE_LINE_SHIFT) + 1);
  }

  /** True when `address` lies in this region. */
  contains(address: number): boolean {
    return address >= this.base && address - this.base < this.size;
  }

  /** Marks the line(s) of a decoded instruction at `offset` as holding code. @internal */
  markCode(offset: number, length: number): void {
    this.codeLines[offset >>> CODE_LINE_SHIFT] = 1;
    this.codeLines[(offset + length - 1) >>> CODE_LINE_SHIFT] = 1;
  }

  /**
   * Forgets decoded instructions overlapping `[offset, offset + length)`. Called on every
   * write; cheap when the written lines never held code.
   */
  invalidate(offset: number, length: number): void {
    const first = offset >>> CODE_LINE_SHIFT;
    const last = (offset + length - 1) >>> CODE_LINE_SHIFT;
    for (let line = first; line <= last; line++) {
      if (this.codeLines[line] === 0) continue;
      this.codeLines[line] = 0;
      const start = line * HALFWORDS_PER_LINE;
      // The halfword just before the line may start a 32-bit instruction that reaches into it.
      this.decodedInfo.fill(0, start === 0 ? 0 : start - 1, start + HALFWORDS_PER_LINE);
    }
  }

  /** Forgets every decoded instruction (fence.i, bulk loads). */
  invalidateAll(): void {
    this.decodedInfo.fill(0);
    this.codeLines.fill(0);
  }
}

/** A device mapping on the bus. */
export interface DeviceMapping {
  /** First address. */
  readonly base: number;
  /** Size in bytes. */
  readonly size: number;
  /** Name for diagnostics. */
  readonly name: string;
  /** The device. */
  readonly device: MmioDevice;
}

/**
 * The physical address space: RAM regions and devices, none overlapping. Accesses here are
 * unchecked by PMP (the hart checks first); unmapped addresses read as `undefined` / refuse
 * writes so that the hart can raise access faults.
 */
export class MemoryBus {
  /** RAM regions in insertion order. */
  readonly regions: RamRegion[] = [];
  /** Device mappings in insertion order. */
  readonly devices: DeviceMapping[] = [];

  /** Adds a RAM region (zero-filled, or backed by `bytes`) and returns it. */
  addRam(base: number, sizeOrBytes: number | Uint8Array, name = 'ram'): RamRegion {
    const region = new RamRegion(base, sizeOrBytes, name);
    this.assertFree(base, region.size, name);
    this.regions.push(region);
    return region;
  }

  /** Maps a device at `[base, base + size)`. */
  addDevice(base: number, size: number, device: MmioDevice, name = 'device'): DeviceMapping {
    if (!Number.isInteger(base) || base < 0 || !Number.isInteger(size) || size <= 0) {
      throw new RiscvError('invalid-region', `device ${name}: base and size must be positive`);
    }
    if (base + size > 2 ** 32) {
      throw new RiscvError('invalid-region', `device ${name}: must end within 4 GiB`);
    }
    this.assertFree(base, size, name);
    const mapping = { base, size, name, device };
    this.devices.push(mapping);
    return mapping;
  }

  private assertFree(base: number, size: number, name: string): void {
    const all = [...this.regions, ...this.devices];
    for (const other of all) {
      if (base < other.base + other.size && other.base < base + size) {
        throw new RiscvError(
          'overlapping-region',
          `${name} [0x${base.toString(16)}, +0x${size.toString(16)}) overlaps ${other.name}`,
        );
      }
    }
  }

  /** The RAM region holding `address` (unsigned), if any. */
  ramAt(address: number): RamRegion | undefined {
    address >>>= 0;
    for (const region of this.regions) if (region.contains(address)) return region;
    return undefined;
  }

  /** The device mapping holding `address` (unsigned), if any. */
  deviceAt(address: number): DeviceMapping | undefined {
    address >>>= 0;
    for (const d of this.devices) if (address >= d.base && address - d.base < d.size) return d;
    return undefined;
  }

  /**
   * Reads `size` bytes at `address` (little endian, zero-extended); `undefined` when nothing
   * is mapped there or the access spans two mappings.
   */
  read(address: number, size: 1 | 2 | 4): number | undefined {
    address >>>= 0;
    const ram = this.ramAt(address);
    if (ram) {
      const off = address - ram.base;
      if (off + size > ram.size) return undefined;
      const b = ram.bytes;
      if (size === 1) return b[off]!;
      if (size === 2) return b[off]! | (b[off + 1]! << 8);
      return (b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24)) >>> 0;
    }
    const dev = this.deviceAt(address);
    if (!dev || address - dev.base + size > dev.size) return undefined;
    const value = dev.device.read(address - dev.base, size);
    return value === undefined ? undefined : value >>> 0;
  }

  /** Writes `size` bytes at `address`; false when nothing is mapped there. */
  write(address: number, size: 1 | 2 | 4, value: number): boolean {
    address >>>= 0;
    const ram = this.ramAt(address);
    if (ram) {
      const off = address - ram.base;
      if (off + size > ram.size) return false;
      const b = ram.bytes;
      b[off] = value;
      if (size >= 2) b[off + 1] = value >>> 8;
      if (size === 4) {
        b[off + 2] = value >>> 16;
        b[off + 3] = value >>> 24;
      }
      ram.invalidate(off, size);
      return true;
    }
    const dev = this.deviceAt(address);
    if (!dev || address - dev.base + size > dev.size) return false;
    return dev.device.write(address - dev.base, size, value >>> 0);
  }

  /** Copies `bytes` into RAM at `address` (for loading programs); throws if not all RAM. */
  load(address: number, bytes: Uint8Array): void {
    const ram = this.ramAt(address);
    if (!ram || address - ram.base + bytes.length > ram.size) {
      throw new RiscvError(
        'invalid-region',
        `cannot load ${bytes.length} bytes at 0x${(address >>> 0).toString(16)}: not inside one RAM region`,
      );
    }
    const off = address - ram.base;
    ram.bytes.set(bytes, off);
    if (bytes.length > 0) ram.invalidate(off, bytes.length);
  }

  /** Copies `length` bytes of RAM starting at `address`. */
  dump(address: number, length: number): Uint8Array {
    const ram = this.ramAt(address);
    if (!ram || address - ram.base + length > ram.size) {
      throw new RiscvError(
        'invalid-region',
        `cannot read ${length} bytes at 0x${address.toString(16)}`,
      );
    }
    const off = address - ram.base;
    return ram.bytes.slice(off, off + length);
  }
}
