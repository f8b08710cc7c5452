// CNode invocations: Copy, Mint, Move, Mutate, Rotate, Delete, Revoke and CancelBadgedSends,
// decoded in seL4's order (target slot, truncation, empty destination, source lookup, derive,
// cap data) and performed on the CDT. Revoke is the one performer with a preemption point.
// Relies on cspace/ and objects/endpoint.ts.

import { InvocationLabel, ObjectType, Rights, WORD_BITS } from '@k5/abi';
import { Cap, type Slot } from '../cspace/cap';
import { cdtInsert, moveCap, placeCap, swapCaps } from '../cspace/cdt';
import { deleteCap, revokeStep } from '../cspace/delete';
import { newResolved, resolveAddressBits } from '../cspace/lookup';
import type { KernelState } from '../state';
import { cancelBadgedSends } from './endpoint';
import { err, has, type Invocation, type SyscallError } from './invocation';
import type { CNode, Endpoint } from './kobject';

/** Badge bits kept by Mint (seL4's 28 on 32-bit). */
export const BADGE_BITS = 28;

/** A checked CNode operation. */
export type CNodeOp =
  | { readonly kind: 'Insert'; readonly src: Slot; readonly dest: Slot; readonly cap: Cap }
  | {
      readonly kind: 'Move';
      readonly src: Slot;
      readonly dest: Slot;
      readonly badge: number;
      readonly guard: number;
      readonly guardBits: number;
    }
  | {
      readonly kind: 'Rotate';
      readonly src: Slot;
      readonly pivot: Slot;
      readonly dest: Slot;
      readonly srcData: CapData;
      readonly pivotData: CapData;
    }
  | { readonly kind: 'Delete'; readonly slot: Slot }
  | { readonly kind: 'Revoke'; readonly slot: Slot }
  | { readonly kind: 'CancelBadgedSends'; readonly slot: Slot };

/** Badge/guard fields a cap will have after a cap-data update. */
export interface CapData {
  readonly badge: number;
  readonly guard: number;
  readonly guardBits: number;
}

/** Looks up a slot for a CNode operation (seL4 lookupSlotForCNodeOp). */
export function lookupSlotForCNodeOp(
  isSource: boolean,
  root: Cap | null,
  index: number,
  depth: number,
): Slot | SyscallError {
  if (depth < 1 || depth > WORD_BITS)
    return err.range(1, WORD_BITS, `CNode operation: depth ${depth} outside 1..${WORD_BITS}`);
  const r = resolveAddressBits(root, index, depth, newResolved());
  if (r.fault)
    return err.failedLookup(
      isSource,
      r.fault,
      `CNode operation: ${isSource ? 'source' : 'destination'} lookup failed`,
    );
  if (r.bitsRemaining !== 0) {
    return err.failedLookup(
      isSource,
      { kind: 3, bitsLeft: r.bitsRemaining, bitsFound: 0, guardSize: 0 },
      'CNode operation: depth does not end at a slot',
    );
  }
  return r.slot!;
}

/** seL4 updateCapData: null when the data is not allowed for this cap. */
export function updateCapData(preserve: boolean, data: number, cap: Cap): CapData | null {
  switch (cap.type) {
    case ObjectType.Endpoint:
    case ObjectType.Notification:
      if (!preserve && cap.badge === 0)
        return { badge: data % 2 ** BADGE_BITS, guard: 0, guardBits: 0 };
      // K5: with preserve (Mutate, Rotate), data 0 keeps the cap as it is; seL4 refuses.
      if (preserve && data === 0) return { badge: cap.badge, guard: 0, guardBits: 0 };
      return null;
    case ObjectType.CNode: {
      const guardBits = data & 0x1f;
      const radix = (cap.obj as CNode).radix;
      if (guardBits + radix > WORD_BITS) return null;
      const guard = Math.floor(data / 32) % 2 ** guardBits;
      return { badge: 0, guard, guardBits };
    }
    default:
      return { badge: cap.badge, guard: cap.guard, guardBits: cap.guardBits };
  }
}

/** Whether a cap may be copied (seL4 deriveCap), as an error or null. */
function deriveError(cap: Cap): SyscallError | null {
  if (cap.type === ObjectType.Untyped && cap.firstChild !== null) {
    return err.revokeFirst('cannot copy an untyped cap that has children; revoke it first');
  }
  if (cap.type === ObjectType.IrqControl)
    return err.illegalOperation('the IRQControl cap cannot be copied');
  return null;
}

const isSlot = (x: Slot | SyscallError): x is Slot => !('code' in x);

