// All mutable kernel state in one object (seL4 keeps it in statedata.c): the port, memory,
// clock, scheduler queues and action, the live-object set and the trace sink. Every mechanism
// takes this object explicitly; there are no module-level singletons. Relies on arch/port.ts,
// memory.ts, trace.ts and objects/kobject.ts.

import { NUM_PRIORITIES, type Ticks } from '@k5/abi';
import type { ArchPort } from './arch/port';
import { newResolved, type Resolved } from './cspace/lookup';
import type { PhysicalMemory } from './memory';
import type { Enclave, IrqHandler, KObject, SchedContext, Tcb } from './objects/kobject';
import { type RefillTiming, refillTiming } from './sched/refills';
import type { TraceSink } from './trace';

/** What the scheduler does at the end of a kernel entry (seL4's scheduler action). */
export const SchedulerAction = { ResumeCurrent: 0, ChooseNew: 1, SwitchTo: 2 } as const;

/** Kernel state. Fields are internal; use the {@link Kernel} facade. @public */
export class KernelState {
  readonly port: ArchPort;
  readonly memory: PhysicalMemory;
  trace: TraceSink | null;
  /** Simulated time in ticks. */
  now = 0;
  /** The running thread, or null when idle. */
  current: Tcb | null = null;
  action: number = SchedulerAction.ResumeCurrent;
  candidate: Tcb | null = null;
  /** Ready queues: head and tail per priority, and a bitmap of non-empty ones. */
  readonly readyHead: (Tcb | null)[] = new Array(NUM_PRIORITIES).fill(null);
  readonly readyTail: (Tcb | null)[] = new Array(NUM_PRIORITIES).fill(null);
  readonly readyBitmap = new Uint32Array(NUM_PRIORITIES / 32);
  /** Bit w set iff readyBitmap[w] is not 0 (seL4's level-1 bitmap): the top priority in O(1). */
  readyWords = 0;
  /** Every live object. */
  readonly objects = new Set<KObject>();
  nextId = 1;
  /** CDT nodes deleted per Revoke step before the kernel preempts itself. */
  readonly revokeBatch: number;
  /** Bytes written by DebugPutChar, for hosts that want them. */
  readonly console: number[] = [];
  /** Reused lookup result, so that syscall lookups allocate nothing. */
  readonly scratch: Resolved = newResolved();
  /** Called when a thread is destroyed (the host executor drops its generator). */
  onThreadDestroyed: ((t: Tcb) => void) | null = null;
  // MCS time (seL4 ksConsumed, ksCurSC, ksReleaseQueue, ksReprogram).
  /** Kernel WCET, minimum budget and ready margin that every refill rule uses. */
  readonly timing: RefillTiming;
  /** Ticks the current thread ran since its context was last charged. */
  consumed = 0;
  /** The context being charged for `consumed` (the current thread's, as of the last switch). */
  curSc: SchedContext | null = null;
  /** Threads waiting for their head refill, ordered by its time (FIFO among equal times). */
  readonly releaseQueue: Tcb[] = [];
  /** The timer deadline must be recomputed at the end of this kernel entry. */
  reprogram = true;
  /** The deadline armed with the port's timer, or null (tickless: nothing due). */
  timerDeadline: number | null = null;
  /** IRQ handler objects by line (interrupts). */
  readonly irqHandlers: (IrqHandler | null)[] = [];
  /** Threads held by a supervisor's delayed restart (supervision back-off). */
  readonly pendingRestarts: Tcb[] = [];
  /** Live enclave objects (K5), for the isolation checks that look memory up by address. */
  readonly enclaves: Enclave[] = [];
  /** The device-unique secret enclave sealing keys derive from (KernelOptions.deviceSecret). */
  deviceSecret: Uint8Array | null = null;

  constructor(
    port: ArchPort,
    memory: PhysicalMemory,
    trace: TraceSink | null,
    revokeBatch: number,
    timing: RefillTiming = refillTiming(1 as Ticks),
  ) {
    this.port = port;
    this.memory = memory;
    this.trace = trace;
    this.revokeBatch = revokeBatch;
    this.timing = timing;
  }
}
