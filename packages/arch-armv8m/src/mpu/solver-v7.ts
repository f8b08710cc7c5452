// The PMSAv7 region solver (ARMv6-M / ARMv7-M MPU). Regions are power-of-two sized and aligned,
// with 8 subregions from 256 bytes up, and the highest-numbered region wins on overlap. The solver:
// 1. covers each maximal run exactly with the fewest same-permission blocks (greedy interval cover
//    from the left: the block containing the first uncovered byte that reaches farthest is optimal
//    because every candidate block is an interval inside the run);
// 2. merges blocks of identical attributes that fit one block with subregions;
// 3. for clusters of touching runs with different attributes, also tries a low-priority block layer
//    over the whole cluster with one attribute and higher-priority overrides for the rest, and keeps
//    whichever uses fewer regions;
// 4. when the result does not fit, or a request is not 32-byte aligned, returns the tightest safe
//    cover (never a byte more than asked) and reports what is not granted.
// Relies on `regions.ts` and `pmsav7.ts`.

import { MpuSolverError } from '../errors';
import { PPB_BASE, PPB_LIMIT, SYSTEM_SPACE_BASE } from './memory-map';
import {
  encodeRasr,
  Pmsav7AccessPermission,
  type Pmsav7Mpu,
  type Pmsav7Profile,
  pmsav7MinSizeLog2,
} from './pmsav7';
import {
  describeRequest,
  hex,
  type MergedRange,
  mergeRequests,
  type RegionRequest,
  validateRange,
} from './regions';

/** What one PMSAv7 block grants. */
export interface Pmsav7Grant {
  /** Reads. */
  readonly read: boolean;
  /** Writes. */
  readonly write: boolean;
  /** Fetches. */
  readonly execute: boolean;
  /** Device memory. */
  readonly device: boolean;
}

/** One solved PMSAv7 region. */
export interface Pmsav7RegionConfig {
  /** Region number. */
  readonly region: number;
  /** MPU_RBAR value (ADDR only; VALID and REGION clear). */
  readonly rbar: number;
  /** MPU_RASR value (0 for an unused region). */
  readonly rasr: number;
}

/** A range the solver could not grant, and why. */
export interface UngrantedRange {
  /** First byte not granted. */
  readonly base: number;
  /** One past the last byte not granted. */
  readonly end: number;
  /** Why: not 32-byte aligned, or no region left. */
  readonly reason: 'misaligned' | 'no-region-left';
}

/** The PMSAv7 solver's answer. */
export interface Pmsav7Solution {
  /** One entry per region from `firstRegion` to `regionCount - 1`. */
  readonly regions: readonly Pmsav7RegionConfig[];
  /** Whether every requested byte is granted exactly. */
  readonly exact: boolean;
  /** Requested bytes that are not granted (empty when exact). */
  readonly ungranted: readonly UngrantedRange[];
  /** Number of enabled regions used. */
  readonly used: number;
}

/** Options of {@link solvePmsav7}. */
export interface Pmsav7SolverOptions {
  /** Regions the MPU implements (8 or 16). */
  readonly regionCount: number;
  /** First region the solver may use. Defaults to 0. */
  readonly firstRegion?: number;
  /** ARMv6-M or ARMv7-M (minimum region size). Defaults to ARMv7-M. */
  readonly profile?: Pmsav7Profile;
  /** Throw {@link MpuSolverError} instead of returning an inexact cover. Defaults to false. */
  readonly requireExact?: boolean;
}

interface Block {
  base: number;
  log2: number;
  /** Enabled subregions as a bit mask (0xff when the block has none). */
  enabled: number;
  grant: Pmsav7Grant;
}

const ALL = 0xff;
/** 2^k for k = 0..32 (`**` with a variable exponent is slow in the inner loops). */
const POW2: readonly number[] = Array.from({ length: 33 }, (_, k) => 2 ** k);

function sameGrant(a: Pmsav7Grant, b: Pmsav7Grant): boolean {
  return (
    a.read === b.read && a.write === b.write && a.execute === b.execute && a.device === b.device
  );
}

