// The host-task executor: runs threads whose code is a TypeScript generator. The generator
// writes a syscall into its registers through the port's convention and yields a trap; the
// executor hands the trap to the kernel exactly as a CPU model would, then resumes whichever
// thread the kernel chose. Tasks spend simulated time by yielding cycles, and touch memory
// only through accessors checked by the port's protection unit. Relies on kernel.ts.

import { FaultLabel, HOST_TRAP_SYSCALL, type HostTask, type HostTaskContext } from '@k5/abi';
import { AccessKind } from '../arch/port';
import { KernelUsageError } from '../errors';
import type { Kernel } from '../kernel';
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

interface HostThread {
  readonly gen: Generator<number, void, void>;
}

/** Result of {@link HostExecutor.run}. @public */
export interface RunResult {
  /** Task resumptions performed. */
  readonly steps: number;
  /** Why it stopped: nothing runnable, or the step limit. */
  readonly reason: 'idle' | 'step-limit';
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

  /** Entry addresses by program name. */
  entries(): Record<string, number> {
    const out: Record<string, number> = {};
    this.names.forEach((n, i) => {
      out[n] = PROGRAM_BASE + i * PROGRAM_STRIDE;
    });
    return out;
  }

  private context(t: Tcb): HostTaskContext {
    const k = this.kernel;
    const port = k.port;
    const ctx = t.context;
    const check = (address: number, size: number, kind: number) => {
      if (
        !port.checkAccess(ctx, address, size, kind as AccessKind) ||
        !k.memory.contains(address, size)
      ) {
        throw new HostMemoryFault(address, kind);
      }
    };
    return {
      convention: port.convention,
      getRegister: (i) => port.readRegister(ctx, i),
      setRegister: (i, v) => port.writeRegister(ctx, i, v),
      ipcBufferAddress: () => t.ipcBuffer,
      read32: (a) => {
        check(a, 4, AccessKind.Read);
        return k.memory.read32(a);
      },
      write32: (a, v) => {
        check(a, 4, AccessKind.Write);
        k.memory.write32(a, v);
      },
      read8: (a) => {
        check(a, 1, AccessKind.Read);
        return k.memory.read8(a);
      },
      write8: (a, v) => {
        check(a, 1, AccessKind.Write);
        k.memory.write8(a, v);
      },
    };
  }

  private start(t: Tcb): HostThread | null {
    const pc = this.kernel.port.readRegister(t.context, this.kernel.port.convention.pcRegister);
    const index = (pc - PROGRAM_BASE) / PROGRAM_STRIDE;
    const task = Number.isInteger(index) ? this.programs[index] : undefined;
    if (!task) {
      this.kernel.fault(t, FaultLabel.VmFault, [pc, pc, 1, AccessKind.Execute]);
      return null;
    }
    const h: HostThread = { gen: task(this.context(t)) };
    t.host = h;
    t.state = ThreadState.Running;
    return h;
  }

  /** Runs until no thread is runnable or the step limit. */
  run(options: RunOptions = {}): RunResult {
    const k = this.kernel;
    const max = options.maxSteps ?? 1_000_000;
    const check = options.checkInvariants ?? false;
    let steps = 0;
    while (steps < max) {
      const t = k.state.current;
      if (t === null) return { steps, reason: 'idle' };
      let h = t.host as HostThread | null;
      if (h === null) {
        h = this.start(t);
        if (h === null) {
          if (check) k.assertInvariants();
          continue;
        }
      } else if (t.state === ThreadState.Restart) {
        // The syscall it was in was cancelled or preempted: execute it again.
        k.syscall(t);
        steps++;
        if (check) k.assertInvariants();
        continue;
      }
      steps++;
      let r: IteratorResult<number, void>;
      try {
        r = h.gen.next();
      } catch (e) {
        t.host = null;
        const pc = k.port.readRegister(t.context, k.port.convention.pcRegister);
        if (e instanceof HostMemoryFault)
          k.fault(t, FaultLabel.VmFault, [pc, e.address, 0, e.kind]);
        else k.fault(t, FaultLabel.UserException, [pc, 0, 0, 0]);
        if (check) k.assertInvariants();
        continue;
      }
      if (r.done) {
        t.host = null;
        k.exit(t);
      } else if (r.value === HOST_TRAP_SYSCALL) {
        k.syscall(t);
      } else {
        k.advance(r.value);
      }
      if (check) k.assertInvariants();
    }
    if (options.maxSteps === undefined) {
      throw new KernelUsageError(
        'step-limit',
        `the system did not go idle within ${max} steps; pass a larger maxSteps or look for a task that never blocks`,
      );
    }
    return { steps, reason: 'step-limit' };
  }
}