/** Decodes a CNode invocation. Changes nothing. */
export function decodeCNode(inv: Invocation): CNodeOp | SyscallError {
  const label = inv.label;
  if (label < InvocationLabel.CNodeRevoke || label > InvocationLabel.CNodeRotate) {
    return err.illegalOperation(`label ${label} is not a CNode method`);
  }
  if (inv.length < 2) return err.truncated('CNode operations need at least index and depth');
  const target = lookupSlotForCNodeOp(false, inv.cap, inv.mr(0), inv.mr(1));
  if (!isSlot(target)) return target;
  switch (label) {
    case InvocationLabel.CNodeDelete:
      return { kind: 'Delete', slot: target };
    case InvocationLabel.CNodeRevoke:
      return { kind: 'Revoke', slot: target };
    case InvocationLabel.CNodeCancelBadgedSends: {
      const cap = target.cap;
      if (cap === null || cap.type !== ObjectType.Endpoint) {
        return err.illegalOperation('CNode_CancelBadgedSends: the target is not an endpoint cap');
      }
      if (!has(cap.rights, Rights.All))
        return err.illegalOperation('CNode_CancelBadgedSends: the endpoint cap needs all rights');
      return { kind: 'CancelBadgedSends', slot: target };
    }
    case InvocationLabel.CNodeRotate:
      return decodeRotate(inv, target);
    default:
      break;
  }
  if (inv.length < 4 || inv.extraCaps.length < 1)
    return err.truncated(
      'CNode copy operations need dest and source addresses and a source root cap',
    );
  if (target.cap !== null) return err.deleteFirst(`destination slot ${target.index} is not empty`);
  const srcRoot = inv.extraCaps[0]!.cap;
  const src = lookupSlotForCNodeOp(true, srcRoot, inv.mr(2), inv.mr(3));
  if (!isSlot(src)) return src;
  const srcCap = src.cap;
  if (srcCap === null) {
    return err.failedLookup(
      true,
      { kind: 2, bitsLeft: inv.mr(3), bitsFound: 0, guardSize: 0 },
      'CNode operation: the source slot is empty',
    );
  }
  switch (label) {
    case InvocationLabel.CNodeCopy:
    case InvocationLabel.CNodeMint: {
      const isMint = label === InvocationLabel.CNodeMint;
      if (inv.length < (isMint ? 6 : 5))
        return err.truncated(
          `CNode_${isMint ? 'Mint' : 'Copy'}: rights${isMint ? ' and badge' : ''} missing`,
        );
      const rights = srcCap.rights & inv.mr(4) & Rights.All;
      const e = deriveError(srcCap);
      if (e) return e;
      let data: CapData = { badge: srcCap.badge, guard: srcCap.guard, guardBits: srcCap.guardBits };
      if (isMint) {
        const d = updateCapData(false, inv.mr(5), srcCap);
        if (d === null)
          return err.illegalOperation(
            'CNode_Mint: the badge or guard data is not allowed (badged caps cannot be re-badged)',
          );
        data = d;
      }
      const cap = new Cap(srcCap.type, srcCap.obj, rights, data.badge, data.guard, data.guardBits);
      return { kind: 'Insert', src, dest: target, cap };
    }
    case InvocationLabel.CNodeMove:
      return {
        kind: 'Move',
        src,
        dest: target,
        badge: srcCap.badge,
        guard: srcCap.guard,
        guardBits: srcCap.guardBits,
      };
    default: {
      if (inv.length < 5) return err.truncated('CNode_Mutate: cap data missing');
      const d = updateCapData(true, inv.mr(4), srcCap);
      if (d === null)
        return err.illegalOperation('CNode_Mutate: the cap data is not allowed for this cap');
      return { kind: 'Move', src, dest: target, ...d };
    }
  }
}

function decodeRotate(inv: Invocation, dest: Slot): CNodeOp | SyscallError {
  if (inv.length < 8 || inv.extraCaps.length < 2)
    return err.truncated('CNode_Rotate needs 8 arguments and pivot and source root caps');
  const pivot = lookupSlotForCNodeOp(true, inv.extraCaps[0]!.cap, inv.mr(2), inv.mr(3));
  if (!isSlot(pivot)) return pivot;
  const src = lookupSlotForCNodeOp(true, inv.extraCaps[1]!.cap, inv.mr(5), inv.mr(6));
  if (!isSlot(src)) return src;
  if (pivot === src || pivot === dest)
    return err.illegalOperation('CNode_Rotate: the pivot must differ from source and destination');
  if (src !== dest && dest.cap !== null)
    return err.deleteFirst(`destination slot ${dest.index} is not empty`);
  if (src.cap === null) {
    return err.failedLookup(
      true,
      { kind: 2, bitsLeft: inv.mr(6), bitsFound: 0, guardSize: 0 },
      'CNode_Rotate: the source slot is empty',
    );
  }
  if (pivot.cap === null) {
    return err.failedLookup(
      true,
      { kind: 2, bitsLeft: inv.mr(3), bitsFound: 0, guardSize: 0 },
      'CNode_Rotate: the pivot slot is empty',
    );
  }
  const srcData = updateCapData(true, inv.mr(7), src.cap);
  const pivotData = updateCapData(true, inv.mr(4), pivot.cap);
  if (srcData === null || pivotData === null)
    return err.illegalOperation('CNode_Rotate: the cap data is not allowed for these caps');
  return { kind: 'Rotate', src, pivot, dest, srcData, pivotData };
}

function applyData(cap: Cap, d: CapData): void {
  cap.badge = d.badge;
  cap.guard = d.guard;
  cap.guardBits = d.guardBits;
}

/** Performs a CNode operation. Returns false only when Revoke stopped at its preemption point. */
export function performCNode(k: KernelState, op: CNodeOp): boolean {
  switch (op.kind) {
    case 'Insert':
      cdtInsert(op.src.cap!, op.cap);
      placeCap(op.dest, op.cap);
      return true;
    case 'Move': {
      const cap = op.src.cap!;
      moveCap(op.src, op.dest);
      applyData(cap, op);
      return true;
    }
    case 'Rotate': {
      const srcCap = op.src.cap!;
      const pivotCap = op.pivot.cap!;
      if (op.src === op.dest) swapCaps(op.src, op.pivot);
      else {
        moveCap(op.pivot, op.dest);
        moveCap(op.src, op.pivot);
      }
      applyData(srcCap, op.srcData);
      applyData(pivotCap, op.pivotData);
      return true;
    }
    case 'Delete':
      deleteCap(k, op.slot);
      return true;
    case 'Revoke':
      return op.slot.cap === null || revokeStep(k, op.slot.cap);
    case 'CancelBadgedSends': {
      const cap = op.slot.cap!;
      if (cap.badge !== 0) cancelBadgedSends(k, cap.obj as Endpoint, cap.badge);
      return true;
    }
  }
}
