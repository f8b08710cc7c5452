// Untyped memory and Retype, in seL4's decode order: arguments, object type and size, the
// destination CNode and window, empty destination slots (DeleteFirst before any memory check),
// watermark reset when no children are left, alignment, then NotEnoughMemory. The performer
// creates the objects and their caps as CDT children of the untyped cap and cannot fail.
// Relies on cspace/, objects/kobject.ts and @k5/abi's object table.

import {
  CNODE_RADIX_RANGE,
  InvocationLabel,
  MAX_UNTYPED_BITS,
  MIN_REGION_BITS,
  MIN_UNTYPED_BITS,
  OBJECT_TABLE,
  ObjectType,
  objectSizeBits,
  RETYPE_FAN_OUT_LIMIT,
  Rights,
  WORD_BITS,
} from '@k5/abi';
import { Cap, type Slot } from '../cspace/cap';
import { cdtInsert, placeCap } from '../cspace/cdt';
import { newResolved, resolveAddressBits } from '../cspace/lookup';
import type { KernelState } from '../state';
import { err, type Invocation, type SyscallError } from './invocation';
import {
  CNode,
  Enclave,
  Endpoint,
  type KObject,
  Notification,
  Region,
  Reply,
  SchedContext,
  Tcb,
  Untyped,
} from './kobject';

/** A checked Retype. */
export interface RetypeOp {
  readonly kind: 'Retype';
  readonly untypedCap: Cap;
  readonly type: number;
  readonly userSizeBits: number;
  readonly objectBits: number;
  readonly firstAddress: number;
  readonly slots: readonly Slot[];
  readonly reset: boolean;
}

const alignUp = (x: number, bits: number) => Math.ceil(x / 2 ** bits) * 2 ** bits;

/** Decodes Untyped_Retype. Changes nothing. */
export function decodeUntyped(inv: Invocation): RetypeOp | SyscallError {
  if (inv.label !== InvocationLabel.UntypedRetype)
    return err.illegalOperation(`label ${inv.label} is not an Untyped method`);
  if (inv.length < 6 || inv.extraCaps.length < 1) {
    return err.truncated(
      'Untyped_Retype needs 6 arguments (type, sizeBits, nodeIndex, nodeDepth, nodeOffset, numObjects) and a root CNode cap',
    );
  }
  const type = inv.mr(0);
  const userSizeBits = inv.mr(1);
  const nodeIndex = inv.mr(2);
  const nodeDepth = inv.mr(3);
  const nodeOffset = inv.mr(4);
  const numObjects = inv.mr(5);
  const desc = OBJECT_TABLE[type];
  if (!desc?.retypeable)
    return err.invalidArgument(0, `Untyped_Retype: ${type} is not a retypeable object type`);
  if (userSizeBits >= WORD_BITS)
    return err.range(0, WORD_BITS - 1, 'Untyped_Retype: sizeBits too large');
  if (
    type === ObjectType.Untyped &&
    (userSizeBits < MIN_UNTYPED_BITS || userSizeBits > MAX_UNTYPED_BITS)
  ) {
    return err.invalidArgument(
      1,
      `Untyped_Retype: untyped sizeBits must be ${MIN_UNTYPED_BITS}..${MAX_UNTYPED_BITS}`,
    );
  }
  if (
    type === ObjectType.CNode &&
    (userSizeBits < CNODE_RADIX_RANGE[0] || userSizeBits > CNODE_RADIX_RANGE[1])
  ) {
    return err.invalidArgument(
      1,
      `Untyped_Retype: CNode radix must be ${CNODE_RADIX_RANGE[0]}..${CNODE_RADIX_RANGE[1]}`,
    );
  }
  if (desc.userSizeRange && type !== ObjectType.CNode && type !== ObjectType.Untyped) {
    const [min, max] = desc.userSizeRange;
    if (userSizeBits < min || userSizeBits > max) {
      return err.invalidArgument(1, `Untyped_Retype: ${desc.name} sizeBits must be ${min}..${max}`);
    }
  }
  const objectBits = objectSizeBits(type, userSizeBits)!;
  // Destination CNode: depth 0 means the root itself.
  const root = inv.extraCaps[0]!.cap;
  let cnodeCap: Cap | null = root;
  if (nodeDepth !== 0) {
    if (nodeDepth > WORD_BITS)
      return err.range(0, WORD_BITS, 'Untyped_Retype: nodeDepth out of range');
    const r = resolveAddressBits(root, nodeIndex, nodeDepth, newResolved());
    if (r.fault)
      return err.failedLookup(false, r.fault, 'Untyped_Retype: destination CNode lookup failed');
    if (r.bitsRemaining !== 0) {
      return err.failedLookup(
        false,
        { kind: 3, bitsLeft: r.bitsRemaining, bitsFound: 0, guardSize: 0 },
        'Untyped_Retype: nodeDepth does not end at a slot',
      );
    }
    cnodeCap = r.slot!.cap;
  }
  if (cnodeCap === null || cnodeCap.type !== ObjectType.CNode) {
    return err.failedLookup(
      false,
      { kind: 2, bitsLeft: 0, bitsFound: 0, guardSize: 0 },
      'Untyped_Retype: destination is not a CNode cap',
    );
  }
  const cnode = cnodeCap.obj as CNode;
  const slotCount = cnode.slots.length;
  if (nodeOffset >= slotCount)
    return err.range(0, slotCount - 1, 'Untyped_Retype: nodeOffset outside the CNode');
  if (numObjects < 1 || numObjects > RETYPE_FAN_OUT_LIMIT) {
    return err.range(
      1,
      RETYPE_FAN_OUT_LIMIT,
      'Untyped_Retype: numObjects outside the fan-out limit',
    );
  }
  if (numObjects > slotCount - nodeOffset) {
    return err.range(
      1,
      slotCount - nodeOffset,
      'Untyped_Retype: the slot window runs past the end of the CNode',
    );
  }
  const slots = cnode.slots.slice(nodeOffset, nodeOffset + numObjects);
  for (const s of slots)
    if (s.cap !== null) return err.deleteFirst(`Untyped_Retype: slot ${s.index} is not empty`);
  const untyped = inv.cap.obj as Untyped;
  if (untyped.isDevice && type !== ObjectType.Untyped && type !== ObjectType.Region) {
    return err.invalidArgument(
      0,
      'Untyped_Retype: device memory can only become Untyped or Region objects',
    );
  }
  // K5 keeps the watermark on the object: it resets once no object made from it is alive.
  const reset = untyped.children === 0 && untyped.watermark !== 0;
  const used = reset ? 0 : untyped.watermark;
  const size = 2 ** untyped.sizeBits;
  const first = alignUp(untyped.base + used, objectBits);
  const needed = numObjects * 2 ** objectBits;
  if (first + needed > untyped.base + size) {
    return err.notEnoughMemory(
      size - used,
      `Untyped_Retype: ${needed} bytes (aligned) needed, ${size - used} left`,
    );
  }
  return {
    kind: 'Retype',
    untypedCap: inv.cap,
    type,
    userSizeBits,
    objectBits,
    firstAddress: first,
    slots,
    reset,
  };
}

