// ArmV8mPort: the kernel's ArchPort on ARMv8-M. It owns one saved context per thread (a register
// file in the thread's Thread-mode view plus the PSP/EXC_RETURN a PendSV-style switch keeps), the
// live CPU register file a simulator executes with, and the hardware models the kernel programs:
// the PMSAv8 MPU (thread memory maps solved into regions, loaded on switch, and checking every
// host-task access as unprivileged), SysTick (one-shot deadlines) and the NVIC (interrupt masking).
// It also gives a simulator the two transitions around the kernel: SVC entry (hardware stacking,
// then the software save) and exception return into the chosen thread. Relies on @k5/abi's armv8m
// syscall convention, @k5/kernel's ArchPort contract and this package's models.

import { SYSCALL_CONVENTIONS, type SyscallConvention } from '@k5/abi';
import {
  AccessKind,
  type ArchPort,
  type ContextId,
  type InterruptController,
  type MemoryGrant,
} from '@k5/kernel';
import { ExceptionModelError } from '../errors';
import {
  BASIC_FRAME_WORDS,
  EXC_RETURN_THREAD_PSP,
  type ExceptionEntry,
  exceptionEntry,
  exceptionReturn,
  FRAME_OFFSET,
} from '../exception-frame';
import type { FaultStatus } from '../faults';
import { faultStatusFor } from '../faults';
import type { MpuFault } from '../mpu/checker';
import type { MemoryAccess } from '../mpu/memory-map';
import {
  MPU_CTRL,
  MPU_CTRL_ENABLE,
  MPU_CTRL_PRIVDEFENA,
  MPU_MAIR0,
  MPU_MAIR1,
  Pmsav8Mpu,
  type Pmsav8RegionRegisters,
} from '../mpu/pmsav8';
import { applyPmsav8Solution, type Pmsav8Solution } from '../mpu/solver-v8';
import { ExceptionNumber, IRQ_BASE, Nvic } from '../nvic';
import {
  CONTROL_NPRIV,
  CONTROL_SPSEL,
  RegisterFile,
  SparseWordMemory,
  type WordMemory,
  XPSR_IPSR_MASK,
  XPSR_STACK_ALIGN,
  XPSR_T,
} from '../registers';
import { SysTick } from '../systick';
import { newSavedContext, type SavedContext } from '../trap-abi';
import { faultMessage, type KernelFaultMessage } from './fault-message';
import { solveGrants } from './grants';
import { ArmV8mPortError } from './port-errors';
import { SysTickDeadline } from './systick-deadline';

/** Index of xPSR in the port's register numbering (after r0-r12, sp, lr, pc), as `@k5/abi` names it. */
export const ARMV8M_XPSR_INDEX = 16;
/** Registers in a context: r0-r12, sp (the thread's PSP), lr, pc, xpsr. */
export const ARMV8M_REGISTER_COUNT = 17;

/** Options of {@link ArmV8mPort}. */
export interface ArmV8mPortOptions {
  /** MPU regions (MPU_TYPE.DREGION): 4, 8, 12 or 16 on real cores. Defaults to 8. */
  readonly mpuRegions?: number;
  /**
   * The first regions, kept for the kernel and never given to a thread. Defaults to the number of
   * `kernelRegions`. Reserving more regions leaves fewer for each thread's memory map.
   */
  readonly reservedRegions?: number;
  /**
   * Register values of the reserved regions (usually privileged-only, AP = 0b00), written once at
   * construction. An enabled kernel region must not overlap any thread grant, or the MPU reports
   * the overlap as a MemManage fault, as hardware does.
   */
  readonly kernelRegions?: readonly Pmsav8RegionRegisters[];
  /** External interrupt lines of the NVIC (1..480). Defaults to 64. */
  readonly irqs?: number;
  /** Implemented NVIC priority bits. Defaults to 3 (as on the STM32L5). */
  readonly priorityBits?: number;
  /**
   * The kernel's clock in ticks, read when a deadline is armed (`setTimer` takes an absolute
   * deadline, SysTick counts a delay). One tick is one SysTick clock, the core clock with
   * CLKSOURCE = 1. Defaults to a clock that stays at 0.
   */
  readonly now?: () => number;
  /** Memory exception frames are stacked into. Defaults to a fresh {@link SparseWordMemory}. */
  readonly memory?: WordMemory;
  /** Called when a thread's memory map cannot be solved (the thread is then given no regions). */
  readonly onMapError?: (ctx: ContextId, error: ArmV8mPortError) => void;
}

