// The stage-1 table walker (EL1&0 regime, TTBR0, 4 KiB granule) and the permission check. The
// walk reads descriptors from a PhysicalMemory as 32-bit halves and returns either a
// TranslationEntry (what a TLB caches: the leaf's output block and its effective attributes after
// the hierarchical APTable/PXNTable/UXNTable limits) or the exact MmuFault. The permission check
// is separate so that a TLB hit runs the same check as a fresh walk.
//
// Fault priority, as the Arm ARM's pseudocode orders it: VA outside the TTBR0 range or EPD0 →
// translation fault level 0; TTBR BADDR above the PA size → address size fault level 0; then per
// level: invalid → translation fault; next-table or output address above the PA size → address
// size fault; AF = 0 → access flag fault (no hardware AF update); finally permission fault.
// Addresses are Numbers (< 2^48), never BigInt. Relies on descriptors.ts, fault.ts, tcr.ts,
// memory.ts.

import type { PhysicalMemory } from '../memory';
import {
  AccessPermission,
  type Level,
  LEVEL_SIZE,
  OA_LO_MASK,
  PXNTABLE_BIT,
  type Shareability,
  UXNTABLE_BIT,
} from './descriptors';
import { AccessKind, type ExceptionLevel, type MmuFault, mmuFault } from './fault';
import { type TcrFields, type Ttbr, type WalkGeometry, walkGeometry } from './tcr';

const TWO_32 = 0x1_0000_0000;

/** What the walker needs from TCR_EL1 / TTBR0_EL1, precomputed once per register change. */
export interface WalkContext {
  /** Derived from TCR_EL1. */
  geometry: WalkGeometry;
  /** TCR_EL1.EPD0. */
  epd0: boolean;
  /** TTBR0_EL1.BADDR with the bits below the starting table's alignment cleared. */
  tableBase: number;
  /** TTBR0_EL1.BADDR as written (checked against the PA size). */
  baddr: number;
}

/** Prepares a {@link WalkContext}; throws `Aarch64Error` for an unsupported TCR. */
export function createWalkContext(tcr: TcrFields, ttbr0: Ttbr): WalkContext {
  const geometry = walkGeometry(tcr);
  // BADDR[x-1:1] are RES0, x = log2(start table bytes) but at least 6; the model treats them as 0.
  const alignment = Math.max(2 ** (geometry.startIndexBits + 3), 64);
  return {
    geometry,
    epd0: tcr.epd0,
    tableBase: ttbr0.baddr - (ttbr0.baddr % alignment),
    baddr: ttbr0.baddr,
  };
}

/** A successful walk: one leaf descriptor's translation, as a TLB caches it. */
export interface TranslationEntry {
  /** Level of the leaf: 1 (1 GiB block), 2 (2 MiB block) or 3 (4 KiB page). */
  level: Level;
  /** Bytes covered: 2^30, 2^21 or 2^12. */
  size: number;
  /** First VA covered (aligned to `size`). */
  vaBase: number;
  /** First PA covered (the descriptor's output address). */
  paBase: number;
  /** AttrIndx. */
  attrIndx: number;
  /** SH. */
  sh: Shareability;
  /** NS after NSTable (ignored in Non-secure state; kept for inspection). */
  ns: boolean;
  /** nG: true = tagged with the ASID of the walk. */
  nG: boolean;
  /** AP[2:1] after APTable. */
  ap: AccessPermission;
  /** PXN after PXNTable. */
  pxn: boolean;
  /** UXN after UXNTable. */
  uxn: boolean;
  /** Contiguous hint (not used for lookups by this model). */
  contiguous: boolean;
}

/** Outcome of {@link walk}. */
export type WalkResult = { ok: true; entry: TranslationEntry } | { ok: false; fault: MmuFault };

/**
 * Walks the tables for `va`. Never throws: every problem is a fault. `va` must be a non-negative
 * integer; anything at or above 2^(64 - T0SZ) (including the TTBR1 half, which is not modelled)
 * is a translation fault at level 0.
 */
