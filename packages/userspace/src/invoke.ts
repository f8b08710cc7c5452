// Typed wrappers for every implemented kernel-object method. Each stages its arguments as MRs
// and extra caps, invokes with Call and returns the seL4 error code (0 = success); results and
// error details are then readable with sys.getMR. Relies on sys.ts and @k5/abi's labels.

import { encodeMessageInfo, InvocationLabel, type KernelError } from '@k5/abi';
import type { Sys, TaskStep } from './sys';

/** Invokes `cptr` with a label, MR arguments and extra caps; returns the error code. @public */
export function* invoke(
  sys: Sys,
  cptr: number,
  label: number,
  args: readonly number[],
  caps: readonly number[] = [],
): TaskStep {
  for (let i = 0; i < args.length; i++) sys.setMR(i, args[i]!);
  for (let i = 0; i < caps.length; i++) sys.setCap(i, caps[i]!);
  yield* sys.call(cptr, encodeMessageInfo(label, args.length, caps.length));
  return sys.label as KernelError;
}

const L = InvocationLabel;

/** Untyped_Retype. @public */
export const untypedRetype = (
  sys: Sys,
  untyped: number,
  type: number,
  sizeBits: number,
  root: number,
  nodeIndex: number,
  nodeDepth: number,
  nodeOffset: number,
  numObjects: number,
) =>
  invoke(
    sys,
    untyped,
    L.UntypedRetype,
    [type, sizeBits, nodeIndex, nodeDepth, nodeOffset, numObjects],
    [root],
  );

/** CNode_Copy. @public */
export const cnodeCopy = (
  sys: Sys,
  root: number,
  destIndex: number,
  destDepth: number,
  srcRoot: number,
  srcIndex: number,
  srcDepth: number,
  rights: number,
) => invoke(sys, root, L.CNodeCopy, [destIndex, destDepth, srcIndex, srcDepth, rights], [srcRoot]);
/** CNode_Mint. @public */
export const cnodeMint = (
  sys: Sys,
  root: number,
  destIndex: number,
  destDepth: number,
  srcRoot: number,
  srcIndex: number,
  srcDepth: number,
  rights: number,
  badge: number,
) =>
  invoke(
    sys,
    root,
    L.CNodeMint,
    [destIndex, destDepth, srcIndex, srcDepth, rights, badge],
    [srcRoot],
  );
/** CNode_Move. @public */
export const cnodeMove = (
  sys: Sys,
  root: number,
  destIndex: number,
  destDepth: number,
  srcRoot: number,
  srcIndex: number,
  srcDepth: number,
) => invoke(sys, root, L.CNodeMove, [destIndex, destDepth, srcIndex, srcDepth], [srcRoot]);
/** CNode_Mutate. @public */
export const cnodeMutate = (
  sys: Sys,
  root: number,
  destIndex: number,
  destDepth: number,
  srcRoot: number,
  srcIndex: number,
  srcDepth: number,
  data: number,
) => invoke(sys, root, L.CNodeMutate, [destIndex, destDepth, srcIndex, srcDepth, data], [srcRoot]);
/** CNode_Rotate. @public */
export const cnodeRotate = (
  sys: Sys,
  root: number,
  destIndex: number,
  destDepth: number,
  pivotRoot: number,
  pivotIndex: number,
  pivotDepth: number,
  pivotBadge: number,
  srcRoot: number,
  srcIndex: number,
  srcDepth: number,
  srcBadge: number,
) =>
  invoke(
    sys,
    root,
    L.CNodeRotate,
    [destIndex, destDepth, pivotIndex, pivotDepth, pivotBadge, srcIndex, srcDepth, srcBadge],
    [pivotRoot, srcRoot],
  );
/** CNode_Delete. @public */
export const cnodeDelete = (sys: Sys, root: number, index: number, depth: number) =>
  invoke(sys, root, L.CNodeDelete, [index, depth]);
/** CNode_Revoke (restarts itself until done). @public */
export const cnodeRevoke = (sys: Sys, root: number, index: number, depth: number) =>
  invoke(sys, root, L.CNodeRevoke, [index, depth]);
/** CNode_CancelBadgedSends. @public */
export const cnodeCancelBadgedSends = (sys: Sys, root: number, index: number, depth: number) =>
  invoke(sys, root, L.CNodeCancelBadgedSends, [index, depth]);

