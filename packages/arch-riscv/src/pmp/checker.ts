// The PMP decision for one access: lowest-numbered matching entry wins, an entry that
// matches only some bytes of the access fails it, M mode is bound only by locked entries,
// and U mode is denied when nothing matches (if any entry is implemented). Also owns the
// permission map the reference hart uses on its fast path: one byte per 4-byte word holding
// the M and U permissions, exact because every PMP boundary is a multiple of 4 and the hart
// only performs naturally aligned accesses of at most 4 bytes. Relies on `registers.ts`.

import { PrivilegeMode } from '../trap';
import { PMP_L, PMP_R, PMP_W, PMP_X, type PmpRegisters } from './registers';

/** Kinds of memory access PMP distinguishes (values equal the pmpcfg R, W and X bits). */
export enum PmpAccess {
  /** Load (and the read half of an AMO). */
  Read = 1,
  /** Store (and the write half of an AMO). */
  Write = 2,
  /** Instruction fetch. */
  Execute = 4,
}

/** Why a {@link PmpDecision} came out as it did. */
export type PmpReason =
  /** An entry matched every byte; its permissions (or M mode's freedom) decided. */
  | 'match'
  /** The first entry that touched the access matched only some of its bytes. */
  | 'partial-match'
  /** No entry matched; M mode is allowed. */
  | 'no-match-machine'
  /** No entry matched; U mode is denied because entries are implemented. */
  | 'no-match-user'
  /** The hart implements no PMP entries; everything is allowed. */
  | 'no-pmp';

/** The outcome of a PMP check. */
export interface PmpDecision {
  /** True when the access may proceed. */
  readonly allowed: boolean;
  /** The deciding entry, or -1 when none matched. */
  readonly entry: number;
  /** Why. */
  readonly reason: PmpReason;
}

const M_SHIFT = 0;
const U_SHIFT = 3;

/**
 * Answers PMP questions about one register file. Stateless apart from the registers, so it
 * can be created freely.
 */
export class PmpChecker {
  /** @param pmp - the registers to consult */
  constructor(readonly pmp: PmpRegisters) {}

  /**
   * Decides one access of `size` bytes at `address` (unsigned 32-bit) by `mode`. `access` is
   * one {@link PmpAccess} or several OR-ed together (an AMO needs read and write).
   */
  check(address: number, size: number, access: number, mode: PrivilegeMode): PmpDecision {
    const pmp = this.pmp;
    if (pmp.entryCount === 0) return { allowed: true, entry: -1, reason: 'no-pmp' };
    const start = address >>> 0;
    const end = start + size;
    for (let i = 0; i < pmp.entryCount; i++) {
      const range = pmp.range(i);
      if (range === undefined || end <= range.start || start >= range.end) continue;
      if (start < range.start || end > range.end) {
        return { allowed: false, entry: i, reason: 'partial-match' };
      }
      const cfg = pmp.entryConfig(i);
      const bound = mode !== PrivilegeMode.Machine || (cfg & PMP_L) !== 0;
      const allowed = !bound || (cfg & access) === access;
      return { allowed, entry: i, reason: 'match' };
    }
    if (mode === PrivilegeMode.Machine)
      return { allowed: true, entry: -1, reason: 'no-match-machine' };
    return { allowed: false, entry: -1, reason: 'no-match-user' };
  }

  /** `check(...).allowed`. */
  allows(address: number, size: number, access: number, mode: PrivilegeMode): boolean {
    return this.check(address, size, access, mode).allowed;
  }
}

/** Mask of the permission map bits for `access` in `mode` (see {@link paintPermissionMap}). */
export function permissionMapMask(access: number, mode: PrivilegeMode): number {
  return access << (mode === PrivilegeMode.Machine ? M_SHIFT : U_SHIFT);
}

/**
 * Fills `map` (one byte per 4-byte word of `[base, base + 4 × map.length)`) with the
 * effective permissions of both modes: bits 2:0 for M mode and bits 5:3 for U mode, each
 * R/W/X as in pmpcfg. Equivalent to {@link PmpChecker.check} for every naturally aligned
 * access of 1, 2 or 4 bytes inside the range.
 */
export function paintPermissionMap(pmp: PmpRegisters, base: number, map: Uint8Array): void {
  const all = PMP_R | PMP_W | PMP_X;
  const noMatchUser = pmp.entryCount === 0 ? all : 0;
  map.fill((all << M_SHIFT) | (noMatchUser << U_SHIFT));
  const limit = base + map.length * 4;
  // Paint from the highest entry down so that lower-numbered entries win.
  for (let i = pmp.entryCount - 1; i >= 0; i--) {
    const range = pmp.range(i);
    if (range === undefined || range.end <= base || range.start >= limit) continue;
    const cfg = pmp.entryConfig(i);
    const perms = cfg & all;
    const m = cfg & PMP_L ? perms : all;
    const from = Math.max(range.start, base) - base;
    const to = Math.min(range.end, limit) - base;
    map.fill((m << M_SHIFT) | (perms << U_SHIFT), from / 4, to / 4);
  }
}