/** The kernel entry points the port's interrupt delivery calls (the kernel facade has both). */
export interface InterruptSink {
  /** SysTick fired: the armed deadline was reached. */
  timerInterrupt(): void;
  /** External interrupt line `irq` fired. */
  interrupt(irq: number): void;
}

/** One exception {@link ArmV8mPort.deliverInterrupts} took into the kernel. */
export type DeliveredInterrupt =
  | { readonly kind: 'timer' }
  | { readonly kind: 'irq'; readonly irq: number };

/** One thread's saved state. */
interface Context {
  /** The thread's registers as it sees them in Thread mode (SP is its PSP). */
  readonly regs: RegisterFile;
  /** The software-saved half of a switch: r4-r11, the PSP at its frame, EXC_RETURN. */
  readonly saved: SavedContext;
  grants: readonly MemoryGrant[];
  solution: Pmsav8Solution | null;
  mapError: ArmV8mPortError | null;
}

const ACCESS_BITS = [AccessKind.Read, AccessKind.Write, AccessKind.Execute] as const;

const MEMORY_ACCESS: Record<number, MemoryAccess> = {
  [AccessKind.Read]: 'read',
  [AccessKind.Write]: 'write',
  [AccessKind.Execute]: 'execute',
};

function threadRegisterFile(): RegisterFile {
  const regs = new RegisterFile();
  // Thread mode, unprivileged, on PSP: reads and writes of SP reach the thread's PSP.
  regs.control = CONTROL_NPRIV | CONTROL_SPSEL;
  regs.xpsr = XPSR_T;
  return regs;
}

/**
 * The ARMv8-M implementation of the kernel's `ArchPort`, with the hardware models it programs.
 * Host tasks run on it unchanged; a CPU simulator drives it through {@link ArmV8mPort.enterFromSvc},
 * {@link ArmV8mPort.returnToThread}, {@link ArmV8mPort.advanceTimer} and
 * {@link ArmV8mPort.pendingInterrupt}.
 */
export class ArmV8mPort implements ArchPort {
  /** The armv8m convention of `@k5/abi`: number in r11, slots r4-r10, pc 15, sp 13. */
  readonly convention: SyscallConvention = SYSCALL_CONVENTIONS.armv8m;
  /** r0-r12, sp, lr, pc, xpsr. */
  readonly registerCount = ARMV8M_REGISTER_COUNT;
  /** The live CPU register file (the simulator's core). */
  readonly cpu: RegisterFile;
  /** The MPU the port loads on every switch and checks host-task accesses with. */
  readonly mpu: Pmsav8Mpu;
  /** The NVIC: interrupt lines the kernel masks and unmasks, SysTick and PendSV pending bits. */
  readonly nvic: Nvic;
  /** The timer behind `setTimer`. */
  readonly systick: SysTick;
  /** Where exception frames are stacked. */
  readonly memory: WordMemory;
  /** The kernel's view of the NVIC. */
  readonly interrupts: InterruptController;
  /** The last access the MPU refused through {@link ArmV8mPort.checkAccess}, or null. */
  lastFault: MpuFault | null = null;
  /** SCB fault status latched by the last refused access (what CFSR/MMFAR/BFAR would hold). */
  faultStatus: FaultStatus = { cfsr: 0 };
  /** How many times a context's MPU configuration was loaded (each is a switch the MPU saw). */
  mpuLoads = 0;
  /** How many switch notifications the kernel sent ({@link ArmV8mPort.switchTo}). */
  switches = 0;
  private readonly reserved: number;
  private readonly onMapError: ((ctx: ContextId, error: ArmV8mPortError) => void) | undefined;
  private readonly contexts = new Map<number, Context>();
  private readonly free: number[] = [];
  private next = 0;
  private loaded: number | null = null;
  /** Whether the MPU holds the idle configuration (every thread region disabled). */
  private idleLoaded = false;
  /** A second MPU for checking contexts that are not loaded, and whose regions it holds. */
  private shadow: Pmsav8Mpu | null = null;
  private shadowFor: number | null = null;
  private readonly timer: SysTickDeadline;

