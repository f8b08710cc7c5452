/**
 * `@k5/userspace`: what a K5 host task imports: typed syscall stubs ({@link Sys}), wrappers for
 * every implemented kernel-object method, a client/server helper and the name service.
 *
 * @packageDocumentation
 */

export {
  borrowRead,
  borrowWrite,
  cnodeCancelBadgedSends,
  cnodeCopy,
  cnodeDelete,
  cnodeMint,
  cnodeMove,
  cnodeMutate,
  cnodeRevoke,
  cnodeRotate,
  invoke,
  irqControlGet,
  irqHandlerAck,
  irqHandlerClear,
  irqHandlerSetNotification,
  leaseInfo,
  regionGetInfo,
  regionMap,
  regionUnmap,
  schedContextBind,
  schedContextConsumed,
  schedContextUnbind,
  schedContextUnbindObject,
  schedContextYieldTo,
  schedControlConfigureFlags,
  tcbBindNotification,
  tcbConfigure,
  tcbGetFault,
  tcbReadRegisters,
  tcbRestart,
  tcbResume,
  tcbSetIpcBuffer,
  tcbSetMCPriority,
  tcbSetPriority,
  tcbSetSchedParams,
  tcbSetSpace,
  tcbSetSupervisor,
  tcbSetTimeoutEndpoint,
  tcbSuspend,
  tcbUnbindNotification,
  tcbWriteRegisters,
  untypedRetype,
} from './invoke';
export {
  enclaveAddThread,
  enclaveDeriveKey,
  enclaveLoad,
  enclaveMeasurement,
} from './enclave';
export {
  connect,
  listen,
  NameServiceLabel,
  NameServiceStatus,
  nameServer,
  portIdWords,
} from './name-service';
export { operation, RPC_UNKNOWN_OPERATION, request, serve } from './rpc';
export {
  expectOk,
  loadEnclave,
  RootEnv,
  RootTaskError,
  spawn,
  spawnEnclaveThread,
} from './root/index';
export { panicText, readFault, RestartBackoff, restartWithBackoff } from './supervisor';
export { Sys } from './sys';

export type { EnclaveBytesResult, EnclaveLayout, EnclaveThreadStart } from './enclave';
export type { SchedConfig } from './invoke';
export type { NameServerConfig } from './name-service';
export type { Operation, Request, Response, RpcResult } from './rpc';
export type {
  Child,
  ChildCap,
  ChildPlan,
  ChildRegion,
  EnclavePlan,
  EnclaveThreadPlan,
  LoadedEnclave,
  RootEnvOptions,
} from './root/index';
export type { BackoffPolicy, FaultReport } from './supervisor';
export type { LeaseSpec, TaskStep } from './sys';
