// The bridge between rp2040js's core and ArmV8mPort: it parks the core in Handler mode inside
// one of the adapter's `bkpt; bx lr` handlers whenever the kernel is in control, hands the
// thread the core trapped from to the port (saveFromException reads the frame the core really
// stacked on the PSP, plus the live r4-r11), and resumes the thread the kernel chose
// (returnToThread stacks its frame, then r4-r11 and the PSP go into the core, whose own `bx lr`
// with EXC_RETURN 0xfffffffd pops it). Between the two it runs the core instruction by
// instruction, counting cycles, and turns a refused access into a HardFault that aborts the
// instruction. Relies on guarded-bus.ts and vector-table.ts.
import { type ArmV8mPort, CONTROL_NPRIV, CONTROL_SPSEL, XPSR_T } from '@k5/arch-armv8m';
import type { ContextId } from '@k5/kernel';
import type { RP2040 } from 'rp2040js';
import { type CortexM0Core, type GuardedBus, MpuAbort } from './guarded-bus';
import type { ThreadMpu } from './thread-mpu';
import { Exception, installVectorTable, type VectorLayout } from './vector-table';

/** r0-r12, SP, LR, PC, xPSR of a thread, in the port's register numbering. */
export type ThreadRegisters = readonly number[];

/** Why the core stopped running a thread. */
export interface CoreExit {
  /** The exception the core took (Exception.*). */
  readonly exception: number;
  /** Core cycles the thread ran (including the exception entry). */
  readonly cycles: number;
  /** The thread's registers when the exception was taken (before stacking). */
  readonly registers: ThreadRegisters;
  /** For a HardFault, the access the MPU refused. */
  readonly abort: MpuAbort | null;
}

/** The core's state before one instruction, enough to abort it. */
interface InstructionState {
  readonly registers: Uint32Array;
  readonly apsr: number;
  readonly bankedSP: number;
}

const EXC_RETURN_THREAD_PSP = 0xfffffffd;
const HANDLER_MODE = 1;

/** Thread-mode registers from a saved instruction state (IPSR reads 0 in Thread mode). */
function registersOf(state: InstructionState): ThreadRegisters {
  const regs = Array.from(state.registers.subarray(0, 16));
  regs.push((state.apsr | XPSR_T) >>> 0);
  return regs;
}

/** Drives rp2040js's core for the kernel. */
export class CoreBridge {
  readonly core: CortexM0Core;
  readonly layout: VectorLayout;
  private broke: number | null = null;

  /**
   * @param mcu - the RP2040 (its onBreak hook is taken over)
   * @param port - the kernel's port; its `memory` must be the kernel's RAM
   * @param bus - the core's guarded accessors
   * @param mpu - the MPU model that checks the running thread's accesses
   * @param vectorBase - where the adapter's vector table goes (outside the kernel's RAM)
   */
  constructor(
    mcu: RP2040,
    private readonly port: ArmV8mPort,
    private readonly bus: GuardedBus,
    private readonly mpu: ThreadMpu,
    vectorBase: number,
  ) {
    this.core = mcu.core;
    this.layout = installVectorTable(mcu, vectorBase);
    mcu.onBreak = (code) => {
      this.broke = code;
    };
  }

  /** Enters Handler mode through a real SVC from privileged Thread mode on the MSP. */
  boot(): void {
    const core = this.core;
    core.nPRIV = false;
    core.SPmain = this.layout.mainStackTop;
    core.PC = this.layout.bootStub;
    this.broke = null;
    for (let i = 0; i < 4 && this.broke === null; i++) core.executeInstruction();
    if (this.broke === null || core.currentMode !== HANDLER_MODE) {
      throw new Error('the core did not take the boot SVC into the adapter handler');
    }
  }

  /** Whether the core is parked in an adapter handler. */
  get parked(): boolean {
    return this.core.currentMode === HANDLER_MODE;
  }

