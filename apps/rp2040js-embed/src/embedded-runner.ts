// The run loop of the embedding: the kernel's current thread is either Thumb machine code in
// the kernel's RAM, run on rp2040js's core through the CoreBridge, or a TypeScript host task
// (a generator, as @k5/kernel's HostExecutor runs them). Each machine-code run ends with an
// exception the core really took: SVCall → kernel.syscall, SysTick → the kernel's deadline
// (budget expiry: preemption), PendSV → the end of a slice, HardFault from a refused access →
// a VM fault. Time follows CONTRACT.md: the core's cycles (one tick each) go to kernel.advance,
// the port's SysTick model counts them and pends SysTick on the core at the kernel's deadline,
// ticks the kernel hands back stay pending with their thread, and an idle system jumps to the
// next deadline. Every resumption is compared with the registers the thread had when it left.
import { FaultLabel, HOST_TRAP_SYSCALL, type HostTask } from '@k5/abi';
import { type ArmV8mPort, ExceptionNumber } from '@k5/arch-armv8m';
import { AccessKind, type Kernel, type Tcb, ThreadState } from '@k5/kernel';
import type { CoreBridge, CoreExit, ThreadRegisters } from './core-bridge';
import { HostMemoryFault, hostTaskContext } from './host-context';
import type { ThreadMpu } from './thread-mpu';
import { Exception } from './vector-table';

interface HostThread {
  readonly kind: 'host';
  readonly gen: Generator<number, void, void>;
  /** Ticks the kernel handed back at a deadline, spent when the thread runs again. */
  pending: number;
}

interface MachineThread {
  readonly kind: 'machine';
  pending: number;
  /** How the thread last left the core, to check its registers when it comes back. */
  left: { readonly exception: number; readonly registers: ThreadRegisters } | null;
}

type RunnerThread = HostThread | MachineThread;

/** One comparison of a thread's registers when it left the core and when it came back. */
export interface RegisterCheck {
  readonly thread: number;
  /** The exception it left by (Exception.SysTick, PendSV or SVCall). */
  readonly exception: number;
  /** Indices (0-16: r0-r12, sp, lr, pc, xpsr) that came back different. */
  readonly changed: readonly number[];
  /** Kernel time of the resumption. */
  readonly time: number;
}

/** Counters of an {@link EmbeddedRunner}. */
export interface EmbeddedStats {
  syscalls: number;
  /** SysTick exceptions taken from a thread (the kernel's deadlines). */
  timerExceptions: number;
  /** PendSV slice ends. */
  sliceEnds: number;
  faults: number;
  /** Core cycles spent in machine-code threads. */
  cycles: number;
  /** Resumptions of a machine thread other than the one that ran last. */
  switches: number;
}

/** Options of {@link EmbeddedRunner.run}. */
export interface EmbeddedRunOptions {
  /** Stop after this many thread resumptions (default 100,000). */
  readonly maxSteps?: number;
  /** Stop once kernel time reaches this (default: no limit). */
  readonly until?: number;
  /** Run the kernel's invariant checker after every step. */
  readonly checkInvariants?: boolean;
}

/** Why {@link EmbeddedRunner.run} returned. */
export type EmbeddedStop = 'idle' | 'step-limit' | 'time-limit';

/** Syscall and slot registers: a syscall's results land in r4-r10. */
const SYSCALL_RESULT_REGISTERS = new Set([4, 5, 6, 7, 8, 9, 10]);
const PC = 15;

/** Runs a kernel whose threads are rp2040js machine code or host tasks. */
export class EmbeddedRunner {
  readonly stats: EmbeddedStats = {
    syscalls: 0,
    timerExceptions: 0,
    sliceEnds: 0,
    faults: 0,
    cycles: 0,
    switches: 0,
  };
  /** Every register comparison made at a resumption. */
  readonly registerChecks: RegisterCheck[] = [];
  private lastMachineThread: number | null = null;

  /**
   * @param kernel - a kernel created with `port`
   * @param port - the ARMv8-M port the kernel uses
   * @param bridge - the core, parked in Handler mode ({@link CoreBridge.boot})
   * @param hostPrograms - host tasks by entry address
   * @param mpu - the MPU model whose latched fault status a HardFault reports
   * @param sliceCycles - cycles a thread runs before PendSV switches it out (default 50,000)
   */
  constructor(
    readonly kernel: Kernel,
    readonly port: ArmV8mPort,
    readonly bridge: CoreBridge,
    private readonly hostPrograms: ReadonlyMap<number, HostTask>,
    private readonly mpu: ThreadMpu,
    private readonly sliceCycles = 50_000,
  ) {
    kernel.state.onThreadDestroyed = (t) => {
      t.host = null;
    };
  }

  /** Runs until nothing is runnable, or a limit. */
  run(options: EmbeddedRunOptions = {}): EmbeddedStop {
    const k = this.kernel;
    const max = options.maxSteps ?? 100_000;
    for (let steps = 0; steps < max; steps++) {
      if (options.until !== undefined && k.now >= options.until) return 'time-limit';
      this.step();
      if (k.current === null && k.deadline === null) return 'idle';
      if (options.checkInvariants) k.assertInvariants();
    }
    return 'step-limit';
  }

