// The arch boundary: the one interface through which the portable kernel touches a CPU. The
// port owns every thread's register context (Hubris ArchState style) and the memory-protection
// unit, interrupt controller and timer models. The kernel imports no port; one is passed to
// createKernel. Relies only on @k5/abi for the syscall convention.

import type { SyscallConvention } from '@k5/abi';
import type { EnclaveArch } from '../enclave/enclave-identity';

/** A handle to one thread's saved register context, issued by the port. @public */
export type ContextId = number & { readonly __context: unique symbol };

/** Kinds of memory access a protection unit checks. @public */
export const AccessKind = {
  Read: 1,
  Write: 2,
  Execute: 4,
} as const;

/** A memory access kind. @public */
export type AccessKind = (typeof AccessKind)[keyof typeof AccessKind];

/** One block of memory a thread may access, as the port's protection unit should allow it. @public */
export interface MemoryGrant {
  /** First byte. */
  readonly base: number;
  /** Size in bytes (a power of two, naturally aligned). */
  readonly size: number;
  /** Allowed accesses, a combination of {@link (AccessKind:variable)} bits. */
  readonly access: number;
}

/** The interrupt-controller model a port exposes to the kernel (used by the IRQ objects). @public */
export interface InterruptController {
  /** Stop delivering `irq` until it is unmasked. */
  mask(irq: number): void;
  /** Deliver `irq` again. */
  unmask(irq: number): void;
  /** Number of interrupt lines. */
  readonly lineCount: number;
}

/**
 * An enclave as a port must enforce it (K5): memory only the enclave's threads may touch, and the
 * addresses where it may be entered. The kernel hands it to {@link ArchPort.addEnclave} when the
 * enclave is loaded and names it in {@link ArchPort.setEnclave} for every thread that joins it.
 * @public
 */
export interface EnclaveDomain {
  /** The enclave object's kernel id (stable while it lives). */
  readonly id: number;
  /** First byte of enclave memory (naturally aligned). */
  readonly base: number;
  /** Size of enclave memory in bytes (a power of two). */
  readonly size: number;
  /** Declared entry addresses inside enclave memory, in entry-number order (entry 0 first). */
  readonly entries: readonly number[];
}

/**
 * What the kernel needs from an architecture port. Small on purpose: everything else
 * (exception frames, MPU registers, instruction decoding) stays inside the port.
 * @public
 */
export interface ArchPort {
  /** Where the syscall number and the seven argument/result slots live. */
  readonly convention: SyscallConvention;
  /** Number of registers in a context (the range of read/writeRegister indices). */
  readonly registerCount: number;
  /** Creates a zeroed register context for a new thread. */
  createContext(): ContextId;
  /** Releases a context when its thread is destroyed. */
  destroyContext(ctx: ContextId): void;
  /** Reads register `index` (0..registerCount-1) as an unsigned word. */
  readRegister(ctx: ContextId, index: number): number;
  /** Writes register `index` (the value is truncated to a word). */
  writeRegister(ctx: ContextId, index: number, value: number): void;
  /** The syscall number of a thread that just trapped. */
  syscallNumber(ctx: ContextId): number;
  /** Argument slot `slot` (0..6) of a thread that just trapped. */
  argument(ctx: ContextId, slot: number): number;
  /** Writes result slot `slot` (0..6) of a thread returning from the kernel. */
  setResult(ctx: ContextId, slot: number, value: number): void;
  /**
   * Installs the memory map the protection unit enforces for `ctx` (called when it changes;
   * a port may solve it into MPU/PMP regions lazily at the next switch).
   */
  setMemoryMap(ctx: ContextId, grants: readonly MemoryGrant[]): void;
  /** Whether `ctx` may make an access of `size` bytes at `address` under its memory map. */
  checkAccess(ctx: ContextId, address: number, size: number, kind: AccessKind): boolean;
  /**
   * {@link ArchPort.checkAccess}'s verdict without its side effects (a port that latches fault
   * registers on a refusal leaves them alone here). The invariant checker uses it; ports whose
   * checkAccess has no side effects need not implement it.
   */
  queryAccess?(ctx: ContextId, address: number, size: number, kind: AccessKind): boolean;
  /**
   * Arms the one-shot timer for an absolute deadline in kernel ticks, or disarms it with `null`
   * (tickless: the kernel disarms it whenever nothing is due). Called only when the deadline
   * changes.
   */
  setTimer(deadline: number | null): void;
  /**
   * Called at the end of every kernel entry with the context the CPU runs next (null = idle),
   * so that a port can load its memory-protection or address-space state for it.
   */
  switchTo?(ctx: ContextId | null): void;
  /** The interrupt controller, when the machine has one. */
  readonly interrupts?: InterruptController;
  /**
   * The architecture enclave measurements name (part of every measurement). A port without it
   * does not support enclaves: Enclave_Load is refused.
   */
  readonly enclaveArch?: EnclaveArch;
  /**
   * An enclave was loaded: from now on its memory must be unreachable for every context that is
   * not one of its threads, whatever their memory maps say (TrustZone-M: attribute it Secure and
   * make the entries Non-secure-callable gateways; RISC-V: locked monitor PMP entries).
   */
  addEnclave?(domain: EnclaveDomain): void;
  /**
   * Why the port could not enforce `domain` (for example no protection regions left), or null
   * when {@link ArchPort.addEnclave} will accept it. Enclave_Load asks before it changes
   * anything and refuses the load with the reason; a port without it must accept every domain.
   */
  enclaveRefusal?(domain: EnclaveDomain): Error | null;
  /** The enclave with kernel id `id` was destroyed: its memory is ordinary memory again. */
  removeEnclave?(id: number): void;
  /**
   * Thread context `ctx` joins enclave `domain` (or leaves it, with `null`): it runs in the
   * enclave's security state from its next switch on, and an interrupt that preempts it must save
   * its registers where no other context can read them.
   */
  setEnclave?(ctx: ContextId, domain: EnclaveDomain | null): void;
  /**
   * Copies slots `first`..`first + count - 1` of context `from` into the same slots of context
   * `to`, numbered as for {@link ArchPort.argument} and {@link ArchPort.setResult}: what `count`
   * argument/setResult pairs do, in one call. The IPC fastpath moves message registers with it
   * when the port has it.
   */
  copyRegisters?(from: ContextId, to: ContextId, first: number, count: number): void;
}
