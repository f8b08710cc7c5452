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
  leaseInfo,
  regionGetInfo,
  regionMap,
  regionUnmap,
  schedContextBind,
  schedContextUnbind,
  schedContextUnbindObject,
  tcbBindNotification,
  tcbConfigure,
  tcbReadRegisters,
  tcbResume,
  tcbSetIpcBuffer,
  tcbSetMCPriority,
  tcbSetPriority,
  tcbSetSchedParams,
  tcbSetSpace,
  tcbSuspend,
  tcbUnbindNotification,
  tcbWriteRegisters,
  untypedRetype,
} from './invoke';
export {
  connect,
  listen,
  NameServiceLabel,
  NameServiceStatus,
  nameServer,
  portIdWords,
} from './name-service';
export { operation, RPC_UNKNOWN_OPERATION, request, serve } from './rpc';
export { Sys } from './sys';

export type { NameServerConfig } from './name-service';
export type { Operation, Request, Response, RpcResult } from './rpc';
export type { LeaseSpec, TaskStep } from './sys';
