// The machine-code runner: drives a kernel on a RiscvPort whose threads are either RV32 machine
// code in RAM (run on the port's hart in U mode under the thread's PMP layout) or TypeScript
// host tasks (generators, as `@k5/kernel`'s HostExecutor runs them). It mirrors the
// HostExecutor's loop: take the kernel's current thread, run it until it traps, report the trap
// (ecall → `kernel.syscall`, access fault → VmFault, other exception → UserException, timer →
// `kernel.timerInterrupt`, PLIC claim → `kernel.interrupt`), and resume whichever thread the
// kernel picks. Time follows CONTRACT.md: the hart never runs past the kernel's deadline, the
// cycles it used go to `kernel.advance`, ticks the kernel hands back stay pending with their
// thread, and an idle system jumps to the next deadline. A machine-code thread's context is
// loaded into the hart with mret and saved back after the trap by the port (which keeps an
// enclave thread's registers in monitor memory and scrubs the hart after it). A host task may
// wait for a host promise (`ctx.await`, for WebCrypto): `runAsync` settles it with simulated
// time standing still. Relies on riscv-port.ts, trap-fault.ts and the kernel's public entry
// points.

import {
  FaultLabel,
  HOST_TRAP_AWAIT,
  HOST_TRAP_SYSCALL,
  type HostTask,
  type HostTaskContext,
} from '@k5/abi';
import {
  AccessKind,
  HostEnclavePrograms,
  HostWait,
  type Kernel,
  KernelUsageError,
  type RunOptions,
  type RunResult,
  type Tcb,
  ThreadState,
} from '@k5/kernel';
import { StopReason } from '../hart/execute';
import { decodeMcause, ExceptionCause, InterruptCause } from '../trap';
import type { RiscvPort } from './riscv-port';
import { faultForTrap } from './trap-fault';

class HostMemoryFault extends Error {
  constructor(
    readonly address: number,
    readonly kind: number,
  ) {
    super(`memory access fault at 0x${address.toString(16)}`);
  }
}

interface HostThread {
  readonly kind: 'host';
  /** Set right after creation (the task's context needs the thread record first). */
  gen: Generator<number, void, void>;
  /** Ticks of its `work` the kernel handed back at a deadline, spent when it runs again. */
  pending: number;
  /** The promise it waits for (`ctx.await`), until it resumes with the outcome. */
  readonly wait: HostWait;
}

interface MachineThread {
  readonly kind: 'machine';
  /** Ticks the kernel handed back at a deadline (see HostThread.pending). */
  pending: number;
}

type RunnerThread = HostThread | MachineThread;

/** Placeholder generator of a host thread being created. */
const NOT_STARTED: Generator<number, void, void> = (function* () {})();

/** run() stopped because the current host task waits for a promise. */
interface WaitStop {
  readonly reason: 'wait';
  readonly steps: number;
}

/** An interrupt the hart took while a machine-code thread ran. */
export interface TakenInterrupt {
  /** The interrupt cause (timer or external). */
  readonly cause: InterruptCause;
  /** For an external interrupt, the PLIC source claimed (now masked); 0 for the timer. */
  readonly irq: number;
  /** Kernel time when it was taken. */
  readonly time: number;
}

/** Options of a {@link MachineCodeRunner}. */
export interface MachineCodeRunnerOptions {
  /** Host programs by entry address (a thread whose pc is one of them runs that generator). */
  hostPrograms?: ReadonlyMap<number, HostTask>;
  /** Hart cycles a machine-code thread runs before the runner reports time (default 10,000). */
  sliceCycles?: number;
  /**
   * Host-task enclaves it can start (default: its own registry); `bootRiscvSystem` passes the
   * system executor's, so that `executor.addEnclaveProgram` works on RISC-V too.
   */
  enclavePrograms?: HostEnclavePrograms;
  /** Told of every interrupt taken, before the kernel handles it. */
  onInterrupt?: (interrupt: TakenInterrupt) => void;
}

/** Counters of a {@link MachineCodeRunner}. */
export interface MachineCodeStats {
  /** ecalls from machine-code threads handed to the kernel. */
  syscalls: number;
  /** Faults from machine-code threads handed to the kernel. */
  faults: number;
  /** Interrupts taken. */
  interrupts: number;
  /** Hart cycles spent in machine-code threads. */
  cycles: number;
}

