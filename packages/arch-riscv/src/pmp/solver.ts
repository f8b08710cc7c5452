// The PMP solver: turns a task's memory regions into the fewest PMP entries that grant
// exactly those permissions, after the kernel's reserved (locked) low-numbered entries.
// Encodings: NAPOT for a naturally aligned power of two (≥ 8 bytes and ≥ the granule), NA4
// for an aligned 4-byte region (G = 0), TOR otherwise; a TOR entry takes its bottom from the
// previous entry's pmpaddr, so address-adjacent TOR regions share one bound and a lone TOR
// region costs an extra OFF entry holding its bottom. A two-state dynamic programme over the
// regions in address order picks the encodings. Relies on `registers.ts` and `errors.ts`.

import { RiscvError } from '../errors';
import {
  PMP_A_SHIFT,
  PMP_L,
  PMP_R,
  PMP_W,
  PMP_X,
  PmpAddressMatching,
  type PmpRange,
  type PmpRegisters,
} from './registers';

/** A memory region a task may access, with its permissions. */
export interface PmpRegion {
  /** First byte (a multiple of the PMP granule). */
  readonly base: number;
  /** Size in bytes (a positive multiple of the PMP granule). */
  readonly size: number;
  /** Loads allowed. */
  readonly read?: boolean;
  /** Stores allowed (needs `read` too: PMP cannot encode write-only). */
  readonly write?: boolean;
  /** Instruction fetch allowed. */
  readonly execute?: boolean;
  /** Name for error messages. */
  readonly name?: string;
}

/** Where the solver may put entries. */
export interface PmpSolveOptions {
  /** Implemented entries (default 16). */
  entryCount?: number;
  /** Granularity G (default 0). */
  granularity?: number;
  /** Entries 0..reserved-1 belong to the kernel and are left alone (default 0). */
  reserved?: number;
  /** Address ranges the reserved entries cover; task regions must not overlap them. */
  reservedRanges?: readonly PmpRange[];
  /**
   * pmpaddr of entry `reserved - 1` (a TOR entry at index `reserved` uses it as its bottom).
   * Ignored when `reserved` is 0, where the bottom is address 0.
   */
  predecessorAddress?: number;
}

/** One PMP entry's register values. */
export interface PmpEntryValue {
  /** Entry index. */
  readonly index: number;
  /** The pmpcfg byte. */
  readonly cfg: number;
  /** The pmpaddr value (address bits 33:2). */
  readonly addr: number;
}

/** The solver's answer: values for every non-reserved entry (unused ones OFF). */
export interface PmpLayout {
  /** Values for entries `reserved` .. `entryCount - 1`, in index order. */
  readonly entries: readonly PmpEntryValue[];
  /** How many of those entries the regions need (including OFF entries holding TOR bottoms). */
  readonly used: number;
}

interface Normalised {
  base: number;
  end: number;
  perms: number;
  name: string;
}

const NONE = -1;

function granuleOf(g: number): number {
  return 2 ** (g + 2);
}

function describe(r: { base: number; end: number; name: string }): string {
  return `${r.name} [0x${r.base.toString(16)}, 0x${r.end.toString(16)})`;
}

