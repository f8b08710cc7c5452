// The single PMP entries the security monitor writes: every monitor and enclave block is one
// naturally aligned power of two, so each needs exactly one NAPOT entry whatever else the OS
// side's layout holds. Relies on the PMP register constants.

import { RiscvError } from '../errors';
import { PMP_A_SHIFT, PmpAddressMatching, type PmpRegisters } from '../pmp/registers';
import type { NapotBlock } from './types';

/** Whether `block` is a NAPOT block this register file can encode in one entry. */
export function isNapotBlock(block: NapotBlock, pmp: PmpRegisters): boolean {
  const { base, size } = block;
  return (
    Number.isInteger(base) &&
    Number.isInteger(size) &&
    size >= 8 &&
    size >= pmp.granuleBytes &&
    (size & (size - 1)) === 0 &&
    base >= 0 &&
    base % size === 0 &&
    base + size <= 2 ** 32
  );
}

/**
 * Checks that `block` is one NAPOT block.
 * @throws RiscvError `enclave-invalid-layout` naming `what`
 */
export function assertNapotBlock(block: NapotBlock, pmp: PmpRegisters, what: string): void {
  if (!isNapotBlock(block, pmp)) {
    throw new RiscvError(
      'enclave-invalid-layout',
      `${what} [0x${block.base.toString(16)}, +0x${block.size.toString(16)}) must be a naturally aligned power of two of at least 8 bytes and ${pmp.granuleBytes}-byte granule, so that one PMP entry covers it`,
    );
  }
}

/** Whether two blocks share a byte. */
export function blocksOverlap(a: NapotBlock, b: NapotBlock): boolean {
  return a.base < b.base + b.size && b.base < a.base + a.size;
}

/** pmpaddr of a NAPOT entry for `block`. */
export function napotAddress(block: NapotBlock): number {
  return (block.base / 4 + (block.size / 8 - 1)) >>> 0;
}

/** pmpcfg byte of a NAPOT entry with `bits` (R/W/X and L). */
export function napotConfig(bits: number): number {
  return (PmpAddressMatching.Napot << PMP_A_SHIFT) | bits;
}

/**
 * Writes entry `index` as a NAPOT entry for `block` with `bits`: configuration OFF first, so
 * that no moment grants the new permissions over the old range or the old ones over the new.
 */
export function writeNapotEntry(
  pmp: PmpRegisters,
  index: number,
  block: NapotBlock,
  bits: number,
): void {
  pmp.writeEntryConfig(index, 0);
  pmp.writeAddr(index, napotAddress(block));
  pmp.writeEntryConfig(index, napotConfig(bits));
}
