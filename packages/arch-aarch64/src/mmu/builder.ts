// The page-table builder: writes a task's mappings into translation tables in PhysicalMemory,
// using the largest block the alignment allows (1 GiB at L1, 2 MiB at L2, else 4 KiB pages) and
// allocating a table only when a slot needs one. Every operation is decided before anything is
// written (a dry run finds overlaps and counts the tables needed), so a failed map changes
// nothing. Unmap and remap follow break-before-make: a valid descriptor is never replaced by a
// different valid one; it is written invalid, the TLB entry is invalidated, then the new one is
// written. Tables that an unmap empties are unhooked, invalidated and returned to the allocator.
// Relies on descriptors.ts, tcr.ts, memory.ts and the TLBI operation type of tlb.ts.

import { Aarch64Error, checkField } from '../errors';
import type { PhysicalMemory } from '../memory';
import type { TlbiOperation } from '../tlb';
import {
  type AccessPermission,
  type Level,
  LEVEL_SIZE,
  OA_LO_MASK,
  Shareability,
  encodeDescriptor,
  encodeLeafAttributes,
} from './descriptors';
import { type WalkGeometry, walkGeometry, type TcrFields, DEFAULT_TCR } from './tcr';

const TWO_32 = 0x1_0000_0000;

/** One mapping of a task's address space. All three numbers are multiples of 4 KiB. */
export interface Mapping {
  /** First virtual address. */
  va: number;
  /** First physical address. */
  pa: number;
  /** Bytes. */
  size: number;
  /** AP[2:1]. */
  ap: AccessPermission;
  /** Unprivileged execute-never. */
  uxn: boolean;
  /** Privileged execute-never. */
  pxn: boolean;
  /** MAIR_EL1 index. */
  attrIndx: number;
  /** Shareability; defaults to inner shareable. */
  sh?: Shareability;
  /** Global (nG = 0): shared by every ASID. Defaults to false (ASID-tagged). */
  global?: boolean;
}

/** Supplies zero-filled 4 KiB frames for translation tables. */
export interface TableAllocator {
  /** Returns the PA of a free 4 KiB-aligned frame, or `undefined` when none is left. */
  allocate(): number | undefined;
  /** Frames still available (used to refuse a map before writing anything). */
  readonly available: number;
  /** Takes back a frame whose table became empty (optional: without it the frame is leaked). */
  free?(frame: number): void;
}

/** A bump allocator over `count` consecutive 4 KiB frames starting at `base`, reusing freed ones. */
export class FramePool implements TableAllocator {
  private next: number;
  private readonly base: number;
  private readonly end: number;
  private readonly freed: number[] = [];

  /**
   * @param base - first frame, 4 KiB aligned
   * @param count - number of frames
   */
  constructor(base: number, count: number) {
    if (base % 4096 !== 0 || base < 0) {
      throw new Aarch64Error(
        'misaligned',
        `frame pool base 0x${base.toString(16)} must be 4 KiB aligned`,
      );
    }
    this.next = base;
    this.base = base;
    this.end = base + count * 4096;
  }

  /** {@inheritDoc TableAllocator.allocate} */
  allocate(): number | undefined {
    const reused = this.freed.pop();
    if (reused !== undefined) return reused;
    if (this.next >= this.end) return undefined;
    const frame = this.next;
    this.next += 4096;
    return frame;
  }

  /** {@inheritDoc TableAllocator.available} */
  get available(): number {
    return (this.end - this.next) / 4096 + this.freed.length;
  }

  /**
   * Takes back a frame this pool handed out. Throws `out-of-range` for a frame it does not own
   * or one that is already free.
   */
  free(frame: number): void {
    if (
      frame < this.base ||
      frame >= this.next ||
      frame % 4096 !== 0 ||
      this.freed.includes(frame)
    ) {
      throw new Aarch64Error(
        'out-of-range',
        `frame 0x${frame.toString(16)} was not allocated from this pool`,
      );
    }
    this.freed.push(frame);
  }
}