  /** @param options - MPU size, kernel regions, NVIC size, clock and frame memory. */
  constructor(options: ArmV8mPortOptions = {}) {
    const regions = options.mpuRegions ?? 8;
    const kernelRegions = options.kernelRegions ?? [];
    const reserved = options.reservedRegions ?? kernelRegions.length;
    if (!Number.isInteger(regions) || regions < 1 || regions > 255) {
      throw new ArmV8mPortError(
        'bad-option',
        `mpuRegions ${regions} must be 1..255 (4, 8, 12 or 16 on real cores)`,
      );
    }
    if (!Number.isInteger(reserved) || reserved < kernelRegions.length || reserved >= regions) {
      throw new ArmV8mPortError(
        'bad-option',
        `reservedRegions ${reserved} must cover the ${kernelRegions.length} kernel regions and leave threads at least one of the ${regions}`,
      );
    }
    this.reserved = reserved;
    this.mpu = new Pmsav8Mpu({ regions });
    kernelRegions.forEach((r, i) => {
      this.mpu.setRegion(i, r.rbar, r.rlar);
    });
    // PRIVDEFENA: the kernel runs privileged on the default memory map; threads see only regions.
    this.mpu.write(MPU_CTRL, MPU_CTRL_ENABLE | MPU_CTRL_PRIVDEFENA);
    this.nvic = new Nvic({
      irqs: options.irqs ?? 64,
      ...(options.priorityBits !== undefined ? { priorityBits: options.priorityBits } : {}),
    });
    this.nvic.setEnabled(ExceptionNumber.SysTick, true);
    this.systick = new SysTick();
    this.memory = options.memory ?? new SparseWordMemory();
    this.timer = new SysTickDeadline(this.systick, this.nvic, options.now ?? (() => 0));
    this.onMapError = options.onMapError;
    this.cpu = new RegisterFile();
    const nvic = this.nvic;
    this.interrupts = {
      lineCount: nvic.irqs,
      mask: (irq) => nvic.setEnabled(IRQ_BASE + irq, false),
      unmask: (irq) => nvic.setEnabled(IRQ_BASE + irq, true),
    };
  }

  /** Regions the kernel keeps (0..reservedRegions-1); thread maps use the rest. */
  get reservedRegions(): number {
    return this.reserved;
  }

  // --- contexts and registers -------------------------------------------------------------

  createContext(): ContextId {
    const id = this.free.pop() ?? this.next++;
    this.contexts.set(id, {
      regs: threadRegisterFile(),
      saved: newSavedContext(0, EXC_RETURN_THREAD_PSP),
      grants: [],
      solution: null,
      mapError: null,
    });
    // Fail closed until a map arrives: an empty map solves to all thread regions disabled.
    this.setMemoryMap(id as ContextId, []);
    return id as ContextId;
  }

  destroyContext(ctx: ContextId): void {
    this.context(ctx);
    this.contexts.delete(ctx);
    this.free.push(ctx);
    if (this.loaded === ctx) this.loaded = null;
    if (this.shadowFor === ctx) this.shadowFor = null;
  }

  readRegister(ctx: ContextId, index: number): number {
    const regs = this.context(ctx).regs;
    return index === ARMV8M_XPSR_INDEX ? regs.xpsr : regs.get(index);
  }

  /**
   * Writes a register. SP is word aligned (bits [1:0] are RES0); xPSR keeps its flags and
   * execution-state bits but not IPSR or the frame-alignment bit 9, which a thread cannot hold.
   */
  writeRegister(ctx: ContextId, index: number, value: number): void {
    const regs = this.context(ctx).regs;
    if (index === ARMV8M_XPSR_INDEX)
      regs.xpsr = (value & ~(XPSR_IPSR_MASK | XPSR_STACK_ALIGN)) >>> 0;
    else regs.set(index, value);
  }

  syscallNumber(ctx: ContextId): number {
    return this.context(ctx).regs.get(this.convention.numberRegister);
  }

