// RiscvPort: the `ArchPort` of `@k5/kernel` on the RISC-V models of this package. It owns one
// reference hart with its memory bus, CLINT and PLIC, and every thread's context as a trap
// frame (x1..x31 and pc, indices as in `@k5/abi`'s riscv convention: x0..x31 then pc at 32).
// A thread's memory map is solved into PMP entries after the locked kernel entries when it
// changes and kept in a per-thread shadow PMP register file: `checkAccess` asks the real PMP
// checker about that file in U mode, and `switchTo` loads the layout into the hart's PMP when
// the thread is about to run. With a security monitor attached, the monitor owns the lowest
// entries (its locked memory and one guard per enclave), thread layouts come after them, and
// no thread's access check or layout reaches monitor or enclave memory whatever its grants.
// Relies on the hart, PMP, CLINT and PLIC models, the security monitor, and on `@k5/kernel`'s
// port contract and `@k5/abi`'s conventions.

import { SYSCALL_CONVENTIONS, type SyscallConvention } from '@k5/abi';
import type { AccessKind, ArchPort, ContextId, MemoryGrant, PhysicalMemory } from '@k5/kernel';
import { CLINT_DEFAULT_BASE, CLINT_SIZE, Clint } from '../clint';
import { CSR_MIE, MIP_MEIP, MIP_MTIP } from '../csr';
import { RiscvError } from '../errors';
import { Hart } from '../hart/hart';
import { MemoryBus } from '../hart/memory';
import { PmpChecker } from '../pmp/checker';
import { describePmp, type PmpEntryDescription } from '../pmp/describe';
import { type PmpOptions, PmpRegisters } from '../pmp/registers';
import { applyPmpLayout, type PmpLayout, type PmpRegion, solvePmp } from '../pmp/solver';
import { PLIC_DEFAULT_BASE, PLIC_SIZE, Plic } from '../plic';
import { SecurityMonitor, type SecurityMonitorOptions } from '../enclave/security-monitor';
import { PrivilegeMode } from '../trap';
import { TrapFrame } from '../trap-frame';
import { PlicInterruptController } from './interrupts';
import { grantsToPmpRegions, lockKernelRegions } from './memory-map';

/** Register index of the pc in a RISC-V context (after x0..x31). */
const PC_INDEX = 32;
const REGISTER_COUNT = 33;

/** Options of a {@link RiscvPort}. */
export interface RiscvPortOptions {
  /** PMP entries and granularity of the hart (default 16 entries, G = 0). */
  pmp?: PmpOptions;
  /**
   * Regions the kernel keeps for itself in locked PMP entries 0.. (naturally aligned powers
   * of two; locked entries bind M mode too). Thread layouts are solved after them and may not
   * overlap them. Default: none.
   */
  lockedRegions?: readonly PmpRegion[];
  /** PLIC sources (default 32): kernel IRQs 1..plicSources. */
  plicSources?: number;
  /** Hart cycles per CLINT tick (default 1: kernel ticks are hart cycles). */
  cyclesPerTick?: number;
  /**
   * Called when a thread's memory map cannot be expressed by the PMP. The thread then keeps
   * an empty layout (U mode is denied everything), never a wider one. Default: none (the error
   * stays readable through {@link RiscvPort.memoryMapError}).
   */
  onMemoryMapError?: (ctx: ContextId, error: RiscvError) => void;
}

interface ThreadContext {
  readonly frame: TrapFrame;
  /** PMP registers holding the locked kernel entries and this thread's layout. */
  readonly shadow: PmpRegisters;
  readonly checker: PmpChecker;
  grants: readonly MemoryGrant[];
  layout: PmpLayout;
  error: RiscvError | null;
}

/**
 * The RISC-V `ArchPort`: ecall ABI (number in a7, slots a0..a6), trap-frame contexts, PMP per
 * thread, CLINT one-shot timer and PLIC interrupt masking, over a reference {@link Hart}.
 *
 * @remarks
 * The port cannot see the kernel's scheduling decisions through `ArchPort`, so whoever runs
 * threads (the {@link MachineCodeRunner}) calls {@link RiscvPort.switchTo} before running one;
 * `checkAccess` does not depend on it (it consults the thread's own solved layout).
 */
