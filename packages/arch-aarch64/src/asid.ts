// The ASID allocator with generations. Each address space holds an AsidHandle (ASID +
// generation). Activating a space whose handle is from the current generation reuses its ASID:
// no TLB maintenance at all, so switching between tasks never flushes while ASIDs last. When a
// space needs a new ASID and none is free, the allocator rolls over: the generation advances,
// every ASID becomes free again (all other handles are now stale and get a new ASID when next
// activated), and one TLBI VMALLE1 removes every entry tagged with a recycled ASID. That full
// flush is the only one this policy ever issues. Releasing a space's ASID issues TLBI ASIDE1 so
// the ASID can be reused in the same generation without stale entries. ASID 0 is reserved (the
// kernel's own value while no task's tables are installed). Relies on builder.ts (TlbMaintenance).

import { Aarch64Error } from './errors';
import type { TlbMaintenance } from './mmu/builder';

/** An address space's claim on an ASID; owned by the space, updated by the allocator. */
export interface AsidHandle {
  /** The ASID, valid only while `generation` equals the allocator's. */
  asid: number;
  /** Generation the ASID was allocated in; 0 = never allocated. */
  generation: number;
}

/** Options of {@link AsidAllocator}. */
export interface AsidAllocatorOptions {
  /** 8 or 16 (TCR_EL1.AS). Default 16. */
  asidBits?: 8 | 16;
  /**
   * Use only ASIDs 1..limit (to model a smaller ASID space in tests and benchmarks). Defaults to
   * every non-zero ASID (255 or 65535).
   */
  limit?: number;
}

/** Allocator statistics. */
export interface AsidCounters {
  /** New ASIDs handed out. */
  allocations: number;
  /** Activations that reused a live ASID. */
  reuses: number;
  /** Generation roll-overs (each cost one TLBI VMALLE1). */
  rollovers: number;
  /** ASIDs released. */
  releases: number;
}

/** Result of {@link AsidAllocator.activate}. */
export interface Activation {
  /** The ASID to put in TTBR0_EL1. */
  asid: number;
  /** Whether this activation rolled the generation over (and flushed the TLB). */
  rolledOver: boolean;
}

/** Generation-based ASID allocator for one CPU. */
export class AsidAllocator {
  /** Statistics. */
  readonly counters: AsidCounters = { allocations: 0, reuses: 0, rollovers: 0, releases: 0 };
  private gen = 1;
  private readonly used: Uint8Array;
  private readonly limit: number;
  private cursor = 1;

  /** @param options - ASID width and usable range */
  constructor(options: AsidAllocatorOptions = {}) {
    const bits = options.asidBits ?? 16;
    if (bits !== 8 && bits !== 16) {
      throw new Aarch64Error('field-range', `asidBits must be 8 or 16 (TCR_EL1.AS), got ${bits}`);
    }
    const max = 2 ** bits - 1;
    this.limit = options.limit ?? max;
    if (!Number.isInteger(this.limit) || this.limit < 1 || this.limit > max) {
      throw new Aarch64Error('out-of-range', `limit must be 1..${max} with ${bits}-bit ASIDs`);
    }
    this.used = new Uint8Array(this.limit + 1);
  }

  /** The current generation (starts at 1). */
  get generation(): number {
    return this.gen;
  }

  /** A handle for a new address space (no ASID yet). */
  static newHandle(): AsidHandle {
    return { asid: 0, generation: 0 };
  }

  /**
   * Makes sure `handle` holds a live ASID and returns it. Reuse costs nothing; a new ASID costs
   * nothing unless the space is exhausted, in which case the generation rolls over and
   * `tlb.tlbi({ op: 'VMALLE1' })` is issued once.
   */
  activate(handle: AsidHandle, tlb: TlbMaintenance): Activation {
    if (handle.generation === this.gen) {
      this.counters.reuses++;
      return { asid: handle.asid, rolledOver: false };
    }
    let rolledOver = false;
    let asid = this.findFree();
    if (asid === 0) {
      this.gen++;
      this.used.fill(0);
      this.cursor = 1;
      this.counters.rollovers++;
      tlb.tlbi({ op: 'VMALLE1' });
      rolledOver = true;
      asid = this.findFree();
    }
    this.used[asid] = 1;
    handle.asid = asid;
    handle.generation = this.gen;
    this.counters.allocations++;
    return { asid, rolledOver };
  }

  /**
   * Gives a dying space's ASID back. Its entries are removed with TLBI ASIDE1 so the ASID can be
   * handed out again in this generation. A stale handle needs nothing (the roll-over flushed it).
   */
  release(handle: AsidHandle, tlb: TlbMaintenance): void {
    if (handle.generation === this.gen && handle.asid !== 0) {
      tlb.tlbi({ op: 'ASIDE1', asid: handle.asid });
      this.used[handle.asid] = 0;
      this.counters.releases++;
    }
    handle.generation = 0;
    handle.asid = 0;
  }

  /** ASIDs free in the current generation. */
  get free(): number {
    let n = 0;
    for (let a = 1; a <= this.limit; a++) if (this.used[a] === 0) n++;
    return n;
  }

  private findFree(): number {
    for (let i = 0; i < this.limit; i++) {
      const a = ((this.cursor - 1 + i) % this.limit) + 1;
      if (this.used[a] === 0) {
        this.cursor = (a % this.limit) + 1;
        return a;
      }
    }
    return 0;
  }
}