/** Receives the TLB maintenance a builder operation requires (a TLB model, or a recorder). */
export interface TlbMaintenance {
  /** Performs one TLBI (with the DSB that completes it). */
  tlbi(op: TlbiOperation): void;
}

/** What one map call wrote. */
export interface MapStats {
  /** 1 GiB level-1 blocks. */
  blocks1G: number;
  /** 2 MiB level-2 blocks. */
  blocks2M: number;
  /** 4 KiB level-3 pages. */
  pages: number;
  /** Tables allocated. */
  tables: number;
}

/** Options of {@link PageTableBuilder}. */
export interface BuilderOptions {
  /** TCR_EL1 fields (only T0SZ/TG0/IPS matter); defaults to {@link DEFAULT_TCR}. */
  tcr?: TcrFields;
  /**
   * Above this many leaf invalidations, unmap issues one TLBI ASIDE1 (or VMALLE1 when global
   * entries were removed) instead of one TLBI VALE1 per leaf. Default 64.
   */
  tlbiRangeThreshold?: number;
}

interface Walk {
  dryRun: boolean;
  tables: number;
  stats: MapStats;
}

/**
 * Builds and edits one address space's stage-1 tables. The root table is allocated at
 * construction; `root` is the value for TTBR0_EL1.BADDR.
 */
export class PageTableBuilder {
  /** PA of the starting-level table (TTBR0_EL1.BADDR). */
  readonly root: number;
  /** Walk geometry from the TCR. */
  readonly geometry: WalkGeometry;
  private readonly threshold: number;
  private tableCount = 0;

  /**
   * @param memory - where the tables live
   * @param allocator - supplies table frames
   * @param options - TCR and TLBI policy
   */
  constructor(
    private readonly memory: PhysicalMemory,
    private readonly allocator: TableAllocator,
    options: BuilderOptions = {},
  ) {
    this.geometry = walkGeometry(options.tcr ?? DEFAULT_TCR);
    this.threshold = options.tlbiRangeThreshold ?? 64;
    this.root = this.newTable();
  }

  /** Number of tables in use, the root included. */
  get tables(): number {
    return this.tableCount;
  }

  /**
   * Maps a region with the largest blocks possible. Throws `Aarch64Error` (and writes nothing)
   * for a misaligned or out-of-range region, an overlap with an existing mapping (`overlap`), or
   * too few table frames (`no-table-memory`). No TLB maintenance is needed: only invalid
   * descriptors are replaced.
   */
  map(m: Mapping): MapStats {
    this.checkRegion(m.va, m.size, 'map');
    if (m.pa % 4096 !== 0 || m.pa < 0 || m.pa + m.size > 2 ** this.geometry.paBits) {
      throw new Aarch64Error(
        'misaligned',
        `PA 0x${m.pa.toString(16)} + 0x${m.size.toString(16)} must be 4 KiB aligned and fit in ${this.geometry.paBits} bits`,
      );
    }
    checkField('AttrIndx', m.attrIndx, 3);
    const attrs = encodeLeafAttributes({
      attrIndx: m.attrIndx,
      ns: false,
      ap: m.ap,
      sh: m.sh ?? Shareability.InnerShareable,
      af: true,
      nG: !(m.global ?? false),
      contiguous: false,
      pxn: m.pxn,
      uxn: m.uxn,
      software: 0,
    });
    const dry: Walk = { dryRun: true, tables: 0, stats: emptyStats() };
    this.mapLevel(
      dry,
      this.root,
      this.geometry.startLevel,
      m.va,
      m.pa,
      m.va + m.size,
      attrs.lo,
      attrs.hi,
    );
    if (dry.tables > this.allocator.available) {
      throw new Aarch64Error(
        'no-table-memory',
        `mapping 0x${m.va.toString(16)}+0x${m.size.toString(16)} needs ${dry.tables} new tables, ${this.allocator.available} frames are left; give the builder a larger pool`,
      );
    }
    const real: Walk = { dryRun: false, tables: 0, stats: emptyStats() };
    this.mapLevel(
      real,
      this.root,
      this.geometry.startLevel,
      m.va,
      m.pa,
      m.va + m.size,
      attrs.lo,
      attrs.hi,
    );
    real.stats.tables = real.tables;
    return real.stats;
  }

