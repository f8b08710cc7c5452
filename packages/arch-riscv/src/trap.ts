// The trap model's vocabulary: privilege modes, exception and interrupt causes as the
// privileged spec numbers them, the mcause encoding, and the fixed priority order in which
// pending machine interrupts are taken. Relies on `csr.ts` for the mip bit layout.

import { MIP_MEIP, MIP_MSIP, MIP_MTIP } from './csr';

/** Privilege modes (the encoding used by `mstatus.MPP`). */
export enum PrivilegeMode {
  /** User mode. */
  User = 0,
  /** Supervisor mode (not implemented by the reference hart). */
  Supervisor = 1,
  /** Machine mode. */
  Machine = 3,
}

/** Synchronous exception causes (mcause with the interrupt bit clear). */
export enum ExceptionCause {
  /** A jump or branch target is not IALIGN-aligned (only possible without the C extension). */
  InstructionAddressMisaligned = 0,
  /** Instruction fetch from memory that does not exist or that PMP denies. */
  InstructionAccessFault = 1,
  /** The instruction is not valid or not allowed here; mtval holds its bits. */
  IllegalInstruction = 2,
  /** EBREAK / C.EBREAK. */
  Breakpoint = 3,
  /** A load whose address is not aligned to its size. */
  LoadAddressMisaligned = 4,
  /** A load from memory that does not exist or that PMP denies. */
  LoadAccessFault = 5,
  /** A store or AMO whose address is not aligned to its size. */
  StoreAddressMisaligned = 6,
  /** A store or AMO to memory that does not exist or that PMP denies. */
  StoreAccessFault = 7,
  /** ECALL from U mode. */
  EnvironmentCallFromUMode = 8,
  /** ECALL from S mode. */
  EnvironmentCallFromSMode = 9,
  /** ECALL from M mode. */
  EnvironmentCallFromMMode = 11,
}

/** Interrupt causes (mcause with the interrupt bit set); also the bit index in mip/mie. */
export enum InterruptCause {
  /** Machine software interrupt (CLINT msip). */
  MachineSoftware = 3,
  /** Machine timer interrupt (CLINT mtime ≥ mtimecmp). */
  MachineTimer = 7,
  /** Machine external interrupt (PLIC). */
  MachineExternal = 11,
}

/** The interrupt bit of mcause on RV32. */
export const MCAUSE_INTERRUPT = 0x8000_0000;

/** The mcause value (as an unsigned 32-bit number) for an interrupt cause. */
export function interruptMcause(cause: InterruptCause): number {
  return (MCAUSE_INTERRUPT | cause) >>> 0;
}

/** A decoded mcause value. */
export interface DecodedMcause {
  /** True for an interrupt, false for a synchronous exception. */
  readonly interrupt: boolean;
  /** The exception or interrupt code (mcause without the interrupt bit). */
  readonly code: number;
}

/** Splits an RV32 mcause value into its interrupt bit and code. */
export function decodeMcause(mcause: number): DecodedMcause {
  return { interrupt: (mcause & MCAUSE_INTERRUPT) !== 0, code: mcause & 0x7fff_ffff };
}

/**
 * Pending machine interrupts in the order the hart takes them when several are pending and
 * enabled at once: external, then software, then timer (privileged spec, `mip`).
 */
export const INTERRUPT_PRIORITY: readonly InterruptCause[] = [
  InterruptCause.MachineExternal,
  InterruptCause.MachineSoftware,
  InterruptCause.MachineTimer,
];

/**
 * The interrupt to take for a set of pending-and-enabled mip bits, or `undefined` when none
 * is. `bits` is `mip & mie`.
 */
export function highestPriorityInterrupt(bits: number): InterruptCause | undefined {
  if (bits & MIP_MEIP) return InterruptCause.MachineExternal;
  if (bits & MIP_MSIP) return InterruptCause.MachineSoftware;
  if (bits & MIP_MTIP) return InterruptCause.MachineTimer;
  return undefined;
}

/** A human-readable name for an mcause value, for logs and error messages. */
export function describeMcause(mcause: number): string {
  const { interrupt, code } = decodeMcause(mcause);
  const name = interrupt ? InterruptCause[code] : ExceptionCause[code];
  return `${interrupt ? 'interrupt' : 'exception'} ${code}${name ? ` (${name})` : ''}`;
}
