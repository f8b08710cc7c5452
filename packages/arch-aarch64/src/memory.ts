// The physical memory seen by the table walker and the page-table builder. The walker reads each
// 64-bit descriptor as two little-endian 32-bit words, so it never needs BigInt; physical
// addresses are Numbers (the model's PA space is at most 48 bits, well below 2^53).
// Relies on errors.ts only.

import { Aarch64Error } from './errors';

/**
 * Word-addressed physical memory as the MMU sees it. `pa` is a byte address, 4-byte aligned.
 * A simulator implements this over its own RAM; {@link SparseMemory} is a ready-made one.
 */
export interface PhysicalMemory {
  /** Reads the little-endian 32-bit word at `pa`. Unbacked memory reads as 0. */
  readU32(pa: number): number;
  /** Writes the little-endian 32-bit word at `pa`. */
  writeU32(pa: number, value: number): void;
}

const PAGE_WORDS = 1024;

/**
 * A sparse physical memory: 4 KiB pages allocated on first write, unwritten memory reads as 0.
 * Addresses up to 2^48 are accepted.
 */
export class SparseMemory implements PhysicalMemory {
  private readonly pages = new Map<number, Uint32Array>();

  /** {@inheritDoc PhysicalMemory.readU32} */
  readU32(pa: number): number {
    const page = this.pages.get(Math.floor(pa / 4096));
    return page === undefined ? 0 : page[(pa % 4096) >>> 2]!;
  }

  /** {@inheritDoc PhysicalMemory.writeU32} */
  writeU32(pa: number, value: number): void {
    if (pa % 4 !== 0 || pa < 0 || pa >= 2 ** 48) {
      throw new Aarch64Error(
        'misaligned',
        `physical word address 0x${pa.toString(16)} must be 4-byte aligned and below 2^48`,
      );
    }
    const key = Math.floor(pa / 4096);
    let page = this.pages.get(key);
    if (page === undefined) {
      page = new Uint32Array(PAGE_WORDS);
      this.pages.set(key, page);
    }
    page[(pa % 4096) >>> 2] = value >>> 0;
  }

  /** Number of 4 KiB pages that have been written at least once. */
  get pageCount(): number {
    return this.pages.size;
  }
}

/** Reads the 64-bit little-endian word at `pa` as a BigInt (for display and tests). */
export function readU64(memory: PhysicalMemory, pa: number): bigint {
  return (BigInt(memory.readU32(pa + 4)) << 32n) | BigInt(memory.readU32(pa));
}

/** Writes a 64-bit value at `pa` as two little-endian words, low word first. */
export function writeU64(memory: PhysicalMemory, pa: number, value: bigint): void {
  memory.writeU32(pa, Number(value & 0xffff_ffffn));
  memory.writeU32(pa + 4, Number((value >> 32n) & 0xffff_ffffn));
}
