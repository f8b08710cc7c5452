// TCR_EL1 (translation control), TTBR0_EL1/TTBR1_EL1 (table base + ASID) and the SCTLR_EL1 bits
// the MMU model uses (M, WXN). Owns the field layouts with the Arm ARM's names, encode/decode of
// the 64-bit registers (BigInt at the API), and the derived walk geometry: input size, starting
// level, PA size. Only TG0 = 4 KiB is walkable; other granules decode but are rejected by the
// walker. Relies on errors.ts.

import { Aarch64Error, checkField } from '../errors';
import type { Level } from './descriptors';

// ---- TCR_EL1 field positions ----
/** T0SZ [5:0]: size offset of the TTBR0 region, input size = 64 - T0SZ. */
export const TCR_T0SZ_SHIFT = 0;
/** EPD0 [7]: 1 = TTBR0 walks fault. */
export const TCR_EPD0_BIT = 7;
/** IRGN0 [9:8]: inner cacheability of TTBR0 walks. */
export const TCR_IRGN0_SHIFT = 8;
/** ORGN0 [11:10]: outer cacheability of TTBR0 walks. */
export const TCR_ORGN0_SHIFT = 10;
/** SH0 [13:12]: shareability of TTBR0 walks. */
export const TCR_SH0_SHIFT = 12;
/** TG0 [15:14]: TTBR0 granule. */
export const TCR_TG0_SHIFT = 14;
/** T1SZ [21:16]. */
export const TCR_T1SZ_SHIFT = 16;
/** A1 [22]: 1 = the ASID comes from TTBR1_EL1, 0 = from TTBR0_EL1. */
export const TCR_A1_BIT = 22;
/** EPD1 [23]: 1 = TTBR1 walks fault. */
export const TCR_EPD1_BIT = 23;
/** TG1 [31:30]: TTBR1 granule (a different encoding from TG0). */
export const TCR_TG1_SHIFT = 30;
/** IPS [34:32]: intermediate physical address size. */
export const TCR_IPS_SHIFT = 32;
/** AS [36]: 0 = 8-bit ASID, 1 = 16-bit ASID. */
export const TCR_AS_BIT = 36;

// ---- SCTLR_EL1 bits ----
/** SCTLR_EL1.M [0]: stage-1 MMU enable. */
export const SCTLR_M_BIT = 0;
/** SCTLR_EL1.WXN [19]: writable memory is execute-never. */
export const SCTLR_WXN_BIT = 19;

/** TTBRn_EL1.ASID occupies bits [63:48]. */
export const TTBR_ASID_SHIFT = 48;

/** TG0 encodings. */
export enum Tg0 {
  /** 0b00 */
  Granule4K = 0,
  /** 0b01 */
  Granule64K = 1,
  /** 0b10 */
  Granule16K = 2,
}

/** IRGN0/ORGN0 encodings (walk cacheability). */
export enum WalkCacheability {
  /** 0b00 */
  NonCacheable = 0,
  /** 0b01: write-back read/write-allocate. */
  WriteBackWriteAllocate = 1,
  /** 0b10: write-through read-allocate. */
  WriteThrough = 2,
  /** 0b11: write-back read-allocate, no write-allocate. */
  WriteBackNoWriteAllocate = 3,
}

/** IPS encodings and the PA sizes they select. */
export const IPS_BITS: readonly number[] = [32, 36, 40, 42, 44, 48, 52];

/** The TCR_EL1 fields this model uses. */
export interface TcrFields {
  /** T0SZ, 16..39 with the 4 KiB granule (input size 48..25 bits). */
  t0sz: number;
  /** EPD0. */
  epd0: boolean;
  /** IRGN0. */
  irgn0: WalkCacheability;
  /** ORGN0. */
  orgn0: WalkCacheability;
  /** SH0 (same encoding as a descriptor's SH). */
  sh0: number;
  /** TG0. */
  tg0: Tg0;
  /** T1SZ. */
  t1sz: number;
  /** A1. */
  a1: boolean;
  /** EPD1. */
  epd1: boolean;
  /** TG1 raw encoding (0b10 = 4 KiB). */
  tg1: number;
  /** IPS raw encoding, index into {@link IPS_BITS}. */
  ips: number;
  /** AS: true = 16-bit ASIDs. */
  as16: boolean;
}

/** A typical configuration: 48-bit VA, 4 KiB granule, 48-bit PA, 16-bit ASIDs in TTBR0. */
export const DEFAULT_TCR: Readonly<TcrFields> = Object.freeze({
  t0sz: 16,
  epd0: false,
  irgn0: WalkCacheability.WriteBackWriteAllocate,
  orgn0: WalkCacheability.WriteBackWriteAllocate,
  sh0: 3,
  tg0: Tg0.Granule4K,
  t1sz: 16,
  a1: false,
  epd1: true,
  tg1: 2,
  ips: 5,
  as16: true,
});

