// Kernel memory grants to PMSAv8 region requests: the kernel hands the port (base, size, access
// bits) blocks; the region solver wants named requests with read/write/execute flags. Kept apart
// from the port so that a tool can ask "would this map fit?" without a port. Relies on
// `mpu/solver-v8.ts` and on `@k5/kernel`'s AccessKind bits.

import { AccessKind, type MemoryGrant } from '@k5/kernel';
import { MpuSolverError } from '../errors';
import type { RegionRequest } from '../mpu/regions';
import { type Pmsav8Solution, solvePmsav8 } from '../mpu/solver-v8';
import { ArmV8mPortError } from './port-errors';

/** Turns kernel grants into solver requests, named `grant#i` for error messages. */
export function grantsToRequests(grants: readonly MemoryGrant[]): RegionRequest[] {
  return grants.map((g, i) => ({
    name: `grant#${i}`,
    base: g.base,
    size: g.size,
    read: (g.access & AccessKind.Read) !== 0,
    write: (g.access & AccessKind.Write) !== 0,
    execute: (g.access & AccessKind.Execute) !== 0,
  }));
}

/**
 * Solves a thread's grants for an MPU with `regionCount` regions of which the first
 * `reservedRegions` are the kernel's.
 *
 * @throws {@link ArmV8mPortError} `unsolvable-memory-map` wrapping the solver's
 * {@link MpuSolverError} (misaligned to 32 bytes, too many regions after merging, write without
 * read, overlapping grants with different rights...).
 */
export function solveGrants(
  grants: readonly MemoryGrant[],
  regionCount: number,
  reservedRegions: number,
): Pmsav8Solution {
  try {
    return solvePmsav8(grantsToRequests(grants), { regionCount, firstRegion: reservedRegions });
  } catch (e) {
    if (e instanceof MpuSolverError) {
      throw new ArmV8mPortError(
        'unsolvable-memory-map',
        `the memory map cannot be loaded into the MPU (${e.code}): ${e.message}`,
        e,
      );
    }
    throw e;
  }
}
