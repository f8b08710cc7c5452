// The kernel facade: createKernel builds the state around a port and memory and exposes the
// entry points a CPU model or the host executor calls (syscall trap, fault, thread exit, time
// passing, timer and device interrupts — CONTRACT.md), the invariant checker, and read-only
// views for tools. Every entry first charges the running scheduling context and ends with one
// scheduling decision and port.switchTo. Relies on state.ts, syscalls.ts and sched/.

import type { FaultLabel, Ticks } from '@k5/abi';
import { GenericPort } from './arch/generic-port';
import type { ArchPort } from './arch/port';
import type { AttestationReport } from './enclave/attestation-report';
import type { DeviceIdentity } from './enclave/device-identity';
import { type AttestOptions, attest, type EnclaveInfo, enclaveInfo } from './enclave/enclave-info';
import { DEVICE_SECRET_MIN_LENGTH } from './enclave/sealing';
import { KernelUsageError } from './errors';
import { type FastpathStats, newFastpathStats, tryFastpath } from './ipc/fastpath';
import { checkInvariants } from './invariants';
import { PhysicalMemory } from './memory';
import { handleInterrupt } from './objects/irq';
import { type KObject, type Tcb, ThreadState } from './objects/kobject';
import { checkBudget } from './sched/budget';
import { refillTiming } from './sched/refills';
import { advanceTime, handleTimerEvent } from './sched/timer';
import { setThreadState } from './sched/scheduler';
import { KernelState } from './state';
import { endKernelEntry, handleFault, handleSyscall, type SyscallHooks } from './syscalls';
import type { TraceSink } from './trace';

/** Options of {@link createKernel}. @public */
export interface KernelOptions {
  /** The architecture port (default: a new {@link GenericPort}). */
  port?: ArchPort;
  /** The machine's RAM, or its base and size to allocate it (default base 0x2000_0000, 256 KiB). */
  memory?: PhysicalMemory | { base: number; size: number };
  /** Receives every trace event. */
  trace?: TraceSink;
  /** CDT nodes a Revoke deletes per kernel entry before preempting itself (default 256). */
  revokeBatch?: number;
  /** Take the IPC fastpath for simple Call/ReplyRecv (default true; same results either way). */
  fastpath?: boolean;
  /**
   * The kernel's worst-case execution time per entry, in ticks (default 1). Scheduling contexts
   * need at least the minimum budget, by default twice this (seL4 MIN_BUDGET).
   */
  kernelWcet?: number;
  /** The minimum budget in ticks (default `2 × kernelWcet`). */
  minBudget?: number;
  /** Receives Log syscalls. */
  onLog?: (thread: number, level: number, bytes: Uint8Array) => void;
  /**
   * The device-unique secret (at least 32 bytes) enclave sealing keys derive from; without it
   * Enclave_DeriveKey is refused. On hardware: a fused key ({@link generateDeviceSecret}).
   */
  deviceSecret?: Uint8Array;
  /** The device key pair and id that sign enclave attestation reports ({@link generateDeviceIdentity}). */
  device?: DeviceIdentity;
}

/** A kernel instance. @public */
export class Kernel {
  /** All mutable state (for tools and tests; mutate only through the kernel). */
  readonly state: KernelState;
  private readonly hooks: SyscallHooks;
  /** Fastpath hit counters, null when the fastpath is off (tests read them). */
  private readonly fastpath: FastpathStats | null;
  private readonly device: DeviceIdentity | null;
  /** Attestation reports signed so far (the report counter). */
  private reports = 0n;

  constructor(options: KernelOptions = {}) {
    const port = options.port ?? new GenericPort();
    const m = options.memory ?? { base: 0x2000_0000, size: 256 * 1024 };
    const memory =
      m instanceof PhysicalMemory ? m : new PhysicalMemory(m.base, new Uint8Array(m.size));
    const batch = options.revokeBatch ?? 256;
    if (!Number.isInteger(batch) || batch < 1) {
      throw new KernelUsageError(
        'bad-config',
        `revokeBatch must be a positive integer, got ${batch}`,
      );
    }
    let timing: ReturnType<typeof refillTiming>;
    try {
      timing = refillTiming((options.kernelWcet ?? 1) as Ticks, {
        ...(options.minBudget !== undefined ? { minBudget: options.minBudget as Ticks } : {}),
      });
    } catch (e) {
      throw new KernelUsageError('bad-config', (e as Error).message);
    }
    this.state = new KernelState(port, memory, options.trace ?? null, batch, timing);
    if (options.fastpath !== undefined && typeof options.fastpath !== 'boolean') {
      throw new KernelUsageError(
        'bad-config',
        `fastpath must be true or false, got ${String(options.fastpath)}`,
      );
    }
    this.fastpath = options.fastpath === false ? null : newFastpathStats();
    if (options.deviceSecret !== undefined) {
      const secret = options.deviceSecret;
      if (!(secret instanceof Uint8Array) || secret.length < DEVICE_SECRET_MIN_LENGTH) {
        throw new KernelUsageError(
          'bad-config',
          `deviceSecret must be a Uint8Array of at least ${DEVICE_SECRET_MIN_LENGTH} bytes`,
        );
      }
      this.state.deviceSecret = secret.slice();
    }
    this.device = options.device ?? null;
    const onLog = options.onLog;
    this.hooks = { onLog: onLog ? (t, level, bytes) => onLog(t.id, level, bytes) : null };
  }