  argument(ctx: ContextId, slot: number): number {
    return this.context(ctx).regs.get(this.slotRegister(slot));
  }

  setResult(ctx: ContextId, slot: number, value: number): void {
    this.context(ctx).regs.set(this.slotRegister(slot), value);
  }

  // --- memory protection ------------------------------------------------------------------

  /**
   * Solves `grants` into MPU regions now (so an error is reported when the map changes, not at the
   * next switch) and caches the solution for the context. A map that does not fit leaves the
   * thread with no regions at all (every access faults) and is reported through
   * {@link ArmV8mPort.mapError} and the `onMapError` option: the contract gives setMemoryMap no way
   * to fail the kernel operation that caused it.
   */
  setMemoryMap(ctx: ContextId, grants: readonly MemoryGrant[]): void {
    const c = this.context(ctx);
    c.grants = grants;
    try {
      c.solution = solveGrants(grants, this.mpu.regionCount, this.reserved);
      c.mapError = null;
    } catch (e) {
      if (!(e instanceof ArmV8mPortError)) throw e;
      c.solution = null;
      c.mapError = e;
      this.onMapError?.(ctx, e);
    }
    if (this.loaded === ctx) this.loaded = null;
    if (this.shadowFor === ctx) this.shadowFor = null;
  }

  /** Why the context's last memory map could not be loaded, or null when it was. */
  mapError(ctx: ContextId): ArmV8mPortError | null {
    return this.context(ctx).mapError;
  }

  /** The cached MPU solution of a context (null after a map error). */
  solution(ctx: ContextId): Pmsav8Solution | null {
    return this.context(ctx).solution;
  }

  /** The grants last installed for a context. */
  grants(ctx: ContextId): readonly MemoryGrant[] {
    return this.context(ctx).grants;
  }

  /** The context whose regions the MPU holds, or null. */
  get loadedContext(): ContextId | null {
    return this.loaded as ContextId | null;
  }

  /**
   * The kernel's switch notification (`ArchPort.switchTo`), called at the end of every kernel
   * entry with the context the CPU runs next: loads its MPU regions, or, for `null` (idle),
   * disables every thread region so that nothing a thread was granted stays reachable while the
   * core sleeps. Counted in {@link ArmV8mPort.switches}.
   */
  switchTo(ctx: ContextId | null): void {
    this.switches++;
    if (ctx !== null) {
      this.activate(ctx);
      return;
    }
    if (this.loaded === null && this.idleLoaded) return;
    for (let r = this.reserved; r < this.mpu.regionCount; r++) this.mpu.setRegion(r, 0, 0);
    this.loaded = null;
    this.idleLoaded = true;
  }

  /**
   * Loads the context's thread regions into the MPU, as the kernel's switch path does (the
   * kernel regions stay). Does nothing when they are already loaded. {@link ArmV8mPort.switchTo}
   * and {@link ArmV8mPort.returnToThread} call it.
   */
  activate(ctx: ContextId): void {
    const c = this.context(ctx);
    if (this.loaded === ctx) return;
    if (c.solution) applyPmsav8Solution(this.mpu, c.solution);
    else for (let r = this.reserved; r < this.mpu.regionCount; r++) this.mpu.setRegion(r, 0, 0);
    this.loaded = ctx;
    this.idleLoaded = false;
    this.mpuLoads++;
  }

  /**
   * Checks an access of the thread through the MPU model as an unprivileged Thread-mode access:
   * on the live MPU when the thread's regions are loaded, else on a shadow MPU holding the same
   * kernel regions and the thread's solution, so that a kernel check of another thread (a lease
   * or borrowed buffer of the caller) does not disturb what {@link ArmV8mPort.switchTo} loaded.
   * A refused access latches {@link ArmV8mPort.lastFault} and the CFSR/MMFAR/BFAR values in
   * {@link ArmV8mPort.faultStatus}. An access that leaves the 32-bit space is refused, not thrown.
   */
  checkAccess(ctx: ContextId, address: number, size: number, kind: AccessKind): boolean {
    const mpu = this.mpuFor(ctx);
    const inRange =
      Number.isInteger(address) &&
      address >= 0 &&
      Number.isInteger(size) &&
      size >= 1 &&
      address + size <= 0x100000000;
    if (!inRange) return false;
    for (const bit of ACCESS_BITS) {
      if ((kind & bit) === 0) continue;
      const result = mpu.check(address, size, MEMORY_ACCESS[bit]!, false);
      if (!result.allowed) {
        this.lastFault = result;
        const status = faultStatusFor(result);
        this.faultStatus = { ...status, dataAccess: bit === AccessKind.Write ? 'write' : 'read' };
        return false;
      }
    }
    return true;
  }