/**
 * Runs a system of machine-code and host threads on a {@link RiscvPort}.
 *
 * @remarks
 * A thread is machine code when its pc, at its first run, lies in RAM on the port's bus, and a
 * host task when its pc is a registered host program's entry address; otherwise it takes a
 * VmFault on its first instruction, as with the HostExecutor. Kernel time advances by the hart's
 * cycles (and by host tasks' `work`), and the CLINT's mtime follows it.
 */
export class MachineCodeRunner {
  /** Counters since construction. */
  readonly stats: MachineCodeStats = { syscalls: 0, faults: 0, interrupts: 0, cycles: 0 };
  private readonly programs: ReadonlyMap<number, HostTask>;
  private readonly enclavePrograms: HostEnclavePrograms;
  private readonly slice: number;
  private readonly onInterrupt: ((interrupt: TakenInterrupt) => void) | undefined;
  /** Hart cycles not yet reported as a whole tick (when a tick is several cycles). */
  private cycleCarry = 0;

  /**
   * @param kernel - a kernel created with `port`
   * @param port - the port (its bus must hold the kernel's RAM: {@link RiscvPort.attachMemory})
   * @param options - host programs, slice length, interrupt observer
   */
  constructor(
    readonly kernel: Kernel,
    readonly port: RiscvPort,
    options: MachineCodeRunnerOptions = {},
  ) {
    if (kernel.port !== port) {
      throw new KernelUsageError(
        'bad-config',
        'the runner needs the port the kernel was created with',
      );
    }
    this.programs = options.hostPrograms ?? new Map();
    this.enclavePrograms = options.enclavePrograms ?? new HostEnclavePrograms();
    this.slice = options.sliceCycles ?? 10_000;
    if (!Number.isInteger(this.slice) || this.slice < 1) {
      throw new KernelUsageError(
        'bad-config',
        `sliceCycles must be a positive integer, got ${this.slice}`,
      );
    }
    this.onInterrupt = options.onInterrupt;
    kernel.state.onThreadDestroyed = (t) => {
      t.host = null;
    };
  }

  /** Copies a task image into RAM (through the bus, so decoded instructions are invalidated). */
  load(address: number, bytes: Uint8Array): void {
    this.port.bus.load(address, bytes);
  }

  /**
   * Runs until no thread is runnable or the step limit (see `@k5/kernel`'s HostExecutor.run).
   * A host task that awaits a promise stops the run with reason `'await'` (it goes on only
   * under {@link MachineCodeRunner.runAsync}).
   */
  run(options: RunOptions = {}): RunResult {
    const r = this.runUntilWait(options, 0);
    return r.reason === 'wait' ? { steps: r.steps, reason: 'await' } : r;
  }

  /**
   * Registers the entry tasks of a host-task enclave (as `@k5/kernel`'s
   * HostExecutor.addEnclaveProgram does): a thread of a loaded enclave whose memory starts with
   * `hostEnclaveImage(name, entries)` and whose pc is its entry i runs `entries[i]`. The image
   * holds a digest of each task's source, so a changed task does not match it.
   * @throws KernelUsageError `program-address` when the name is taken
   */
  addEnclaveProgram(name: string, entries: readonly HostTask[]): void {
    this.enclavePrograms.add(name, entries);
  }

  /**
   * Like {@link MachineCodeRunner.run}, and settles the promises host tasks wait for
   * (`ctx.await`) as they come: the waiting task stays current and simulated time stands still
   * until its promise settles, then it resumes with the value (or the rejection thrown in).
   */
  async runAsync(options: RunOptions = {}): Promise<RunResult> {
    let steps = 0;
    for (;;) {
      const r = this.runUntilWait(options, steps);
      if (r.reason !== 'wait') return r;
      steps = r.steps;
      await (this.kernel.state.current!.host as HostThread).wait.settle();
    }
  }