/** Covered intervals of a block, as [start, end) pairs. */
function coverage(b: Block): [number, number][] {
  const size = POW2[b.log2]!;
  if (b.log2 < 8) return [[b.base, b.base + size]];
  const sub = size / 8;
  const out: [number, number][] = [];
  for (let i = 0; i < 8; i++) {
    if (((b.enabled >> i) & 1) === 0) continue;
    const s = b.base + i * sub;
    const last = out[out.length - 1];
    if (last !== undefined && last[1] === s) last[1] = s + sub;
    else out.push([s, s + sub]);
  }
  return out;
}

/** The fewest blocks covering exactly [a, b) (32-byte aligned) with one grant. */
function exactCover(a: number, b: number, minLog2: number, grant: Pmsav7Grant): Block[] {
  const out: Block[] = [];
  let p = a;
  while (p < b) {
    let best: Block | undefined;
    let bestEnd = p;
    for (let k = 5; k <= 32; k++) {
      const size = POW2[k]!;
      const base = Math.floor(p / size) * size;
      if (k < 8) {
        if (k < minLog2 || base < a || base + size > b) continue;
        if (base + size > bestEnd) {
          bestEnd = base + size;
          best = { base, log2: k, enabled: ALL, grant };
        }
        continue;
      }
      const sub = size / 8;
      const first = Math.floor(p / sub) * sub;
      const end = Math.min(base + size, Math.floor(b / sub) * sub);
      if (first < a || end <= first) continue;
      if (end > bestEnd) {
        let enabled = 0;
        for (let i = 0; i < 8; i++) {
          const s = base + i * sub;
          if (s >= first && s < end) enabled |= 1 << i;
        }
        bestEnd = end;
        best = { base, log2: k, enabled, grant };
      }
    }
    if (best === undefined) {
      // Only reachable on ARMv6-M for a run shorter than a 256-byte block's subregion; the run is
      // 32-byte aligned, so the 256-byte block's 32-byte subregion always exists: guard anyway.
      throw new MpuSolverError('inexact', `no PMSAv7 block covers 0x${hex(p)} exactly`);
    }
    out.push(best);
    p = bestEnd;
  }
  return out;
}

/** A single block covering exactly the union of two blocks' coverage, if one exists. */
function mergeTwo(x: Block, y: Block, minLog2: number): Block | undefined {
  const parts = [...coverage(x), ...coverage(y)].sort((p, q) => p[0] - q[0]);
  const lo = parts[0]![0];
  const hi = Math.max(...parts.map((p) => p[1]));
  for (let k = Math.max(5, minLog2); k <= 32; k++) {
    const size = POW2[k]!;
    const base = Math.floor(lo / size) * size;
    if (hi > base + size) continue;
    if (k < 8) {
      // No subregions: the union must be the whole block.
      let at = base;
      for (const [s, e] of parts) {
        if (s > at) break;
        at = Math.max(at, e);
      }
      if (at >= base + size && lo === base) return { base, log2: k, enabled: ALL, grant: x.grant };
      continue;
    }
    const sub = size / 8;
    let enabled = 0;
    let fits = true;
    for (const [s, e] of parts) {
      if (s % sub !== 0 || e % sub !== 0) {
        fits = false;
        break;
      }
      for (let at = s; at < e; at += sub) enabled |= 1 << ((at - base) / sub);
    }
    if (fits) return { base, log2: k, enabled, grant: x.grant };
  }
  return undefined;
}

/** Repeatedly merges pairs of same-grant blocks into one block where possible. */
function mergePass(blocks: Block[], minLog2: number): Block[] {
  const out = [...blocks];
  let changed = true;
  while (changed) {
    changed = false;
    outer: for (let i = 0; i < out.length; i++) {
      for (let j = i + 1; j < out.length; j++) {
        if (!sameGrant(out[i]!.grant, out[j]!.grant)) continue;
        const m = mergeTwo(out[i]!, out[j]!, minLog2);
        if (m !== undefined) {
          out.splice(j, 1);
          out[i] = m;
          changed = true;
          break outer;
        }
      }
    }
  }
  return out;
}

