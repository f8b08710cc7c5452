// Kernel objects as data: one class per object type with the fields every mechanism reads, and
// the thread states. Behaviour lives in the per-object files (untyped.ts, cnode.ts, tcb.ts, ...)
// and the shared mechanisms (cspace/, ipc/, sched/). Relies on @k5/abi and cspace/cap.ts.

import { ObjectType } from '@k5/abi';
import type { ContextId } from '../arch/port';
import { type Cap, Slot } from '../cspace/cap';

/** Thread states (seL4's, without the idle thread). @public */
export const ThreadState = {
  Inactive: 0,
  Running: 1,
  Restart: 2,
  BlockedOnSend: 3,
  BlockedOnReceive: 4,
  BlockedOnReply: 5,
  BlockedOnNotification: 6,
} as const;

/** A thread state. @public */
export type ThreadState = (typeof ThreadState)[keyof typeof ThreadState];

/** Names of thread states, by value. @public */
export const THREAD_STATE_NAMES: readonly string[] = [
  'Inactive',
  'Running',
  'Restart',
  'BlockedOnSend',
  'BlockedOnReceive',
  'BlockedOnReply',
  'BlockedOnNotification',
];

/** Fields every kernel object has. */
abstract class KObjectBase {
  /** Unique, deterministic id (creation order). */
  readonly id: number;
  /** Physical base address inside its parent untyped (0 for boot control objects). */
  readonly base: number;
  /** Size in bits. */
  readonly sizeBits: number;
  /** The untyped it was retyped from, if any. */
  readonly untyped: Untyped | null;
  /** Capabilities that point at it; the last one's deletion destroys it. */
  capCount = 0;
  /** False once destroyed. */
  live = true;

  constructor(id: number, base: number, sizeBits: number, untyped: Untyped | null) {
    this.id = id;
    this.base = base;
    this.sizeBits = sizeBits;
    this.untyped = untyped;
  }
}

/** Free memory. The watermark is on the object (see docs: K5 differs from seL4 here). @public */
export class Untyped extends KObjectBase {
  readonly type = ObjectType.Untyped;
  /** Bytes used from `base` (the next object goes at or after `base + watermark`). */
  watermark = 0;
  /** Live objects retyped from it. */
  children = 0;
  readonly isDevice: boolean;
  constructor(
    id: number,
    base: number,
    sizeBits: number,
    untyped: Untyped | null,
    isDevice: boolean,
  ) {
    super(id, base, sizeBits, untyped);
    this.isDevice = isDevice;
  }
}

/** A queue of threads blocked on an endpoint or notification: by priority, FIFO within one. */
export type ThreadQueue = Tcb[];

/** Endpoint state: which kind of thread its queue holds. @public */
export const EndpointState = { Idle: 0, Send: 1, Recv: 2 } as const;

/** A synchronous IPC endpoint. @public */
export class Endpoint extends KObjectBase {
  readonly type = ObjectType.Endpoint;
  state: number = EndpointState.Idle;
  readonly queue: ThreadQueue = [];
}

/** A notification: a word of signal bits and a queue of waiters. @public */
export class Notification extends KObjectBase {
  readonly type = ObjectType.Notification;
  word = 0;
  /** True when bits are pending (seL4's Active state). */
  active = false;
  readonly queue: ThreadQueue = [];
  boundTcb: Tcb | null = null;
  sc: SchedContext | null = null;
}

/** A CNode: 2^radix slots. @public */
export class CNode extends KObjectBase {
  readonly type = ObjectType.CNode;
  readonly radix: number;
  readonly slots: Slot[];
  constructor(id: number, base: number, radix: number, untyped: Untyped | null) {
    super(id, base, radix + 4, untyped);
    this.radix = radix;
    this.slots = new Array<Slot>(2 ** radix);
    for (let i = 0; i < this.slots.length; i++) this.slots[i] = new Slot(this, i);
  }
}

/** One lease a caller lends with a Call (K5, Hubris-style). @public */
export interface Lease {
  readonly address: number;
  readonly length: number;
  readonly attributes: number;
}