  /** The MPU that holds `ctx`'s regions: the live one if loaded, else the shadow, loaded now. */
  private mpuFor(ctx: ContextId): Pmsav8Mpu {
    const c = this.context(ctx);
    if (this.loaded === ctx) return this.mpu;
    if (this.shadow === null) {
      const shadow = new Pmsav8Mpu({ regions: this.mpu.regionCount });
      for (let r = 0; r < this.reserved; r++) {
        const { rbar, rlar } = this.mpu.regionRegisters(r);
        shadow.setRegion(r, rbar, rlar);
      }
      shadow.write(MPU_MAIR0, this.mpu.read(MPU_MAIR0));
      shadow.write(MPU_MAIR1, this.mpu.read(MPU_MAIR1));
      shadow.write(MPU_CTRL, this.mpu.read(MPU_CTRL));
      this.shadow = shadow;
    }
    if (this.shadowFor !== ctx) {
      if (c.solution) applyPmsav8Solution(this.shadow, c.solution);
      else
        for (let r = this.reserved; r < this.shadow.regionCount; r++)
          this.shadow.setRegion(r, 0, 0);
      this.shadowFor = ctx;
    }
    return this.shadow;
  }

  // --- timer ------------------------------------------------------------------------------

  /**
   * Arms SysTick for an absolute deadline (in ticks of the `now` clock) or disarms it. SysTick
   * counts a delay of at most 2^24 clocks; a later deadline is re-armed from
   * {@link ArmV8mPort.advanceTimer} each time a period ends. A deadline now or one tick away pends
   * SysTick at once (the counter needs one clock to reload). Re-arming clears a stale pending bit.
   */
  setTimer(deadline: number | null): void {
    this.timer.set(deadline);
  }

  /** The armed deadline in ticks, or null. */
  get timerDeadline(): number | null {
    return this.timer.deadline;
  }

  /**
   * Advances SysTick by `cycles` core clocks (what a simulator does after executing them) and
   * returns whether the armed deadline was reached; SysTick is then pending in the NVIC and the
   * counter stopped (one-shot).
   */
  advanceTimer(cycles: number): boolean {
    return this.timer.advance(cycles);
  }

  /**
   * Lets SysTick count the kernel ticks that passed without it: host tasks spend time through
   * `kernel.advance`, not through the CPU, so a simulator mixing them with machine threads calls
   * this after running host tasks. Returns whether the deadline was reached (as
   * {@link ArmV8mPort.advanceTimer}).
   */
  syncTimer(): boolean {
    return this.timer.sync();
  }

  /** Whether SysTick is pending (the deadline passed and the kernel has not taken it yet). */
  get timerPending(): boolean {
    return this.timer.pending;
  }

  // --- interrupts -------------------------------------------------------------------------

  /** A device asserts interrupt line `irq` (sets its NVIC pending bit). */
  raiseInterrupt(irq: number): void {
    this.nvic.setPending(IRQ_BASE + irq, true);
  }

  /**
   * The external interrupt line that would be taken now, judged with the CPU's PRIMASK, BASEPRI
   * and FAULTMASK: pending, enabled (not masked by the kernel) and above the execution priority.
   * Undefined when none, or when a system exception (SysTick, PendSV) comes first.
   */
  pendingInterrupt(): number | undefined {
    const e = this.nvic.preemptingException({
      primask: this.cpu.primask,
      basepri: this.cpu.basepri,
      faultmask: this.cpu.faultmask,
    });
    return e !== undefined && e >= IRQ_BASE ? e - IRQ_BASE : undefined;
  }

  /** Exception entry for line `irq`: it becomes active and stops being pending. */
  acknowledgeInterrupt(irq: number): void {
    this.nvic.acknowledge(IRQ_BASE + irq);
  }

