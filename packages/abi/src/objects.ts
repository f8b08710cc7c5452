// Kernel object types and their sizes. Retype reads sizes and limits from here; the C header
// copies them. Sizes are K5's (32-bit microcontroller layouts), not seL4's. Relies on nothing.

/** Object types (seL4 numbering for the generic ones; K5's Region after Reply). @public */
export const ObjectType = {
  Untyped: 0,
  Tcb: 1,
  Endpoint: 2,
  Notification: 3,
  CNode: 4,
  SchedContext: 5,
  Reply: 6,
  Region: 7,
  /** Not retypeable: the boot-time control capabilities. */
  SchedControl: 8,
  IrqControl: 9,
  IrqHandler: 10,
  /** K5: an enclave's own memory, measured at load, reachable only by its threads. */
  Enclave: 11,
} as const;

/** An object type. @public */
export type ObjectType = (typeof ObjectType)[keyof typeof ObjectType];

/** The name of an object type. @public */
export type ObjectTypeName = keyof typeof ObjectType;

/** One row of the object table. @public */
export interface ObjectDescriptor {
  /** The type's name. */
  readonly name: ObjectTypeName;
  /** Its number. */
  readonly type: ObjectType;
  /** Whether Untyped_Retype can create it. */
  readonly retypeable: boolean;
  /**
   * For fixed-size objects the size in bits (bytes = 2^sizeBits). For variable-size objects the
   * size is computed from Retype's `sizeBits` argument; this is then 0.
   */
  readonly fixedSizeBits: number;
  /** For variable-size objects the allowed range of Retype's `sizeBits` argument. */
  readonly userSizeRange?: readonly [min: number, max: number];
  /** What it is. */
  readonly summary: string;
}

/** Smallest untyped object, in bits. @public */
export const MIN_UNTYPED_BITS = 4;
/** Largest untyped object, in bits. @public */
export const MAX_UNTYPED_BITS = 29;
/** Size of one CNode slot, in bits (16 bytes). @public */
export const CNODE_SLOT_BITS = 4;
/** Smallest and largest CNode radix accepted by Retype. @public */
export const CNODE_RADIX_RANGE: readonly [number, number] = [1, 20];
/** Smallest region, in bits (32 bytes: the ARMv8-M MPU granule). @public */
export const MIN_REGION_BITS = 5;
/** Largest number of objects one Retype creates (seL4's retype fan-out limit). @public */
export const RETYPE_FAN_OUT_LIMIT = 256;
/** Word size of the ABI, in bits. @public */
export const WORD_BITS = 32;
/** Most priorities (0..255). @public */
export const NUM_PRIORITIES = 256;
/** Most memory regions one thread can have mapped at once (MPU regions for tasks). @public */
export const MAX_THREAD_REGIONS = 8;

/** Most entry points one enclave declares (K5). @public */
export const MAX_ENCLAVE_ENTRIES = 16;
/** Longest key label Enclave_DeriveKey accepts, in bytes (K5). @public */
export const MAX_ENCLAVE_KEY_LABEL = 64;

/** The object table. @public */
export const OBJECT_TABLE: readonly ObjectDescriptor[] = [
  {
    name: 'Untyped',
    type: 0,
    retypeable: true,
    fixedSizeBits: 0,
    userSizeRange: [MIN_UNTYPED_BITS, MAX_UNTYPED_BITS],
    summary: 'Free memory that can be retyped into other objects.',
  },
  {
    name: 'Tcb',
    type: 1,
    retypeable: true,
    fixedSizeBits: 9,
    summary: 'A thread: registers, CSpace root, IPC buffer, priority, fault endpoint.',
  },
  {
    name: 'Endpoint',
    type: 2,
    retypeable: true,
    fixedSizeBits: 4,
    summary: 'A synchronous IPC rendezvous point with a queue of senders or receivers.',
  },
  {
    name: 'Notification',
    type: 3,
    retypeable: true,
    fixedSizeBits: 5,
    summary: 'A word of signal bits with a queue of waiters.',
  },
  {
    name: 'CNode',
    type: 4,
    retypeable: true,
    fixedSizeBits: 0,
    userSizeRange: CNODE_RADIX_RANGE,
    summary: 'A table of 2^radix capability slots (size = radix + 4 bits).',
  },
  {
    name: 'SchedContext',
    type: 5,
    retypeable: true,
    fixedSizeBits: 0,
    userSizeRange: [7, 12],
    summary:
      'A scheduling context: budget, period and refills (budgets arrive with the MCS scheduler).',
  },
  {
    name: 'Reply',
    type: 6,
    retypeable: true,
    fixedSizeBits: 4,
    summary: 'Holds the reply link created by Call while the server works on it.',
  },
  {
    name: 'Region',
    type: 7,
    retypeable: true,
    fixedSizeBits: 0,
    userSizeRange: [MIN_REGION_BITS, MAX_UNTYPED_BITS],
    summary:
      'K5: a naturally aligned block of task memory that can be mapped into a thread and lent.',
  },
  {
    name: 'SchedControl',
    type: 8,
    retypeable: false,
    fixedSizeBits: 0,
    summary: 'Authority to configure scheduling contexts (boot capability).',
  },
  {
    name: 'IrqControl',
    type: 9,
    retypeable: false,
    fixedSizeBits: 0,
    summary: 'Authority to issue IRQ handler capabilities (boot capability).',
  },
  {
    name: 'IrqHandler',
    type: 10,
    retypeable: false,
    fixedSizeBits: 0,
    summary: 'Authority over one interrupt line.',
  },
  {
    name: 'Enclave',
    type: 11,
    retypeable: true,
    fixedSizeBits: 0,
    userSizeRange: [MIN_REGION_BITS, MAX_UNTYPED_BITS],
    summary:
      'K5: an enclave: memory only its own threads can touch, loaded once from an image and measured, entered at declared entry points.',
  },
];

/**
 * The size in bits of one object of `type` created by Retype with argument `userSizeBits`,
 * or `undefined` when the type is not retypeable.
 * @public
 */
export function objectSizeBits(type: number, userSizeBits: number): number | undefined {
  switch (type) {
    case ObjectType.Untyped:
    case ObjectType.SchedContext:
    case ObjectType.Region:
    case ObjectType.Enclave:
      return userSizeBits;
    case ObjectType.CNode:
      return userSizeBits + CNODE_SLOT_BITS;
    default: {
      const d = OBJECT_TABLE[type];
      return d?.retypeable ? d.fixedSizeBits : undefined;
    }
  }
}