function normalise(regions: readonly PmpRegion[], granule: number): Normalised[] {
  const out = regions.map((r, i): Normalised => {
    const name = r.name ?? `region ${i}`;
    const ok =
      Number.isInteger(r.base) &&
      Number.isInteger(r.size) &&
      r.base >= 0 &&
      r.size > 0 &&
      r.base + r.size <= 2 ** 32;
    if (!ok || r.base % granule !== 0 || r.size % granule !== 0) {
      throw new RiscvError(
        'pmp-misaligned-region',
        `${name}: base 0x${r.base.toString(16)} and size 0x${r.size.toString(16)} must be positive multiples of the ${granule}-byte PMP granule within 4 GiB`,
      );
    }
    if (r.write && !r.read) {
      throw new RiscvError(
        'pmp-unencodable-permissions',
        `${name}: PMP cannot grant write without read; add read or drop write`,
      );
    }
    const perms = (r.read ? PMP_R : 0) | (r.write ? PMP_W : 0) | (r.execute ? PMP_X : 0);
    return { base: r.base, end: r.base + r.size, perms, name };
  });
  out.sort((a, b) => a.base - b.base);
  for (let i = 1; i < out.length; i++) {
    if (out[i]!.base < out[i - 1]!.end) {
      throw new RiscvError(
        'pmp-overlapping-regions',
        `${describe(out[i - 1]!)} overlaps ${describe(out[i]!)}; give each byte one region`,
      );
    }
  }
  // A region without permissions grants nothing beyond U mode's default deny: drop it.
  const granting = out.filter((r) => r.perms !== 0);
  // Adjacent regions with equal permissions behave as one region.
  const merged: Normalised[] = [];
  for (const r of granting) {
    const last = merged[merged.length - 1];
    if (last && last.end === r.base && last.perms === r.perms) {
      last.end = r.end;
      last.name = `${last.name}+${r.name}`;
    } else merged.push({ ...r });
  }
  return merged;
}

function napotable(r: Normalised, granule: number): boolean {
  const size = r.end - r.base;
  return size >= 8 && size >= granule && (size & (size - 1)) === 0 && r.base % size === 0;
}

type Choice = 'napot' | 'na4' | 'tor';

/**
 * Finds the fewest PMP entries granting exactly `regions` (and nothing else) in U mode,
 * placed after the reserved entries.
 *
 * @throws RiscvError `pmp-misaligned-region`, `pmp-unencodable-permissions`,
 * `pmp-overlapping-regions`, `pmp-reserved-conflict`, or `pmp-does-not-fit` (with the count
 * needed and the count free)
 */