  /**
   * Removes every mapping in `[va, va + size)`, splitting a block that is only partly covered
   * (break-before-make), then issues the TLB maintenance: TLBI VALE1 per removed leaf for `asid`,
   * TLBI VAALE1 (every ASID) when `asid` is undefined or the leaf is global, or one broad
   * invalidation above the threshold. `asid = null` says the space has no live ASID, so none of
   * its non-global entries can be cached: only global leaves are invalidated. A table left empty
   * is unhooked, invalidated with TLBI VAE1 (walk caches hold table pointers) and given back to
   * the allocator. Unmapped holes inside the range are skipped. Returns the number of leaves
   * removed.
   */
  unmap(va: number, size: number, tlb: TlbMaintenance, asid?: number | null): number {
    this.checkRegion(va, size, 'unmap');
    const removed: { va: number; global: boolean }[] = [];
    // Decide before writing: splitting partly covered blocks needs fresh tables.
    const needed = this.countSplits(this.root, this.geometry.startLevel, va, va + size);
    if (needed > this.allocator.available) {
      throw new Aarch64Error(
        'no-table-memory',
        `unmapping part of a block needs ${needed} new tables, ${this.allocator.available} frames are left`,
      );
    }
    const freed: { va: number; frame: number }[] = [];
    this.unmapLevel(this.root, this.geometry.startLevel, va, va + size, removed, freed, tlb, asid);
    const targets = asid === null ? removed.filter((r) => r.global) : removed;
    if (targets.length > this.threshold) {
      const anyGlobal = targets.some((r) => r.global);
      tlb.tlbi(anyGlobal || asid == null ? { op: 'VMALLE1' } : { op: 'ASIDE1', asid });
    } else {
      for (const r of targets) tlb.tlbi(invalidateLeaf(r.va, r.global ? undefined : asid));
    }
    // Emptied tables were unhooked from their parents above; a walk cache may still hold the
    // pointer, so invalidate at every level (VAE1, not VALE1) before the frame can be reused.
    for (const f of freed) {
      tlb.tlbi(asid == null ? { op: 'VAAE1', va: f.va } : { op: 'VAE1', va: f.va, asid });
      this.allocator.free?.(f.frame);
      this.tableCount--;
    }
    return removed.length;
  }

  /** Break-before-make remap: unmaps the mapping's range (with its TLBIs), then maps it anew. */
  remap(m: Mapping, tlb: TlbMaintenance, asid?: number | null): MapStats {
    this.unmap(m.va, m.size, tlb, asid);
    return this.map(m);
  }

  // ---- internals ----

  private checkRegion(va: number, size: number, what: string): void {
    if (
      !Number.isInteger(va) ||
      !Number.isInteger(size) ||
      va % 4096 !== 0 ||
      size % 4096 !== 0 ||
      size <= 0 ||
      va < 0
    ) {
      throw new Aarch64Error(
        'misaligned',
        `${what}: VA 0x${va.toString(16)} and size 0x${size.toString(16)} must be positive multiples of 4 KiB`,
      );
    }
    if (va + size > 2 ** this.geometry.inputBits) {
      throw new Aarch64Error(
        'out-of-range',
        `${what}: 0x${va.toString(16)}+0x${size.toString(16)} ends beyond the ${this.geometry.inputBits}-bit TTBR0 range`,
      );
    }
  }