/** Creates one object (also used at boot). */
export function createObject(
  k: KernelState,
  type: number,
  base: number,
  userSizeBits: number,
  parent: Untyped | null,
): KObject {
  const id = k.nextId++;
  let obj: KObject;
  switch (type) {
    case ObjectType.Untyped:
      obj = new Untyped(id, base, userSizeBits, parent, parent?.isDevice ?? false);
      break;
    case ObjectType.Tcb:
      obj = new Tcb(id, base, parent, k.port.createContext());
      break;
    case ObjectType.Endpoint:
      obj = new Endpoint(id, base, 4, parent);
      break;
    case ObjectType.Notification:
      obj = new Notification(id, base, 5, parent);
      break;
    case ObjectType.CNode:
      obj = new CNode(id, base, userSizeBits, parent);
      break;
    case ObjectType.SchedContext:
      obj = new SchedContext(id, base, userSizeBits, parent);
      break;
    case ObjectType.Reply:
      obj = new Reply(id, base, 4, parent);
      break;
    case ObjectType.Enclave:
      obj = new Enclave(id, base, Math.max(userSizeBits, MIN_REGION_BITS), parent);
      k.enclaves.push(obj);
      break;
    default:
      obj = new Region(id, base, Math.max(userSizeBits, MIN_REGION_BITS), parent);
      break;
  }
  k.objects.add(obj);
  if (parent) parent.children++;
  if (k.trace)
    k.trace({ kind: 'create', time: k.now, object: id, type, base, sizeBits: obj.sizeBits });
  return obj;
}

/** The full-rights cap a new object starts with. */
export function originalCap(obj: KObject): Cap {
  return new Cap(obj.type, obj, Rights.All);
}

/** Performs a checked Retype. */
export function performRetype(k: KernelState, op: RetypeOp): number[] {
  const untyped = op.untypedCap.obj as Untyped;
  const step = 2 ** op.objectBits;
  for (let i = 0; i < op.slots.length; i++) {
    const obj = createObject(k, op.type, op.firstAddress + i * step, op.userSizeBits, untyped);
    const cap = originalCap(obj);
    cdtInsert(op.untypedCap, cap);
    placeCap(op.slots[i]!, cap);
  }
  untyped.watermark = op.firstAddress + op.slots.length * step - untyped.base;
  return [];
}