export class RiscvPort implements ArchPort {
  /** `@k5/abi`'s riscv convention. */
  readonly convention: SyscallConvention = SYSCALL_CONVENTIONS.riscv;
  /** x0..x31 and pc. */
  readonly registerCount = REGISTER_COUNT;
  /** The hart that runs machine-code threads (stops on every trap). */
  readonly hart: Hart;
  /** Its memory bus (RAM is attached with {@link RiscvPort.attachMemory}). */
  readonly bus: MemoryBus;
  /** The CLINT at `CLINT_DEFAULT_BASE`, clocked by the hart. */
  readonly clint: Clint;
  /** The PLIC at `PLIC_DEFAULT_BASE`, context 0 driving the hart's MEIP. */
  readonly plic: Plic;
  /** Kernel IRQs as PLIC sources. */
  readonly interrupts: PlicInterruptController;
  /** PMP entries 0..lockedEntries-1 are the kernel's. */
  readonly lockedEntries: number;
  /** The armed deadline in ticks, or null. */
  timerDeadline: number | null = null;
  /** Hart cycles per kernel tick (the CLINT's mtime counts ticks). */
  readonly cyclesPerTick: number;
  private readonly contexts: (ThreadContext | undefined)[] = [];
  private readonly free: number[] = [];
  private readonly pmpOptions: PmpOptions;
  private readonly lockedRegions: readonly PmpRegion[];
  private emptyLayout: PmpLayout;
  private securityMonitor: SecurityMonitor | null = null;
  private readonly onMemoryMapError: ((ctx: ContextId, error: RiscvError) => void) | undefined;
  private active: ContextId | null = null;
  /** Contexts whose code never runs on the hart (host tasks): switching to them loads nothing. */
  private readonly offHart = new Set<ContextId>();

  /** @param options - PMP shape, locked kernel regions, PLIC size, tick rate */
  constructor(options: RiscvPortOptions = {}) {
    this.pmpOptions = {
      entries: options.pmp?.entries ?? 16,
      granularity: options.pmp?.granularity ?? 0,
    };
    this.lockedRegions = options.lockedRegions ?? [];
    this.onMemoryMapError = options.onMemoryMapError;
    this.bus = new MemoryBus();
    this.hart = new Hart({ bus: this.bus, pmp: this.pmpOptions, stopOnTrap: true });
    this.lockedEntries = lockKernelRegions(this.hart.pmp, this.lockedRegions);
    this.emptyLayout = this.solve([]);
    this.cyclesPerTick = options.cyclesPerTick ?? 1;
    this.clint = new Clint({ harts: [this.hart], cyclesPerTick: this.cyclesPerTick });
    this.bus.addDevice(CLINT_DEFAULT_BASE, CLINT_SIZE, this.clint, 'clint');
    this.hart.attachClock(this.clint);
    this.plic = new Plic({ sources: options.plicSources ?? 32, contexts: [{ target: this.hart }] });
    this.bus.addDevice(PLIC_DEFAULT_BASE, PLIC_SIZE, this.plic, 'plic');
    this.interrupts = new PlicInterruptController(this.plic);
    // Timer and external interrupts reach the hart; in U mode they are taken whatever MIE says.
    this.hart.writeCsr(CSR_MIE, MIP_MTIP | MIP_MEIP);
  }

  /**
   * Puts the kernel's RAM on the hart's bus (the same bytes, so machine code and the kernel see
   * one memory). Call once, after the kernel is created.
   */
  attachMemory(memory: PhysicalMemory): void {
    this.bus.addRam(memory.base, memory.bytes, 'kernel-ram');
  }

  // ---- Contexts ----

  /** Creates a zeroed trap frame with no memory access (an empty PMP layout). */
  createContext(): ContextId {
    const id = this.free.pop() ?? this.contexts.length;
    const shadow = new PmpRegisters(this.pmpOptions);
    lockKernelRegions(shadow, this.lockedRegions);
    applyPmpLayout(shadow, this.emptyLayout);
    this.contexts[id] = {
      frame: new TrapFrame(),
      shadow,
      checker: new PmpChecker(shadow),
      grants: [],
      layout: this.emptyLayout,
      error: null,
    };
    return id as ContextId;
  }