  private step(): void {
    const k = this.kernel;
    const t = k.current;
    if (t === null) {
      const deadline = k.deadline;
      if (deadline !== null) this.passTime(Math.max(0, deadline - k.now));
      return;
    }
    let th = t.host as RunnerThread | null;
    if (th === null) {
      th = this.start(t);
      if (th === null) return;
    } else if (t.state === ThreadState.Restart) {
      k.syscall(t); // its syscall was cancelled or preempted: execute it again
      return;
    }
    this.port.switchTo(t.context);
    if (th.pending > 0) th.pending = this.passTime(th.pending);
    else if (k.deadline !== null && k.deadline <= k.now) this.timerDue();
    else if (th.kind === 'host') this.stepHost(t, th);
    else this.stepMachine(t, th);
  }

  private start(t: Tcb): RunnerThread | null {
    const pc = this.port.readRegister(t.context, PC);
    const task = this.hostPrograms.get(pc);
    let th: RunnerThread;
    if (task) {
      th = { kind: 'host', gen: task(hostTaskContext(this.kernel, this.port, t)), pending: 0 };
    } else if (this.kernel.memory.contains(pc & ~1, 2)) {
      th = { kind: 'machine', pending: 0, left: null };
    } else {
      this.kernel.fault(t, FaultLabel.VmFault, [pc, pc, 1, AccessKind.Execute]);
      return null;
    }
    t.host = th;
    t.state = ThreadState.Running;
    return th;
  }

  // ---- machine code on the core ----

  private stepMachine(t: Tcb, th: MachineThread): void {
    const k = this.kernel;
    const bridge = this.bridge;
    if (this.lastMachineThread !== null && this.lastMachineThread !== t.id) this.stats.switches++;
    this.lastMachineThread = t.id;
    const back = bridge.resume(t.context);
    if (th.left !== null) this.compare(t, th.left, back);
    // A deadline already due pends SysTick before the thread's first instruction.
    bridge.core.pendingSystick = this.port.timerPending;
    const exit = bridge.run(this.sliceCycles, (cycles) => this.port.advanceTimer(cycles));
    bridge.core.pendingSystick = false;
    bridge.core.pendingPendSV = false;
    bridge.save(t.context);
    this.stats.cycles += exit.cycles;
    th.left = { exception: exit.exception, registers: exit.registers };
    th.pending = k.advance(exit.cycles);
    this.handleExit(t, th, exit);
  }

  private handleExit(t: Tcb, th: MachineThread, exit: CoreExit): void {
    const k = this.kernel;
    switch (exit.exception) {
      case Exception.SVCall:
        if (k.current !== t || t.state !== ThreadState.Running) {
          // The deadline fell on the SVC and the kernel switched away: execute it again later.
          const pc = this.port.readRegister(t.context, PC);
          this.port.writeRegister(t.context, PC, pc - 2);
          th.left = null;
          return;
        }
        this.stats.syscalls++;
        k.syscall(t);
        return;
      case Exception.SysTick:
        this.stats.timerExceptions++;
        this.timerDue();
        return;
      case Exception.PendSV:
        this.stats.sliceEnds++;
        return;
      case Exception.HardFault: {
        this.stats.faults++;
        th.left = null;
        const message = this.port.faultMessage(t.context, this.mpu.faultStatus);
        t.host = null;
        if (message) k.fault(t, message.label, [...message.words]);
        else k.fault(t, FaultLabel.UserException, [exit.registers[PC] ?? 0, 0, 0, 0]);
        return;
      }
      default:
        throw new Error(
          `the core took exception ${exit.exception}, which the adapter does not handle`,
        );
    }
  }

  private compare(
    t: Tcb,
    left: { readonly exception: number; readonly registers: ThreadRegisters },
    back: ThreadRegisters,
  ): void {
    const changed: number[] = [];
    for (let i = 0; i < back.length; i++) {
      if (left.exception === Exception.SVCall && SYSCALL_RESULT_REGISTERS.has(i)) continue;
      if (left.registers[i] !== back[i]) changed.push(i);
    }
    this.registerChecks.push({
      thread: t.id,
      exception: left.exception,
      changed,
      time: this.kernel.now,
    });
  }

  // ---- time ----

  /** Lets `ticks` pass without the core (host work, idle, handed-back ticks). */
  private passTime(ticks: number): number {
    const left = this.kernel.advance(ticks);
    this.port.syncTimer();
    return left;
  }

  /** The kernel's deadline may be due: let it handle the timer event once. */
  private timerDue(): void {
    const k = this.kernel;
    const due = k.deadline !== null && k.deadline <= k.now;
    if (this.port.timerPending) {
      if (due) this.port.deliverInterrupts(k);
      else this.port.nvic.setPending(ExceptionNumber.SysTick, false); // already handled by advance
    } else if (due) k.timerInterrupt();
  }

  // ---- host tasks ----

  private stepHost(t: Tcb, h: HostThread): void {
    const k = this.kernel;
    let r: IteratorResult<number, void>;
    try {
      r = h.gen.next();
    } catch (e) {
      t.host = null;
      const pc = this.port.readRegister(t.context, PC);
      if (e instanceof HostMemoryFault) k.fault(t, FaultLabel.VmFault, [pc, e.address, 0, e.kind]);
      else throw e;
      return;
    }
    if (r.done) {
      t.host = null;
      k.exit(t);
    } else if (r.value === HOST_TRAP_SYSCALL) k.syscall(t);
    else h.pending = this.passTime(r.value);
  }
}