  /**
   * Resumes `ctx`: the port stacks its frame, the thread MPU loads its layout, r4-r11 and the PSP go
   * into the core, and the core executes the handler's `bx lr`. Returns the thread's registers
   * as the core now holds them.
   */
  resume(ctx: ContextId): ThreadRegisters {
    const core = this.core;
    if (!this.parked) throw new Error('resume needs the core parked in an adapter handler');
    this.port.returnToThread(ctx);
    const saved = this.port.savedContext(ctx);
    for (let r = 4; r <= 11; r++) core.registers[r] = saved.callee[r - 4]!;
    core.SPprocess = saved.psp;
    core.LR = EXC_RETURN_THREAD_PSP;
    core.nPRIV = true;
    this.bus.check = this.mpu.load(ctx);
    core.executeInstruction();
    if (this.parked) throw new Error('the exception return did not reach Thread mode');
    return this.threadRegisters();
  }

  /**
   * Runs the resumed thread until the core takes an exception into an adapter handler.
   * `onCycles` is told of every instruction's cycles and returns true when SysTick should pend;
   * after `sliceCycles` PendSV is pended so that the thread is switched out anyway.
   */
  run(sliceCycles: number, onCycles: (cycles: number) => boolean): CoreExit {
    const core = this.core;
    let cycles = 0;
    let last = this.instructionState();
    let abort: MpuAbort | null = null;
    this.broke = null;
    while (this.broke === null) {
      const inThread = !this.parked;
      const before = inThread ? this.instructionState() : null;
      if (before !== null) last = before;
      let used: number;
      try {
        used = core.executeInstruction();
      } catch (e) {
        if (!(e instanceof MpuAbort) || before === null) throw e;
        // MemManage escalates to HardFault on ARMv6-M: the instruction is abandoned and the
        // exception stacks the state before it. The stacking is not checked: a thread whose own
        // stack is refused would lock up a real M0+, and here the kernel still gets its fault.
        this.restore(before);
        abort = e;
        const check = this.bus.check;
        this.bus.check = null;
        core.exceptionEntry(Exception.HardFault);
        this.bus.check = check;
        used = 1;
      }
      if (this.broke !== null && !this.parked) {
        throw new Error(`a task executed BKPT #${this.broke} at 0x${core.PC.toString(16)}`);
      }
      cycles += used;
      if (onCycles(used)) {
        core.pendingSystick = true;
        core.interruptsUpdated = true;
      }
      // PendSV would win over a SysTick pended at the same time (equal priority, lower number
      // first on rp2040js), so the slice only ends when no deadline is being taken.
      if (cycles >= sliceCycles && inThread && !core.pendingPendSV && !core.pendingSystick) {
        core.pendingPendSV = true;
        core.interruptsUpdated = true;
      }
    }
    this.bus.check = null;
    return { exception: core.IPSR, cycles, registers: registersOf(last), abort };
  }

  /**
   * Hands the thread the core just left to the port: the PSP (at the frame the core stacked),
   * EXC_RETURN and the live r4-r11 go into the port's CPU view, then saveFromException reads
   * r0-r3, r12, LR, PC and xPSR back from the frame.
   */
  save(ctx: ContextId): void {
    const core = this.core;
    const cpu = this.port.cpu;
    cpu.xpsr = core.IPSR;
    cpu.control = CONTROL_NPRIV | CONTROL_SPSEL;
    cpu.psp = core.SPprocess >>> 0;
    cpu.lr = core.LR >>> 0;
    for (let r = 4; r <= 11; r++) cpu.set(r, core.registers[r]!);
    this.port.saveFromException(ctx);
  }

  /** r0-r12, SP, LR, PC and xPSR as the core holds them (meaningful in Thread mode). */
  threadRegisters(): ThreadRegisters {
    return registersOf(this.instructionState());
  }

  private instructionState(): InstructionState {
    const core = this.core;
    return { registers: core.registers.slice(), apsr: core.APSR, bankedSP: core.bankedSP };
  }

  private restore(state: InstructionState): void {
    const core = this.core;
    core.registers.set(state.registers);
    core.APSR = state.apsr;
    core.bankedSP = state.bankedSP;
  }
}
