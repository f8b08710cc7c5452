// The machine-code runner: drives a kernel on a RiscvPort whose threads are either RV32 machine
// code in RAM (run on the port's hart in U mode under the thread's PMP layout) or TypeScript
// host tasks (generators, as `@k5/kernel`'s HostExecutor runs them). It mirrors the
// HostExecutor's loop: take the kernel's current thread, run it until it traps, report the trap
// (ecall → `kernel.syscall`, access fault → VmFault, other exception → UserException), and
// resume whichever thread the kernel picks. A machine-code thread's context is its trap frame:
// loaded into the hart with mret, captured back after the trap. Relies on riscv-port.ts,
// trap-fault.ts and the kernel's public entry points.

import { FaultLabel, HOST_TRAP_SYSCALL, type HostTask, type HostTaskContext } from '@k5/abi';
import {
  AccessKind,
  type Kernel,
  KernelUsageError,
  type RunOptions,
  type RunResult,
  type Tcb,
  ThreadState,
} from '@k5/kernel';
import { CSR_MCAUSE, CSR_MTVAL } from '../csr';
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
  readonly gen: Generator<number, void, void>;
}

interface MachineThread {
  readonly kind: 'machine';
}

type RunnerThread = HostThread | MachineThread;

const MACHINE: MachineThread = { kind: 'machine' };

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
  /** Told of every interrupt taken (the kernel has no interrupt entry point yet). */
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
  private readonly slice: number;
  private readonly onInterrupt: ((interrupt: TakenInterrupt) => void) | undefined;

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

  /** Runs until no thread is runnable or the step limit (see `@k5/kernel`'s HostExecutor.run). */
  run(options: RunOptions = {}): RunResult {
    const k = this.kernel;
    const max = options.maxSteps ?? 1_000_000;
    const check = options.checkInvariants ?? false;
    let steps = 0;
    while (steps < max) {
      const t = k.state.current;
      if (t === null) return { steps, reason: 'idle' };
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
      if (th.kind === 'host') this.stepHost(t, th);
      else this.stepMachine(t);
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
    const task = this.programs.get(pc);
    let th: RunnerThread;
    if (task) th = { kind: 'host', gen: task(this.hostContext(t)) };
    else if (this.port.bus.ramAt(pc) !== undefined) th = MACHINE;
    else {
      this.kernel.fault(t, FaultLabel.VmFault, [pc, pc, 1, AccessKind.Execute]);
      return null;
    }
    t.host = th;
    t.state = ThreadState.Running;
    return th;
  }

  // ---- Machine code ----

  private stepMachine(t: Tcb): void {
    const k = this.kernel;
    const hart = this.port.hart;
    const frame = this.port.frame(t.context);
    frame.resume(hart);
    const before = hart.cycles;
    const stop = hart.run(this.slice);
    const used = hart.cycles - before;
    this.stats.cycles += used;
    // The CLINT follows the hart's cycles; the kernel's clock follows the same cycles.
    k.advance(used);
    if (stop !== StopReason.Trap) {
      // Budget or WFI: still in U mode with live registers; save them as a trap would.
      hart.saveRegisters(frame.x);
      frame.x[0] = 0;
      frame.pc = hart.pc;
      return;
    }
    frame.capture(hart);
    const { interrupt, code } = decodeMcause(hart.readCsr(CSR_MCAUSE));
    if (interrupt) {
      this.takeInterrupt(code as InterruptCause);
      return;
    }
    if (code === ExceptionCause.EnvironmentCallFromUMode) {
      // Return past the ecall; a restarted syscall is re-executed from the saved registers.
      frame.pc = (frame.pc + 4) >>> 0;
      this.stats.syscalls++;
      k.syscall(t);
      return;
    }
    this.stats.faults++;
    const fault = faultForTrap(code, hart.readCsr(CSR_MTVAL), frame.pc, frame.x[2]!);
    t.host = null;
    k.fault(t, fault.label, fault.words);
  }

  private takeInterrupt(cause: InterruptCause): void {
    this.stats.interrupts++;
    let irq = 0;
    if (cause === InterruptCause.MachineTimer) {
      // One-shot: the deadline is consumed.
      this.port.setTimer(null);
    } else if (cause === InterruptCause.MachineExternal) {
      irq = this.port.plic.claim(this.port.interrupts.context);
      // Masked until the kernel's handler acknowledges it (seL4's IRQ model); completing the
      // claim lets the gateway forward the next request once unmasked.
      if (irq !== 0) {
        this.port.interrupts.mask(irq);
        this.port.plic.complete(this.port.interrupts.context, irq);
      }
    }
    this.onInterrupt?.({ cause, irq, time: this.kernel.now });
  }

  // ---- Host tasks ----

  private stepHost(t: Tcb, h: HostThread): void {
    const k = this.kernel;
    let r: IteratorResult<number, void>;
    try {
      r = h.gen.next();
    } catch (e) {
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
    } else {
      k.advance(r.value);
      this.port.clint.advanceClock(r.value);
    }
  }

  private hostContext(t: Tcb): HostTaskContext {
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
    };
  }
}
