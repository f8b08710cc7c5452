/**
 * `@k5/kernel`: the portable K5 microkernel core with seL4 semantics: capabilities and the
 * derivation tree, untyped memory, TCBs, endpoints with MCS reply objects, notifications,
 * regions and leases, a fixed-priority scheduler, typed trace events, an invariant checker, the
 * `ArchPort` boundary with a generic host port, and a host-task executor with a boot path.
 *
 * @packageDocumentation
 */

export { GenericPort } from './arch/generic-port';
export { AccessKind } from './arch/port';
export { BootSlot, bootSystem } from './boot';
export { Cap, Slot } from './cspace/cap';
export { KernelUsageError } from './errors';
export { HostExecutor } from './host/executor';
export { createKernel, Kernel } from './kernel';
export { PhysicalMemory } from './memory';
export { SyscallError } from './objects/invocation';
export {
  CNode,
  Endpoint,
  EndpointState,
  IrqControl,
  Notification,
  Region,
  Reply,
  SchedContext,
  SchedControl,
  Tcb,
  THREAD_STATE_NAMES,
  ThreadState,
  Untyped,
} from './objects/kobject';
export { KernelState } from './state';
export { TraceRecorder } from './trace';

export type { GenericPortOptions } from './arch/generic-port';
export type { ArchPort, ContextId, InterruptController, MemoryGrant } from './arch/port';
export type { BootOptions, HostSystem } from './boot';
export type { KernelUsageErrorCode } from './errors';
export type { RunOptions, RunResult } from './host/executor';
export type { KernelOptions } from './kernel';
export type { KObject, Lease, Mapping, ThreadQueue } from './objects/kobject';
export type { TraceEvent, TraceEventKind, TraceSink } from './trace';