interface Layers {
  low: Block[];
  high: Block[];
}

function grantOf(r: MergedRange): Pmsav7Grant {
  return { read: r.read, write: r.write, execute: r.execute, device: r.device };
}

/** Best layering of one cluster of touching runs. */
function solveCluster(runs: MergedRange[], minLog2: number): Layers {
  const plain = mergePass(
    runs.flatMap((r) => exactCover(r.base, r.end, minLog2, grantOf(r))),
    minLog2,
  );
  let best: Layers = { low: plain, high: [] };
  if (runs.length < 2) return best;
  const span = [runs[0]!.base, runs[runs.length - 1]!.end] as const;
  for (const r of runs) {
    const g = grantOf(r);
    const low = exactCover(span[0], span[1], minLog2, g);
    const high = mergePass(
      runs
        .filter((o) => !sameGrant(grantOf(o), g))
        .flatMap((o) => exactCover(o.base, o.end, minLog2, grantOf(o))),
      minLog2,
    );
    if (low.length + high.length < best.low.length + best.high.length) best = { low, high };
  }
  return best;
}

function rasrFor(b: Block): number {
  const g = b.grant;
  const ap = g.write ? Pmsav7AccessPermission.ReadWrite : Pmsav7AccessPermission.ReadOnly;
  const device = g.device;
  return encodeRasr({
    xn: !g.execute,
    ap,
    // Normal: TEX=0b001 C=1 B=1 (write-back, read/write allocate); Device: TEX=0b000 C=0 B=1.
    tex: device ? 0 : 1,
    s: false,
    c: !device,
    b: true,
    srd: b.log2 >= 8 ? ~b.enabled & 0xff : 0,
    sizeLog2: b.log2,
    enable: true,
  });
}

function subtract(ranges: [number, number][], cut: [number, number][]): [number, number][] {
  let out = ranges;
  for (const [cs, ce] of cut) {
    const next: [number, number][] = [];
    for (const [s, e] of out) {
      if (ce <= s || cs >= e) next.push([s, e]);
      else {
        if (s < cs) next.push([s, cs]);
        if (ce < e) next.push([ce, e]);
      }
    }
    out = next;
  }
  return out;
}

/**
 * Solves a task's regions for a PMSAv7 MPU: the fewest regions this solver finds that grant exactly
 * the requested permissions to unprivileged code, using subregions and overlap priority; or, when
 * requests are not 32-byte aligned or do not fit, the tightest cover that grants nothing extra, with
 * the ungranted bytes reported (or a thrown {@link MpuSolverError} when `requireExact` is set).
 *
 * Requests that PMSAv7 cannot express safely at all (write-only, execute-only, executable Device
 * memory, System space execute, the PPB, conflicting overlaps) throw, as for PMSAv8.
 */