export function walk(memory: PhysicalMemory, ctx: WalkContext, va: number): WalkResult {
  const { geometry } = ctx;
  if (ctx.epd0 || !(va >= 0 && va < 2 ** geometry.inputBits)) {
    return { ok: false, fault: mmuFault('translation', 0) };
  }
  const paLimit = 2 ** geometry.paBits;
  if (ctx.baddr >= paLimit) return { ok: false, fault: mmuFault('address-size', 0) };
  const vaLo = va >>> 0;
  const vaHi = Math.floor(va / TWO_32);
  let level: number = geometry.startLevel;
  let table = ctx.tableBase;
  // Hierarchical limits gathered from table descriptors (APTable bits OR together).
  let apTable = 0;
  let pxnTable = 0;
  let uxnTable = 0;
  let nsTable = 0;
  for (;;) {
    let index: number;
    switch (level) {
      case 0:
        index = (vaHi >>> 7) & 511;
        break;
      case 1:
        index = ((vaLo >>> 30) | (vaHi << 2)) & 511;
        break;
      case 2:
        index = (vaLo >>> 21) & 511;
        break;
      default:
        index = (vaLo >>> 12) & 511;
    }
    const at = table + index * 8;
    const lo = memory.readU32(at);
    const hi = memory.readU32(at + 4);
    if ((lo & 1) === 0) return { ok: false, fault: mmuFault('translation', level as Level) };
    const typeBit = lo & 2;
    if (typeBit !== 0 && level < 3) {
      const next = (hi & 0xffff) * TWO_32 + ((lo & 0xfffff000) >>> 0);
      if (next >= paLimit) return { ok: false, fault: mmuFault('address-size', level as Level) };
      apTable |= (hi >>> 29) & 3;
      pxnTable |= (hi >>> (PXNTABLE_BIT - 32)) & 1;
      uxnTable |= (hi >>> (UXNTABLE_BIT - 32)) & 1;
      nsTable |= hi >>> 31;
      table = next;
      level++;
      continue;
    }
    // bits[1:0] = 0b01 at level 0 (no 4 KiB L0 blocks without FEAT_LPA2) or 0b01 at level 3
    // (reserved) are invalid.
    if (typeBit === 0 && (level === 0 || level === 3)) {
      return { ok: false, fault: mmuFault('translation', level as Level) };
    }
    const paBase = (hi & 0xffff) * TWO_32 + ((lo & OA_LO_MASK[level as Level]) >>> 0);
    if (paBase >= paLimit) return { ok: false, fault: mmuFault('address-size', level as Level) };
    if ((lo & 0x400) === 0) return { ok: false, fault: mmuFault('access-flag', level as Level) };
    const size = LEVEL_SIZE[level as Level];
    // APTable[0] removes EL0 access (clears AP[1]); APTable[1] removes write access (sets AP[2]).
    const ap = (((lo >>> 6) & 3 & ~(apTable & 1)) | (apTable & 2)) as AccessPermission;
    return {
      ok: true,
      entry: {
        level: level as Level,
        size,
        vaBase: va - (va % size),
        paBase,
        attrIndx: (lo >>> 2) & 7,
        sh: ((lo >>> 8) & 3) as Shareability,
        ns: (((lo >>> 5) & 1) | nsTable) === 1,
        nG: (lo & 0x800) !== 0,
        ap,
        pxn: (((hi >>> 21) & 1) | pxnTable) === 1,
        uxn: (((hi >>> 22) & 1) | uxnTable) === 1,
        contiguous: ((hi >>> 20) & 1) === 1,
      },
    };
  }
}

/**
 * Stage-1 permission check of the EL1&0 regime (no PAN, no FEAT_PAN3/EPAN). AP[2:1] gives data
 * access; instruction fetch at EL0 needs UXN = 0 only (AP = 0b00 with UXN = 0 is execute-only for
 * EL0, as on hardware); at EL1 it needs PXN = 0 and the page must not be EL0-writable (AP = 0b01
 * forces PXN). With `wxn` (SCTLR_EL1.WXN) memory writable at an EL is execute-never at that EL.
 * Returns true when the access is permitted.
 */
export function permits(
  entry: TranslationEntry,
  access: AccessKind,
  el: ExceptionLevel,
  wxn = false,
): boolean {
  const ap = entry.ap;
  const userWrite = ap === AccessPermission.ReadWrite;
  if (access === AccessKind.Execute) {
    if (el === 0) return !(entry.uxn || (wxn && userWrite));
    const privWrite = (ap & 2) === 0;
    return !(entry.pxn || userWrite || (wxn && privWrite));
  }
  if (el === 0) return access === AccessKind.Read ? (ap & 1) === 1 : userWrite;
  return access === AccessKind.Read || (ap & 2) === 0;
}

/** Outcome of {@link translate}: the physical address or the fault. */
export type TranslateResult =
  | { ok: true; pa: number; entry: TranslationEntry }
  | { ok: false; fault: MmuFault };

/** Walks and checks permissions: the full uncached translation of one access. */
export function translate(
  memory: PhysicalMemory,
  ctx: WalkContext,
  va: number,
  access: AccessKind,
  el: ExceptionLevel,
  wxn = false,
): TranslateResult {
  const r = walk(memory, ctx, va);
  if (!r.ok) return r;
  return checkEntry(r.entry, va, access, el, wxn);
}

/** Applies the permission check to a walked (or TLB-cached) entry. */
export function checkEntry(
  entry: TranslationEntry,
  va: number,
  access: AccessKind,
  el: ExceptionLevel,
  wxn: boolean,
): TranslateResult {
  if (!permits(entry, access, el, wxn)) {
    return { ok: false, fault: mmuFault('permission', entry.level) };
  }
  return { ok: true, pa: entry.paBase + (va - entry.vaBase), entry };
}
