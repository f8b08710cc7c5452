// The GICv3 distributor (GICD_*) as a 32-bit MMIO register block: GICD_CTLR, TYPER, IIDR,
// IGROUPR, ISENABLER/ICENABLER, ISPENDR/ICPENDR, ISACTIVER/ICACTIVER, IPRIORITYR, ICFGR and
// IROUTER, PIDR2. Affinity routing is always on (ARE = 1, RAO/WI) with a single security state
// (DS = 1), so the registers for INTIDs 0-31 here are RAZ/WI (those live in the redistributor)
// and GICD_ITARGETSR is RAZ/WI. Relies on state.ts.

import { type GicState, SPI_BASE } from './state';

/** GICD_CTLR. */
export const GICD_CTLR = 0x0000;
/** GICD_TYPER. */
export const GICD_TYPER = 0x0004;
/** GICD_IIDR. */
export const GICD_IIDR = 0x0008;
/** GICD_IGROUPR<n>. */
export const GICD_IGROUPR = 0x0080;
/** GICD_ISENABLER<n>. */
export const GICD_ISENABLER = 0x0100;
/** GICD_ICENABLER<n>. */
export const GICD_ICENABLER = 0x0180;
/** GICD_ISPENDR<n>. */
export const GICD_ISPENDR = 0x0200;
/** GICD_ICPENDR<n>. */
export const GICD_ICPENDR = 0x0280;
/** GICD_ISACTIVER<n>. */
export const GICD_ISACTIVER = 0x0300;
/** GICD_ICACTIVER<n>. */
export const GICD_ICACTIVER = 0x0380;
/** GICD_IPRIORITYR<n>: one byte per INTID. */
export const GICD_IPRIORITYR = 0x0400;
/** GICD_ITARGETSR<n> (RAZ/WI with affinity routing). */
export const GICD_ITARGETSR = 0x0800;
/** GICD_ICFGR<n>: two bits per INTID, bit [2k+1] = edge-triggered. */
export const GICD_ICFGR = 0x0c00;
/** GICD_IROUTER<n>: 64 bits per SPI at 0x6000 + 8n. */
export const GICD_IROUTER = 0x6000;
/** GICD_PIDR2: ArchRev in [7:4]. */
export const GICD_PIDR2 = 0xffe8;

/** GICD_CTLR.EnableGrp0 [0]. */
export const GICD_CTLR_ENABLE_GRP0 = 1 << 0;
/** GICD_CTLR.EnableGrp1 [1] (with DS = 1). */
export const GICD_CTLR_ENABLE_GRP1 = 1 << 1;
/** GICD_CTLR.ARE [4] (RAO/WI here). */
export const GICD_CTLR_ARE = 1 << 4;
/** GICD_CTLR.DS [6] (RAO/WI here). */
export const GICD_CTLR_DS = 1 << 6;

/** One kind of bitmap register and the state array it reads/writes. */
type BitmapKind =
  | 'group'
  | 'set-enable'
  | 'clear-enable'
  | 'set-pend'
  | 'clear-pend'
  | 'set-active'
  | 'clear-active';

/**
 * Reads a 32-INTID bitmap word. Shared with the redistributor.
 * @internal
 */
export function readBitmap(state: GicState, kind: BitmapKind, first: number): number {
  let v = 0;
  for (let i = 0; i < 32; i++) {
    const id = first + i;
    if (!state.has(id)) break;
    let b: boolean;
    switch (kind) {
      case 'group':
        b = state.group[id] === 1;
        break;
      case 'set-enable':
      case 'clear-enable':
        b = state.enabled[id] === 1;
        break;
      case 'set-pend':
      case 'clear-pend':
        b = state.isPending(id);
        break;
      default:
        b = state.active[id] === 1;
    }
    if (b) v |= 1 << i;
  }
  return v >>> 0;
}

/**
 * Writes a 32-INTID bitmap word (set/clear registers act on 1 bits only). Shared with the
 * redistributor.
 * @internal
 */
export function writeBitmap(state: GicState, kind: BitmapKind, first: number, value: number): void {
  for (let i = 0; i < 32; i++) {
    const id = first + i;
    if (!state.has(id)) break;
    const one = ((value >>> i) & 1) === 1;
    switch (kind) {
      case 'group':
        state.group[id] = one ? 1 : 0;
        break;
      case 'set-enable':
        if (one) state.enabled[id] = 1;
        break;
      case 'clear-enable':
        if (one) state.enabled[id] = 0;
        break;
      case 'set-pend':
        if (one) state.pendingLatch[id] = 1;
        break;
      case 'clear-pend':
        // Clears the latch; a level interrupt whose line is still high stays pending.
        if (one) state.pendingLatch[id] = 0;
        break;
      case 'set-active':
        if (one) state.active[id] = 1;
        break;
      default:
        if (one) state.active[id] = 0;
    }
  }
}

const BITMAPS: readonly [number, BitmapKind][] = [
  [GICD_IGROUPR, 'group'],
  [GICD_ISENABLER, 'set-enable'],
  [GICD_ICENABLER, 'clear-enable'],
  [GICD_ISPENDR, 'set-pend'],
  [GICD_ICPENDR, 'clear-pend'],
  [GICD_ISACTIVER, 'set-active'],
  [GICD_ICACTIVER, 'clear-active'],
];

/** The distributor's MMIO view. Offsets are from the GICD base; accesses are 32-bit. */
export class GicDistributor {
  /** @param state - the shared interrupt state */
  constructor(private readonly state: GicState) {}

