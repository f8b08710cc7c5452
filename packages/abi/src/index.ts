/**
 * `@k5/abi`: the K5 kernel/task contract as data: syscall numbers and register conventions,
 * invocation labels, error codes, rights, object types and sizes, lookup failures, fault
 * messages, the message-info word, the IPC buffer layout, the host-task contract and a C header
 * generator.
 *
 * @packageDocumentation
 */

export { address, badge, cptr, priority, ticks } from './branded';
export { cHeaderConstants, generateCHeader } from './c-header';
export { SYSCALL_CONVENTIONS } from './conventions';
export { ERROR_TABLE, errorName, KernelError } from './errors';
export {
  FAULT_LAYOUTS,
  FAULT_REPLY_REGISTERS,
  FAULT_RESUME,
  FaultLabel,
  faultWordIndex,
} from './faults';
export { HOST_TRAP_AWAIT, HOST_TRAP_SYSCALL } from './host-task';
export { INVOCATION_TABLE, InvocationLabel } from './invocations';
export {
  IPC_BUFFER_ALIGN,
  IPC_BUFFER_BYTES,
  IPC_BUFFER_WORDS,
  IpcBufferWord,
  LeaseAttribute,
  MAX_LEASES,
} from './ipc-buffer';
export { LOOKUP_FAILURE_TABLE, LookupFailure } from './lookup';
export {
  decodeMessageInfo,
  encodeMessageInfo,
  MESSAGE_INFO_LAYOUT,
  MSG_LABEL_BITS,
  MSG_MAX_EXTRA_CAPS,
  MSG_MAX_LENGTH,
  messageInfoCapsUnwrapped,
  messageInfoExtraCaps,
  messageInfoLabel,
  messageInfoLength,
} from './message-info';
export {
  CNODE_RADIX_RANGE,
  CNODE_SLOT_BITS,
  MAX_ENCLAVE_ENTRIES,
  MAX_ENCLAVE_KEY_LABEL,
  MAX_THREAD_REGIONS,
  MAX_UNTYPED_BITS,
  MIN_REGION_BITS,
  MIN_UNTYPED_BITS,
  NUM_PRIORITIES,
  OBJECT_TABLE,
  ObjectType,
  objectSizeBits,
  RETYPE_FAN_OUT_LIMIT,
  WORD_BITS,
} from './objects';
export { hasRights, maskRights, RIGHTS_TABLE, Rights } from './rights';
export {
  encodeTaskId,
  PEER_DEAD_LABEL,
  TASK_GENERATION_BITS,
  TASK_INDEX_BITS,
  taskIdGeneration,
  taskIdIndex,
} from './supervision';
export {
  FAST_MESSAGE_REGISTERS,
  FAST_MESSAGE_REGISTERS_SEND_RECV,
  LOG_MAX_BYTES,
  LogLevel,
  SYSCALL_ARGUMENT_REGISTERS,
  SYSCALL_TABLE,
  Syscall,
  syscallByNumber,
} from './syscalls';

export type { Address, Badge, Branded, CPtr, Priority, Ticks } from './branded';
export type { CConstant } from './c-header';
export type { ArchName, SyscallConvention } from './conventions';
export type { ErrorDescriptor, KernelErrorName } from './errors';
export type { FaultLayout } from './faults';
export type { BootInfo, BootUntyped, HostTask, HostTaskContext } from './host-task';
export type { InvocationDescriptor, InvocationName } from './invocations';
export type { LookupFailureDescriptor } from './lookup';
export type { MessageInfo } from './message-info';
export type { ObjectDescriptor, ObjectTypeName } from './objects';
export type { RightsWord } from './rights';
export type { SyscallDescriptor, SyscallName, SyscallSlot } from './syscalls';