  /** Exception return from line `irq`; returns the line to tail-chain into, if any. */
  completeInterrupt(irq: number): number | undefined {
    const e = this.nvic.complete(IRQ_BASE + irq, {
      primask: this.cpu.primask,
      basepri: this.cpu.basepri,
      faultmask: this.cpu.faultmask,
    });
    return e !== undefined && e >= IRQ_BASE ? e - IRQ_BASE : undefined;
  }

  /**
   * Takes every exception the NVIC would take now into the kernel, highest priority first (the
   * hardware's tail-chaining order): SysTick becomes `kernel.timerInterrupt()`, external line n
   * becomes `kernel.interrupt(n)` (the kernel masks the line and signals its handler). Each is
   * acknowledged before and completed after its kernel entry, as the exception would be. Lines
   * masked by the kernel, and anything at or below the CPU's PRIMASK/BASEPRI/FAULTMASK priority,
   * stay pending. Returns what was delivered, in order.
   */
  deliverInterrupts(kernel: InterruptSink): DeliveredInterrupt[] {
    const delivered: DeliveredInterrupt[] = [];
    const masks = () => ({
      primask: this.cpu.primask,
      basepri: this.cpu.basepri,
      faultmask: this.cpu.faultmask,
    });
    for (let e = this.nvic.preemptingException(masks()); e !== undefined; ) {
      if (e !== ExceptionNumber.SysTick && e < IRQ_BASE) break; // a system exception: not ours
      this.nvic.acknowledge(e);
      if (e === ExceptionNumber.SysTick) {
        delivered.push({ kind: 'timer' });
        kernel.timerInterrupt();
      } else {
        delivered.push({ kind: 'irq', irq: e - IRQ_BASE });
        kernel.interrupt(e - IRQ_BASE);
      }
      e = this.nvic.complete(e, masks());
    }
    return delivered;
  }

  // --- the simulator's side: entering and leaving the kernel --------------------------------

  /**
   * SVC from the thread running on {@link ArmV8mPort.cpu}: takes the SVCall exception (hardware
   * stacking of r0-r3, r12, LR, PC, xPSR onto PSP through the frame model, with `returnAddress`,
   * the instruction after the SVC) and saves the thread into `ctx` ({@link ArmV8mPort.saveFromException}).
   * Then call the kernel's `syscall(thread)` and {@link ArmV8mPort.returnToThread} with the thread
   * it chose.
   */
  enterFromSvc(ctx: ContextId, returnAddress: number = this.cpu.pc): ExceptionEntry {
    const entry = exceptionEntry(this.cpu, this.memory, ExceptionNumber.SVCall, returnAddress);
    this.saveFromException(ctx);
    return entry;
  }

  /**
   * The software half of exception entry, for a simulator whose core already stacked the frame
   * (the CPU is in Handler mode, PSP points at the thread's basic frame and LR holds EXC_RETURN):
   * r0-r3, r12, LR, PC and xPSR are read back from the frame in memory, r4-r11 from the live
   * registers, and the thread's SP is the PSP before stacking.
   */
  saveFromException(ctx: ContextId): void {
    const c = this.context(ctx);
    const cpu = this.cpu;
    const frame = cpu.psp;
    const word = (offset: number) => this.memory.readWord(frame + offset) >>> 0;
    const regs = c.regs;
    regs.set(0, word(FRAME_OFFSET.r0));
    regs.set(1, word(FRAME_OFFSET.r1));
    regs.set(2, word(FRAME_OFFSET.r2));
    regs.set(3, word(FRAME_OFFSET.r3));
    regs.set(12, word(FRAME_OFFSET.r12));
    regs.lr = word(FRAME_OFFSET.lr);
    regs.pc = word(FRAME_OFFSET.pc);
    const xpsr = word(FRAME_OFFSET.xpsr);
    regs.xpsr = (xpsr & ~(XPSR_IPSR_MASK | XPSR_STACK_ALIGN)) >>> 0;
    for (let r = 4; r <= 11; r++) regs.set(r, cpu.get(r));
    regs.psp = (frame + BASIC_FRAME_WORDS * 4 + ((xpsr & XPSR_STACK_ALIGN) !== 0 ? 4 : 0)) >>> 0;
    c.saved.callee.set(Array.from({ length: 8 }, (_, i) => cpu.get(4 + i)));
    c.saved.psp = frame;
    c.saved.excReturn = cpu.lr;
  }

