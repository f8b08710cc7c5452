// The kernel's memory map in PMP terms: turns the grants `@k5/kernel` hands to
// `ArchPort.setMemoryMap` into PMP regions and a solved layout after the kernel's locked
// entries, and builds the locked kernel entries themselves. A grant PMP cannot express (write
// without read, a map needing more entries than are free) is a `RiscvError`, never a silently
// wider grant. Relies on the PMP solver and register file, and on `@k5/kernel`'s grant type.

import { AccessKind, type MemoryGrant } from '@k5/kernel';
import { RiscvError } from '../errors';
import {
  PMP_A_SHIFT,
  PMP_L,
  PMP_R,
  PMP_W,
  PMP_X,
  PmpAddressMatching,
  type PmpRegisters,
} from '../pmp/registers';
import { type PmpLayout, type PmpRegion, solvePmpFor } from '../pmp/solver';

/**
 * Converts kernel grants into PMP regions. Grants of the same block are merged (their access
 * bits OR-ed), as mapping one region twice through two caps would produce.
 *
 * @throws RiscvError `pmp-unencodable-permissions` for a write grant without read
 */
export function grantsToPmpRegions(grants: readonly MemoryGrant[]): PmpRegion[] {
  const byBlock = new Map<string, { base: number; size: number; access: number }>();
  for (const g of grants) {
    const key = `${g.base}:${g.size}`;
    const seen = byBlock.get(key);
    if (seen) seen.access |= g.access;
    else byBlock.set(key, { base: g.base, size: g.size, access: g.access });
  }
  return [...byBlock.values()].map((g) => ({
    base: g.base,
    size: g.size,
    read: (g.access & AccessKind.Read) !== 0,
    write: (g.access & AccessKind.Write) !== 0,
    execute: (g.access & AccessKind.Execute) !== 0,
    name: `grant [0x${g.base.toString(16)}, +0x${g.size.toString(16)})`,
  }));
}

/**
 * Solves a thread's grants into PMP register values for the entries after the locked
 * (kernel) entries of `pmp`.
 *
 * @throws RiscvError the solver's codes: `pmp-unencodable-permissions`,
 * `pmp-misaligned-region`, `pmp-overlapping-regions`, `pmp-reserved-conflict`,
 * `pmp-does-not-fit`
 */
export function solveMemoryMap(pmp: PmpRegisters, grants: readonly MemoryGrant[]): PmpLayout {
  return solvePmpFor(pmp, grantsToPmpRegions(grants));
}

/**
 * Writes `regions` into entries 0.. of `pmp` as locked NAPOT entries (the kernel's own rules,
 * which bind M mode too and which the per-thread layouts must leave alone). Each region must
 * be a naturally aligned power of two of at least 8 bytes; a region without permissions
 * denies both modes.
 *
 * @returns the number of entries written
 * @throws RiscvError `pmp-misaligned-region` for a region NAPOT cannot encode,
 * `pmp-does-not-fit` when there are more regions than entries
 */
export function lockKernelRegions(pmp: PmpRegisters, regions: readonly PmpRegion[]): number {
  if (regions.length > pmp.entryCount) {
    throw new RiscvError(
      'pmp-does-not-fit',
      `${regions.length} locked kernel regions need as many PMP entries; the hart has ${pmp.entryCount}`,
    );
  }
  regions.forEach((r, i) => {
    const napot =
      Number.isInteger(r.base) &&
      Number.isInteger(r.size) &&
      r.size >= 8 &&
      (r.size & (r.size - 1)) === 0 &&
      r.base % r.size === 0 &&
      r.base + r.size <= 2 ** 32 &&
      r.size >= pmp.granuleBytes;
    if (!napot) {
      throw new RiscvError(
        'pmp-misaligned-region',
        `${r.name ?? `kernel region ${i}`}: locked kernel regions must be naturally aligned powers of two of at least 8 bytes and one granule`,
      );
    }
    const perms = (r.read ? PMP_R : 0) | (r.write ? PMP_W : 0) | (r.execute ? PMP_X : 0);
    pmp.writeAddr(i, (r.base / 4 + (r.size / 8 - 1)) >>> 0);
    pmp.writeEntryConfig(i, (PmpAddressMatching.Napot << PMP_A_SHIFT) | perms | PMP_L);
  });
  return regions.length;
}
