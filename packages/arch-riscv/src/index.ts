/**
 * `@k5/arch-riscv`: The RISC-V port of K5: trap model, ecall ABI, CLINT, PLIC, PMP and solver, and a reference RV32IMAC hart.
 *
 * @packageDocumentation
 */

/** The npm name of this package. */
export const PACKAGE_NAME = '@k5/arch-riscv';

export {
  CSR_CYCLE,
  CSR_CYCLEH,
  CSR_INSTRET,
  CSR_INSTRETH,
  CSR_MARCHID,
  CSR_MCAUSE,
  CSR_MCONFIGPTR,
  CSR_MCOUNTEREN,
  CSR_MCYCLE,
  CSR_MCYCLEH,
  CSR_MEPC,
  CSR_MHARTID,
  CSR_MIE,
  CSR_MIMPID,
  CSR_MINSTRET,
  CSR_MINSTRETH,
  CSR_MIP,
  CSR_MISA,
  CSR_MSCRATCH,
  CSR_MSTATUS,
  CSR_MSTATUSH,
  CSR_MTVAL,
  CSR_MTVEC,
  CSR_MVENDORID,
  CSR_PMPADDR0,
  CSR_PMPCFG0,
  CSR_TIME,
  csrIsReadOnly,
  csrMinimumPrivilege,
  MCOUNTEREN_CY,
  MCOUNTEREN_IR,
  MIP_IMPLEMENTED,
  MIP_MEIP,
  MIP_MSIP,
  MIP_MTIP,
  MISA_MXL_32,
  MSTATUS_MIE,
  MSTATUS_MPIE,
  MSTATUS_MPP,
  MSTATUS_MPP_SHIFT,
  MSTATUS_MPRV,
  MSTATUS_TW,
  MSTATUS_WRITABLE,
  MTVEC_MODE,
  MTVEC_MODE_DIRECT,
  MTVEC_MODE_VECTORED,
  misaBit,
} from './csr';
export {
  CLINT_DEFAULT_BASE,
  CLINT_MSIP,
  CLINT_MTIME,
  CLINT_MTIMECMP,
  CLINT_SIZE,
  Clint,
  mtimecmpWriteSequence,
} from './clint';
export { MonitorFrameStore } from './enclave/frame-store';
export { SecurityMonitor } from './enclave/security-monitor';
export { MonitorCall } from './enclave/types';
export { RiscvError } from './errors';
export { CheckedMemory } from './host-access';
export { decodeInstruction } from './hart/decode';
export { StopReason } from './hart/execute';
export { Hart } from './hart/hart';
export { MemoryBus, RamRegion } from './hart/memory';
export { bootRiscvSystem } from './port/boot';
export { PlicInterruptController } from './port/interrupts';
export { MachineCodeRunner } from './port/machine-code-runner';
export { grantsToPmpRegions, lockKernelRegions, solveMemoryMap } from './port/memory-map';
export { DEFAULT_MAX_ENCLAVES, DEFAULT_MONITOR_MEMORY, RiscvPort } from './port/riscv-port';
export { faultForTrap } from './port/trap-fault';
export { PmpAccess, PmpChecker, paintPermissionMap, permissionMapMask } from './pmp/checker';
export { describePmp } from './pmp/describe';
export {
  PMP_A,
  PMP_A_SHIFT,
  PMP_L,
  PMP_R,
  PMP_W,
  PMP_X,
  PMPADDR_COUNT,
  PMPCFG_COUNT,
  PmpAddressMatching,
  PmpRegisters,
} from './pmp/registers';
export {
  PLIC_CLAIM,
  PLIC_CONTEXT_STRIDE,
  PLIC_DEFAULT_BASE,
  PLIC_ENABLE,
  PLIC_ENABLE_STRIDE,
  PLIC_PENDING,
  PLIC_PRIORITY,
  PLIC_SIZE,
  PLIC_THRESHOLD,
  Plic,
} from './plic';
export { applyPmpLayout, solvePmp, solvePmpFor } from './pmp/solver';
export {
  TRAP_FRAME_PC,
  TRAP_FRAME_SIZE,
  TrapFrame,
  trapFrameRegisterOffset,
} from './trap-frame';
export {
  decodeMcause,
  describeMcause,
  ExceptionCause,
  highestPriorityInterrupt,
  INTERRUPT_PRIORITY,
  InterruptCause,
  interruptMcause,
  MCAUSE_INTERRUPT,
  PrivilegeMode,
} from './trap';

export type { ClintOptions, InterruptTarget, RegisterWrite } from './clint';
export type { SecurityMonitorOptions } from './enclave/security-monitor';
export type {
  EnclaveId,
  EnclaveState,
  EnclaveStop,
  NapotBlock,
  PmpEnclaveSpec,
} from './enclave/types';
export type { RiscvErrorCode } from './errors';
export type { HostAccessFault, HostReadResult, HostWriteResult } from './host-access';
export type { DecodedInstruction } from './hart/decode';
export type { HartOptions } from './hart/hart';
export type { DeviceMapping, MmioDevice } from './hart/memory';
export type { ClockedDevice } from './hart/state';
export type { RiscvBootOptions, RiscvSystem } from './port/boot';
export type {
  MachineCodeRunnerOptions,
  MachineCodeStats,
  TakenInterrupt,
} from './port/machine-code-runner';
export type {
  HartExit,
  RiscvMonitorOptions,
  RiscvPortOptions,
} from './port/riscv-port';
export type { TrapFault } from './port/trap-fault';
export type { PmpDecision, PmpReason } from './pmp/checker';
export type { PmpEntryDescription } from './pmp/describe';
export type { PmpOptions, PmpRange } from './pmp/registers';
export type { PmpEntryValue, PmpLayout, PmpRegion, PmpSolveOptions } from './pmp/solver';
export type { PlicContext, PlicOptions } from './plic';
export type { DecodedMcause } from './trap';