  /** The port. */
  get port(): ArchPort {
    return this.state.port;
  }

  /** The machine's RAM. */
  get memory(): PhysicalMemory {
    return this.state.memory;
  }

  /** The thread the CPU should run, or null when idle. */
  get current(): Tcb | null {
    return this.state.current;
  }

  /** Simulated time in ticks. */
  get now(): number {
    return this.state.now;
  }

  /**
   * Lets `ticks` pass while the current thread runs (or while idle). If the armed deadline falls
   * inside, time stops there, the kernel handles it (budget expiry, refills, restarts), possibly
   * switching threads, and the ticks left unspent are returned (at least 1) for the caller to
   * spend when that thread runs again; 0 when all were spent. While idle it handles every
   * deadline it crosses until a thread becomes runnable.
   */
  advance(ticks: number): number {
    return advanceTime(this.state, ticks);
  }

  /** The deadline armed with the port's timer, or null when nothing is due (tickless). */
  get deadline(): number | null {
    return this.state.timerDeadline;
  }

  /** The port's timer fired (now is at or past the deadline): handle every due event. */
  timerInterrupt(): void {
    handleTimerEvent(this.state);
  }

  /**
   * Interrupt line `irq` fired: the line is masked and the notification bound to its handler is
   * signalled (the handler task acknowledges to unmask); an unbound line is masked as spurious.
   */
  interrupt(irq: number): void {
    checkBudget(this.state);
    handleInterrupt(this.state, irq);
    endKernelEntry(this.state);
  }

  /** Handles the syscall in `thread`'s registers and schedules. */
  syscall(thread: Tcb): void {
    // The fastpath checks that the running context can pay for the entry (else the slow path
    // charges it).
    if (this.fastpath !== null && tryFastpath(this.state, thread, this.fastpath)) return;
    handleSyscall(this.state, thread, this.hooks);
  }

  /** Reports a CPU exception of `thread` (a user exception or VM fault) and schedules. */
  fault(
    thread: Tcb,
    label: typeof FaultLabel.UserException | typeof FaultLabel.VmFault,
    words: number[],
  ): void {
    // The fault is delivered even if the budget just ran out: the thread cannot continue anyway.
    checkBudget(this.state);
    handleFault(this.state, thread, label, words);
    endKernelEntry(this.state);
  }

  /** A host task returned: its thread becomes inactive. */
  exit(thread: Tcb): void {
    if (this.state.trace)
      this.state.trace({ kind: 'exit', time: this.state.now, thread: thread.id });
    checkBudget(this.state);
    setThreadState(this.state, thread, ThreadState.Inactive);
    endKernelEntry(this.state);
  }

  /** Every invariant violation (empty when the state is consistent). */
  checkInvariants(): string[] {
    return checkInvariants(this.state);
  }

  /** Throws when an invariant is violated. */
  assertInvariants(): void {
    const v = checkInvariants(this.state);
    if (v.length > 0) throw new Error(`kernel invariants violated:\n${v.join('\n')}`);
  }

  /** Live objects. */
  objects(): KObject[] {
    return [...this.state.objects];
  }

  /** Live threads. */
  threads(): Tcb[] {
    return this.objects().filter((o): o is Tcb => o.type === 1);
  }

  /** Every live enclave, in creation order. */
  enclaves(): EnclaveInfo[] {
    return this.state.enclaves.map(enclaveInfo);
  }

  /**
   * Signs an attestation report for the loaded enclave with kernel id `id`: its measurement, the
   * verifier's nonce, the device id, the report counter and the kernel's clock, signed with the
   * device key (WebCrypto ECDSA P-256). Verify it with {@link verifyAttestationReport}.
   * @throws {@link KernelUsageError} `bad-config` without {@link KernelOptions.device},
   * `no-such-enclave` when no loaded enclave has that id; {@link EnclaveError} for a bad nonce
   * or user data.
   */
  async attestEnclave(
    id: number,
    nonce: Uint8Array,
    options: AttestOptions = {},
  ): Promise<AttestationReport> {
    if (this.device === null)
      throw new KernelUsageError('bad-config', 'attestEnclave needs KernelOptions.device');
    const e = this.state.enclaves.find((x) => x.id === id && x.loaded);
    if (e === undefined)
      throw new KernelUsageError('no-such-enclave', `no loaded enclave has id ${id}`);
    this.reports++;
    return attest(e, this.device, nonce, this.reports, this.state.now, options);
  }

  /** The object with this id, if live. */
  object(id: number): KObject | undefined {
    for (const o of this.state.objects) if (o.id === id) return o;
    return undefined;
  }
}

/** Creates a kernel. @public */
export function createKernel(options: KernelOptions = {}): Kernel {
  return new Kernel(options);
}
