/**
 * `@k5/arch-aarch64`: the AArch64 port of K5 at register level: stage-1 translation tables with
 * the 4 KiB granule, a page-table builder, an ASID-tagged TLB model with an ASID allocator, the
 * EL0/EL1 exception model, a GICv3 and the generic timer, and `Aarch64Port`, the kernel's
 * `ArchPort` on those models.
 *
 * @packageDocumentation
 */

/** The npm name of this package. */
export const PACKAGE_NAME = '@k5/arch-aarch64';
export { Aarch64Error } from './errors';
export { SparseMemory, readU64, writeU64 } from './memory';
export {
  DESC_VALID_BIT,
  DESC_TYPE_BIT,
  ATTRINDX_SHIFT,
  NS_BIT,
  AP_SHIFT,
  SH_SHIFT,
  AF_BIT,
  NG_BIT,
  CONTIGUOUS_BIT,
  PXN_BIT,
  UXN_BIT,
  SOFTWARE_SHIFT,
  PXNTABLE_BIT,
  UXNTABLE_BIT,
  APTABLE_SHIFT,
  NSTABLE_BIT,
  LEVEL_SIZE,
  OA_LO_MASK,
  INVALID_DESCRIPTOR,
  AccessPermission,
  Shareability,
  ApTable,
  decodeDescriptor,
  decodeLeafAttributes,
  encodeDescriptor,
  encodeLeafAttributes,
  descriptorToBigInt,
  descriptorFromBigInt,
} from './mmu/descriptors';
export {
  MAIR_ATTR_WIDTH,
  MAIR_DEVICE_nGnRnE,
  MAIR_DEVICE_nGnRE,
  MAIR_NORMAL_NC,
  MAIR_NORMAL_WT,
  MAIR_NORMAL_WB,
  DeviceType,
  encodeMairAttribute,
  decodeMairAttribute,
  encodeMair,
  decodeMair,
} from './mmu/mair';
export {
  TCR_T0SZ_SHIFT,
  TCR_EPD0_BIT,
  TCR_IRGN0_SHIFT,
  TCR_ORGN0_SHIFT,
  TCR_SH0_SHIFT,
  TCR_TG0_SHIFT,
  TCR_T1SZ_SHIFT,
  TCR_A1_BIT,
  TCR_EPD1_BIT,
  TCR_TG1_SHIFT,
  TCR_IPS_SHIFT,
  TCR_AS_BIT,
  SCTLR_M_BIT,
  SCTLR_WXN_BIT,
  TTBR_ASID_SHIFT,
  IPS_BITS,
  DEFAULT_TCR,
  Tg0,
  WalkCacheability,
  encodeTcr,
  decodeTcr,
  encodeTtbr,
  decodeTtbr,
  walkGeometry,
} from './mmu/tcr';
export {
  FaultStatusCode,
  AccessKind,
  faultStatusCode,
  mmuFault,
  decodeFaultStatus,
  describeFaultStatus,
} from './mmu/fault';
export { createWalkContext, walk, permits, translate, checkEntry } from './mmu/walker';
export { FramePool, PageTableBuilder } from './mmu/builder';
export { Mmu } from './mmu/mmu';
export { Tlb } from './tlb';
export { AsidAllocator } from './asid';
export { AddressSpace } from './address-space';
export {
  ESR_EC_SHIFT,
  ESR_IL_BIT,
  ESR_ISS_MASK,
  ISS_ISV_BIT,
  ISS_SAS_SHIFT,
  ISS_SSE_BIT,
  ISS_SRT_SHIFT,
  ISS_SF_BIT,
  ISS_AR_BIT,
  ISS_FNV_BIT,
  ISS_EA_BIT,
  ISS_CM_BIT,
  ISS_S1PTW_BIT,
  ISS_WNR_BIT,
  ISS_FSC_MASK,
  ExceptionClass,
  encodeEsr,
  decodeEsr,
  abortSyndrome,
} from './esr';
export {
  SPSR_N_BIT,
  SPSR_Z_BIT,
  SPSR_C_BIT,
  SPSR_V_BIT,
  SPSR_SS_BIT,
  SPSR_IL_BIT,
  SPSR_D_BIT,
  SPSR_A_BIT,
  SPSR_I_BIT,
  SPSR_F_BIT,
  SPSR_M4_BIT,
  SPSR_M_MASK,
  SPSR_DAIF_MASK,
  SPSR_NZCV_MASK,
  ProcessorMode,
  VectorSource,
  ExceptionKind,
  vectorOffset,
  Aarch64Cpu,
  initialTaskContext,
} from './context';
export {
  SYSCALL_NUMBER_REGISTER,
  SYSCALL_SLOT_REGISTERS,
  SYSCALL_ARG_REGISTERS,
  issueSyscall,
  readSyscall,
  writeSyscallResults,
} from './svc-abi';
export {
  SGI_BASE,
  PPI_BASE,
  SPI_BASE,
  INTID_SPURIOUS,
  TimerPpi,
  GicState,
} from './gic/state';
export {
  GICD_CTLR,
  GICD_TYPER,
  GICD_IIDR,
  GICD_IGROUPR,
  GICD_ISENABLER,
  GICD_ICENABLER,
  GICD_ISPENDR,
  GICD_ICPENDR,
  GICD_ISACTIVER,
  GICD_ICACTIVER,
  GICD_IPRIORITYR,
  GICD_ITARGETSR,
  GICD_ICFGR,
  GICD_IROUTER,
  GICD_PIDR2,
  GICD_CTLR_ENABLE_GRP0,
  GICD_CTLR_ENABLE_GRP1,
  GICD_CTLR_ARE,
  GICD_CTLR_DS,
  GicDistributor,
} from './gic/distributor';
export {
  GICR_CTLR,
  GICR_IIDR,
  GICR_TYPER,
  GICR_WAKER,
  GICR_WAKER_PROCESSOR_SLEEP,
  GICR_WAKER_CHILDREN_ASLEEP,
  GICR_SGI_BASE,
  GICR_IGROUPR0,
  GICR_ISENABLER0,
  GICR_ICENABLER0,
  GICR_ISPENDR0,
  GICR_ICPENDR0,
  GICR_ISACTIVER0,
  GICR_ICACTIVER0,
  GICR_IPRIORITYR,
  GICR_ICFGR0,
  GICR_ICFGR1,
  GicRedistributor,
} from './gic/redistributor';
export {
  ICC_CTLR_EOIMODE,
  ICC_SGI1R_TARGETLIST_SHIFT,
  ICC_SGI1R_AFF1_SHIFT,
  ICC_SGI1R_INTID_SHIFT,
  ICC_SGI1R_AFF2_SHIFT,
  ICC_SGI1R_IRM_BIT,
  ICC_SGI1R_RS_SHIFT,
  ICC_SGI1R_AFF3_SHIFT,
  GicCpuInterface,
} from './gic/cpu-interface';
export { Gic } from './gic/gic';
export { Aarch64Machine } from './machine';
export { CNTP_CTL_ENABLE, CNTP_CTL_IMASK, CNTP_CTL_ISTATUS, GenericTimer } from './timer';
export {
  DEFAULT_TABLE_BASE,
  DEFAULT_TABLE_FRAMES,
  ATTR_NORMAL,
  ATTR_DEVICE,
  SPI_PRIORITY,
  TIMER_PRIORITY,
  PORT_TCR,
  Aarch64Port,
} from './port/aarch64-port';
export { PAGE_SIZE, planMemoryMap } from './port/memory-map';
export { checkDeviceWindows, typeMappings } from './port/devices';
export {
  CONTEXT_REGISTERS,
  SP_EL0_INDEX,
  ELR_INDEX,
  SPSR_INDEX,
  sanitizeSpsr,
} from './port/registers';

