// The host-task executor: runs threads whose code is a TypeScript generator. The generator
// writes a syscall into its registers through the port's convention and yields a trap; the
// executor hands the trap to the kernel exactly as a CPU model would, then resumes whichever
// thread the kernel chose. Tasks spend simulated time by yielding cycles, and touch memory
// only through accessors checked by the port's protection unit. Relies on kernel.ts.

import {
  FaultLabel,
  HOST_TRAP_AWAIT,
  HOST_TRAP_SYSCALL,
  type HostTask,
  type HostTaskContext,
  type SyscallConvention,
} from '@k5/abi';
import { AccessKind, type ArchPort, type ContextId } from '../arch/port';
import { KernelUsageError } from '../errors';
import type { Kernel } from '../kernel';
import { HostEnclavePrograms } from './enclave-programs';
import { HostWait } from './host-wait';
import { type Tcb, ThreadState } from '../objects/kobject';

/** Base of the fake code addresses that name host programs. */
const PROGRAM_BASE = 0x0800_0000;
const PROGRAM_STRIDE = 0x1000;

class HostMemoryFault extends Error {
  readonly address: number;
  readonly kind: number;
  constructor(address: number, kind: number) {
    super(`memory access fault at 0x${address.toString(16)}`);
    this.address = address;
    this.kind = kind;
  }
}

/**
 * What a host task sees of its thread: registers through the port, memory through the port's
 * protection unit. A class (one shape, methods on the prototype) so that the task's syscall
 * stubs call the same functions for every thread and the JIT can inline them.
 */
class HostContext implements HostTaskContext {
  readonly convention: SyscallConvention;
  private readonly kernel: Kernel;
  private readonly port: ArchPort;
  private readonly ctx: ContextId;
  private readonly thread: Tcb;

  constructor(kernel: Kernel, thread: Tcb) {
    this.kernel = kernel;
    this.port = kernel.port;
    this.convention = this.port.convention;
    this.ctx = thread.context;
    this.thread = thread;
  }

  getRegister(index: number): number {
    return this.port.readRegister(this.ctx, index);
  }

  setRegister(index: number, value: number): void {
    this.port.writeRegister(this.ctx, index, value);
  }

  ipcBufferAddress(): number {
    return this.thread.ipcBuffer;
  }

  read32(address: number): number {
    this.check(address, 4, AccessKind.Read);
    return this.kernel.memory.read32(address);
  }

  write32(address: number, value: number): void {
    this.check(address, 4, AccessKind.Write);
    this.kernel.memory.write32(address, value);
  }

  read8(address: number): number {
    this.check(address, 1, AccessKind.Read);
    return this.kernel.memory.read8(address);
  }

  write8(address: number, value: number): void {
    this.check(address, 1, AccessKind.Write);
    this.kernel.memory.write8(address, value);
  }

  /** The promise this thread waits for (see `await`). */
  readonly wait = new HostWait();

  await<T>(promise: PromiseLike<T>): Generator<number, T, void> {
    return this.wait.await(promise);
  }

  private check(address: number, size: number, kind: AccessKind): void {
    if (
      !this.port.checkAccess(this.ctx, address, size, kind) ||
      !this.kernel.memory.contains(address, size)
    )
      throw new HostMemoryFault(address, kind);
  }
}

interface HostThread {
  readonly gen: Generator<number, void, void>;
  readonly ctx: HostContext;
  /** Ticks of work a timer deadline interrupted; spent before the generator resumes. */
  pendingTicks: number;
}

/** Ticks `kernel.advance` left unspent (older kernels return nothing: all spent). */
function unspent(left: unknown): number {
  return typeof left === 'number' && left > 0 ? left : 0;
}

/** Result of {@link HostExecutor.run}. @public */
export interface RunResult {
  /** Task resumptions performed. */
  readonly steps: number;
  /** Why it stopped: nothing runnable, the step limit, or a task awaiting a promise (`run` only). */
  readonly reason: 'idle' | 'step-limit' | 'await';
}

/** Options of {@link HostExecutor.run}. @public */
export interface RunOptions {
  /** Stop after this many task resumptions (default 1,000,000). */
  maxSteps?: number;
  /** Run the invariant checker after every kernel entry and throw on a violation. */
  checkInvariants?: boolean;
}

/** Runs host tasks on a kernel. @public */
export class HostExecutor {
  readonly kernel: Kernel;
  private readonly programs: HostTask[] = [];
  private readonly names: string[] = [];
  /** Entry tasks of host-task enclaves, by enclave image name (a port's own runner may share it). */
  readonly enclavePrograms = new HostEnclavePrograms();
  /** The thread whose task yielded HOST_TRAP_AWAIT, until its promise settles. */
  private awaiting: HostThread | null = null;

  constructor(kernel: Kernel) {
    this.kernel = kernel;
    kernel.state.onThreadDestroyed = (t) => {
      t.host = null;
    };
  }

  /** Registers a program and returns its entry address (write it to a thread's PC). */
  addProgram(name: string, task: HostTask): number {
    this.programs.push(task);
    this.names.push(name);
    return PROGRAM_BASE + (this.programs.length - 1) * PROGRAM_STRIDE;
  }