  /** Reads a 32-bit register; unimplemented offsets read as 0. */
  readU32(offset: number): number {
    const s = this.state;
    if (offset === GICD_CTLR) {
      return (s.enableGrp0 ? 1 : 0) | (s.enableGrp1 ? 2 : 0) | GICD_CTLR_ARE | GICD_CTLR_DS;
    }
    // ITLinesNumber [4:0] = INTIDs / 32 - 1; IDbits [23:19] = 9 (10-bit INTIDs).
    if (offset === GICD_TYPER) return (s.count / 32 - 1) | (9 << 19);
    if (offset === GICD_IIDR) return 0x0300_043b; // ProductID 3, Arm (JEP106 0x43B)
    if (offset === GICD_PIDR2) return 0x3b; // ArchRev 0x3 = GICv3
    for (const [base, kind] of BITMAPS) {
      if (offset >= base && offset < base + 0x80) {
        const first = ((offset - base) >>> 2) * 32;
        return first < SPI_BASE ? 0 : readBitmap(s, kind, first);
      }
    }
    if (offset >= GICD_IPRIORITYR && offset < GICD_IPRIORITYR + 0x400) {
      const first = offset - GICD_IPRIORITYR;
      if (first < SPI_BASE) return 0;
      let v = 0;
      for (let i = 0; i < 4; i++) if (s.has(first + i)) v |= s.priority[first + i]! << (8 * i);
      return v >>> 0;
    }
    if (offset >= GICD_ICFGR && offset < GICD_ICFGR + 0x100) {
      const first = ((offset - GICD_ICFGR) >>> 2) * 16;
      if (first < SPI_BASE) return 0;
      let v = 0;
      for (let i = 0; i < 16; i++)
        if (s.has(first + i) && s.edge[first + i] === 1) v |= 2 << (2 * i);
      return v >>> 0;
    }
    if (offset >= GICD_IROUTER && offset < GICD_IROUTER + 8 * 1020) {
      const id = (offset - GICD_IROUTER) >>> 3;
      if (id < SPI_BASE || !s.has(id)) return 0;
      const r = s.router[id]!;
      return (offset & 4) === 0 ? (r % 2 ** 32) >>> 0 : Math.floor(r / 2 ** 32);
    }
    return 0;
  }

  /**
   * Byte read: GICD_IPRIORITYR is byte-accessible (drivers set one priority with one store);
   * every other register is word-only and reads 0 for a byte access here.
   */
  readU8(offset: number): number {
    if (offset < GICD_IPRIORITYR || offset >= GICD_IPRIORITYR + 0x400) return 0;
    const id = offset - GICD_IPRIORITYR;
    return id < SPI_BASE || !this.state.has(id) ? 0 : this.state.priority[id]!;
  }

  /** Byte write to GICD_IPRIORITYR (ignored elsewhere); unimplemented priority bits drop. */
  writeU8(offset: number, value: number): void {
    if (offset < GICD_IPRIORITYR || offset >= GICD_IPRIORITYR + 0x400) return;
    const id = offset - GICD_IPRIORITYR;
    if (id >= SPI_BASE && this.state.has(id))
      this.state.priority[id] = value & this.state.priorityMask;
  }

  /** Writes a 32-bit register; read-only and unimplemented offsets ignore the write. */
  writeU32(offset: number, value: number): void {
    const s = this.state;
    value >>>= 0;
    if (offset === GICD_CTLR) {
      s.enableGrp0 = (value & GICD_CTLR_ENABLE_GRP0) !== 0;
      s.enableGrp1 = (value & GICD_CTLR_ENABLE_GRP1) !== 0;
      return;
    }
    for (const [base, kind] of BITMAPS) {
      if (offset >= base && offset < base + 0x80) {
        const first = ((offset - base) >>> 2) * 32;
        if (first >= SPI_BASE) writeBitmap(s, kind, first, value);
        return;
      }
    }
    if (offset >= GICD_IPRIORITYR && offset < GICD_IPRIORITYR + 0x400) {
      const first = offset - GICD_IPRIORITYR;
      if (first < SPI_BASE) return;
      for (let i = 0; i < 4; i++) {
        if (s.has(first + i)) s.priority[first + i] = (value >>> (8 * i)) & s.priorityMask;
      }
      return;
    }
    if (offset >= GICD_ICFGR && offset < GICD_ICFGR + 0x100) {
      const first = ((offset - GICD_ICFGR) >>> 2) * 16;
      if (first < SPI_BASE) return;
      for (let i = 0; i < 16; i++) {
        if (s.has(first + i)) s.edge[first + i] = (value >>> (2 * i + 1)) & 1;
      }
      return;
    }
    if (offset >= GICD_IROUTER && offset < GICD_IROUTER + 8 * 1020) {
      const id = (offset - GICD_IROUTER) >>> 3;
      if (id < SPI_BASE || !s.has(id)) return;
      const r = s.router[id]!;
      const lo = r % 2 ** 32;
      const hi = Math.floor(r / 2 ** 32);
      // IROUTER keeps Aff0-2 [23:0], IRM [31] and Aff3 [39:32]; other bits are RES0.
      if ((offset & 4) === 0) s.router[id] = hi * 2 ** 32 + ((value & 0x80ff_ffff) >>> 0);
      else s.router[id] = (value & 0xff) * 2 ** 32 + lo;
    }
  }
}
