// A task's address space: its translation tables (a PageTableBuilder over a table allocator) and
// its ASID handle, with the TLB maintenance of every change addressed to the right ASID. The
// subtle part it hides: after an ASID roll-over a space that has not run since holds a stale
// handle, its old entries were flushed by the roll-over, and a TLBI for its old ASID would hit
// whichever space owns that number now, so maintenance uses the live ASID or none at all.
// Relies on mmu/builder.ts, asid.ts, mmu/mmu.ts.

import type { AsidAllocator, AsidHandle } from './asid';
import { Aarch64Error } from './errors';
import type { PhysicalMemory } from './memory';
import {
  type BuilderOptions,
  type Mapping,
  type MapStats,
  PageTableBuilder,
  type TableAllocator,
  type TlbMaintenance,
} from './mmu/builder';
import type { Mmu } from './mmu/mmu';

/** One task's stage-1 address space. */
export class AddressSpace {
  /** The tables. */
  readonly tables: PageTableBuilder;
  /** The ASID claim, updated by the allocator on each switch. */
  readonly asid: AsidHandle;
  private destroyed = false;

  /**
   * @param memory - where the tables live
   * @param allocator - table frames
   * @param asids - the CPU's ASID allocator (shared by every space on that CPU)
   * @param options - TCR and TLBI policy for the builder
   */
  constructor(
    memory: PhysicalMemory,
    allocator: TableAllocator,
    private readonly asids: AsidAllocator,
    options: BuilderOptions = {},
  ) {
    this.tables = new PageTableBuilder(memory, allocator, options);
    this.asid = { asid: 0, generation: 0 };
  }

  /** TTBR0_EL1.BADDR of this space. */
  get root(): number {
    return this.tables.root;
  }

  /** The ASID this space owns in the current generation, or undefined if it has none. */
  get liveAsid(): number | undefined {
    return this.asid.generation === this.asids.generation && this.asid.asid !== 0
      ? this.asid.asid
      : undefined;
  }

  /** Maps a region (no TLB maintenance needed: only invalid entries change). */
  map(m: Mapping): MapStats {
    this.check();
    return this.tables.map(m);
  }

  /**
   * Unmaps a range with break-before-make, invalidating the TLB for the live ASID. Without a
   * live ASID (never run, or not since a roll-over) none of its non-global entries can be cached
   * and a TLBI for its old ASID would hit another space, so only global leaves are invalidated.
   * Returns the number of leaves removed.
   */
  unmap(va: number, size: number, tlb: TlbMaintenance): number {
    this.check();
    // null: no live ASID, so only global entries can be cached.
    return this.tables.unmap(va, size, tlb, this.liveAsid ?? null);
  }

  /** Break-before-make remap of a region (see {@link AddressSpace.unmap}). */
  remap(m: Mapping, tlb: TlbMaintenance): MapStats {
    this.unmap(m.va, m.size, tlb);
    return this.map(m);
  }

  /** Makes this space current on `mmu` (TTBR0_EL1 = ASID + root); returns the ASID. */
  activate(mmu: Mmu): number {
    this.check();
    return mmu.switchTo(this, this.asids);
  }

  /**
   * Releases the ASID (TLBI ASIDE1 if it is live) so it can be reused. The tables' frames stay
   * with the caller's allocator. Further use throws `destroyed`.
   */
  destroy(tlb: TlbMaintenance): void {
    if (this.destroyed) return;
    this.asids.release(this.asid, tlb);
    this.destroyed = true;
  }

  private check(): void {
    if (this.destroyed) {
      throw new Aarch64Error('destroyed', 'this address space was destroyed; create a new one');
    }
  }
}