/** Encodes TCR_EL1. Throws `field-range` for a field too wide. */
export function encodeTcr(f: TcrFields): bigint {
  checkField('T0SZ', f.t0sz, 6);
  checkField('T1SZ', f.t1sz, 6);
  checkField('IRGN0', f.irgn0, 2);
  checkField('ORGN0', f.orgn0, 2);
  checkField('SH0', f.sh0, 2);
  checkField('TG0', f.tg0, 2);
  checkField('TG1', f.tg1, 2);
  checkField('IPS', f.ips, 3);
  const lo =
    (f.t0sz << TCR_T0SZ_SHIFT) |
    (f.epd0 ? 1 << TCR_EPD0_BIT : 0) |
    (f.irgn0 << TCR_IRGN0_SHIFT) |
    (f.orgn0 << TCR_ORGN0_SHIFT) |
    (f.sh0 << TCR_SH0_SHIFT) |
    (f.tg0 << TCR_TG0_SHIFT) |
    (f.t1sz << TCR_T1SZ_SHIFT) |
    (f.a1 ? 1 << TCR_A1_BIT : 0) |
    (f.epd1 ? 1 << TCR_EPD1_BIT : 0) |
    (f.tg1 << TCR_TG1_SHIFT);
  const hi = (f.ips << (TCR_IPS_SHIFT - 32)) | (f.as16 ? 1 << (TCR_AS_BIT - 32) : 0);
  return (BigInt(hi) << 32n) | BigInt(lo >>> 0);
}

/** Decodes TCR_EL1 (fields outside {@link TcrFields} are ignored). */
export function decodeTcr(value: bigint): TcrFields {
  const lo = Number(value & 0xffff_ffffn);
  const hi = Number((value >> 32n) & 0xffff_ffffn);
  return {
    t0sz: (lo >>> TCR_T0SZ_SHIFT) & 0x3f,
    epd0: ((lo >>> TCR_EPD0_BIT) & 1) === 1,
    irgn0: (lo >>> TCR_IRGN0_SHIFT) & 3,
    orgn0: (lo >>> TCR_ORGN0_SHIFT) & 3,
    sh0: (lo >>> TCR_SH0_SHIFT) & 3,
    tg0: (lo >>> TCR_TG0_SHIFT) & 3,
    t1sz: (lo >>> TCR_T1SZ_SHIFT) & 0x3f,
    a1: ((lo >>> TCR_A1_BIT) & 1) === 1,
    epd1: ((lo >>> TCR_EPD1_BIT) & 1) === 1,
    tg1: (lo >>> TCR_TG1_SHIFT) & 3,
    ips: (hi >>> (TCR_IPS_SHIFT - 32)) & 7,
    as16: ((hi >>> (TCR_AS_BIT - 32)) & 1) === 1,
  };
}

/** TTBRn_EL1 split into its fields. */
export interface Ttbr {
  /** ASID [63:48]. */
  asid: number;
  /** BADDR: table base address, bits [47:1] (bit 0 is CnP, not modelled). */
  baddr: number;
}

/** Encodes TTBRn_EL1 from ASID and base address. */
export function encodeTtbr(t: Ttbr): bigint {
  checkField('ASID', t.asid, 16);
  if (!Number.isInteger(t.baddr) || t.baddr < 0 || t.baddr >= 2 ** 48 || t.baddr % 2 !== 0) {
    throw new Aarch64Error('out-of-range', `BADDR must be an even integer below 2^48`);
  }
  return (BigInt(t.asid) << BigInt(TTBR_ASID_SHIFT)) | BigInt(t.baddr);
}

/** Decodes TTBRn_EL1 (CnP dropped). */
export function decodeTtbr(value: bigint): Ttbr {
  return {
    asid: Number((value >> 48n) & 0xffffn),
    baddr: Number(value & 0x0000_ffff_ffff_fffen),
  };
}

/** The walk geometry derived from TCR_EL1 for TTBR0 with the 4 KiB granule. */
export interface WalkGeometry {
  /** Input address size in bits: 64 - T0SZ. */
  inputBits: number;
  /** The level of the first lookup. */
  startLevel: Level;
  /** Number of index bits resolved at the starting level (1..9). */
  startIndexBits: number;
  /** Output (physical) address size in bits, from IPS (52 is treated as 48: no FEAT_LPA2). */
  paBits: number;
}

/**
 * Derives the walk geometry. With the 4 KiB granule each level resolves 9 bits above the 12-bit
 * page offset, so the first lookup is at level `4 - ceil((inputBits - 12) / 9)`: T0SZ 16-24 start
 * at level 0, 25-33 at level 1, 34-39 at level 2. Throws `unsupported` for another granule or a
 * T0SZ outside 16..39 (no FEAT_LVA / FEAT_TTST).
 */
export function walkGeometry(tcr: TcrFields): WalkGeometry {
  if (tcr.tg0 !== Tg0.Granule4K) {
    throw new Aarch64Error(
      'unsupported',
      `TG0 = ${tcr.tg0}: only the 4 KiB granule (0b00) is modelled`,
    );
  }
  if (tcr.t0sz < 16 || tcr.t0sz > 39) {
    throw new Aarch64Error(
      'out-of-range',
      `T0SZ = ${tcr.t0sz}: with the 4 KiB granule T0SZ must be 16..39 (48- to 25-bit VAs)`,
    );
  }
  const inputBits = 64 - tcr.t0sz;
  const levels = Math.ceil((inputBits - 12) / 9);
  const startLevel = (4 - levels) as Level;
  const startIndexBits = inputBits - 12 - 9 * (levels - 1);
  const paBits = Math.min(IPS_BITS[tcr.ips] ?? 48, 48);
  return { inputBits, startLevel, startIndexBits, paBits };
}