export function solvePmp(regions: readonly PmpRegion[], options: PmpSolveOptions = {}): PmpLayout {
  const entryCount = options.entryCount ?? 16;
  const g = options.granularity ?? 0;
  const reserved = options.reserved ?? 0;
  if (!Number.isInteger(reserved) || reserved < 0 || reserved > entryCount) {
    throw new RiscvError('invalid-argument', `reserved must be 0..${entryCount}, got ${reserved}`);
  }
  const granule = granuleOf(g);
  let list = normalise(regions, granule);
  for (const r of list) {
    for (const k of options.reservedRanges ?? []) {
      if (r.base < k.end && k.start < r.end) {
        throw new RiscvError(
          'pmp-reserved-conflict',
          `${describe(r)} overlaps kernel-reserved PMP range [0x${k.start.toString(16)}, 0x${k.end.toString(16)}), which takes priority; move the region`,
        );
      }
    }
  }
  // The bottom a TOR entry in the first free slot would get.
  const torMask = 2 ** g;
  const firstBottom =
    reserved === 0
      ? 0
      : (((options.predecessorAddress ?? 0) >>> 0) -
          (((options.predecessorAddress ?? 0) >>> 0) % torMask)) *
        4;
  // Start with the chain of adjacent regions beginning at that bottom, if any, so it can use it.
  const start = list.findIndex((r) => r.base === firstBottom);
  if (start > 0) {
    let stop = start + 1;
    while (stop < list.length && list[stop]!.base === list[stop - 1]!.end) stop++;
    list = [...list.slice(start, stop), ...list.slice(0, start), ...list.slice(stop)];
  }

  // ---- Dynamic programme: state = "the previous entry is a TOR ending at my base" ----
  const n = list.length;
  // cost[i][s]: fewest entries for regions 0..i-1 where s says whether region i-1 was TOR.
  const cost: number[][] = [[0, Infinity]];
  const from: Array<Array<[number, Choice]>> = [[]];
  for (let i = 0; i < n; i++) {
    const r = list[i]!;
    const next = [Infinity, Infinity];
    const back: Array<[number, Choice]> = [
      [NONE, 'napot'],
      [NONE, 'tor'],
    ];
    for (let s = 0; s < 2; s++) {
      const c = cost[i]![s]!;
      if (c === Infinity) continue;
      const prevEnd = i === 0 ? firstBottom : s === 1 ? list[i - 1]!.end : NONE;
      const shared = i === 0 ? r.base === firstBottom : s === 1 && prevEnd === r.base;
      const single: Choice | undefined = napotable(r, granule)
        ? 'napot'
        : g === 0 && r.end - r.base === 4
          ? 'na4'
          : undefined;
      if (single && c + 1 < next[0]!) {
        next[0] = c + 1;
        back[0] = [s, single];
      }
      const tor = c + (shared ? 1 : 2);
      if (tor < next[1]!) {
        next[1] = tor;
        back[1] = [s, 'tor'];
      }
    }
    cost.push(next);
    from.push(back);
  }
  const final = cost[n]!;
  let state = final[0]! <= final[1]! ? 0 : 1;
  const used = n === 0 ? 0 : Math.min(final[0]!, final[1]!);
  const free = entryCount - reserved;
  if (used > free) {
    throw new RiscvError(
      'pmp-does-not-fit',
      `the regions need ${used} PMP entries but only ${free} are free (entries ${reserved}..${entryCount - 1}); merge or align regions (naturally aligned powers of two take one entry)`,
    );
  }
  const choices: Choice[] = new Array(n);
  for (let i = n; i > 0; i--) {
    const [prev, choice] = from[i]![state]!;
    choices[i - 1] = choice;
    state = prev;
  }

  // ---- Emit ----
  const entries: PmpEntryValue[] = [];
  let index = reserved;
  let bottom = firstBottom;
  for (let i = 0; i < n; i++) {
    const r = list[i]!;
    const choice = choices[i]!;
    if (choice === 'tor') {
      if (bottom !== r.base) entries.push({ index: index++, cfg: 0, addr: r.base / 4 });
      entries.push({
        index: index++,
        cfg: (PmpAddressMatching.Tor << PMP_A_SHIFT) | r.perms,
        addr: r.end / 4,
      });
      bottom = r.end;
    } else if (choice === 'na4') {
      entries.push({
        index: index++,
        cfg: (PmpAddressMatching.Na4 << PMP_A_SHIFT) | r.perms,
        addr: r.base / 4,
      });
      bottom = NONE;
    } else {
      const size = r.end - r.base;
      entries.push({
        index: index++,
        cfg: (PmpAddressMatching.Napot << PMP_A_SHIFT) | r.perms,
        addr: (r.base / 4 + (size / 8 - 1)) >>> 0,
      });
      bottom = NONE;
    }
  }
  while (index < entryCount) entries.push({ index: index++, cfg: 0, addr: 0 });
  return { entries, used };
}

/**
 * Solves for a live register file: entries up to the highest locked one are reserved for the
 * kernel (their ranges must not be overlapped, and the last one's pmpaddr can be a TOR bottom).
 */
export function solvePmpFor(pmp: PmpRegisters, regions: readonly PmpRegion[]): PmpLayout {
  let reserved = 0;
  for (let i = 0; i < pmp.entryCount; i++) if (pmp.entryConfig(i) & PMP_L) reserved = i + 1;
  const reservedRanges: PmpRange[] = [];
  for (let i = 0; i < reserved; i++) {
    const range = pmp.range(i);
    if (range) reservedRanges.push(range);
  }
  return solvePmp(regions, {
    entryCount: pmp.entryCount,
    granularity: pmp.granularity,
    reserved,
    reservedRanges,
    predecessorAddress: reserved > 0 ? pmp.readAddr(reserved - 1) : 0,
  });
}

/**
 * Writes a layout into the registers: every entry OFF first, then the addresses, then the
 * configurations, so no intermediate state grants more than either the old or new layout.
 */
export function applyPmpLayout(pmp: PmpRegisters, layout: PmpLayout): void {
  // Already loaded (a thread switching back to itself): no write, so no repaint downstream.
  if (layout.entries.every((e) => pmp.holds(e.index, e.cfg, e.addr))) return;
  for (const e of layout.entries) pmp.writeEntryConfig(e.index, 0);
  for (const e of layout.entries) pmp.writeAddr(e.index, e.addr);
  for (const e of layout.entries) pmp.writeEntryConfig(e.index, e.cfg);
}
