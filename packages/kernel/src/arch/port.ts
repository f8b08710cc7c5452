// The arch boundary: the one interface through which the portable kernel touches a CPU. The
// port owns every thread's register context (Hubris ArchState style) and the memory-protection
// unit, interrupt controller and timer models. The kernel imports no port; one is passed to
// createKernel. Relies only on @k5/abi for the syscall convention.

import type { SyscallConvention } from '@k5/abi';

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
}
