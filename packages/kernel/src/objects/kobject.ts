// Kernel objects as data: one class per object type with the fields every mechanism reads, and
// the thread states. Behaviour lives in the per-object files (untyped.ts, cnode.ts, tcb.ts, ...)
// and the shared mechanisms (cspace/, ipc/, sched/). Relies on @k5/abi and cspace/cap.ts.

import { ObjectType } from '@k5/abi';
import type { ContextId } from '../arch/port';
import { type Cap, Slot } from '../cspace/cap';
import type { RefillList } from '../sched/refills';

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
  // The call stack of scheduling-context donation (seL4 replyPrev/replyNext): the reply of the
  // call one level further out, the one further in, and the donated context when this reply is
  // the innermost one (seL4's isHead).
  /** The reply of the previous call in the donation chain (seL4 replyPrev). */
  stackPrev: Reply | null = null;
  /** The reply of the next call in the donation chain (seL4 replyNext, not head). */
  stackNext: Reply | null = null;
  /** The donated context, when this reply heads its call stack (seL4 replyNext, head). */
  donated: SchedContext | null = null;
}

/**
 * A scheduling context. Its refills are null until SchedControl_Configure: K5 then treats it as
 * an unlimited budget (seL4 would not run it at all; see docs/scheduling.md). @public
 */
export class SchedContext extends KObjectBase {
  readonly type = ObjectType.SchedContext;
  tcb: Tcb | null = null;
  notification: Notification | null = null;
  /** Budget, period and sporadic refills; null = not configured (unlimited budget, K5). */
  refills: RefillList | null = null;
  /** Budget and period in ticks as configured; 0 = not configured. */
  budget = 0;
  period = 0;
  badge = 0;
  /** Sporadic (unblock check on wake-up) rather than constant bandwidth (check on switch). */
  sporadic = false;
  /** Ticks charged since the last SchedContext_Consumed or timeout fault. */
  consumed = 0;
  /** The innermost reply of the call stack this context was donated along (seL4 scReply). */
  reply: Reply | null = null;
  /** The thread that yielded to this context's thread with YieldTo (seL4 scYieldFrom). */
  yieldFrom: Tcb | null = null;
}

/** A K5 memory region: naturally aligned task memory. @public */
export class Region extends KObjectBase {
  readonly type = ObjectType.Region;
}

/**
 * A K5 enclave: its own memory (the object's whole size), loaded once from an image and measured,
 * with declared entry points and the threads that run inside it. @public
 */
export class Enclave extends KObjectBase {
  readonly type = ObjectType.Enclave;
  /** Set by Enclave_Load; nothing runs inside before. */
  loaded = false;
  /** Entry addresses (absolute), in entry-number order. */
  entries: readonly number[] = [];
  imageLength = 0;
  stackSize = 0;
  /** SHA-256 over the identity encoding of image and layout; null until loaded. */
  measurement: Uint8Array | null = null;
  /** The threads that joined it with Enclave_AddThread. */
  readonly threads: Tcb[] = [];
}

/** The boot-time SchedControl object. @public */
export class SchedControl extends KObjectBase {
  readonly type = ObjectType.SchedControl;
}

/** The boot-time IRQControl object. @public */
export class IrqControl extends KObjectBase {
  readonly type = ObjectType.IrqControl;
}

/**
 * An IRQ handler (issued by IRQControl for one line). The line's signals go to `notification`
 * with `badge` (seL4: the badge of the notification cap given to IRQHandler_SetNotification).
 * The notification is held by reference and checked for liveness at delivery. @public
 */
export class IrqHandler extends KObjectBase {
  readonly type = ObjectType.IrqHandler;
  /** The interrupt line. */
  readonly irq: number;
  notification: Notification | null = null;
  badge = 0;
  constructor(id: number, irq: number) {
    super(id, 0, 0, null);
    this.irq = irq;
  }
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
  /** Private slot with a copy of the timeout-fault endpoint cap (MCS TCB_SetTimeoutEndpoint). */
  readonly timeoutSlot: Slot;
  /** Private slot with a copy of the supervisor's notification cap (K5 TCB_SetSupervisor). */
  readonly supervisorSlot: Slot;
  /** Every private slot, for mechanisms that visit them all (invariants, destruction). */
  readonly privateSlots: Slot[];
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
  /** The last fault this thread raised (label 0 = none) and its words, for supervisors. */
  lastFaultLabel = 0;
  lastFaultWords: readonly number[] = [];
  /** Kernel time of the last fault. */
  lastFaultTime = 0;
  /** Restarts so far (K5 supervision; part of task ids). */
  generation = 0;
  /** Where a supervisor's TCB_Restart starts the thread (recorded by TCB_SetSupervisor). */
  restartIp = 0;
  restartSp = 0;
  /** Kernel time at which a delayed restart makes the thread runnable, or null. */
  restartAt: number | null = null;
  /** The context this thread yielded to with YieldTo, until it runs again (seL4 tcbYieldTo). */
  yieldTo: SchedContext | null = null;
  /** Waiting in the release queue for its context's next refill (seL4 tcbInReleaseQueue). */
  inReleaseQueue = false;
  // Scheduler links (intrusive doubly linked ready queue).
  inReadyQueue = false;
  schedNext: Tcb | null = null;
  schedPrev: Tcb | null = null;
  /** The enclave this thread runs inside (K5), or null for an ordinary thread. */
  enclave: Enclave | null = null;
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
    this.timeoutSlot = new Slot(null, 3, this);
    this.supervisorSlot = new Slot(null, 4, this);
    this.privateSlots = [
      this.cspaceSlot,
      this.faultSlot,
      this.ipcBufferSlot,
      this.timeoutSlot,
      this.supervisorSlot,
    ];
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
  | IrqControl
  | IrqHandler
  | Enclave;