/** TCB_Configure: CSpace root (with guard data) and IPC buffer. @public */
export const tcbConfigure = (
  sys: Sys,
  tcb: number,
  cspaceRoot: number,
  cspaceRootData: number,
  bufferRegion: number,
  bufferAddress: number,
) => invoke(sys, tcb, L.TcbConfigure, [cspaceRootData, bufferAddress], [cspaceRoot, bufferRegion]);
/** TCB_SetSpace. @public */
export const tcbSetSpace = (
  sys: Sys,
  tcb: number,
  faultEndpoint: number,
  cspaceRoot: number,
  cspaceRootData: number,
) => invoke(sys, tcb, L.TcbSetSpace, [cspaceRootData], [faultEndpoint, cspaceRoot]);
/** TCB_SetIPCBuffer. @public */
export const tcbSetIpcBuffer = (sys: Sys, tcb: number, address: number, region: number) =>
  invoke(sys, tcb, L.TcbSetIpcBuffer, [address], [region]);
/** TCB_SetPriority. @public */
export const tcbSetPriority = (sys: Sys, tcb: number, authority: number, priority: number) =>
  invoke(sys, tcb, L.TcbSetPriority, [priority], [authority]);
/** TCB_SetMCPriority. @public */
export const tcbSetMCPriority = (sys: Sys, tcb: number, authority: number, mcp: number) =>
  invoke(sys, tcb, L.TcbSetMCPriority, [mcp], [authority]);
/** TCB_SetSchedParams. @public */
export const tcbSetSchedParams = (
  sys: Sys,
  tcb: number,
  authority: number,
  mcp: number,
  priority: number,
  schedContext: number,
  faultEndpoint: number,
) =>
  invoke(sys, tcb, L.TcbSetSchedParams, [mcp, priority], [authority, schedContext, faultEndpoint]);
/** TCB_ReadRegisters (results in MR0..). @public */
export const tcbReadRegisters = (sys: Sys, tcb: number, suspendSource: boolean, count: number) =>
  invoke(sys, tcb, L.TcbReadRegisters, [suspendSource ? 1 : 0, count]);
/** TCB_WriteRegisters. @public */
export const tcbWriteRegisters = (
  sys: Sys,
  tcb: number,
  resumeTarget: boolean,
  values: readonly number[],
) => invoke(sys, tcb, L.TcbWriteRegisters, [resumeTarget ? 1 : 0, values.length, ...values]);
/** TCB_Suspend. @public */
export const tcbSuspend = (sys: Sys, tcb: number) => invoke(sys, tcb, L.TcbSuspend, []);
/** TCB_Resume. @public */
export const tcbResume = (sys: Sys, tcb: number) => invoke(sys, tcb, L.TcbResume, []);
/** TCB_BindNotification. @public */
export const tcbBindNotification = (sys: Sys, tcb: number, ntfn: number) =>
  invoke(sys, tcb, L.TcbBindNotification, [], [ntfn]);
/** TCB_UnbindNotification. @public */
export const tcbUnbindNotification = (sys: Sys, tcb: number) =>
  invoke(sys, tcb, L.TcbUnbindNotification, []);
/** TCB_SetTimeoutEndpoint (MCS; 0 or an empty slot clears it). @public */
export const tcbSetTimeoutEndpoint = (sys: Sys, tcb: number, timeoutEndpoint: number) =>
  invoke(sys, tcb, L.TcbSetTimeoutEndpoint, [], [timeoutEndpoint]);
/** TCB_SetSupervisor (K5): notification signalled when the thread stops on a fault. @public */
export const tcbSetSupervisor = (sys: Sys, tcb: number, notification: number) =>
  invoke(sys, tcb, L.TcbSetSupervisor, [], [notification]);
/** TCB_GetFault (K5): MR0 label, MR1 generation, MR2 time, MR3 length, then the words. @public */
export const tcbGetFault = (sys: Sys, tcb: number) => invoke(sys, tcb, L.TcbGetFault, []);
/**
 * TCB_Restart (K5): reset the thread and run it after `delay` ticks, from its restart point or
 * from `entry` when given. MR0 of the reply is the new generation. @public
 */
export const tcbRestart = (
  sys: Sys,
  tcb: number,
  delay: number,
  entry?: { readonly ip: number; readonly sp: number },
) => invoke(sys, tcb, L.TcbRestart, entry ? [delay, entry.ip, entry.sp] : [delay]);

/** SchedContext_Bind. @public */
export const schedContextBind = (sys: Sys, sc: number, object: number) =>
  invoke(sys, sc, L.SchedContextBind, [], [object]);
