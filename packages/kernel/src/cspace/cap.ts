// Capabilities and slots. A Cap is also its own node of the capability derivation tree (CDT):
// parent, first child and siblings are fields of the cap, so moving a cap between slots keeps
// its place in the tree without touching other caps. Relies on objects/kobject.ts for types.

import type { CNode, KObject, Tcb } from '../objects/kobject';

/** A capability: object, rights, badge or guard, and its CDT links. @public */
export class Cap {
  readonly type: number;
  readonly obj: KObject;
  rights: number;
  /** Endpoint/notification badge. */
  badge: number;
  /** CNode caps: guard value and width. */
  guard: number;
  guardBits: number;
  /** Region caps: the thread this cap maps the region into, if any. */
  mappedTo: Tcb | null = null;
  /** Where it is stored (null for the TCB's private copies and deleted caps). */
  slot: Slot | null = null;
  parent: Cap | null = null;
  firstChild: Cap | null = null;
  nextSibling: Cap | null = null;
  prevSibling: Cap | null = null;

  constructor(type: number, obj: KObject, rights: number, badge = 0, guard = 0, guardBits = 0) {
    this.type = type;
    this.obj = obj;
    this.rights = rights;
    this.badge = badge;
    this.guard = guard;
    this.guardBits = guardBits;
  }
}

/**
 * One capability slot: in a CNode, or one of a TCB's private slots (CSpace root, fault
 * endpoint, IPC buffer region), which seL4 also keeps as real slots so that they count as caps.
 * @public
 */
export class Slot {
  readonly cnode: CNode | null;
  readonly tcb: Tcb | null;
  readonly index: number;
  cap: Cap | null = null;
  constructor(cnode: CNode | null, index: number, tcb: Tcb | null = null) {
    this.cnode = cnode;
    this.index = index;
    this.tcb = tcb;
  }
}
