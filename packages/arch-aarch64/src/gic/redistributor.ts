// The GICv3 redistributor of this PE: the RD_base frame (GICR_CTLR, GICR_TYPER, GICR_WAKER) and
// the SGI_base frame at +64 KiB holding the banked registers of SGIs 0-15 and PPIs 16-31
// (IGROUPR0, ISENABLER0/ICENABLER0, ISPENDR0/ICPENDR0, ISACTIVER0/ICACTIVER0, IPRIORITYR0-7,
// ICFGR0/ICFGR1). Until software clears GICR_WAKER.ProcessorSleep no interrupt reaches the CPU
// interface. Relies on state.ts and the bitmap helpers of distributor.ts.

import { readBitmap, writeBitmap } from './distributor';
import { type GicState, PPI_BASE } from './state';

/** GICR_CTLR (RD_base). */
export const GICR_CTLR = 0x0000;
/** GICR_IIDR. */
export const GICR_IIDR = 0x0004;
/** GICR_TYPER (64-bit): Last [4]. */
export const GICR_TYPER = 0x0008;
/** GICR_WAKER: ProcessorSleep [1], ChildrenAsleep [2]. */
export const GICR_WAKER = 0x0014;
/** GICR_WAKER.ProcessorSleep. */
export const GICR_WAKER_PROCESSOR_SLEEP = 1 << 1;
/** GICR_WAKER.ChildrenAsleep. */
export const GICR_WAKER_CHILDREN_ASLEEP = 1 << 2;
/** Offset of the SGI_base frame from RD_base. */
export const GICR_SGI_BASE = 0x1_0000;
/** GICR_IGROUPR0 (SGI_base). */
export const GICR_IGROUPR0 = GICR_SGI_BASE + 0x0080;
/** GICR_ISENABLER0. */
export const GICR_ISENABLER0 = GICR_SGI_BASE + 0x0100;
/** GICR_ICENABLER0. */
export const GICR_ICENABLER0 = GICR_SGI_BASE + 0x0180;
/** GICR_ISPENDR0. */
export const GICR_ISPENDR0 = GICR_SGI_BASE + 0x0200;
/** GICR_ICPENDR0. */
export const GICR_ICPENDR0 = GICR_SGI_BASE + 0x0280;
/** GICR_ISACTIVER0. */
export const GICR_ISACTIVER0 = GICR_SGI_BASE + 0x0300;
/** GICR_ICACTIVER0. */
export const GICR_ICACTIVER0 = GICR_SGI_BASE + 0x0380;
/** GICR_IPRIORITYR0..7: one byte per INTID 0-31. */
export const GICR_IPRIORITYR = GICR_SGI_BASE + 0x0400;
/** GICR_ICFGR0: SGIs, read-only, always edge (0xAAAAAAAA). */
export const GICR_ICFGR0 = GICR_SGI_BASE + 0x0c00;
/** GICR_ICFGR1: PPIs. */
export const GICR_ICFGR1 = GICR_SGI_BASE + 0x0c04;

const BANKED: readonly [number, Parameters<typeof readBitmap>[1]][] = [
  [GICR_IGROUPR0, 'group'],
  [GICR_ISENABLER0, 'set-enable'],
  [GICR_ICENABLER0, 'clear-enable'],
  [GICR_ISPENDR0, 'set-pend'],
  [GICR_ICPENDR0, 'clear-pend'],
  [GICR_ISACTIVER0, 'set-active'],
  [GICR_ICACTIVER0, 'clear-active'],
];

/** The redistributor's MMIO view. Offsets are from RD_base; accesses are 32-bit. */
export class GicRedistributor {
  /** @param state - the shared interrupt state */
  constructor(private readonly state: GicState) {}

  /** Reads a 32-bit register; unimplemented offsets read as 0. */
  readU32(offset: number): number {
    const s = this.state;
    if (offset === GICR_IIDR) return 0x0300_043b;
    if (offset === GICR_TYPER) return 1 << 4; // Last = 1, processor number 0
    if (offset === GICR_TYPER + 4) return 0; // affinity 0.0.0.0
    if (offset === GICR_WAKER) {
      return s.processorSleep ? GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP : 0;
    }
    for (const [at, kind] of BANKED) if (offset === at) return readBitmap(s, kind, 0);
    if (offset >= GICR_IPRIORITYR && offset < GICR_IPRIORITYR + 32) {
      const first = offset - GICR_IPRIORITYR;
      let v = 0;
      for (let i = 0; i < 4; i++) v |= s.priority[first + i]! << (8 * i);
      return v >>> 0;
    }
    if (offset === GICR_ICFGR0) return 0xaaaa_aaaa;
    if (offset === GICR_ICFGR1) {
      let v = 0;
      for (let i = 0; i < 16; i++) if (s.edge[PPI_BASE + i] === 1) v |= 2 << (2 * i);
      return v >>> 0;
    }
    return 0;
  }

  /** Byte read: GICR_IPRIORITYR is byte-accessible; other registers read 0 for a byte access. */
  readU8(offset: number): number {
    if (offset < GICR_IPRIORITYR || offset >= GICR_IPRIORITYR + 32) return 0;
    return this.state.priority[offset - GICR_IPRIORITYR]!;
  }

  /** Byte write to GICR_IPRIORITYR (ignored elsewhere). */
  writeU8(offset: number, value: number): void {
    if (offset < GICR_IPRIORITYR || offset >= GICR_IPRIORITYR + 32) return;
    this.state.priority[offset - GICR_IPRIORITYR] = value & this.state.priorityMask;
  }

  /** Writes a 32-bit register; read-only and unimplemented offsets ignore the write. */
  writeU32(offset: number, value: number): void {
    const s = this.state;
    value >>>= 0;
    if (offset === GICR_WAKER) {
      // ChildrenAsleep follows ProcessorSleep at once in this model (no wake-up latency).
      s.processorSleep = (value & GICR_WAKER_PROCESSOR_SLEEP) !== 0;
      return;
    }
    for (const [at, kind] of BANKED) {
      if (offset === at) {
        writeBitmap(s, kind, 0, value);
        return;
      }
    }
    if (offset >= GICR_IPRIORITYR && offset < GICR_IPRIORITYR + 32) {
      const first = offset - GICR_IPRIORITYR;
      for (let i = 0; i < 4; i++) s.priority[first + i] = (value >>> (8 * i)) & s.priorityMask;
      return;
    }
    if (offset === GICR_ICFGR1) {
      for (let i = 0; i < 16; i++) s.edge[PPI_BASE + i] = (value >>> (2 * i + 1)) & 1;
    }
  }
}
