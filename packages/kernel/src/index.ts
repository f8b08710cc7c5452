/**
 * `@k5/kernel`: the portable K5 microkernel core with seL4 semantics: capabilities and the
 * derivation tree, untyped memory, TCBs, endpoints with MCS reply objects, notifications,
 * regions and leases, a fixed-priority scheduler, typed trace events, an invariant checker, the
 * `ArchPort` boundary with a generic host port, a host-task executor with a boot path, and
 * enclaves (measured, attested, sealed, isolated by the port).
 *
 * @packageDocumentation
 */

export { analyseSchedulability } from './analysis/response-time';
export { AnalysisError } from './analysis/task-set';
export { GenericPort } from './arch/generic-port';
export { createAttestationReport, verifyAttestationReport } from './enclave/attestation';
export {
  ATTESTATION_REPORT_LENGTH,
  ATTESTATION_REPORT_VERSION,
  decodeAttestationReport,
  NONCE_MAX_LENGTH,
  NONCE_MIN_LENGTH,
  USER_DATA_LENGTH,
} from './enclave/attestation-report';
export {
  DEVICE_ID_LENGTH,
  deriveDeviceId,
  exportDevicePublicKey,
  generateDeviceIdentity,
  importDevicePublicKey,
} from './enclave/device-identity';
export {
  ENCLAVE_IDENTITY_DOMAIN,
  ENCLAVE_IDENTITY_VERSION,
  encodeEnclaveIdentity,
  measureEnclave,
} from './enclave/enclave-identity';
export { EnclaveError } from './enclave/errors';
export { Measurement } from './enclave/measurement';
export { hkdfSha256, sha256 } from './enclave/primitives';
export { hkdfSha256Sync, hmacSha256Sync, sha256Sync } from './enclave/sha256-sync';
export {
  DEVICE_SECRET_MIN_LENGTH,
  deriveSealingKey,
  generateDeviceSecret,
  importSealingKey,
  SEALED_BLOB_VERSION,
  SEALED_OVERHEAD,
  SEALING_LABEL_MAX_LENGTH,
  seal,
  unseal,
} from './enclave/sealing';

export {
  AppBootError,
  bootApp,
  checkManifest,
  ManifestError,
  MAX_BADGE,
  planAppMemory,
  validateManifest,
} from './app/index';
export {
  encodeLogFrame,
  LOG_FRAME_HEADER_BYTES,
  LOG_MAX_PAYLOAD,
  LOG_MAX_TASK_ID,
  LogChannel,
  LogChannelError,
  LogDemuxer,
} from './log/index';
export { buildTimeline, toChromeTrace } from './trace-export/index';
export { AccessKind } from './arch/port';
export { BootSlot, bootSystem } from './boot';
export { Cap, Slot } from './cspace/cap';
export { KernelUsageError } from './errors';
export { panicMessageBytes } from './faults/messages';
export { HostExecutor } from './host/executor';
export { hostEnclaveImage } from './host/enclave-image';
export { HostEnclavePrograms } from './host/enclave-programs';
export { HostWait } from './host/host-wait';
export { createKernel, Kernel } from './kernel';
export { PhysicalMemory } from './memory';
export {
  configureSchedContext,
  MAX_PERIOD_TICKS,
  maxRefillsForSize,
  REFILL_BYTES,
  SCHED_CONTEXT_HEADER_BYTES,
  SCHED_CONTEXT_SPORADIC,
} from './sched/configure';
export {
  checkRefillConfig,
  checkRefillInvariants,
  MIN_REFILLS,
  RefillError,
  RefillList,
  refillTiming,
} from './sched/refills';
export { SyscallError } from './objects/invocation';
export {
  CNode,
  Enclave,
  Endpoint,
  EndpointState,
  IrqControl,
  IrqHandler,
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

export type { BlockingTerm } from './analysis/blocking';
export type { SchedulabilityReport, TaskResponse } from './analysis/response-time';
export type {
  AnalysisErrorCode,
  AnalysisTask,
  PassiveServer,
  ServerCall,
  TaskSet,
} from './analysis/task-set';
export type { GenericPortOptions } from './arch/generic-port';
export type {
  AttestationExpectations,
  AttestationFailure,
  AttestationReportInput,
  AttestationVerdict,
} from './enclave/attestation';
export type { AttestationReport, DecodedReport } from './enclave/attestation-report';
export type {
  DeviceIdentity,
  DeviceIdentityOptions,
  DevicePublicKeyFormat,
} from './enclave/device-identity';
export type {
  EnclaveArch,
  EnclaveDescription,
  EnclavePermissions,
  EnclaveRegion,
} from './enclave/enclave-identity';
export type { EnclaveErrorCode } from './enclave/errors';
export type { SealingKey } from './enclave/sealing';
export type { AttestOptions, EnclaveInfo } from './enclave/enclave-info';

export type {
  AppBlock,
  AppBlockKind,
  AppBootErrorCode,
  AppManifest,
  AppMemoryPlan,
  AppRunOptions,
  AppSystem,
  AppTask,
  BootAppOptions,
  ManifestAccess,
  ManifestBoard,
  ManifestCap,
  ManifestMapping,
  ManifestProblem,
  ManifestRegion,
  ManifestRight,
  ManifestTask,
} from './app/index';
export type {
  LogChannelErrorCode,
  LogChannelOptions,
  LogDemuxerOptions,
  LogRecordFrame,
} from './log/index';
export type {
  ChromeTrace,
  ChromeTraceEvent,
  ChromeTraceOptions,
  Timeline,
  TimelineLane,
  TimelineMark,
  TimelineMarkKind,
  TimelineOptions,
  TimelineSlice,
} from './trace-export/index';
export type {
  ArchPort,
  ContextId,
  EnclaveDomain,
  InterruptController,
  MemoryGrant,
} from './arch/port';
export type { BootOptions, HostSystem } from './boot';
export type { KernelUsageErrorCode } from './errors';
export type { RunOptions, RunResult } from './host/executor';
export type { KernelOptions } from './kernel';
export type { SchedParams } from './sched/configure';
export type {
  Refill,
  RefillConfig,
  RefillErrorCode,
  RefillInvariantCode,
  RefillInvariantOptions,
  RefillInvariantViolation,
  RefillTiming,
} from './sched/refills';
export type { KObject, Lease, Mapping, ThreadQueue } from './objects/kobject';
export type { TraceEvent, TraceEventKind, TraceSink } from './trace';
