// The kernel facade: createKernel builds the state around a port and memory and exposes the
// entry points a CPU model or the host executor calls (syscall trap, fault, thread exit), the
// invariant checker, and read-only views for tools. Relies on state.ts and syscalls.ts.

import type { FaultLabel } from '@k5/abi';
import { GenericPort } from './arch/generic-port';
import type { ArchPort } from './arch/port';
import { KernelUsageError } from './errors';
import { checkInvariants } from './invariants';
import { PhysicalMemory } from './memory';
import { type KObject, type Tcb, ThreadState } from './objects/kobject';
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
  /** Receives Log syscalls. */
  onLog?: (thread: number, level: number, bytes: Uint8Array) => void;
}

/** A kernel instance. @public */
export class Kernel {
  /** All mutable state (for tools and tests; mutate only through the kernel). */
  readonly state: KernelState;
  private readonly hooks: SyscallHooks;

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
    this.state = new KernelState(port, memory, options.trace ?? null, batch);
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

  /** Advances simulated time (the host executor does this for `work`). */
  advance(ticks: number): void {
    this.state.now += ticks;
  }

  /** Handles the syscall in `thread`'s registers and schedules. */
  syscall(thread: Tcb): void {
    handleSyscall(this.state, thread, this.hooks);
  }

  /** Reports a CPU exception of `thread` (a user exception or VM fault) and schedules. */
  fault(
    thread: Tcb,
    label: typeof FaultLabel.UserException | typeof FaultLabel.VmFault,
    words: number[],
  ): void {
    handleFault(this.state, thread, label, words);
    endKernelEntry(this.state);
  }

  /** A host task returned: its thread becomes inactive. */
  exit(thread: Tcb): void {
    if (this.state.trace)
      this.state.trace({ kind: 'exit', time: this.state.now, thread: thread.id });
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