export type { Aarch64ErrorCode } from './errors';
export type { PhysicalMemory } from './memory';
export type {
  DescriptorWords,
  InvalidDescriptor,
  TableDescriptor,
  LeafAttributes,
  LeafDescriptor,
  Descriptor,
  Level,
} from './mmu/descriptors';
export type { Cacheability, MemoryAttribute } from './mmu/mair';
export type { TcrFields, Ttbr, WalkGeometry } from './mmu/tcr';
export type { MmuFaultKind, ExceptionLevel, MmuFault } from './mmu/fault';
export type {
  WalkContext,
  TranslationEntry,
  WalkResult,
  TranslateResult,
} from './mmu/walker';
export type {
  Mapping,
  TableAllocator,
  TlbMaintenance,
  MapStats,
  BuilderOptions,
} from './mmu/builder';
export type { MmuCounters, MmuOptions } from './mmu/mmu';
export type { TlbiOperation, TlbiKind, TlbCounters, TlbOptions } from './tlb';
export type { GicOptions } from './gic/state';
export type { GicCpuCounters } from './gic/cpu-interface';
export type { InterruptSink } from './gic/gic';
export type { GenericTimerOptions } from './timer';
export type { MachineOptions, AccessOutcome } from './machine';
export type { DataAccessSyndrome, Syndrome } from './esr';
export type { ExceptionEntry, TaskContext } from './context';
export type { SyscallRequest } from './svc-abi';
export type { Aarch64PortOptions, PortFault, PortCounters } from './port/aarch64-port';
export type { PlannedMapping, RefinedRange, MemoryPlan } from './port/memory-map';
export type { DeviceWindow, TypedMapping } from './port/devices';
export type { InterruptEntries, TakenInterrupt } from './port/irq-entry';
export type { KernelClock } from './port/clock';
export type {
  AsidHandle,
  AsidAllocatorOptions,
  AsidCounters,
  Activation,
} from './asid';