  /**
   * Resumes `ctx` on {@link ArmV8mPort.cpu}: stacks its r0-r3, r12, LR, PC and xPSR as a basic
   * frame below its SP (8-byte aligned, bit 9 of the stacked xPSR recording a padding word), loads
   * r4-r11 and PSP, loads its regions into the MPU, sets CONTROL.nPRIV and performs the exception
   * return with EXC_RETURN 0xfffffffd. Returns the frame address.
   */
  returnToThread(ctx: ContextId): number {
    const c = this.context(ctx);
    const cpu = this.cpu;
    const regs = c.regs;
    const sp = regs.psp;
    if (sp < BASIC_FRAME_WORDS * 4 + 4 || sp % 4 !== 0) {
      throw new ExceptionModelError(
        'misaligned-stack',
        `thread SP 0x${sp.toString(16)} cannot hold an exception frame; give the thread a stack (write its SP register)`,
      );
    }
    const realigned = (sp & 4) !== 0;
    const frame = ((sp - BASIC_FRAME_WORDS * 4) & ~4) >>> 0;
    const w = (offset: number, value: number) => this.memory.writeWord(frame + offset, value >>> 0);
    w(FRAME_OFFSET.r0, regs.get(0));
    w(FRAME_OFFSET.r1, regs.get(1));
    w(FRAME_OFFSET.r2, regs.get(2));
    w(FRAME_OFFSET.r3, regs.get(3));
    w(FRAME_OFFSET.r12, regs.get(12));
    w(FRAME_OFFSET.lr, regs.lr);
    w(FRAME_OFFSET.pc, regs.pc & ~1);
    w(FRAME_OFFSET.xpsr, (regs.xpsr & ~XPSR_STACK_ALIGN) | (realigned ? XPSR_STACK_ALIGN : 0));
    for (let r = 4; r <= 11; r++) {
      c.saved.callee[r - 4] = regs.get(r);
      cpu.set(r, regs.get(r));
    }
    c.saved.psp = frame;
    c.saved.excReturn = EXC_RETURN_THREAD_PSP;
    // The return is taken from Handler mode (the kernel's SVCall or PendSV handler).
    if (!cpu.handlerMode) cpu.xpsr = ((cpu.xpsr & ~XPSR_IPSR_MASK) | ExceptionNumber.SVCall) >>> 0;
    cpu.psp = frame;
    cpu.lr = EXC_RETURN_THREAD_PSP;
    this.activate(ctx);
    cpu.control |= CONTROL_NPRIV;
    return exceptionReturn(cpu, this.memory, EXC_RETURN_THREAD_PSP);
  }

  /**
   * The kernel fault message for a thread that took a MemManage, BusFault or UsageFault with
   * `status` (defaults to the status latched by the last refused access): a VmFault carrying
   * MMFAR or BFAR, or a UserException carrying the exception number and CFSR. Pass its label and
   * words to the kernel's `fault(thread, label, words)`.
   */
  faultMessage(
    ctx: ContextId,
    status: FaultStatus = this.faultStatus,
  ): KernelFaultMessage | undefined {
    const regs = this.context(ctx).regs;
    return faultMessage(status, regs.pc, regs.psp);
  }

  /** The saved software context (r4-r11, PSP at the frame, EXC_RETURN) of a context. */
  savedContext(ctx: ContextId): Readonly<SavedContext> {
    return this.context(ctx).saved;
  }

  private slotRegister(slot: number): number {
    const r = this.convention.argumentRegisters[slot];
    if (r === undefined) {
      throw new ExceptionModelError('bad-argument-count', `syscall slot ${slot} is not 0..6`);
    }
    return r;
  }

  private context(ctx: ContextId): Context {
    const c = this.contexts.get(ctx);
    if (!c) {
      throw new ArmV8mPortError(
        'unknown-context',
        `context ${ctx} was not created by this port or was destroyed`,
      );
    }
    return c;
  }
}
