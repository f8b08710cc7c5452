// CSpace addressing: resolving a capability address (CPtr + depth) through guarded CNodes
// exactly as seL4's resolveAddressBits does, with its lookup-failure detail. Relies on cap.ts and
// @k5/abi for the lookup-failure kinds.

import { LookupFailure, ObjectType, WORD_BITS } from '@k5/abi';
import type { CNode } from '../objects/kobject';
import type { Cap, Slot } from './cap';

/** A lookup failure with seL4's detail words. @public */
export interface LookupFault {
  readonly kind: LookupFailure;
  readonly bitsLeft: number;
  /** DepthMismatch: bits the CNode needed. GuardMismatch: the guard found. */
  readonly bitsFound: number;
  /** GuardMismatch: the guard's width. */
  readonly guardSize: number;
}

/** The outcome of a resolution: a slot and the address bits left unresolved, or a fault. */
export interface Resolved {
  slot: Slot | null;
  bitsRemaining: number;
  fault: LookupFault | null;
}

/** `count` bits of `value` ending `end` bits from the bottom (count may be 0; end ≤ 32). */
function bitsAt(value: number, end: number, count: number): number {
  if (count === 0) return 0;
  // end ≤ 32 and count ≥ 1, so the shift is 0..31 and 32-bit operators are exact.
  const v = value >>> (end - count);
  return count >= 32 ? v : (v & ((1 << count) - 1)) >>> 0;
}

/** Builds a lookup fault (allocates; only on the error path). */
export function lookupFault(
  kind: LookupFailure,
  bitsLeft = 0,
  bitsFound = 0,
  guardSize = 0,
): LookupFault {
  return { kind, bitsLeft, bitsFound, guardSize };
}

/**
 * Resolves `depth` bits of `cptr` starting at CNode capability `root`. Stops early at a slot
 * that holds a non-CNode capability (bitsRemaining > 0), as seL4 does. Writes into `out` to keep
 * the syscall path allocation-free.
 */
export function resolveAddressBits(
  root: Cap | null,
  cptr: number,
  depth: number,
  out: Resolved,
): Resolved {
  out.slot = null;
  out.bitsRemaining = depth;
  out.fault = null;
  if (root === null || root.type !== ObjectType.CNode) {
    out.fault = lookupFault(LookupFailure.InvalidRoot);
    return out;
  }
  let cap: Cap = root;
  let n = depth;
  for (;;) {
    const cnode = cap.obj as CNode;
    const radix = cnode.radix;
    const guardBits = cap.guardBits;
    const levelBits = radix + guardBits;
    if (guardBits > n || bitsAt(cptr, n, guardBits) !== cap.guard) {
      out.fault = lookupFault(LookupFailure.GuardMismatch, n, cap.guard, guardBits);
      return out;
    }
    if (levelBits > n) {
      out.fault = lookupFault(LookupFailure.DepthMismatch, n, levelBits);
      return out;
    }
    const slot = cnode.slots[bitsAt(cptr, n - guardBits, radix)]!;
    n -= levelBits;
    if (n === 0) {
      out.slot = slot;
      out.bitsRemaining = 0;
      return out;
    }
    const next = slot.cap;
    if (next === null || next.type !== ObjectType.CNode) {
      out.slot = slot;
      out.bitsRemaining = n;
      return out;
    }
    cap = next;
  }
}

/** Resolves a CPtr at full word depth for a syscall: the slot, or a fault. */
export function lookupSlotForThread(root: Cap | null, cptr: number, out: Resolved): Resolved {
  return resolveAddressBits(root, cptr, WORD_BITS, out);
}

/**
 * The capability lookupSlotForThread would find at `cptr` (full word depth), or null when it
 * would fail or the slot is empty. For the IPC fastpath, which leaves every failure to the slow
 * path: no result record, no fault detail. The checks and the walk are resolveAddressBits'.
 */
export function lookupCapFast(root: Cap | null, cptr: number): Cap | null {
  if (root === null || root.type !== ObjectType.CNode) return null;
  let cap: Cap = root;
  let n = WORD_BITS;
  for (;;) {
    const cnode = cap.obj as CNode;
    const radix = cnode.radix;
    const guardBits = cap.guardBits;
    const levelBits = radix + guardBits;
    // levelBits > n also covers guardBits > n (a radix is never negative).
    if (levelBits > n || bitsAt(cptr, n, guardBits) !== cap.guard) return null;
    const slot = cnode.slots[bitsAt(cptr, n - guardBits, radix)]!;
    n -= levelBits;
    const next = slot.cap;
    if (n === 0 || next === null || next.type !== ObjectType.CNode) return next;
    cap = next;
  }
}

/** A fresh result record. */
export function newResolved(): Resolved {
  return { slot: null, bitsRemaining: 0, fault: null };
}
