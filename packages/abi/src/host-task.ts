// The host-task contract: what a task written in TypeScript sees of the machine. A host task is
// a generator; it writes a syscall into its registers through the convention and yields
// HOST_TRAP_SYSCALL, or yields a cycle count to spend simulated time. The kernel's host-task
// executor implements the context. Relies on conventions.ts.

import type { SyscallConvention } from './conventions';

/** Yielded by a host task to trap into the kernel with the syscall in its registers. @public */
export const HOST_TRAP_SYSCALL = -1;

/**
 * Yielded (through {@link HostTaskContext.await}) by a host task that waits for a host promise,
 * such as a WebCrypto operation: the executor's `runAsync` settles it, taking no simulated time.
 * @public
 */
export const HOST_TRAP_AWAIT = -2;

/**
 * What a host task is given: its registers (through the port), its syscall convention, and
 * memory accessors checked against its mapped regions. An access the thread may not make throws
 * and the thread takes a VM fault, as machine code would.
 * @public
 */
export interface HostTaskContext {
  /** Where the syscall number and slots go. */
  readonly convention: SyscallConvention;
  /** Reads register `index` of this thread. */
  getRegister(index: number): number;
  /** Writes register `index` of this thread. */
  setRegister(index: number, value: number): void;
  /** The address of this thread's IPC buffer (0 when it has none). */
  ipcBufferAddress(): number;
  /** Reads a 32-bit little-endian word. */
  read32(address: number): number;
  /** Writes a 32-bit little-endian word. */
  write32(address: number, value: number): void;
  /** Reads one byte. */
  read8(address: number): number;
  /** Writes one byte. */
  write8(address: number, value: number): void;
  /**
   * Waits for a host promise (`const v = yield* ctx.await(p)`), for work a host task cannot do
   * synchronously, such as WebCrypto. Simulated time stands still meanwhile, as for a crypto
   * engine that answers at once; a rejection is thrown into the task. Only the executor's
   * `runAsync` settles it.
   */
  await<T>(promise: PromiseLike<T>): Generator<number, T, void>;
}

/**
 * A host task: a generator that yields {@link HOST_TRAP_SYSCALL} to make a syscall, a
 * non-negative number of cycles to spend, or {@link HOST_TRAP_AWAIT} (through `ctx.await`). Returning ends the thread (it becomes inactive).
 * @public
 */
export type HostTask = (ctx: HostTaskContext) => Generator<number, void, void>;

/** One untyped capability handed to the root task at boot. @public */
export interface BootUntyped {
  /** Where the cap is in the root CNode. */
  readonly cptr: number;
  /** Physical base address. */
  readonly base: number;
  /** Size in bits. */
  readonly sizeBits: number;
}

/**
 * What the root task learns at boot (seL4's BootInfo, reduced): where its capabilities are in
 * its root CNode (whose guard makes every CPtr resolve at full word depth), the free slots, the
 * untyped memory, and the entry addresses of the host programs the system was built with.
 * @public
 */
export interface BootInfo {
  /** The root CNode's radix (slots = 2^radix). */
  readonly rootCNodeRadix: number;
  /** Depth to use for CNode operations on the root CNode (the word size). */
  readonly rootCNodeDepth: number;
  /** CPtrs of the initial capabilities. */
  readonly caps: {
    readonly rootTcb: number;
    readonly rootCNode: number;
    readonly rootSchedContext: number;
    readonly schedControl: number;
    readonly irqControl: number;
    readonly ipcBufferRegion: number;
  };
  /** First free slot and one past the last. */
  readonly emptySlots: readonly [first: number, end: number];
  /** Untyped capabilities covering the free memory. */
  readonly untyped: readonly BootUntyped[];
  /** Entry addresses of host programs by name (write one into a new thread's PC). */
  readonly programs: Readonly<Record<string, number>>;
  /** The root thread's priority (also its MCP). */
  readonly rootPriority: number;
}
