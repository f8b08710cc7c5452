// The vocabulary of PMP enclaves: what a caller declares for an enclave, the states an enclave
// moves through, and what the security monitor reports when an enclave stops running. Relies
// on nothing.

/** A naturally aligned power-of-two block of physical memory. */
export interface NapotBlock {
  /** First byte (a multiple of `size`). */
  readonly base: number;
  /** Size in bytes (a power of two, at least 8 and at least one PMP granule). */
  readonly size: number;
}

/** What {@link SecurityMonitor.createEnclave} needs to know about an enclave. */
export interface PmpEnclaveSpec {
  /** For messages and layout printouts. */
  readonly name?: string;
  /** The enclave's private memory (code, data and stack): read, write and execute for it only. */
  readonly memory: NapotBlock;
  /** Addresses inside `memory` where the OS side may start the enclave; nowhere else. */
  readonly entryPoints: readonly number[];
  /**
   * Copied to the start of `memory` by the monitor (the rest of `memory` is zeroed). Omitted:
   * the memory keeps what it holds (a kernel that loaded and measured the image itself).
   */
  readonly image?: Uint8Array;
  /**
   * A block the enclave shares with the OS side (read and write for both), for arguments and
   * results too big for registers. It must not overlap any enclave's memory or the monitor's.
   */
  readonly shared?: NapotBlock;
}

/** Handle of an enclave inside its {@link SecurityMonitor}. */
export type EnclaveId = number & { readonly __enclave: unique symbol };

/** Where an enclave is in its life. */
export type EnclaveState =
  /** Created, or returned through the exit call: may be entered at an entry point. */
  | 'ready'
  /** Its registers are live on the hart. */
  | 'running'
  /** Stopped by an interrupt or a monitor call: its registers wait in monitor memory. */
  | 'suspended'
  /** Stopped by an exception: never runs again (its frame stays for its own handler). */
  | 'faulted';

/** Why an enclave stopped running, as the OS side sees it (no enclave register is in it). */
export type EnclaveStop =
  /** An interrupt preempted it; {@link SecurityMonitor.resume} continues it. */
  | { readonly kind: 'interrupted'; readonly cause: number }
  /**
   * It made an ecall other than the exit call: `number` is its a7 and `args` its a0..a6, the
   * only registers it chose to pass; resume with results in a0.. .
   */
  | { readonly kind: 'call'; readonly number: number; readonly args: readonly number[] }
  /** It called the monitor's exit with `value` (its a0); it may be entered again. */
  | { readonly kind: 'exited'; readonly value: number }
  /** It raised an exception (mcause `cause`); the address and registers stay private. */
  | { readonly kind: 'faulted'; readonly cause: number };

/** Monitor calls an enclave makes with ecall (number in a7). */
export const MonitorCall = {
  /** Leave the enclave with a0 as the result; registers are cleared on the way out. */
  Exit: 0x700,
} as const;
