// The TLB model: ASID-tagged and global (nG = 0) entries for 1 GiB, 2 MiB and 4 KiB leaves, the
// EL1 invalidation operations and counters. It caches what the walker returned and nothing else
// (no walk cache: VALE1 and VAE1 therefore have the same effect here), and it is never coherent
// with the tables by itself: an entry stays usable after its descriptor changes until a TLBI
// removes it or it is evicted, exactly the hazard break-before-make exists for.
// Keys are Numbers: (VA >> level shift) * 2^17 + tag, tag = ASID or 2^16 for global entries,
// which stays below 2^53 for 48-bit VAs. Relies on walker.ts (TranslationEntry).

import { Aarch64Error, checkField } from './errors';
import type { TranslationEntry } from './mmu/walker';

/** One TLB maintenance instruction (EL1, Inner Shareable variants behave the same here). */
export type TlbiOperation =
  | {
      /** TLBI VAE1 / VALE1: by VA for one ASID, plus global entries for that VA. */
      op: 'VAE1' | 'VALE1';
      /** Any address in the page or block. */
      va: number;
      /** ASID. */
      asid: number;
    }
  | {
      /** TLBI VAAE1 / VAALE1: by VA, every ASID. */
      op: 'VAAE1' | 'VAALE1';
      /** Any address in the page or block. */
      va: number;
    }
  | {
      /** TLBI ASIDE1: every non-global entry of one ASID. */
      op: 'ASIDE1';
      /** ASID. */
      asid: number;
    }
  | {
      /** TLBI VMALLE1: everything (a full flush). */
      op: 'VMALLE1';
    };

/** The TLBI kinds, for counters. */
export type TlbiKind = TlbiOperation['op'];

/** TLB statistics. */
export interface TlbCounters {
  /** Lookups that found an entry. */
  hits: number;
  /** Lookups that found none. */
  misses: number;
  /** Entries inserted after a walk. */
  fills: number;
  /** Entries pushed out by capacity. */
  evictions: number;
  /** Entries removed by TLBIs. */
  invalidated: number;
  /** TLBIs executed, by kind. */
  flushes: Record<TlbiKind, number>;
}

const GLOBAL_TAG = 0x10000;
const TAG_SPACE = 0x20000;
const SHIFTS = [39, 30, 21, 12] as const;

/** Options of {@link Tlb}. */
export interface TlbOptions {
  /** Maximum number of entries (default 1024). */
  capacity?: number;
}

/** A unified stage-1 TLB for the EL1&0 regime. */
export class Tlb {
  /** Statistics since construction or {@link Tlb.resetCounters}. */
  readonly counters: TlbCounters = newCounters();
  /** Entries of levels 1, 2 and 3 (index = level). */
  private readonly levels: Map<number, TranslationEntry>[] = [
    new Map(),
    new Map(),
    new Map(),
    new Map(),
  ];
  private readonly capacity: number;

  /** @param options - capacity */
  constructor(options: TlbOptions = {}) {
    this.capacity = options.capacity ?? 1024;
    if (!Number.isInteger(this.capacity) || this.capacity < 1) {
      throw new Aarch64Error('out-of-range', `TLB capacity must be a positive integer`);
    }
  }

  /** Number of entries held. */
  get size(): number {
    return this.levels[1]!.size + this.levels[2]!.size + this.levels[3]!.size;
  }

  /**
   * Finds an entry translating `va` for `asid` (a non-global entry with that ASID, or a global
   * one); smaller leaves are looked at first. Counts a hit or a miss.
   */
  lookup(va: number, asid: number): TranslationEntry | undefined {
    for (let level = 3; level >= 1; level--) {
      const map = this.levels[level]!;
      if (map.size === 0) continue;
      const base = Math.floor(va / 2 ** SHIFTS[level as 1 | 2 | 3]) * TAG_SPACE;
      const e = map.get(base + asid) ?? map.get(base + GLOBAL_TAG);
      if (e !== undefined) {
        this.counters.hits++;
        return e;
      }
    }
    this.counters.misses++;
    return undefined;
  }

  /** Caches a walked entry, tagged with `asid` unless it is global. */
  insert(entry: TranslationEntry, asid: number): void {
    checkField('ASID', asid, 16);
    const map = this.levels[entry.level]!;
    const key = keyOf(entry.vaBase, entry.level, entry.nG ? asid : GLOBAL_TAG);
    if (!map.has(key) && this.size >= this.capacity) this.evictOne();
    map.set(key, entry);
    this.counters.fills++;
  }

  /** Executes one TLBI. */
  tlbi(op: TlbiOperation): void {
    if ('asid' in op) checkField('ASID', op.asid, 16);
    this.counters.flushes[op.op]++;
    switch (op.op) {
      case 'VAE1':
      case 'VALE1':
        for (let level = 1; level <= 3; level++) {
          const map = this.levels[level]!;
          const base = Math.floor(op.va / 2 ** SHIFTS[level as 1 | 2 | 3]) * TAG_SPACE;
          if (map.delete(base + op.asid)) this.counters.invalidated++;
          if (map.delete(base + GLOBAL_TAG)) this.counters.invalidated++;
        }
        return;
      case 'VAAE1':
      case 'VAALE1':
        for (let level = 1; level <= 3; level++) {
          const vpn = Math.floor(op.va / 2 ** SHIFTS[level as 1 | 2 | 3]);
          this.removeWhere(level, (key) => Math.floor(key / TAG_SPACE) === vpn);
        }
        return;
      case 'ASIDE1':
        for (let level = 1; level <= 3; level++) {
          this.removeWhere(level, (key) => key % TAG_SPACE === op.asid);
        }
        return;
      case 'VMALLE1':
        for (let level = 1; level <= 3; level++) {
          this.counters.invalidated += this.levels[level]!.size;
          this.levels[level]!.clear();
        }
        return;
    }
  }

  /** Every entry with its tag (`'global'` or the ASID), for inspection and tests. */
  entries(): { entry: TranslationEntry; asid: number | 'global' }[] {
    const out: { entry: TranslationEntry; asid: number | 'global' }[] = [];
    for (let level = 1; level <= 3; level++) {
      for (const [key, entry] of this.levels[level]!) {
        const tag = key % TAG_SPACE;
        out.push({ entry, asid: tag === GLOBAL_TAG ? 'global' : tag });
      }
    }
    return out;
  }

  /** Zeroes the counters. */
  resetCounters(): void {
    Object.assign(this.counters, newCounters());
  }

  private removeWhere(level: number, pred: (key: number) => boolean): void {
    const map = this.levels[level]!;
    for (const key of map.keys()) {
      if (pred(key)) {
        map.delete(key);
        this.counters.invalidated++;
      }
    }
  }

  /** Replacement: the oldest entry of the level that holds the most entries. */
  private evictOne(): void {
    let victim = this.levels[3]!;
    for (let level = 1; level <= 2; level++) {
      if (this.levels[level]!.size > victim.size) victim = this.levels[level]!;
    }
    const first = victim.keys().next();
    if (!first.done) {
      victim.delete(first.value);
      this.counters.evictions++;
    }
  }
}

function keyOf(vaBase: number, level: number, tag: number): number {
  return Math.floor(vaBase / 2 ** SHIFTS[level as 1 | 2 | 3]) * TAG_SPACE + tag;
}

function newCounters(): TlbCounters {
  return {
    hits: 0,
    misses: 0,
    fills: 0,
    evictions: 0,
    invalidated: 0,
    flushes: { VAE1: 0, VALE1: 0, VAAE1: 0, VAALE1: 0, ASIDE1: 0, VMALLE1: 0 },
  };
}
