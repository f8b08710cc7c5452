// A GICv3 for one PE: the shared state plus its distributor, redistributor and CPU interface,
// the input lines devices drive (the generic timer drives PPI 30), and typed helpers that
// program an interrupt through the real registers (so the helpers and raw MMIO agree).
// GICv3 rather than v2: it is what QEMU virt and the Raspberry Pi 4/5 class of cores offer with
// the system-register CPU interface (no MMIO GICC), and affinity routing scales past 8 PEs.
// Relies on state.ts, distributor.ts, redistributor.ts, cpu-interface.ts.

import { Aarch64Error } from '../errors';
import { GicCpuInterface } from './cpu-interface';
import {
  GICD_CTLR,
  GICD_CTLR_ENABLE_GRP1,
  GICD_ICENABLER,
  GICD_ICFGR,
  GICD_IGROUPR,
  GICD_IPRIORITYR,
  GICD_IROUTER,
  GICD_ISENABLER,
  GICD_ISPENDR,
  GicDistributor,
} from './distributor';
import {
  GICR_ICENABLER0,
  GICR_ICFGR1,
  GICR_IGROUPR0,
  GICR_IPRIORITYR,
  GICR_ISENABLER0,
  GICR_ISPENDR0,
  GICR_WAKER,
  GicRedistributor,
} from './redistributor';
import { type GicOptions, GicState, PPI_BASE, SPI_BASE } from './state';

/** Something that can raise and lower an interrupt line (a GIC, or a recorder in tests). */
export interface InterruptSink {
  /** Drives the input line of `intid` (a PPI or SPI). */
  setLine(intid: number, level: boolean): void;
}

/** A GICv3 with one PE. */
export class Gic implements InterruptSink {
  /** The per-INTID state. */
  readonly state: GicState;
  /** GICD_* registers. */
  readonly distributor: GicDistributor;
  /** GICR_* registers of the PE. */
  readonly redistributor: GicRedistributor;
  /** ICC_* system registers of the PE. */
  readonly cpu: GicCpuInterface;

  /** @param options - SPI count and priority bits */
  constructor(options: GicOptions = {}) {
    this.state = new GicState(options);
    this.distributor = new GicDistributor(this.state);
    this.redistributor = new GicRedistributor(this.state);
    this.cpu = new GicCpuInterface(this.state);
  }

  /** {@inheritDoc InterruptSink.setLine} */
  setLine(intid: number, level: boolean): void {
    this.state.setLine(intid, level);
  }

  /**
   * The usual bring-up, through the registers: wake the redistributor (GICR_WAKER), enable
   * Group 1 in GICD_CTLR and ICC_IGRPEN1_EL1, PMR = 0xFF (nothing masked).
   */
  init(): void {
    this.redistributor.writeU32(GICR_WAKER, 0);
    this.distributor.writeU32(GICD_CTLR, GICD_CTLR_ENABLE_GRP1);
    this.cpu.groupEnable = true;
    this.cpu.priorityMask = 0xff;
  }

  /**
   * Configures one interrupt as Group 1 with a priority and trigger, routed to this PE, and
   * enables it. Throws `out-of-range` for an unimplemented INTID; SGIs are always edge.
   */
  configure(intid: number, options: { priority: number; edge?: boolean }): void {
    this.check(intid);
    const word = intid >>> 5;
    const bit = 1 << (intid & 31);
    const banked = intid < SPI_BASE;
    // Group 1: read-modify-write IGROUPR.
    const groupAt = banked ? GICR_IGROUPR0 : GICD_IGROUPR + 4 * word;
    const regs = banked ? this.redistributor : this.distributor;
    regs.writeU32(groupAt, regs.readU32(groupAt) | bit);
    // Priority: byte lane of IPRIORITYR.
    const prioAt = (banked ? GICR_IPRIORITYR : GICD_IPRIORITYR) + (intid & ~3);
    const shift = 8 * (intid & 3);
    const old = regs.readU32(prioAt) & ~(0xff << shift);
    regs.writeU32(prioAt, (old | ((options.priority & 0xff) << shift)) >>> 0);
    // Trigger: ICFGR bit [2k+1].
    if (intid >= PPI_BASE && options.edge !== undefined) {
      const cfgAt = banked ? GICR_ICFGR1 : GICD_ICFGR + 4 * (intid >>> 4);
      const cfgBit = 2 << (2 * (intid & 15));
      const cur = regs.readU32(cfgAt);
      regs.writeU32(cfgAt, (options.edge ? cur | cfgBit : cur & ~cfgBit) >>> 0);
    }
    if (!banked) {
      this.distributor.writeU32(GICD_IROUTER + 8 * intid, 0); // affinity 0.0.0.0, IRM = 0
      this.distributor.writeU32(GICD_IROUTER + 8 * intid + 4, 0);
    }
    regs.writeU32(banked ? GICR_ISENABLER0 : GICD_ISENABLER + 4 * word, bit);
  }

  /** Disables one interrupt (ICENABLER). */
  disable(intid: number): void {
    this.check(intid);
    if (intid < SPI_BASE) this.redistributor.writeU32(GICR_ICENABLER0, 1 << intid);
    else this.distributor.writeU32(GICD_ICENABLER + 4 * (intid >>> 5), 1 << (intid & 31));
  }

  /** Makes one interrupt pending by software (ISPENDR). */
  setPending(intid: number): void {
    this.check(intid);
    if (intid < SPI_BASE) this.redistributor.writeU32(GICR_ISPENDR0, 1 << intid);
    else this.distributor.writeU32(GICD_ISPENDR + 4 * (intid >>> 5), 1 << (intid & 31));
  }

  private check(intid: number): void {
    if (!this.state.has(intid)) {
      throw new Aarch64Error(
        'out-of-range',
        `INTID ${intid} is not implemented: SGIs 0-15, PPIs 16-31, SPIs 32-${this.state.count - 1}`,
      );
    }
  }
}