  private newTable(): number {
    const frame = this.allocator.allocate();
    if (frame === undefined) {
      throw new Aarch64Error('no-table-memory', 'the table allocator has no frame left');
    }
    for (let i = 0; i < 4096; i += 4) this.memory.writeU32(frame + i, 0);
    this.tableCount++;
    return frame;
  }

  private readSlot(table: number, index: number): [number, number] {
    const at = table + index * 8;
    return [this.memory.readU32(at), this.memory.readU32(at + 4)];
  }

  private writeSlot(table: number, index: number, lo: number, hi: number): void {
    const at = table + index * 8;
    // High word first is harmless here: the slot is invalid (bit 0 of lo clear) until lo lands.
    this.memory.writeU32(at + 4, hi);
    this.memory.writeU32(at, lo);
  }

  private mapLevel(
    w: Walk,
    table: number,
    level: number,
    va: number,
    pa: number,
    end: number,
    attrLo: number,
    attrHi: number,
  ): void {
    const size = LEVEL_SIZE[level as Level];
    while (va < end) {
      const slotBase = va - (va % size);
      const slotEnd = Math.min(slotBase + size, end);
      const index = Math.floor(slotBase / size) % 512;
      const [lo, hi] = table < 0 ? [0, 0] : this.readSlot(table, index);
      const valid = (lo & 1) === 1;
      const isTable = valid && (lo & 2) !== 0 && level < 3;
      if (valid && !isTable) {
        throw new Aarch64Error(
          'overlap',
          `0x${va.toString(16)} is already mapped (level ${level} ${level === 3 ? 'page' : 'block'}); unmap it first`,
        );
      }
      const whole = va === slotBase && slotEnd === slotBase + size && pa % size === 0;
      if (!valid && whole && (level === 1 || level === 2 || level === 3)) {
        if (!w.dryRun) {
          const words = splitAddress(pa);
          this.writeSlot(
            table,
            index,
            words.lo | attrLo | (level === 3 ? 3 : 1),
            words.hi | attrHi,
          );
        }
        if (level === 1) w.stats.blocks1G++;
        else if (level === 2) w.stats.blocks2M++;
        else w.stats.pages++;
      } else {
        let child: number;
        if (isTable) child = (hi & 0xffff) * TWO_32 + ((lo & 0xfffff000) >>> 0);
        else {
          w.tables++;
          if (w.dryRun) child = -1;
          else {
            child = this.newTable();
            const d = encodeDescriptor(
              {
                kind: 'table',
                address: child,
                pxnTable: false,
                uxnTable: false,
                apTable: 0,
                nsTable: false,
              },
              level as Level,
            );
            this.writeSlot(table, index, d.lo, d.hi);
          }
        }
        this.mapLevel(w, child, level + 1, va, pa, slotEnd, attrLo, attrHi);
      }
      pa += slotEnd - va;
      va = slotEnd;
    }
  }

  private countSplits(table: number, level: number, va: number, end: number): number {
    const size = LEVEL_SIZE[level as Level];
    let n = 0;
    while (va < end) {
      const slotBase = va - (va % size);
      const slotEnd = Math.min(slotBase + size, end);
      const [lo, hi] = this.readSlot(table, Math.floor(slotBase / size) % 512);
      if ((lo & 1) === 1 && level < 3) {
        if ((lo & 2) !== 0) {
          n += this.countSplits(
            (hi & 0xffff) * TWO_32 + ((lo & 0xfffff000) >>> 0),
            level + 1,
            va,
            slotEnd,
          );
        } else if (va !== slotBase || slotEnd !== slotBase + size) {
          // A partly covered block becomes a table; inside a 1 GiB block, the 2 MiB blocks that
          // hold a range end not 2 MiB aligned split once more.
          n += 1;
          if (level === 1) {
            const ends = new Set<number>();
            if (va % LEVEL_SIZE[2] !== 0) ends.add(Math.floor(va / LEVEL_SIZE[2]));
            if (slotEnd % LEVEL_SIZE[2] !== 0) ends.add(Math.floor(slotEnd / LEVEL_SIZE[2]));
            n += ends.size;
          }
        }
      }
      va = slotEnd;
    }
    return n;
  }

