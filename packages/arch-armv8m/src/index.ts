/**
 * `@k5/arch-armv8m`: The ARMv8-M port of K5: exception model, SVC ABI, NVIC, SysTick, PMSAv8/PMSAv7 MPU and solver, SAU.
 *
 * @packageDocumentation
 */

export {
  ArmV8mError,
  ExceptionModelError,
  InterruptError,
  MpuRegisterError,
  MpuSolverError,
} from './errors';
export type {
  ExceptionModelErrorCode,
  InterruptErrorCode,
  MpuRegisterErrorCode,
  MpuSolverErrorCode,
} from './errors';

export { accessEnd, checkPmsav8, MPU_ALLOWED } from './mpu/checker';
export type {
  MpuAllowed,
  MpuCheckOptions,
  MpuCheckResult,
  MpuFault,
  MpuFaultReason,
  Pmsav8State,
} from './mpu/checker';
export {
  defaultMemoryArea,
  isDefaultExecuteNever,
  isPrivatePeripheralBus,
  nextDefaultMapBoundary,
  PPB_BASE,
  PPB_LIMIT,
  SYSTEM_SPACE_BASE,
} from './mpu/memory-map';
export type { DefaultMemoryArea, MemoryAccess } from './mpu/memory-map';
export {
  decodeMairAttribute,
  decodeRbar,
  decodeRlar,
  encodeMairAttribute,
  encodeRbar,
  encodeRlar,
  MAIR_DEVICE_GRE,
  MAIR_DEVICE_NGNRE,
  MAIR_DEVICE_NGNRNE,
  MAIR_DEVICE_NGRE,
  MAIR_NORMAL_NON_CACHEABLE,
  MAIR_NORMAL_WRITE_BACK,
  MAIR_NORMAL_WRITE_THROUGH,
  MPU_CTRL,
  MPU_CTRL_ENABLE,
  MPU_CTRL_HFNMIENA,
  MPU_CTRL_PRIVDEFENA,
  MPU_MAIR0,
  MPU_MAIR1,
  MPU_RBAR,
  MPU_RBAR_A1,
  MPU_RBAR_A2,
  MPU_RBAR_A3,
  MPU_RBAR_AP_MASK,
  MPU_RBAR_AP_SHIFT,
  MPU_RBAR_BASE_MASK,
  MPU_RBAR_SH_MASK,
  MPU_RBAR_SH_SHIFT,
  MPU_RBAR_XN,
  MPU_RLAR,
  MPU_RLAR_A1,
  MPU_RLAR_A2,
  MPU_RLAR_A3,
  MPU_RLAR_ATTRINDX_MASK,
  MPU_RLAR_ATTRINDX_SHIFT,
  MPU_RLAR_EN,
  MPU_RLAR_LIMIT_MASK,
  MPU_RLAR_PXN,
  MPU_RNR,
  MPU_RNR_REGION_MASK,
  MPU_TYPE,
  MPU_TYPE_DREGION_MASK,
  MPU_TYPE_DREGION_SHIFT,
  MPU_TYPE_SEPARATE,
  MpuAccessPermission,
  PMSAV8_GRANULE,
  Pmsav8Mpu,
  Shareability,
} from './mpu/pmsav8';
export type {
  CachePolicy,
  DeviceMemoryType,
  MemoryAttribute,
  Pmsav8MpuOptions,
  Pmsav8Rbar,
  Pmsav8RegionRegisters,
  Pmsav8Rlar,
} from './mpu/pmsav8';
export { describeRequest, mergeRequests, requestedAt } from './mpu/regions';
export type { MergedRange, RegionRequest } from './mpu/regions';
export { applyPmsav8Solution, pmsav8RegionFor, solvePmsav8 } from './mpu/solver-v8';
export type { Pmsav8RegionConfig, Pmsav8Solution, Pmsav8SolverOptions } from './mpu/solver-v8';
export {
  decodeRasr,
  encodeRasr,
  MPU_RASR_AP_SHIFT,
  MPU_RASR_B,
  MPU_RASR_C,
  MPU_RASR_ENABLE,
  MPU_RASR_S,
  MPU_RASR_SIZE_SHIFT,
  MPU_RASR_SRD_SHIFT,
  MPU_RASR_TEX_SHIFT,
  MPU_RASR_WRITABLE,
  MPU_RASR_XN,
  MPU_RBAR_ADDR_MASK,
  MPU_RBAR_REGION_MASK,
  MPU_RBAR_VALID,
  PMSAV7_RASR,
  PMSAV7_RBAR,
  Pmsav7AccessPermission,
  Pmsav7Mpu,
  pmsav7CanRead,
  pmsav7CanWrite,
  pmsav7MemoryType,
  pmsav7MinSizeLog2,
} from './mpu/pmsav7';
export type {
  Pmsav7MemoryType,
  Pmsav7MpuOptions,
  Pmsav7Profile,
  Pmsav7Rasr,
} from './mpu/pmsav7';
export { applyPmsav7Solution, solvePmsav7 } from './mpu/solver-v7';
export type {
  Pmsav7Grant,
  Pmsav7RegionConfig,
  Pmsav7Solution,
  Pmsav7SolverOptions,
  UngrantedRange,
} from './mpu/solver-v7';
export {
  isSauExempt,
  nonSecureBranch,
  SAU_ADDR_MASK,
  SAU_CTRL,
  SAU_CTRL_ALLNS,
  SAU_CTRL_ENABLE,
  SAU_RBAR,
  SAU_RLAR,
  SAU_RLAR_ENABLE,
  SAU_RLAR_NSC,
  SAU_RNR,
  SAU_TYPE,
  Sau,
  SecurityAttribute,
  SG_OPCODE,
  unintendedGateways,
} from './sau';
export type { Attribution, GatewayOutcome, Idau, SauOptions } from './sau';
export {
  CONTROL_FPCA,
  CONTROL_NPRIV,
  CONTROL_SFPA,
  CONTROL_SPSEL,
  CoreRegister,
  FAULTMASK_FM,
  PRIMASK_PM,
  RegisterFile,
  SparseWordMemory,
  XPSR_IPSR_MASK,
  XPSR_STACK_ALIGN,
  XPSR_T,
} from './registers';
export type { WordMemory } from './registers';
export {
  BASIC_FRAME_WORDS,
  decodeExcReturn,
  EXC_RETURN_DCRS,
  EXC_RETURN_ES,
  EXC_RETURN_FTYPE,
  EXC_RETURN_HANDLER_MSP,
  EXC_RETURN_HANDLER_MSP_FP,
  EXC_RETURN_MODE,
  EXC_RETURN_PREFIX,
  EXC_RETURN_RES1,
  EXC_RETURN_S,
  EXC_RETURN_SPSEL,
  EXC_RETURN_THREAD_MSP,
  EXC_RETURN_THREAD_MSP_FP,
  EXC_RETURN_THREAD_PSP,
  EXC_RETURN_THREAD_PSP_FP,
  EXTENDED_FRAME_WORDS,
  encodeExcReturn,
  exceptionEntry,
  exceptionReturn,
  FRAME_OFFSET,
  isExcReturn,
  prepareTaskFrame,
} from './exception-frame';
export type { ExceptionEntry, ExcReturn, TaskStart } from './exception-frame';
export {
  decodeSyscall,
  decodeSyscallResults,
  encodeSyscall,
  encodeSyscallResults,
  K5_SVC_IMMEDIATE,
  newSavedContext,
  pendSvSwitch,
  popCalleeRegisters,
  pushCalleeRegisters,
  restoreCalleeRegisters,
  SYSCALL_ARGUMENT_REGISTERS,
  SYSCALL_NUMBER_REGISTER,
  saveCalleeRegisters,
} from './trap-abi';
export type { SavedContext, SyscallRegisters } from './trap-abi';
export {
  AIRCR_PRIGROUP_MASK,
  AIRCR_PRIGROUP_SHIFT,
  AIRCR_VECTKEY,
  AIRCR_VECTKEYSTAT,
  ExceptionNumber,
  ICSR_ISRPENDING,
  ICSR_NMIPENDSET,
  ICSR_PENDSTCLR,
  ICSR_PENDSTSET,
  ICSR_PENDSVCLR,
  ICSR_PENDSVSET,
  ICSR_RETTOBASE,
  ICSR_VECTACTIVE_MASK,
  ICSR_VECTPENDING_SHIFT,
  IRQ_BASE,
  NVIC_IABR0,
  NVIC_ICER0,
  NVIC_ICPR0,
  NVIC_IPR0,
  NVIC_ISER0,
  NVIC_ISPR0,
  NVIC_STIR,
  Nvic,
  SCB_AIRCR,
  SCB_ICSR,
  SCB_SHPR1,
  SCB_SHPR2,
  SCB_SHCSR,
  SCB_SHPR3,
  SHCSR_BUSFAULTENA,
  SHCSR_MEMFAULTENA,
  SHCSR_SECUREFAULTENA,
  SHCSR_USGFAULTENA,
} from './nvic';
export type { FaultEntry, NvicOptions, PriorityMasks } from './nvic';
export {
  applyOneShot,
  planOneShot,
  SYST_CALIB,
  SYST_CALIB_NOREF,
  SYST_CALIB_SKEW,
  SYST_COUNTER_MASK,
  SYST_CSR,
  SYST_CSR_CLKSOURCE,
  SYST_CSR_COUNTFLAG,
  SYST_CSR_ENABLE,
  SYST_CSR_TICKINT,
  SYST_CVR,
  SYST_RVR,
  SysTick,
} from './systick';
export type { OneShotPlan, SysTickOptions } from './systick';
export {
  CFSR,
  cfsrBitNames,
  decodeFault,
  faultStatusFor,
  HFSR,
  SCB_BFAR,
  SCB_CFSR,
  SCB_HFSR,
  SCB_MMFAR,
} from './faults';
export type { FaultAccess, FaultRecord, FaultStatus, UsageFaultCause } from './faults';