/** SchedContext_Unbind. @public */
export const schedContextUnbind = (sys: Sys, sc: number) =>
  invoke(sys, sc, L.SchedContextUnbind, []);
/** SchedContext_UnbindObject. @public */
export const schedContextUnbindObject = (sys: Sys, sc: number, object: number) =>
  invoke(sys, sc, L.SchedContextUnbindObject, [], [object]);
/** SchedContext_Consumed: MR0/MR1 = ticks consumed since the last query (low, high word). @public */
export const schedContextConsumed = (sys: Sys, sc: number) =>
  invoke(sys, sc, L.SchedContextConsumed, []);
/**
 * SchedContext_YieldTo: let the thread bound to `sc` run ahead of the caller; MR0/MR1 = its
 * consumed ticks (low, high word) once the caller runs again. @public
 */
export const schedContextYieldTo = (sys: Sys, sc: number) =>
  invoke(sys, sc, L.SchedContextYieldTo, []);

/** Options of {@link schedControlConfigureFlags}. @public */
export interface SchedConfig {
  /** Ticks of execution per period (at least the kernel's minimum budget). */
  readonly budget: number;
  /** Replenishment period in ticks; equal to the budget for round robin. */
  readonly period: number;
  /** Refill slots beyond the two every context has (default 0). */
  readonly extraRefills?: number;
  /** Badge reported in timeout faults (default 0). */
  readonly badge?: number;
  /** Sporadic server: the unblock check happens when the thread wakes (default false). */
  readonly sporadic?: boolean;
}

/** SchedControl_ConfigureFlags: set a scheduling context's budget, period and refills. @public */
export const schedControlConfigureFlags = (
  sys: Sys,
  schedControl: number,
  schedContext: number,
  config: SchedConfig,
) =>
  invoke(
    sys,
    schedControl,
    L.SchedControlConfigureFlags,
    [
      config.budget,
      config.period,
      config.extraRefills ?? 0,
      config.badge ?? 0,
      config.sporadic ? 1 : 0,
    ],
    [schedContext],
  );

/** Region_GetInfo (MR0 base, MR1 sizeBits, MR2 mapped). @public */
export const regionGetInfo = (sys: Sys, region: number) => invoke(sys, region, L.RegionGetInfo, []);
/** Region_Map. @public */
export const regionMap = (sys: Sys, region: number, tcb: number, rights: number) =>
  invoke(sys, region, L.RegionMap, [rights], [tcb]);
/** Region_Unmap. @public */
export const regionUnmap = (sys: Sys, region: number) => invoke(sys, region, L.RegionUnmap, []);

/** Reply_BorrowRead: copy from the caller's lease into this task's memory (MR0 = bytes). @public */
export const borrowRead = (
  sys: Sys,
  reply: number,
  lease: number,
  offset: number,
  dest: number,
  length: number,
) => invoke(sys, reply, L.ReplyBorrowRead, [lease, offset, dest, length]);
/** Reply_BorrowWrite: copy from this task's memory into the caller's lease (MR0 = bytes). @public */
export const borrowWrite = (
  sys: Sys,
  reply: number,
  lease: number,
  offset: number,
  src: number,
  length: number,
) => invoke(sys, reply, L.ReplyBorrowWrite, [lease, offset, src, length]);
/** Reply_LeaseInfo (MR0 length, MR1 attributes). @public */
export const leaseInfo = (sys: Sys, reply: number, lease: number) =>
  invoke(sys, reply, L.ReplyLeaseInfo, [lease]);

/** IRQControl_Get: issue the handler cap of `irq` into (root, index, depth). @public */
export const irqControlGet = (
  sys: Sys,
  irqControl: number,
  irq: number,
  root: number,
  index: number,
  depth: number,
) => invoke(sys, irqControl, L.IrqIssueIrqHandler, [irq, index, depth], [root]);
/** IRQHandler_Ack: unmask the line after handling it. @public */
export const irqHandlerAck = (sys: Sys, handler: number) => invoke(sys, handler, L.IrqAckIrq, []);
/** IRQHandler_SetNotification: signal `notification` (with its badge) when the line fires. @public */
export const irqHandlerSetNotification = (sys: Sys, handler: number, notification: number) =>
  invoke(sys, handler, L.IrqSetIrqHandler, [], [notification]);
/** IRQHandler_Clear: stop signalling the line's notification. @public */
export const irqHandlerClear = (sys: Sys, handler: number) =>
  invoke(sys, handler, L.IrqClearIrqHandler, []);