  private runUntilWait(options: RunOptions, from: number): RunResult | WaitStop {
    const k = this.kernel;
    const max = options.maxSteps ?? 1_000_000;
    const check = options.checkInvariants ?? false;
    let steps = from;
    while (steps < max) {
      const t = k.state.current;
      if (t === null) {
        // Idle: jump to the next deadline (a refill, a delayed restart) if there is one.
        const deadline = k.deadline;
        if (deadline === null) return { steps, reason: 'idle' };
        this.passTime(Math.max(0, deadline - k.now), true);
        steps++;
        if (check) k.assertInvariants();
        continue;
      }
      let th = t.host as RunnerThread | null;
      if (th === null) {
        th = this.start(t);
        if (th === null) {
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
      this.port.switchTo(t.context);
      if (th.pending > 0) {
        // Time it spent before the kernel stopped it at a deadline is charged first.
        th.pending = this.passTime(th.pending, th.kind === 'host');
      } else if (k.deadline !== null && k.deadline <= k.now) {
        this.timerDue();
      } else if (th.kind === 'host' && th.wait.pending) {
        return { reason: 'wait', steps };
      } else if (th.kind === 'host') this.stepHost(t, th);
      else this.stepMachine(t, th);
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

  private start(t: Tcb): RunnerThread | null {
    const pc = this.port.readRegister(t.context, this.port.convention.pcRegister);
    const task = this.programs.get(pc) ?? this.enclavePrograms.taskFor(this.kernel.memory, t, pc);
    let th: RunnerThread;
    if (task) {
      const host: HostThread = {
        kind: 'host',
        gen: NOT_STARTED,
        pending: 0,
        wait: new HostWait(),
      };
      host.gen = task(this.hostContext(t, host));
      th = host;
    } else if (this.port.bus.ramAt(pc) !== undefined) th = { kind: 'machine', pending: 0 };
    else {
      this.kernel.fault(t, FaultLabel.VmFault, [pc, pc, 1, AccessKind.Execute]);
      return null;
    }
    t.host = th;
    t.state = ThreadState.Running;
    this.port.setRunsOnHart(t.context, th.kind === 'machine');
    return th;
  }

  // ---- Machine code ----

  private stepMachine(t: Tcb, th: MachineThread): void {
    const k = this.kernel;
    const port = this.port;
    const hart = port.hart;
    const ctx = t.context;
    port.loadOnHart(ctx);
    // Never past the kernel's deadline: the kernel must see it exactly when it falls.
    const deadline = k.deadline;
    const cpt = this.port.cyclesPerTick;
    const budget =
      deadline === null
        ? this.slice
        : Math.max(1, Math.min(this.slice, (deadline - k.now) * cpt - this.cycleCarry));
    const before = hart.cycles;
    const stop = hart.run(budget);
    const used = hart.cycles - before;
    this.stats.cycles += used;
    // Registers leave the hart before the kernel hears of the stop, so that nothing it runs
    // next (another thread, after a timer or PLIC interrupt) finds an enclave's on it.
    const exit = port.saveFromHart(ctx, stop === StopReason.Trap);
    th.pending = this.reportCycles(used);
    if (!exit.trapped) return;
    const { interrupt, code } = decodeMcause(exit.mcause);
    if (interrupt) {
      this.takeInterrupt(code as InterruptCause);
      return;
    }
    // The trap fell at the deadline and the kernel switched away: the thread re-executes the
    // instruction (ecall or faulting access) when it runs again, as after any preemption.
    if (k.state.current !== t || t.state !== ThreadState.Running) return;
    const pc = port.readRegister(ctx, port.convention.pcRegister);
    if (code === ExceptionCause.EnvironmentCallFromUMode) {
      // Return past the ecall; a restarted syscall is re-executed from the saved registers.
      port.writeRegister(ctx, port.convention.pcRegister, (pc + 4) >>> 0);
      this.stats.syscalls++;
      k.syscall(t);
      return;
    }
    this.stats.faults++;
    const fault = faultForTrap(code, exit.mtval, pc, port.readRegister(ctx, 2));
    t.host = null;
    k.fault(t, fault.label, fault.words);
  }

  /** Hart cycles → kernel ticks (whole ticks; the rest carried); returns the ticks handed back. */
  private reportCycles(cycles: number): number {
    const cpt = this.port.cyclesPerTick;
    const total = cycles + this.cycleCarry;
    const ticks = Math.floor(total / cpt);
    this.cycleCarry = total - ticks * cpt;
    // The CLINT already followed the hart's cycles.
    return ticks > 0 ? this.kernel.advance(ticks) : 0;
  }

  /**
   * Lets `ticks` pass in the kernel (and on the CLINT when `clock`: host work and idle time,
   * which the hart did not count); returns the ticks the kernel handed back.
   */
  private passTime(ticks: number, clock: boolean): number {
    const left = this.kernel.advance(ticks);
    if (clock) this.port.clint.advanceClock((ticks - left) * this.port.cyclesPerTick);
    return left;
  }

  /** The kernel's deadline is due: let it handle the timer event. */
  private timerDue(): void {
    this.kernel.timerInterrupt();
    this.disarmIfStale();
  }

  // A deadline the kernel left at or before now would keep mtimecmp ≤ mtime and interrupt the
  // hart on every instruction; the kernel handles it at its next entry instead.
  private disarmIfStale(): void {
    const d = this.port.timerDeadline;
    if (d !== null && d <= this.kernel.now) this.port.clint.disarm(0);
  }

  private takeInterrupt(cause: InterruptCause): void {
    this.stats.interrupts++;
    const k = this.kernel;
    if (cause === InterruptCause.MachineTimer) {
      this.onInterrupt?.({ cause, irq: 0, time: k.now });
      // advance() may have handled the deadline already; only a due one is an event.
      if (k.deadline !== null && k.deadline <= k.now) k.timerInterrupt();
      this.disarmIfStale();
    } else if (cause === InterruptCause.MachineExternal) {
      const irq = this.port.interrupts.claim();
      this.onInterrupt?.({ cause, irq, time: k.now });
      if (irq === 0) return; // nothing left to claim: the request went away
      // The kernel masks the line until the handler task acknowledges it (seL4's IRQ model);
      // the claim is completed then, by the controller's unmask.
      k.interrupt(irq);
    } else {
      this.onInterrupt?.({ cause, irq: 0, time: k.now });
    }
  }

  // ---- Host tasks ----

  private stepHost(t: Tcb, h: HostThread): void {
    const k = this.kernel;
    let r: IteratorResult<number, void>;
    try {
      r = h.gen.next();
      if (r.value === HOST_TRAP_AWAIT && !h.wait.pending) {
        throw new KernelUsageError(
          'bad-config',
          `host task ${t.id} yielded HOST_TRAP_AWAIT itself; wait for promises with ctx.await`,
        );
      }
    } catch (e) {
      if (e instanceof KernelUsageError) throw e;
      t.host = null;
      const pc = this.port.readRegister(t.context, this.port.convention.pcRegister);
      if (e instanceof HostMemoryFault) k.fault(t, FaultLabel.VmFault, [pc, e.address, 0, e.kind]);
      else k.fault(t, FaultLabel.UserException, [pc, 0, 0, 0]);
      return;
    }
    if (r.done) {
      t.host = null;
      k.exit(t);
    } else if (r.value === HOST_TRAP_SYSCALL) {
      k.syscall(t);
    } else if (r.value === HOST_TRAP_AWAIT) {
      // Waits in place: run() stops here and runAsync settles the promise.
    } else {
      h.pending = this.passTime(r.value, true);
    }
  }

  private hostContext(t: Tcb, h: HostThread): HostTaskContext {
    const k = this.kernel;
    const port = this.port;
    const ctx = t.context;
    const check = (address: number, size: number, kind: AccessKind) => {
      if (!port.checkAccess(ctx, address, size, kind) || !k.memory.contains(address, size)) {
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
      // Writes go through the bus so that decoded machine code there is invalidated.
      write32: (a, v) => {
        check(a, 4, AccessKind.Write);
        port.bus.write(a, 4, v);
      },
      read8: (a) => {
        check(a, 1, AccessKind.Read);
        return k.memory.read8(a);
      },
      write8: (a, v) => {
        check(a, 1, AccessKind.Write);
        port.bus.write(a, 1, v);
      },
      await: (promise) => h.wait.await(promise),
    };
  }
}