  /** Releases a context (its id is reused); unloads its PMP layout if it was loaded. */
  destroyContext(ctx: ContextId): void {
    this.get(ctx);
    if (this.active === ctx) this.switchTo(null);
    this.offHart.delete(ctx);
    this.contexts[ctx] = undefined;
    this.free.push(ctx);
  }

  /** The saved trap frame of `ctx` (the runner loads it into the hart and captures it back). */
  frame(ctx: ContextId): TrapFrame {
    return this.get(ctx).frame;
  }

  /** Reads x`index` (0..31) or the pc (32). */
  readRegister(ctx: ContextId, index: number): number {
    const frame = this.get(ctx).frame;
    if (index === PC_INDEX) return frame.pc >>> 0;
    return frame.get(index);
  }

  /** Writes x`index` (0..31; x0 stays 0) or the pc (32), truncated to 32 bits. */
  writeRegister(ctx: ContextId, index: number, value: number): void {
    const frame = this.get(ctx).frame;
    if (index === PC_INDEX) frame.pc = value >>> 0;
    else frame.set(index, value >>> 0);
  }

  /** a7 of a thread that executed ecall. */
  syscallNumber(ctx: ContextId): number {
    return this.get(ctx).frame.x[this.convention.numberRegister]!;
  }

  /** Slot `slot` (0..6): a0..a6. */
  argument(ctx: ContextId, slot: number): number {
    return this.get(ctx).frame.x[this.slotRegister(slot)]!;
  }

  /** Writes result slot `slot` (0..6): a0..a6. */
  setResult(ctx: ContextId, slot: number, value: number): void {
    this.get(ctx).frame.x[this.slotRegister(slot)] = value >>> 0;
  }

  // ---- Memory protection ----

  /**
   * Solves `grants` into PMP entries after the locked ones. A map PMP cannot express leaves
   * the thread with no access at all and records the error (see
   * {@link RiscvPort.memoryMapError}); it does not throw, because the kernel calls this in the
   * middle of a syscall that has already changed its state.
   */
  setMemoryMap(ctx: ContextId, grants: readonly MemoryGrant[]): void {
    const c = this.get(ctx);
    c.grants = grants;
    try {
      c.layout = this.solve(grants);
      c.error = null;
    } catch (e) {
      if (!(e instanceof RiscvError)) throw e;
      c.layout = this.emptyLayout;
      c.error = e;
      this.onMemoryMapError?.(ctx, e);
    }
    applyPmpLayout(c.shadow, c.layout);
    if (this.active === ctx) this.load(c.layout);
  }

  /** Why the last memory map of `ctx` could not be expressed, or null. */
  memoryMapError(ctx: ContextId): RiscvError | null {
    return this.get(ctx).error;
  }

  /** The PMP layout solved for `ctx` (what {@link RiscvPort.switchTo} loads). */
  pmpLayout(ctx: ContextId): PmpLayout {
    return this.get(ctx).layout;
  }

  /**
   * The PMP entries `ctx` runs under (the locked kernel entries, then its layout), one
   * description per active entry.
   */
  describePmp(ctx: ContextId): PmpEntryDescription[] {
    return describePmp(this.get(ctx).shadow);
  }

  /** The grants last installed for `ctx`. */
  memoryMap(ctx: ContextId): readonly MemoryGrant[] {
    return this.get(ctx).grants;
  }

  /**
   * Whether `ctx` in U mode may make the access under its own PMP layout (the locked kernel
   * entries first), as the PMP checker decides it; independent of which layout is loaded.
   */
  checkAccess(ctx: ContextId, address: number, size: number, kind: AccessKind): boolean {
    if (!Number.isInteger(address) || address < 0 || size < 1 || address + size > 2 ** 32)
      return false;
    const c = this.get(ctx);
    if (this.securityMonitor?.isProtected(address, size)) return false;
    // AccessKind's Read/Write/Execute bits are PMP's R/W/X bits.
    return c.checker.allows(address, size, kind, PrivilegeMode.User);
  }

