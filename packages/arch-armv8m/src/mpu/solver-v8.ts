// The PMSAv8 region solver: turns a task's region requests into MPU_RBAR/MPU_RLAR values for the
// regions a context switch reprograms. PMSAv8 regions are arbitrary 32-byte granular ranges that
// must not overlap (an overlap faults), so the optimum is one region per maximal run of identical
// attributes; the solver merges, checks that every byte asked for is expressible exactly, and
// otherwise throws an error that names the offending request. Relies on `regions.ts`, `pmsav8.ts`.

import { MpuSolverError } from '../errors';
import { PPB_BASE, PPB_LIMIT, SYSTEM_SPACE_BASE } from './memory-map';
import {
  MAIR_DEVICE_NGNRE,
  MAIR_NORMAL_WRITE_BACK,
  MPU_MAIR0,
  MPU_MAIR1,
  MpuAccessPermission,
  PMSAV8_GRANULE,
  type Pmsav8Mpu,
} from './pmsav8';
import {
  describeRequest,
  hex,
  type MergedRange,
  mergeRequests,
  type RegionRequest,
  validateRange,
} from './regions';

/** Options of {@link solvePmsav8}. */
export interface Pmsav8SolverOptions {
  /** Regions the MPU implements (MPU_TYPE.DREGION): 4, 8, 12 or 16 on real cores. */
  readonly regionCount: number;
  /** First region the solver may use; lower ones stay the kernel's. Defaults to 0. */
  readonly firstRegion?: number;
  /** AttrIndx used for Normal memory. Defaults to 0. */
  readonly normalAttrIndex?: number;
  /** AttrIndx used for Device memory. Defaults to 1. */
  readonly deviceAttrIndex?: number;
  /** MAIR byte for Normal memory. Defaults to {@link MAIR_NORMAL_WRITE_BACK}. */
  readonly normalAttribute?: number;
  /** MAIR byte for Device memory. Defaults to {@link MAIR_DEVICE_NGNRE}. */
  readonly deviceAttribute?: number;
}

/** The register values of one MPU region. */
export interface Pmsav8RegionConfig {
  /** Region number (the value for MPU_RNR). */
  readonly region: number;
  /** MPU_RBAR value. */
  readonly rbar: number;
  /** MPU_RLAR value (EN clear for an unused region). */
  readonly rlar: number;
}

/** A solved configuration. */
export interface Pmsav8Solution {
  /** One entry per region from `firstRegion` to `regionCount - 1`; unused ones are disabled. */
  readonly regions: readonly Pmsav8RegionConfig[];
  /** The merged runs, one per enabled region, in the same order. */
  readonly ranges: readonly MergedRange[];
  /** Which MAIR bytes the configuration relies on: AttrIndx to byte. */
  readonly attributes: ReadonlyMap<number, number>;
}

function checkIndex(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 7) {
    throw new MpuSolverError('bad-option', `${name} ${value} is not an AttrIndx (0..7)`);
  }
}

/** Rejects a request PMSAv8 cannot express exactly, naming it. */
function validateForPmsav8(request: RegionRequest, index: number): void {
  validateRange(request, index);
  const what = describeRequest(request, index);
  const end = request.base + request.size;
  if (request.base % PMSAV8_GRANULE !== 0 || end % PMSAV8_GRANULE !== 0) {
    throw new MpuSolverError(
      'misaligned',
      `${what} is not 32-byte aligned: PMSAv8 regions start and end on 32-byte boundaries (base and size multiples of 32), and granting the rest of the granule would give away bytes that were not asked for`,
    );
  }
  const grants = request.read || request.write || request.execute;
  if (!grants) return;
  if (request.write && !request.read) {
    throw new MpuSolverError(
      'write-without-read',
      `${what} asks for write without read: PMSAv8 AP encodings cannot grant write-only access`,
    );
  }
  if (request.execute && !request.read) {
    throw new MpuSolverError(
      'execute-without-read',
      `${what} asks for execute without read: an instruction fetch needs read permission on PMSAv8`,
    );
  }
  if (request.execute && request.device === true) {
    throw new MpuSolverError(
      'device-execute',
      `${what} asks to execute Device memory, which faults; mark it Normal or drop execute`,
    );
  }
  if (request.execute && end > SYSTEM_SPACE_BASE) {
    throw new MpuSolverError(
      'system-space-execute',
      `${what} asks to execute in the System space (0xe0000000 and up), which is always execute-never`,
    );
  }
  if (request.base <= PPB_LIMIT && end > PPB_BASE) {
    throw new MpuSolverError(
      'private-peripheral-bus',
      `${what} overlaps the Private Peripheral Bus (0x${hex(PPB_BASE)}..0x${hex(PPB_LIMIT)}), which the MPU does not control and unprivileged code cannot reach`,
    );
  }
}