export {
  ARMV8M_REGISTER_COUNT,
  ARMV8M_XPSR_INDEX,
  ArmV8mPort,
} from './port/armv8m-port';
export type {
  ArmV8mPortOptions,
  DeliveredInterrupt,
  InterruptEntry,
  InterruptSink,
  PortFault,
  PortSecureFault,
} from './port/armv8m-port';
export {
  EnclaveAttribution,
  gatewayGranules,
  planEnclaveSau,
  WHOLE_ADDRESS_SPACE,
} from './port/enclave-sau';
export {
  APSR_FLAGS,
  EXC_RETURN_NS_HANDLER_NS_THREAD,
  EXC_RETURN_NS_HANDLER_SECURE_THREAD,
  EXC_RETURN_SECURE_HANDLER_NS_THREAD,
  readSecureContext,
  stackSecureContext,
} from './port/secure-preemption';
export type { SecureContext, SecureStacking } from './port/secure-preemption';
export { faultMessage } from './port/fault-message';
export type { KernelFaultMessage } from './port/fault-message';
export { grantsToRequests, solveGrants } from './port/grants';
export { ArmV8mPortError } from './port/port-errors';
export type { ArmV8mPortErrorCode } from './port/port-errors';

export {
  ADDITIONAL_STATE_OFFSET,
  ADDITIONAL_STATE_WORDS,
  INTEGRITY_SIGNATURE,
  INTEGRITY_SIGNATURE_FP,
  integritySignature,
  pushAdditionalState,
  readAdditionalState,
} from './trustzone/additional-state';
export type { AdditionalState } from './trustzone/additional-state';
export { TrustZoneError } from './trustzone/errors';
export type { TrustZoneErrorCode } from './trustzone/errors';
export {
  applySauPlan,
  enclaveRegionRequests,
  GATEWAY_FILLER_HALFWORD,
  planSau,
  readHalfword,
  writeGatewayImage,
  writeHalfword,
} from './trustzone/layout';
export type {
  AddressRange,
  EnclaveMemory,
  SauPlan,
  SauRegionConfig,
  TrustZoneEnclaveLayout,
  TrustZoneLayout,
} from './trustzone/layout';
export { checkNonSecureAccess } from './trustzone/nonsecure-access';
export type { NonSecureAccessResult } from './trustzone/nonsecure-access';
export { TrustZoneCore } from './trustzone/secure-core';
export type {
  BankedRegisters,
  CoreAccessResult,
  SecurityState,
  ThreadRegisters,
  TransitionResult,
  TrustZoneCoreOptions,
} from './trustzone/secure-core';
export { SCB_SFAR, SCB_SFSR, SFSR, secureFault, sfsrBitNames } from './trustzone/sfsr';
export type { SecureFault, SecureFaultCause } from './trustzone/sfsr';
export { boardPortOptions, createBoardMachine, manifestBoard, STM32L5_BOARD } from './board/index';
export type { ArmV8mBoard, BoardMachine, BoardMemoryRange } from './board/index';