  private unmapLevel(
    table: number,
    level: number,
    va: number,
    end: number,
    removed: { va: number; global: boolean }[],
    freed: { va: number; frame: number }[],
    tlb: TlbMaintenance,
    asid: number | null | undefined,
  ): void {
    const size = LEVEL_SIZE[level as Level];
    while (va < end) {
      const slotBase = va - (va % size);
      const slotEnd = Math.min(slotBase + size, end);
      const index = Math.floor(slotBase / size) % 512;
      const [lo, hi] = this.readSlot(table, index);
      if ((lo & 1) === 1) {
        const isTable = (lo & 2) !== 0 && level < 3;
        const whole = va === slotBase && slotEnd === slotBase + size;
        if (isTable) {
          const child = (hi & 0xffff) * TWO_32 + ((lo & 0xfffff000) >>> 0);
          this.unmapLevel(child, level + 1, va, slotEnd, removed, freed, tlb, asid);
          if (this.isEmpty(child)) {
            this.writeSlot(table, index, 0, 0);
            freed.push({ va: slotBase, frame: child });
          }
        } else if (whole) {
          this.writeSlot(table, index, 0, 0);
          removed.push({ va: slotBase, global: (lo & 0x800) === 0 });
        } else {
          const child = this.splitBlock(table, index, level, slotBase, lo, hi, tlb, asid);
          this.unmapLevel(child, level + 1, va, slotEnd, removed, freed, tlb, asid);
        }
      }
      va = slotEnd;
    }
  }

  private isEmpty(table: number): boolean {
    for (let i = 0; i < 4096; i += 8) if ((this.memory.readU32(table + i) & 1) === 1) return false;
    return true;
  }

  /** Replaces a block by an equivalent next-level table, break-before-make. */
  private splitBlock(
    table: number,
    index: number,
    level: number,
    blockVa: number,
    lo: number,
    hi: number,
    tlb: TlbMaintenance,
    asid: number | null | undefined,
  ): number {
    const child = this.newTable();
    const sub = LEVEL_SIZE[(level + 1) as Level];
    const oa = (hi & 0xffff) * TWO_32 + ((lo & OA_LO_MASK[level as Level]) >>> 0);
    const attrLo = lo & 0xffc; // bits [11:2]
    const attrHi = hi & 0xfff00000; // bits [63:52]
    const type = level + 1 === 3 ? 3 : 1;
    for (let i = 0; i < 512; i++) {
      const w = splitAddress(oa + i * sub);
      this.writeSlot(child, i, w.lo | attrLo | type, w.hi | attrHi);
    }
    // Break: invalidate the block and its TLB entry; make: install the table.
    this.writeSlot(table, index, 0, 0);
    const global = (lo & 0x800) === 0;
    if (global || asid !== null) tlb.tlbi(invalidateLeaf(blockVa, global ? undefined : asid));
    const d = encodeDescriptor(
      {
        kind: 'table',
        address: child,
        pxnTable: false,
        uxnTable: false,
        apTable: 0,
        nsTable: false,
      },
      level as Level,
    );
    this.writeSlot(table, index, d.lo, d.hi);
    return child;
  }
}

function invalidateLeaf(va: number, asid: number | null | undefined): TlbiOperation {
  return asid == null ? { op: 'VAALE1', va } : { op: 'VALE1', va, asid };
}

function splitAddress(address: number): { lo: number; hi: number } {
  return { lo: (address % TWO_32) >>> 0, hi: Math.floor(address / TWO_32) };
}

function emptyStats(): MapStats {
  return { blocks1G: 0, blocks2M: 0, pages: 0, tables: 0 };
}