export function solvePmsav7(
  requests: readonly RegionRequest[],
  options: Pmsav7SolverOptions,
): Pmsav7Solution {
  const first = options.firstRegion ?? 0;
  const { regionCount } = options;
  const minLog2 = pmsav7MinSizeLog2(options.profile ?? 'armv7m');
  if (!Number.isInteger(regionCount) || regionCount < 0 || regionCount > 16) {
    throw new MpuSolverError('bad-option', `regionCount ${regionCount} is not 0..16`);
  }
  if (!Number.isInteger(first) || first < 0 || first > regionCount) {
    throw new MpuSolverError('bad-option', `firstRegion ${first} is not 0..${regionCount}`);
  }
  requests.forEach((r, i) => {
    validateRange(r, i);
    const what = describeRequest(r, i);
    if (!r.read && !r.write && !r.execute) return;
    if (r.write && !r.read) {
      throw new MpuSolverError('write-without-read', `${what} asks for write without read`);
    }
    if (r.execute && !r.read) {
      throw new MpuSolverError('execute-without-read', `${what} asks for execute without read`);
    }
    if (r.execute && r.device === true) {
      throw new MpuSolverError('device-execute', `${what} asks to execute Device memory`);
    }
    if (r.execute && r.base + r.size > SYSTEM_SPACE_BASE) {
      throw new MpuSolverError(
        'system-space-execute',
        `${what} asks to execute in the System space`,
      );
    }
    if (r.base <= PPB_LIMIT && r.base + r.size > PPB_BASE) {
      throw new MpuSolverError(
        'private-peripheral-bus',
        `${what} overlaps the Private Peripheral Bus`,
      );
    }
  });
  // Merge first (adjacent requests may together be aligned), then shrink each run inwards to
  // 32-byte boundaries: the bytes cut off cannot be granted without granting their neighbours.
  const ungranted: UngrantedRange[] = [];
  const runs: MergedRange[] = [];
  for (const run of mergeRequests(requests)) {
    const lo = Math.ceil(run.base / 32) * 32;
    const hi = Math.floor(run.end / 32) * 32;
    if (lo === run.base && hi === run.end) {
      runs.push(run);
      continue;
    }
    if (options.requireExact === true) {
      throw new MpuSolverError(
        'misaligned',
        `${run.names.join('+')} (0x${hex(run.base)}..0x${hex(run.end - 1)}) is not 32-byte aligned: PMSAv7 cannot cover it exactly`,
      );
    }
    if (hi <= lo) {
      ungranted.push({ base: run.base, end: run.end, reason: 'misaligned' });
      continue;
    }
    if (lo > run.base) ungranted.push({ base: run.base, end: lo, reason: 'misaligned' });
    if (hi < run.end) ungranted.push({ base: hi, end: run.end, reason: 'misaligned' });
    runs.push({ ...run, base: lo, end: hi });
  }
  // Clusters: runs that touch each other.
  const clusters: MergedRange[][] = [];
  for (const r of runs) {
    const last = clusters[clusters.length - 1];
    if (last !== undefined && last[last.length - 1]!.end === r.base) last.push(r);
    else clusters.push([r]);
  }
  const available = regionCount - first;
  const layered = clusters.map((c) => solveCluster(c, minLog2));
  let low = mergePass(
    layered.flatMap((l) => l.low),
    minLog2,
  );
  let high = layered.flatMap((l) => l.high);
  if (low.length + high.length > available) {
    if (options.requireExact === true) {
      throw new MpuSolverError(
        'too-many-regions',
        `the task needs ${low.length + high.length} PMSAv7 regions but only ${available} are available (regions ${first}..${regionCount - 1})`,
      );
    }
    // Fall back to plain grant blocks (dropping one never grants more), then drop the smallest.
    low = mergePass(
      runs.flatMap((r) => exactCover(r.base, r.end, minLog2, grantOf(r))),
      minLog2,
    );
    high = [];
    low.sort((x, y) => POW2[y.log2]! * popcount(y.enabled) - POW2[x.log2]! * popcount(x.enabled));
    low = low.slice(0, available);
    const wanted: [number, number][] = runs.map((r) => [r.base, r.end]);
    const kept = low.flatMap(coverage);
    for (const [s, e] of subtract(wanted, kept))
      ungranted.push({ base: s, end: e, reason: 'no-region-left' });
  }
  const ordered = [...low, ...high];
  const regions: Pmsav7RegionConfig[] = [];
  for (let i = 0; i < available; i++) {
    const b = ordered[i];
    regions.push(
      b === undefined
        ? { region: first + i, rbar: 0, rasr: 0 }
        : { region: first + i, rbar: b.log2 === 32 ? 0 : b.base >>> 0, rasr: rasrFor(b) },
    );
  }
  ungranted.sort((x, y) => x.base - y.base);
  return { regions, exact: ungranted.length === 0, ungranted, used: ordered.length };
}

function popcount(mask: number): number {
  let n = 0;
  for (let m = mask; m !== 0; m &= m - 1) n++;
  return n;
}

/** Writes a PMSAv7 solution into an MPU model (MPU_CTRL untouched). */
export function applyPmsav7Solution(mpu: Pmsav7Mpu, solution: Pmsav7Solution): void {
  for (const r of solution.regions) mpu.setRegion(r.region, r.rbar, r.rasr);
}