/** The lease list of a call without leases (shared and frozen: the IPC hot path allocates nothing). */
export const NO_LEASES: readonly Lease[] = Object.freeze([]);

/** A Reply object (MCS): holds the caller while a server works on its request. @public */
export class Reply extends KObjectBase {
  readonly type = ObjectType.Reply;
  /** The thread blocked on this reply, if any. */
  caller: Tcb | null = null;
  /** The thread waiting to receive with this reply object, if any. */
  receiver: Tcb | null = null;
  /** Whether the reply may carry capabilities (the Call's endpoint cap had Grant). */
  canGrant = false;
  /** Leases lent with the Call; they end with the reply. */
  leases: readonly Lease[] = NO_LEASES;
}

/** A scheduling context. Budget and refills arrive with the MCS scheduler (issue 4). @public */
export class SchedContext extends KObjectBase {
  readonly type = ObjectType.SchedContext;
  tcb: Tcb | null = null;
  notification: Notification | null = null;
  /** Budget and period in ticks; 0 = not configured (runs unlimited until MCS lands). */
  budget = 0;
  period = 0;
  badge = 0;
}

/** A K5 memory region: naturally aligned task memory. @public */
export class Region extends KObjectBase {
  readonly type = ObjectType.Region;
}

/** The boot-time SchedControl object. @public */
export class SchedControl extends KObjectBase {
  readonly type = ObjectType.SchedControl;
}

/** The boot-time IRQControl object. @public */
export class IrqControl extends KObjectBase {
  readonly type = ObjectType.IrqControl;
}

/** One region mapped into a thread through a region capability. @public */
export interface Mapping {
  readonly cap: Cap;
  readonly region: Region;
  readonly access: number;
}

/** A thread control block. @public */
export class Tcb extends KObjectBase {
  readonly type = ObjectType.Tcb;
  readonly context: ContextId;
  state: ThreadState = ThreadState.Inactive;
  priority = 0;
  mcp = 0;
  /** Private slot with a copy of the CSpace root cap (seL4 keeps it in a TCB slot). */
  readonly cspaceSlot: Slot;
  /** Private slot with a copy of the fault endpoint cap (MCS keeps caps, not CPtrs). */
  readonly faultSlot: Slot;
  /** Private slot with a copy of the IPC buffer's region cap. */
  readonly ipcBufferSlot: Slot;
  /** IPC buffer address, 0 for none. */
  ipcBuffer = 0;
  boundNotification: Notification | null = null;
  sc: SchedContext | null = null;
  mappings: Mapping[] = [];
  // Blocking state.
  blockedOn: Endpoint | Notification | null = null;
  sendBadge = 0;
  sendCanGrant = false;
  sendCanGrantReply = false;
  sendIsCall = false;
  /** Receive phase: the reply object waited with (MCS). */
  recvReply: Reply | null = null;
  /** Receive phase: the endpoint cap allowed Grant (caps may be received). */
  recvCanGrant = false;
  /** BlockedOnReply: the reply object holding this caller. */
  replyObject: Reply | null = null;
  /** For NBSendRecv/NBSendWait senders: MR3 is not in a register. */
  fastMrs = 4;
  /** A fault message waiting to be delivered (label and words), instead of registers. */
  faultLabel = 0;
  faultWords: number[] | null = null;
  // Scheduler links (intrusive doubly linked ready queue).
  inReadyQueue = false;
  schedNext: Tcb | null = null;
  schedPrev: Tcb | null = null;
  /** Name for traces and debugging. */
  name = '';
  /** Opaque per-thread state of the host-task executor (its generator). */
  host: unknown = null;
  constructor(id: number, base: number, untyped: Untyped | null, context: ContextId) {
    super(id, base, 9, untyped);
    this.context = context;
    this.cspaceSlot = new Slot(null, 0, this);
    this.faultSlot = new Slot(null, 1, this);
    this.ipcBufferSlot = new Slot(null, 2, this);
  }
}

/** Any kernel object. @public */
export type KObject =
  | Untyped
  | Tcb
  | Endpoint
  | Notification
  | CNode
  | Reply
  | SchedContext
  | Region
  | SchedControl
  | IrqControl;