  /**
   * Registers the entry tasks of a host-task enclave under `name`. A thread that starts at entry i
   * of a loaded enclave whose image is `hostEnclaveImage(name, entries)` runs `entries[i]`, once
   * the executor has checked the image's digest of that task's source text.
   * @throws {@link KernelUsageError} `program-address` when the name is taken.
   */
  addEnclaveProgram(name: string, entries: readonly HostTask[]): void {
    this.enclavePrograms.add(name, entries);
  }

  /** Entry addresses by program name. */
  entries(): Record<string, number> {
    const out: Record<string, number> = {};
    this.names.forEach((n, i) => {
      out[n] = PROGRAM_BASE + i * PROGRAM_STRIDE;
    });
    return out;
  }

  private start(t: Tcb): HostThread | null {
    const pc = this.kernel.port.readRegister(t.context, this.kernel.port.convention.pcRegister);
    const index = (pc - PROGRAM_BASE) / PROGRAM_STRIDE;
    const task =
      (Number.isInteger(index) ? this.programs[index] : undefined) ??
      this.enclavePrograms.taskFor(this.kernel.memory, t, pc);
    if (!task) {
      this.kernel.fault(t, FaultLabel.VmFault, [pc, pc, 1, AccessKind.Execute]);
      return null;
    }
    const ctx = new HostContext(this.kernel, t);
    const h: HostThread = { gen: task(ctx), ctx, pendingTicks: 0 };
    t.host = h;
    t.state = ThreadState.Running;
    return h;
  }

  /**
   * Runs until no thread is runnable or the step limit. A task that awaits a promise stops the
   * run with reason `'await'` (it resumes only under {@link HostExecutor.runAsync}).
   */
  run(options: RunOptions = {}): RunResult {
    const max = options.maxSteps ?? 1_000_000;
    const steps = this.loop(max, options.checkInvariants ?? false);
    if (this.awaiting !== null) return { steps, reason: 'await' };
    // Otherwise the loop only stops early when no thread is runnable.
    if (steps < max) return { steps, reason: 'idle' };
    if (options.maxSteps === undefined) {
      throw new KernelUsageError(
        'step-limit',
        `the system did not go idle within ${max} steps; pass a larger maxSteps or look for a task that never blocks`,
      );
    }
    return { steps, reason: 'step-limit' };
  }

  /**
   * Runs like {@link HostExecutor.run}, settling the promises tasks await (`ctx.await`): the
   * awaiting thread stays current and simulated time stands still until its promise settles.
   */
  async runAsync(options: RunOptions = {}): Promise<RunResult> {
    const max = options.maxSteps ?? 1_000_000;
    const check = options.checkInvariants ?? false;
    let steps = 0;
    for (;;) {
      steps += this.loop(max - steps, check);
      const h = this.awaiting;
      if (h === null || steps >= max) break;
      this.awaiting = null;
      await h.ctx.wait.settle();
    }
    if (steps < max) return { steps, reason: 'idle' };
    if (options.maxSteps === undefined) {
      throw new KernelUsageError(
        'step-limit',
        `the system did not go idle within ${max} steps; pass a larger maxSteps or look for a task that never blocks`,
      );
    }
    return { steps, reason: 'step-limit' };
  }

  /**
   * The hot loop: resume the current thread's generator, hand its trap to the kernel. Kept
   * small and allocation-free; the rare cases live in their own methods so that the optimised
   * loop never meets code it has no type feedback for.
   */
  private loop(max: number, check: boolean): number {
    const k = this.kernel;
    const state = k.state;
    let steps = 0;
    if (this.awaiting !== null) return 0; // a task waits for its promise: only runAsync goes on
    while (steps < max) {
      const t = state.current;
      if (t === null) break;
      let h = t.host as HostThread | null;
      if (h === null) {
        h = this.start(t);
        if (h === null) {
          if (check) k.assertInvariants();
          continue;
        }
      } else if (h.pendingTicks > 0 || t.state === ThreadState.Restart) {
        this.kernelWork(t, h);
        steps++;
        if (check) k.assertInvariants();
        continue;
      }
      steps++;
      let r: IteratorResult<number, void>;
      try {
        r = h.gen.next();
      } catch (e) {
        this.taskThrew(t, e);
        if (check) k.assertInvariants();
        continue;
      }
      if (r.done === true) this.taskReturned(t);
      else if (r.value === HOST_TRAP_SYSCALL) k.syscall(t);
      else if (r.value === HOST_TRAP_AWAIT) {
        this.awaiting = h;
        break;
      } else h.pendingTicks = unspent(k.advance(r.value));
      if (check) k.assertInvariants();
    }
    return steps;
  }

  /**
   * A step in which the thread's code does not run: finish work a deadline interrupted, or
   * re-execute a syscall that was cancelled or preempted.
   */
  private kernelWork(t: Tcb, h: HostThread): void {
    const k = this.kernel;
    if (h.pendingTicks > 0) h.pendingTicks = unspent(k.advance(h.pendingTicks));
    else k.syscall(t);
  }

  private taskThrew(t: Tcb, e: unknown): void {
    const k = this.kernel;
    t.host = null;
    const pc = k.port.readRegister(t.context, k.port.convention.pcRegister);
    if (e instanceof HostMemoryFault) k.fault(t, FaultLabel.VmFault, [pc, e.address, 0, e.kind]);
    else k.fault(t, FaultLabel.UserException, [pc, 0, 0, 0]);
  }

  private taskReturned(t: Tcb): void {
    t.host = null;
    this.kernel.exit(t);
  }
}
