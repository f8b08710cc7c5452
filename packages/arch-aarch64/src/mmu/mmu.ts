// The MMU of one CPU for the EL1&0 regime: the registers (SCTLR_EL1.M/WXN, TCR_EL1, TTBR0_EL1,
// TTBR1_EL1 for the A1 ASID choice, MAIR_EL1), a TLB, and translate(), which looks in the TLB
// first and walks on a miss, then applies the permission check to either. Writing TTBR0/TCR never
// touches the TLB (as on hardware); switchTo() installs an address space through the ASID
// allocator and flushes only on an ASID roll-over. Relies on walker.ts, tlb.ts, asid.ts, tcr.ts,
// mair.ts, memory.ts.

import type { AsidAllocator, AsidHandle } from '../asid';
import type { PhysicalMemory } from '../memory';
import { Tlb, type TlbOptions, type TlbiOperation } from '../tlb';
import { type AccessKind, type ExceptionLevel, mmuFault } from './fault';
import { AccessPermission, Shareability } from './descriptors';
import { DEFAULT_TCR, encodeTtbr, type TcrFields, type Ttbr } from './tcr';
import {
  checkEntry,
  createWalkContext,
  type TranslateResult,
  type TranslationEntry,
  type WalkContext,
  walk,
} from './walker';

/** Counters of the MMU besides the TLB's own. */
export interface MmuCounters {
  /** Table walks performed (TLB misses that reached memory). */
  walks: number;
  /** Translations that ended in a fault. */
  faults: number;
  /** Address-space switches. */
  switches: number;
}

/** Options of {@link Mmu}. */
export interface MmuOptions {
  /** TLB options. */
  tlb?: TlbOptions;
  /** Initial TCR_EL1 (default {@link DEFAULT_TCR}). */
  tcr?: TcrFields;
  /** Initial SCTLR_EL1.M (default true: MMU on). */
  enabled?: boolean;
  /** Initial SCTLR_EL1.WXN (default false). */
  wxn?: boolean;
}

/** The stage-1 MMU with its TLB. */
export class Mmu {
  /** The TLB. */
  readonly tlb: Tlb;
  /** Statistics. */
  readonly counters: MmuCounters = { walks: 0, faults: 0, switches: 0 };
  /** SCTLR_EL1.M. */
  enabled: boolean;
  /** SCTLR_EL1.WXN. */
  wxn: boolean;
  /** MAIR_EL1. */
  mair = 0n;
  private tcrFields: TcrFields;
  private ttbr0Value: Ttbr = { asid: 0, baddr: 0 };
  private ttbr1Value: Ttbr = { asid: 0, baddr: 0 };
  private ctx: WalkContext;
  private currentAsid = 0;

  /**
   * @param memory - physical memory holding the tables
   * @param options - TLB size and initial register values
   */
  constructor(
    private readonly memory: PhysicalMemory,
    options: MmuOptions = {},
  ) {
    this.tlb = new Tlb(options.tlb);
    this.enabled = options.enabled ?? true;
    this.wxn = options.wxn ?? false;
    this.tcrFields = { ...(options.tcr ?? DEFAULT_TCR) };
    this.ctx = createWalkContext(this.tcrFields, this.ttbr0Value);
  }

  /** TCR_EL1 fields. */
  get tcr(): Readonly<TcrFields> {
    return this.tcrFields;
  }

  /** Writes TCR_EL1 (throws `Aarch64Error` for a granule or T0SZ the model cannot walk). */
  setTcr(tcr: TcrFields): void {
    this.ctx = createWalkContext(tcr, this.ttbr0Value);
    this.tcrFields = { ...tcr };
    this.updateAsid();
  }

  /** TTBR0_EL1. */
  get ttbr0(): Readonly<Ttbr> {
    return this.ttbr0Value;
  }

  /**
   * Writes TTBR0_EL1. The TLB is untouched: entries of other ASIDs stay cached. Throws
   * `field-range` for an ASID beyond 16 bits, `out-of-range` for a BADDR that is not an even
   * integer below 2^48.
   */
  setTtbr0(ttbr: Ttbr): void {
    encodeTtbr(ttbr); // validates both fields
    this.ttbr0Value = { ...ttbr };
    this.ctx = createWalkContext(this.tcrFields, this.ttbr0Value);
    this.updateAsid();
  }

  /** Writes TTBR1_EL1 (only its ASID matters, when TCR_EL1.A1 = 1). Validated like TTBR0. */
  setTtbr1(ttbr: Ttbr): void {
    encodeTtbr(ttbr);
    this.ttbr1Value = { ...ttbr };
    this.updateAsid();
  }

  /** The ASID that tags new entries and selects cached ones: per A1 and AS. */
  get asid(): number {
    return this.currentAsid;
  }

  /**
   * Installs an address space: makes sure its ASID handle is live (the allocator may roll over
   * and flush), then writes TTBR0_EL1 = (ASID, root). No TLB maintenance otherwise.
   */
  switchTo(space: { root: number; asid: AsidHandle }, allocator: AsidAllocator): number {
    const { asid } = allocator.activate(space.asid, this);
    this.setTtbr0({ asid, baddr: space.root });
    this.counters.switches++;
    return asid;
  }

  /** Executes a TLBI on this MMU's TLB. */
  tlbi(op: TlbiOperation): void {
    this.tlb.tlbi(op);
  }

  /**
   * Translates one access: TLB lookup, walk on a miss (a successful walk is cached, a fault is
   * not), then the permission check. With the MMU off, VA = PA (an address beyond the PA size is
   * an address size fault at level 0).
   */
  translate(va: number, access: AccessKind, el: ExceptionLevel): TranslateResult {
    if (!this.enabled) return this.flat(va);
    let entry = this.tlb.lookup(va, this.currentAsid);
    if (entry === undefined) {
      this.counters.walks++;
      const r = walk(this.memory, this.ctx, va);
      if (!r.ok) {
        this.counters.faults++;
        return r;
      }
      entry = r.entry;
      this.tlb.insert(entry, this.currentAsid);
    }
    const result = checkEntry(entry, va, access, el, this.wxn);
    if (!result.ok) this.counters.faults++;
    return result;
  }

  /** Walks without the TLB (like AT S1E1R without caching); useful to compare with the TLB. */
  walkOnly(va: number): ReturnType<typeof walk> {
    return walk(this.memory, this.ctx, va);
  }

  private flat(va: number): TranslateResult {
    if (!(va >= 0 && va < 2 ** this.ctx.geometry.paBits)) {
      this.counters.faults++;
      return { ok: false, fault: mmuFault('address-size', 0) };
    }
    const entry: TranslationEntry = {
      level: 3,
      size: 4096,
      vaBase: va - (va % 4096),
      paBase: va - (va % 4096),
      attrIndx: 0,
      sh: Shareability.OuterShareable,
      ns: false,
      nG: false,
      ap: AccessPermission.ReadWrite,
      pxn: false,
      uxn: false,
      contiguous: false,
    };
    return { ok: true, pa: va, entry };
  }

  private updateAsid(): void {
    const raw = this.tcrFields.a1 ? this.ttbr1Value.asid : this.ttbr0Value.asid;
    // With TCR_EL1.AS = 0 the upper 8 bits of the ASID are ignored.
    this.currentAsid = this.tcrFields.as16 ? raw : raw & 0xff;
  }
}