/** MPU_RBAR and MPU_RLAR for one run. */
export function pmsav8RegionFor(
  run: Pick<MergedRange, 'base' | 'end' | 'write' | 'execute' | 'device'>,
  normalAttrIndex = 0,
  deviceAttrIndex = 1,
): { rbar: number; rlar: number } {
  const ap = run.write ? MpuAccessPermission.ReadWrite : MpuAccessPermission.ReadOnly;
  const rbar = (run.base | (ap << 1) | (run.execute ? 0 : 1)) >>> 0;
  const attr = run.device ? deviceAttrIndex : normalAttrIndex;
  // LIMIT holds bits [31:5] of the last byte: end - 32 is the first byte of the last granule.
  const rlar = ((run.end - PMSAV8_GRANULE) | (attr << 1) | 1) >>> 0;
  return { rbar, rlar };
}

/**
 * Solves a task's regions for a PMSAv8 MPU. The result grants, to unprivileged code, exactly the
 * requested permissions on exactly the requested bytes: regions never overlap and never extend past
 * a request (the limit register is inclusive, so the limit is `end - 32` with bits [4:0] implied).
 *
 * @throws {@link MpuSolverError} naming the request that cannot be expressed (misaligned, write- or
 * execute-only, executable Device memory, System space, PPB), two requests that overlap with
 * different attributes, or the runs that do not fit into the available regions.
 */
export function solvePmsav8(
  requests: readonly RegionRequest[],
  options: Pmsav8SolverOptions,
): Pmsav8Solution {
  const { regionCount } = options;
  const first = options.firstRegion ?? 0;
  const normalIdx = options.normalAttrIndex ?? 0;
  const deviceIdx = options.deviceAttrIndex ?? 1;
  if (!Number.isInteger(regionCount) || regionCount < 0 || regionCount > 255) {
    throw new MpuSolverError('bad-option', `regionCount ${regionCount} is not 0..255`);
  }
  if (!Number.isInteger(first) || first < 0 || first > regionCount) {
    throw new MpuSolverError(
      'bad-option',
      `firstRegion ${first} is not between 0 and regionCount (${regionCount})`,
    );
  }
  checkIndex('normalAttrIndex', normalIdx);
  checkIndex('deviceAttrIndex', deviceIdx);
  if (normalIdx === deviceIdx) {
    throw new MpuSolverError('bad-option', 'normalAttrIndex and deviceAttrIndex must differ');
  }
  requests.forEach(validateForPmsav8);
  const runs = mergeRequests(requests);
  const available = regionCount - first;
  if (runs.length > available) {
    const rest = runs
      .slice(available)
      .map((r) => `${r.names.join('+')} (0x${hex(r.base)}..0x${hex(r.end - 1)})`)
      .join(', ');
    throw new MpuSolverError(
      'too-many-regions',
      `the task needs ${runs.length} MPU regions after merging adjacent compatible ranges, but only ${available} are available (regions ${first}..${regionCount - 1}); these do not fit: ${rest}`,
    );
  }
  const regions: Pmsav8RegionConfig[] = [];
  for (let i = 0; i < available; i++) {
    const run = runs[i];
    const region = first + i;
    if (run === undefined) regions.push({ region, rbar: 0, rlar: 0 });
    else regions.push({ region, ...pmsav8RegionFor(run, normalIdx, deviceIdx) });
  }
  const attributes = new Map<number, number>();
  if (runs.some((r) => !r.device)) {
    attributes.set(normalIdx, options.normalAttribute ?? MAIR_NORMAL_WRITE_BACK);
  }
  if (runs.some((r) => r.device)) {
    attributes.set(deviceIdx, options.deviceAttribute ?? MAIR_DEVICE_NGNRE);
  }
  return { regions, ranges: runs, attributes };
}

/**
 * Writes a solution into an MPU model: every region from the solution and the MAIR bytes it relies
 * on (other MAIR bytes are kept). MPU_CTRL is left alone; enabling is the caller's decision.
 */
export function applyPmsav8Solution(mpu: Pmsav8Mpu, solution: Pmsav8Solution): void {
  for (const r of solution.regions) mpu.setRegion(r.region, r.rbar, r.rlar);
  const mair = [mpu.read(MPU_MAIR0), mpu.read(MPU_MAIR1)];
  for (const [index, byte] of solution.attributes) {
    const word = index >> 2;
    const shift = (index & 3) * 8;
    mair[word] = ((mair[word]! & ~(0xff << shift)) | ((byte & 0xff) << shift)) >>> 0;
  }
  mpu.write(MPU_MAIR0, mair[0]!);
  mpu.write(MPU_MAIR1, mair[1]!);
}
