// The interrupt state a GICv3 keeps per INTID for one PE: enable, pending latch, input line level,
// active, priority, edge/level configuration, group and (for SPIs) the IROUTER affinity. The
// distributor, redistributor and CPU interface files are views on this one object; the
// selection of the highest-priority pending interrupt lives here because both the CPU interface
// and the IRQ output need it. Relies on errors.ts.

import { Aarch64Error } from '../errors';

/** INTID ranges. */
export const SGI_BASE = 0;
/** First PPI. */
export const PPI_BASE = 16;
/** First SPI. */
export const SPI_BASE = 32;
/** The spurious INTID returned when nothing can be acknowledged. */
export const INTID_SPURIOUS = 1023;

/** Well-known PPIs of the Arm generic timer (Server Base System Architecture numbering). */
export enum TimerPpi {
  /** EL1 secure physical timer. */
  SecurePhysical = 29,
  /** EL1 non-secure physical timer (CNTP): the kernel's deadline source. */
  NonSecurePhysical = 30,
  /** EL1 virtual timer (CNTV). */
  Virtual = 27,
  /** EL2 physical timer. */
  Hypervisor = 26,
}

/** Options shared by the GIC parts. */
export interface GicOptions {
  /** Number of SPIs, a multiple of 32, 32..988. Default 64 (INTIDs 32-95). */
  spiCount?: number;
  /** Implemented priority bits, 4..8. Default 5 (32 levels; the low 3 bits read as 0). */
  priorityBits?: number;
}

/** Per-INTID state for INTIDs 0..(32 + spiCount - 1). */
export class GicState {
  /** Number of INTIDs (SGIs + PPIs + SPIs). */
  readonly count: number;
  /** Implemented priority bits. */
  readonly priorityBits: number;
  /** Mask of the implemented priority bits (e.g. 0xF8 for 5 bits). */
  readonly priorityMask: number;
  /** Enable bit per INTID. */
  readonly enabled: Uint8Array;
  /** Software/edge pending latch per INTID. */
  readonly pendingLatch: Uint8Array;
  /** Input line level per INTID (level-sensitive PPIs/SPIs). */
  readonly line: Uint8Array;
  /** Active bit per INTID. */
  readonly active: Uint8Array;
  /** Priority byte per INTID. */
  readonly priority: Uint8Array;
  /** 1 = edge-triggered, 0 = level-sensitive. SGIs are always edge. */
  readonly edge: Uint8Array;
  /** 1 = Group 1, 0 = Group 0 (reset). */
  readonly group: Uint8Array;
  /** IROUTER per INTID (meaningful for SPIs): IRM in bit 31, affinity in the rest. */
  readonly router: Float64Array;
  /** GICD_CTLR.EnableGrp0. */
  enableGrp0 = false;
  /** GICD_CTLR.EnableGrp1. */
  enableGrp1 = false;
  /** GICR_WAKER.ProcessorSleep (reset 1: the redistributor does not forward interrupts). */
  processorSleep = true;

  /** @param options - size and priority bits */
  constructor(options: GicOptions = {}) {
    const spis = options.spiCount ?? 64;
    if (!Number.isInteger(spis) || spis < 32 || spis > 988 || spis % 32 !== 0) {
      throw new Aarch64Error(
        'out-of-range',
        `spiCount must be a multiple of 32 in 32..988, got ${spis}`,
      );
    }
    const bits = options.priorityBits ?? 5;
    if (!Number.isInteger(bits) || bits < 4 || bits > 8) {
      throw new Aarch64Error('out-of-range', `priorityBits must be 4..8 (GICv3), got ${bits}`);
    }
    this.count = SPI_BASE + spis;
    this.priorityBits = bits;
    this.priorityMask = (0xff << (8 - bits)) & 0xff;
    this.enabled = new Uint8Array(this.count);
    this.pendingLatch = new Uint8Array(this.count);
    this.line = new Uint8Array(this.count);
    this.active = new Uint8Array(this.count);
    this.priority = new Uint8Array(this.count);
    this.edge = new Uint8Array(this.count);
    this.edge.fill(1, 0, PPI_BASE);
    this.group = new Uint8Array(this.count);
    this.router = new Float64Array(this.count);
  }

  /** Whether `intid` is implemented. */
  has(intid: number): boolean {
    return Number.isInteger(intid) && intid >= 0 && intid < this.count;
  }

  /** Pending: the latch, or (level-sensitive) the line held high. */
  isPending(intid: number): boolean {
    return this.pendingLatch[intid] === 1 || (this.edge[intid] === 0 && this.line[intid] === 1);
  }

  /** Whether an SPI's IROUTER sends it to this PE (affinity 0.0.0.0, or IRM = 1: any PE). */
  routedHere(intid: number): boolean {
    if (intid < SPI_BASE) return true;
    const r = this.router[intid]!;
    const irm = Math.floor(r / 2 ** 31) % 2 === 1;
    return irm || r === 0;
  }

  /**
   * The highest-priority pending Group 1 interrupt that is enabled, not active, routed here and
   * forwarded (distributor group enable on, PE awake); ties go to the lowest INTID (the choice
   * is IMPLEMENTATION DEFINED on hardware). Returns -1 when there is none.
   */
  highestPendingGroup1(): number {
    if (!this.enableGrp1 || this.processorSleep) return -1;
    let best = -1;
    let bestPriority = 0x100;
    for (let intid = 0; intid < this.count; intid++) {
      if (
        this.enabled[intid] === 1 &&
        this.group[intid] === 1 &&
        this.active[intid] === 0 &&
        this.priority[intid]! < bestPriority &&
        this.isPending(intid) &&
        this.routedHere(intid)
      ) {
        best = intid;
        bestPriority = this.priority[intid]!;
      }
    }
    return best;
  }

  /** Drives an input line (PPI or SPI); a rising edge latches an edge-triggered interrupt. */
  setLine(intid: number, level: boolean): void {
    if (!this.has(intid) || intid < PPI_BASE) {
      throw new Aarch64Error(
        'out-of-range',
        `INTID ${intid} has no input line: PPIs are 16-31 and SPIs 32-${this.count - 1}`,
      );
    }
    const v = level ? 1 : 0;
    if (v === 1 && this.line[intid] === 0 && this.edge[intid] === 1) this.pendingLatch[intid] = 1;
    this.line[intid] = v;
  }
}