  /**
   * Loads `ctx`'s PMP layout into the hart (entries after the locked ones; all OFF for
   * `null`, which leaves U mode no access). Cheap when `ctx` is already loaded, and free for a
   * context marked as not running on the hart (the hart keeps the layout it has, which matters
   * to nobody while no code runs on it).
   */
  switchTo(ctx: ContextId | null): void {
    if (ctx !== null && (ctx === this.active || this.offHart.has(ctx))) return;
    const layout = ctx === null ? this.emptyLayout : this.get(ctx).layout;
    this.load(layout);
    this.active = ctx;
  }

  /**
   * Tells the port whether `ctx`'s code runs on the hart (machine code, the default) or not (a
   * host task, whose accesses `checkAccess` decides from its own layout). The runner marks
   * host tasks, so that a machine-code client and a host server alternating never reload PMP.
   */
  setRunsOnHart(ctx: ContextId, runs: boolean): void {
    this.get(ctx);
    if (runs) this.offHart.delete(ctx);
    else this.offHart.add(ctx);
  }

  /** The context whose layout the hart's PMP holds, or null. */
  get activeContext(): ContextId | null {
    return this.active;
  }

  // ---- Security monitor ----

  /**
   * Puts a security monitor on the hart's lowest PMP entries (see {@link SecurityMonitor}) and
   * solves every thread's layout again after them. Its memory must already be RAM on the bus.
   * @throws RiscvError `enclave-bad-state` when a monitor is attached or the port locks kernel
   * regions (the monitor needs entry 0); the monitor's own errors
   */
  attachSecurityMonitor(options: Omit<SecurityMonitorOptions, 'hart'>): SecurityMonitor {
    if (this.securityMonitor !== null || this.lockedEntries > 0) {
      throw new RiscvError(
        'enclave-bad-state',
        this.securityMonitor !== null
          ? 'a security monitor is already attached'
          : 'a port with locked kernel regions cannot take a security monitor: it needs PMP entry 0',
      );
    }
    const monitor = new SecurityMonitor({ ...options, hart: this.hart });
    this.securityMonitor = monitor;
    this.emptyLayout = this.solve([]);
    const active = this.active;
    this.contexts.forEach((c, id) => {
      if (c) this.setMemoryMap(id as ContextId, c.grants);
    });
    this.active = null;
    this.switchTo(active);
    return monitor;
  }

  /** The attached security monitor, or null. */
  get monitor(): SecurityMonitor | null {
    return this.securityMonitor;
  }

  private solve(grants: readonly MemoryGrant[]): PmpLayout {
    const pmp = this.hart.pmp;
    const m = this.securityMonitor;
    const locked = this.lockedEntries;
    const reservedRanges = this.lockedRegions.map((r) => ({ start: r.base, end: r.base + r.size }));
    if (m) reservedRanges.push({ start: m.memory.base, end: m.memory.base + m.memory.size });
    return solvePmp(grantsToPmpRegions(grants), {
      entryCount: pmp.entryCount,
      granularity: pmp.granularity,
      reserved: m ? m.firstOsEntry : locked,
      reservedRanges,
      // Never chain a TOR onto a monitor guard's pmpaddr: guards change as enclaves come and go.
      predecessorAddress: m ? 0xffff_ffff : locked > 0 ? pmp.readAddr(locked - 1) : 0,
    });
  }

  private load(layout: PmpLayout): void {
    if (this.securityMonitor) this.securityMonitor.setOsLayout(layout);
    else applyPmpLayout(this.hart.pmp, layout);
  }

  // ---- Timer ----

  /**
   * Arms the CLINT's mtimecmp for an absolute deadline in ticks (mtime counts kernel ticks), or
   * disarms it. One-shot: the runner disarms it when the interrupt is taken.
   */
  setTimer(deadline: number | null): void {
    this.timerDeadline = deadline;
    if (deadline === null) this.clint.disarm(0);
    else this.clint.setMtimecmp(0, BigInt(Math.max(0, Math.floor(deadline))));
  }

  private slotRegister(slot: number): number {
    const r = this.convention.argumentRegisters[slot];
    if (r === undefined) {
      throw new RiscvError('invalid-argument', `syscall slots are 0..6, got ${slot}`);
    }
    return r;
  }

  private get(ctx: ContextId): ThreadContext {
    const c = this.contexts[ctx];
    if (c === undefined) {
      throw new RiscvError('invalid-argument', `context ${ctx} does not exist (destroyed?)`);
    }
    return c;
  }
}
