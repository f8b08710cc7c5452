// The capability derivation tree: linking a new cap under its parent, unlinking a deleted one
// (its children move up to its parent, as in seL4's MDB), moving and swapping caps between
// slots, and the questions Retype, Mint and Revoke ask of the tree. Relies on cap.ts.

import type { Cap, Slot } from './cap';

/** Links `child` as the newest child of `parent` (or as a root when parent is null). */
export function cdtInsert(parent: Cap | null, child: Cap): void {
  child.parent = parent;
  child.prevSibling = null;
  child.nextSibling = null;
  if (parent === null) return;
  const first = parent.firstChild;
  child.nextSibling = first;
  if (first) first.prevSibling = child;
  parent.firstChild = child;
}

/** Removes `cap` from the tree; its children become children of its parent. */
export function cdtUnlink(cap: Cap): void {
  const parent = cap.parent;
  // Re-parent the children, then splice them in where cap was.
  let child = cap.firstChild;
  let last: Cap | null = null;
  while (child) {
    child.parent = parent;
    last = child;
    child = child.nextSibling;
  }
  const prev = cap.prevSibling;
  const next = cap.nextSibling;
  const first = cap.firstChild;
  if (first && last) {
    first.prevSibling = prev;
    last.nextSibling = next;
    if (next) next.prevSibling = last;
    if (prev) prev.nextSibling = first;
    else if (parent) parent.firstChild = first;
  } else {
    if (next) next.prevSibling = prev;
    if (prev) prev.nextSibling = next;
    else if (parent) parent.firstChild = next;
  }
  cap.parent = null;
  cap.firstChild = null;
  cap.nextSibling = null;
  cap.prevSibling = null;
}

/** Puts `cap` into the empty `slot` and counts it on its object. */
export function placeCap(slot: Slot, cap: Cap): void {
  slot.cap = cap;
  cap.slot = slot;
  cap.obj.capCount++;
}

/** Moves the cap in `src` to the empty `dest`; its tree position is unchanged. */
export function moveCap(src: Slot, dest: Slot): void {
  const cap = src.cap!;
  src.cap = null;
  dest.cap = cap;
  cap.slot = dest;
}

/** Exchanges the caps of two full slots. */
export function swapCaps(a: Slot, b: Slot): void {
  const ca = a.cap!;
  const cb = b.cap!;
  a.cap = cb;
  cb.slot = a;
  b.cap = ca;
  ca.slot = b;
}

/** Whether `cap` has derived children. */
export function hasChildren(cap: Cap): boolean {
  return cap.firstChild !== null;
}

/** Whether `a` is an ancestor of `b`. */
export function isAncestor(a: Cap, b: Cap): boolean {
  for (let p = b.parent; p; p = p.parent) if (p === a) return true;
  return false;
}
