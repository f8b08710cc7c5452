// RiscvPort: the `ArchPort` of `@k5/kernel` on the RISC-V models of this package. It owns one
// reference hart with its memory bus, CLINT and PLIC, and every thread's context as a trap
// frame (x1..x31 and pc, indices as in `@k5/abi`'s riscv convention: x0..x31 then pc at 32).
// A thread's memory map is solved into PMP entries after the locked kernel entries when it
// changes and kept in a per-thread shadow PMP register file: `checkAccess` asks the real PMP
// checker about that file in U mode, and `switchTo` loads the layout into the hart's PMP when
// the thread is about to run. With a security monitor attached, the monitor owns the lowest
// entries (its locked memory and one guard per enclave), thread layouts come after them, and
// no thread's access check or layout reaches monitor or enclave memory whatever its grants.
// The kernel's enclaves (addEnclave, setEnclave) become monitor enclaves: a thread that joins
// one keeps its registers in a monitor save area instead of a host-side frame, runs under a
// view with its enclave's guard open, and leaves the hart scrubbed whenever it stops. Relies on the hart, PMP, CLINT and PLIC models, the security monitor,
// and on `@k5/kernel`'s port contract and `@k5/abi`'s conventions.

import { SYSCALL_CONVENTIONS, type SyscallConvention } from '@k5/abi';
import type {
  AccessKind,
  ArchPort,
  ContextId,
  EnclaveDomain,
  MemoryGrant,
  PhysicalMemory,
} from '@k5/kernel';
import { CLINT_DEFAULT_BASE, CLINT_SIZE, Clint } from '../clint';
import { CSR_MCAUSE, CSR_MEPC, CSR_MIE, CSR_MTVAL, MIP_MEIP, MIP_MTIP } from '../csr';
import { SecurityMonitor, type SecurityMonitorOptions } from '../enclave/security-monitor';
import type { EnclaveId, NapotBlock } from '../enclave/types';
import { RiscvError } from '../errors';
import { Hart } from '../hart/hart';
import { MemoryBus } from '../hart/memory';
import { PmpChecker } from '../pmp/checker';
import { describePmp, type PmpEntryDescription } from '../pmp/describe';
import { type PmpOptions, PmpRegisters } from '../pmp/registers';
import { applyPmpLayout, type PmpLayout, type PmpRegion, solvePmp } from '../pmp/solver';
import { PLIC_DEFAULT_BASE, PLIC_SIZE, Plic } from '../plic';
import { PrivilegeMode } from '../trap';
import { TrapFrame } from '../trap-frame';
import { enclaveRefusal } from './enclave-refusal';
import { PlicInterruptController } from './interrupts';
import { grantsToPmpRegions, lockKernelRegions } from './memory-map';

/** Register index of the pc in a RISC-V context (after x0..x31). */
const PC_INDEX = 32;
const REGISTER_COUNT = 33;
const CLEAR = new Uint32Array(32);

/**
 * Where a {@link RiscvPort} puts its security monitor's memory when the first enclave arrives
 * and none was configured: the 4 KiB just below the kernel's default RAM (`0x2000_0000`).
 */
export const DEFAULT_MONITOR_MEMORY: NapotBlock = { base: 0x1fff_f000, size: 0x1000 };
/** Enclaves a {@link RiscvPort}'s monitor holds at once unless configured: one guard entry each. */
export const DEFAULT_MAX_ENCLAVES = 4;

/** The security monitor a {@link RiscvPort} creates for the kernel's enclaves. */
export interface RiscvMonitorOptions {
  /** Its memory, RAM the port adds to its bus (default {@link DEFAULT_MONITOR_MEMORY}). */
  readonly memory?: NapotBlock;
  /** Enclaves at once, one guard PMP entry each (default {@link DEFAULT_MAX_ENCLAVES}). */
  readonly maxEnclaves?: number;
}

/** Options of a {@link RiscvPort}. */
export interface RiscvPortOptions {
  /** PMP entries and granularity of the hart (default 16 entries, G = 0). */
  pmp?: PmpOptions;
  /**
   * Regions the kernel keeps for itself in locked PMP entries 0.. (naturally aligned powers
   * of two; locked entries bind M mode too). Thread layouts are solved after them and may not
   * overlap them. Default: none. A port that locks regions cannot hold enclaves.
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
  /**
   * A security monitor to create with the port (its memory becomes RAM on the bus). Default:
   * none until the kernel adds its first enclave, which creates one with the defaults.
   */
  securityMonitor?: RiscvMonitorOptions;
}

/** What the hart left behind when a thread stopped on it (see {@link RiscvPort.saveFromHart}). */
export interface HartExit {
  /** Whether it stopped on a trap (otherwise the cycle budget ran out or it waits in WFI). */
  readonly trapped: boolean;
  /** mcause of the trap (0 without one). */
  readonly mcause: number;
  /** mtval of the trap (0 without one). */
  readonly mtval: number;
}

/** A thread's membership in a kernel enclave. */
interface EnclaveMembership {
  readonly domainId: number;
  readonly monitorId: EnclaveId;
  readonly memory: NapotBlock;
  /** Its register save area in monitor memory. */
  readonly frameAddress: number;
}

interface ThreadContext {
  /** Registers of a thread outside enclaves (an enclave thread's live in monitor memory). */
  readonly frame: TrapFrame;
  /** The PMP registers the thread runs under (kernel or monitor entries, then its layout). */
  readonly shadow: PmpRegisters;
  readonly checker: PmpChecker;
  grants: readonly MemoryGrant[];
  layout: PmpLayout;
  error: RiscvError | null;
  enclave: EnclaveMembership | null;
  /** The monitor generation `shadow` mirrors (-1: none yet). */
  shadowGeneration: number;
}

/** A kernel enclave as the port enforces it. */
interface PortEnclave {
  readonly domain: EnclaveDomain;
  readonly monitorId: EnclaveId;
}

/**
 * The RISC-V `ArchPort`: ecall ABI (number in a7, slots a0..a6), trap-frame contexts, PMP per
 * thread, CLINT one-shot timer and PLIC interrupt masking, over a reference {@link Hart}, and
 * the kernel's enclaves on a Keystone-like {@link SecurityMonitor}.
 *
 * @remarks
 * The kernel calls {@link RiscvPort.switchTo} at the end of every kernel entry; whoever runs
 * threads (the {@link MachineCodeRunner}) moves a thread's registers on and off the hart with
 * {@link RiscvPort.loadOnHart} and {@link RiscvPort.saveFromHart}. `checkAccess` does not
 * depend on which thread is loaded: it consults the thread's own PMP view.
 */
export class RiscvPort implements ArchPort {
  /** `@k5/abi`'s riscv convention. */
  readonly convention: SyscallConvention = SYSCALL_CONVENTIONS.riscv;
  /** x0..x31 and pc. */
  readonly registerCount = REGISTER_COUNT;
  /** Enclave measurements name RV32; the kernel's enclaves are monitor enclaves here. */
  readonly enclaveArch = 'riscv32' as const;
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
  private readonly monitorOptions: RiscvMonitorOptions;
  private readonly enclaves = new Map<number, PortEnclave>();
  private readonly onMemoryMapError: ((ctx: ContextId, error: RiscvError) => void) | undefined;
  private active: ContextId | null = null;
  /** Contexts whose code never runs on the hart (host tasks): switching to them loads nothing. */
  private readonly offHart = new Set<ContextId>();
  /** Scratch frame for moving an enclave thread's registers between hart and monitor memory. */
  private readonly scratch = new TrapFrame();

  /** @param options - PMP shape, locked kernel regions, PLIC size, tick rate, monitor */
  constructor(options: RiscvPortOptions = {}) {
    this.pmpOptions = {
      entries: options.pmp?.entries ?? 16,
      granularity: options.pmp?.granularity ?? 0,
    };
    this.lockedRegions = options.lockedRegions ?? [];
    this.onMemoryMapError = options.onMemoryMapError;
    this.monitorOptions = options.securityMonitor ?? {};
    this.bus = new MemoryBus();
    this.hart = new Hart({ bus: this.bus, pmp: this.pmpOptions, stopOnTrap: true });
    this.lockedEntries = lockKernelRegions(this.hart.pmp, this.lockedRegions);
    this.emptyLayout = this.solve([], null);
    this.cyclesPerTick = options.cyclesPerTick ?? 1;
    this.clint = new Clint({ harts: [this.hart], cyclesPerTick: this.cyclesPerTick });
    this.bus.addDevice(CLINT_DEFAULT_BASE, CLINT_SIZE, this.clint, 'clint');
    this.hart.attachClock(this.clint);
    this.plic = new Plic({ sources: options.plicSources ?? 32, contexts: [{ target: this.hart }] });
    this.bus.addDevice(PLIC_DEFAULT_BASE, PLIC_SIZE, this.plic, 'plic');
    this.interrupts = new PlicInterruptController(this.plic);
    // Timer and external interrupts reach the hart; in U mode they are taken whatever MIE says.
    this.hart.writeCsr(CSR_MIE, MIP_MTIP | MIP_MEIP);
    if (options.securityMonitor) this.createMonitor();
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
    const c: ThreadContext = {
      frame: new TrapFrame(),
      shadow,
      checker: new PmpChecker(shadow),
      grants: [],
      layout: this.emptyLayout,
      error: null,
      enclave: null,
      shadowGeneration: -1,
    };
    this.contexts[id] = c;
    this.writeShadow(c);
    return id as ContextId;
  }

  /**
   * Releases a context (its id is reused); unloads its PMP layout if it was loaded, and wipes
   * and frees its save area if it was an enclave thread.
   */
  destroyContext(ctx: ContextId): void {
    const c = this.get(ctx);
    if (this.active === ctx) this.switchTo(null);
    if (c.enclave) this.requireMonitor().threadFrames.release(c.enclave.frameAddress);
    this.offHart.delete(ctx);
    this.contexts[ctx] = undefined;
    this.free.push(ctx);
  }

  /**
   * The saved trap frame of a thread outside enclaves.
   * @throws RiscvError `enclave-bad-state` for an enclave thread, whose registers live in
   * monitor memory (use {@link RiscvPort.readRegister} or {@link RiscvPort.loadOnHart})
   */
  frame(ctx: ContextId): TrapFrame {
    const c = this.get(ctx);
    if (c.enclave) {
      throw new RiscvError(
        'enclave-bad-state',
        `context ${ctx} is a thread of enclave ${c.enclave.domainId}: its registers live in the security monitor's memory`,
      );
    }
    return c.frame;
  }

  /** Reads x`index` (0..31) or the pc (32): the kernel's view, enclave threads included. */
  readRegister(ctx: ContextId, index: number): number {
    const c = this.get(ctx);
    checkRegisterIndex(index);
    if (c.enclave)
      return this.requireMonitor().threadFrames.readRegister(c.enclave.frameAddress, index);
    if (index === PC_INDEX) return c.frame.pc >>> 0;
    return c.frame.get(index);
  }

  /** Writes x`index` (0..31; x0 stays 0) or the pc (32), truncated to 32 bits. */
  writeRegister(ctx: ContextId, index: number, value: number): void {
    const c = this.get(ctx);
    checkRegisterIndex(index);
    if (c.enclave) {
      this.requireMonitor().threadFrames.writeRegister(c.enclave.frameAddress, index, value);
    } else if (index === PC_INDEX) c.frame.pc = value >>> 0;
    else c.frame.set(index, value >>> 0);
  }

  /** a7 of a thread that executed ecall. */
  syscallNumber(ctx: ContextId): number {
    return this.readRegister(ctx, this.convention.numberRegister);
  }

  /** Slot `slot` (0..6): a0..a6. */
  argument(ctx: ContextId, slot: number): number {
    return this.readRegister(ctx, this.slotRegister(slot));
  }

  /** Writes result slot `slot` (0..6): a0..a6. */
  setResult(ctx: ContextId, slot: number, value: number): void {
    this.writeRegister(ctx, this.slotRegister(slot), value);
  }

  // ---- Running on the hart ----

  /**
   * Loads `ctx`'s registers into the hart and returns to U mode at its pc (mret), as the
   * M-mode trap handler does when it resumes a thread. Call {@link RiscvPort.switchTo} first.
   */
  loadOnHart(ctx: ContextId): void {
    const c = this.get(ctx);
    if (c.enclave === null) {
      c.frame.resume(this.hart);
      return;
    }
    // Never an enclave's registers under another thread's PMP view.
    if (this.active !== ctx) this.switchTo(ctx);
    const frames = this.requireMonitor().threadFrames;
    const frame = frames.read(c.enclave.frameAddress);
    frame.resume(this.hart);
    frame.x.fill(0);
  }

  /**
   * Saves the registers of `ctx`, which just stopped on the hart: after a trap (`trapped`) its
   * registers, mepc and mstatus.MPP; otherwise (budget spent, WFI) its live registers and pc.
   * An enclave thread's go to its save area in monitor memory, and the hart is scrubbed before
   * anything else runs: every register, mepc and mtval zeroed, the pc moved off its code.
   * @returns the trap's mcause and mtval, read before the scrub (the trusted kernel's view)
   */
  saveFromHart(ctx: ContextId, trapped: boolean): HartExit {
    const c = this.get(ctx);
    const hart = this.hart;
    const exit: HartExit = {
      trapped,
      mcause: trapped ? hart.readCsr(CSR_MCAUSE) : 0,
      mtval: trapped ? hart.readCsr(CSR_MTVAL) : 0,
    };
    const frame = c.enclave ? this.scratch : c.frame;
    if (trapped) frame.capture(hart);
    else {
      hart.saveRegisters(frame.x);
      frame.x[0] = 0;
      frame.pc = hart.pc;
    }
    if (c.enclave) {
      this.requireMonitor().threadFrames.write(c.enclave.frameAddress, frame);
      frame.x.fill(0);
      frame.pc = 0;
      scrubHart(hart);
    }
    return exit;
  }

  // ---- Memory protection ----

  /**
   * Solves `grants` into PMP entries after the locked or monitor ones. A map PMP cannot express
   * leaves the thread with no access at all and records the error (see
   * {@link RiscvPort.memoryMapError}); it does not throw, because the kernel calls this in the
   * middle of a syscall that has already changed its state. An enclave thread's grants inside
   * its own enclave need no entry: its enclave's guard opens that memory.
   */
  setMemoryMap(ctx: ContextId, grants: readonly MemoryGrant[]): void {
    const c = this.get(ctx);
    c.grants = grants;
    try {
      c.layout = this.solve(grants, c.enclave);
      c.error = null;
    } catch (e) {
      if (!(e instanceof RiscvError)) throw e;
      c.layout = this.emptyLayout;
      c.error = e;
      this.onMemoryMapError?.(ctx, e);
    }
    this.writeShadow(c);
    if (this.active === ctx) this.load(c);
  }

  /** Why the last memory map of `ctx` could not be expressed, or null. */
  memoryMapError(ctx: ContextId): RiscvError | null {
    return this.get(ctx).error;
  }

  /** The PMP layout solved for `ctx` (the entries after the locked or monitor ones). */
  pmpLayout(ctx: ContextId): PmpLayout {
    return this.get(ctx).layout;
  }

  /**
   * The PMP entries `ctx` runs under (locked kernel entries or the monitor's, then its layout),
   * one description per active entry.
   */
  describePmp(ctx: ContextId): PmpEntryDescription[] {
    return describePmp(this.shadowOf(this.get(ctx)));
  }

  /** The grants last installed for `ctx`. */
  memoryMap(ctx: ContextId): readonly MemoryGrant[] {
    return this.get(ctx).grants;
  }

  /**
   * Whether `ctx` in U mode may make the access under the PMP it runs under (the locked
   * kernel entries, or the monitor's entry and enclave guards, then its layout), as the PMP
   * checker decides it; independent of which layout is loaded. Outside an enclave, no access
   * touching enclave or monitor memory is allowed, whatever the thread's grants.
   */
  checkAccess(ctx: ContextId, address: number, size: number, kind: AccessKind): boolean {
    if (!Number.isInteger(address) || address < 0 || size < 1 || address + size > 2 ** 32)
      return false;
    const c = this.get(ctx);
    this.shadowOf(c);
    // AccessKind's Read/Write/Execute bits are PMP's R/W/X bits.
    return c.checker.allows(address, size, kind, PrivilegeMode.User);
  }

  /**
   * Loads `ctx`'s PMP view into the hart (entries after the locked ones, or through the monitor
   * with its enclave's guard open for an enclave thread and every guard closed otherwise; all
   * OFF for `null`, which leaves U mode no access). Cheap when `ctx` is already loaded. A
   * context marked as not running on the hart loads nothing, except that an enclave view left
   * open is closed first.
   */
  switchTo(ctx: ContextId | null): void {
    if (ctx !== null && this.offHart.has(ctx)) {
      const open = this.active === null ? null : this.contexts[this.active];
      if (open?.enclave) this.switchTo(null);
      return;
    }
    if (ctx !== null && ctx === this.active) return;
    this.load(ctx === null ? null : this.get(ctx));
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

  // ---- Enclaves ----

  /**
   * The kernel loaded enclave `domain`: the monitor takes its memory as it is (the kernel
   * copied and measured the image) and closes a guard entry over it, so no context outside it
   * reaches that memory from now on, whatever its layout. Creates the monitor with
   * {@link RiscvPortOptions.securityMonitor}'s settings (or the defaults) when there is none.
   * @throws RiscvError `enclave-invalid-layout` when the memory is not one NAPOT block of RAM or
   * overlaps another enclave or the monitor, or an entry is outside it;
   * `enclave-out-of-resources` when every guard entry is taken; `enclave-bad-state` for an id
   * already added or a port that locks kernel regions
   */
  addEnclave(domain: EnclaveDomain): void {
    const refusal = this.enclaveRefusal(domain);
    if (refusal) throw refusal;
    const monitor = this.securityMonitor ?? this.createMonitor();
    const monitorId = monitor.createEnclave({
      name: `enclave ${domain.id}`,
      memory: { base: domain.base, size: domain.size },
      entryPoints: domain.entries,
    });
    this.enclaves.set(domain.id, { domain, monitorId });
  }

  /**
   * Why {@link RiscvPort.addEnclave} would refuse `domain`, or null: the same checks, nothing
   * changed (a kernel can ask before it commits to loading the enclave).
   */
  enclaveRefusal(domain: EnclaveDomain): RiscvError | null {
    const m = this.securityMonitor;
    return enclaveRefusal(domain, {
      added: [...this.enclaves.values()].map((e) => e.domain),
      lockedEntries: this.lockedEntries,
      pmp: this.hart.pmp,
      bus: this.bus,
      monitorMemory: m?.memory ?? this.monitorOptions.memory ?? DEFAULT_MONITOR_MEMORY,
      maxEnclaves: m
        ? m.firstOsEntry - 1
        : (this.monitorOptions.maxEnclaves ?? DEFAULT_MAX_ENCLAVES),
    });
  }

  /**
   * Enclave `id` was destroyed: threads still in it leave it (registers wiped), the monitor
   * zeroes its memory and frees its guard entry, and the memory is ordinary again.
   * @throws RiscvError `invalid-argument` for an id not added
   */
  removeEnclave(id: number): void {
    const e = this.enclaves.get(id);
    if (e === undefined) throw new RiscvError('invalid-argument', `enclave ${id} was not added`);
    this.contexts.forEach((c, ctx) => {
      if (c?.enclave?.domainId === id) this.setEnclave(ctx as ContextId, null);
    });
    this.requireMonitor().destroyEnclave(e.monitorId);
    this.enclaves.delete(id);
  }

  /**
   * `ctx` joins enclave `domain` (added before) or, with `null`, leaves the one it is in. On
   * joining, its registers move into a save area in monitor memory (the host-side frame is
   * zeroed) and its layout is solved again without the enclave's own memory (its guard opens
   * that). On leaving, the save area is wiped and freed and the thread's registers start from
   * zero: nothing of the enclave's state follows it out.
   * @throws RiscvError `enclave-bad-state` for an enclave not added;
   * `enclave-out-of-resources` when the monitor has no save area left
   */
  setEnclave(ctx: ContextId, domain: EnclaveDomain | null): void {
    const c = this.get(ctx);
    if (c.enclave?.domainId === domain?.id || (c.enclave === null && domain === null)) return;
    const target = domain === null ? null : this.enclaves.get(domain.id);
    if (target === undefined) {
      throw new RiscvError(
        'enclave-bad-state',
        `enclave ${domain?.id} must be added before threads join it`,
      );
    }
    const monitor = this.requireMonitor();
    // Reserve the new save area first: a refusal changes nothing.
    const frameAddress =
      target && monitor.threadFrames.allocate(`context ${ctx} joining enclave ${target.domain.id}`);
    if (c.enclave) {
      monitor.threadFrames.release(c.enclave.frameAddress);
      c.enclave = null;
    }
    if (target && frameAddress !== null) {
      monitor.threadFrames.write(frameAddress, c.frame);
      c.enclave = {
        domainId: target.domain.id,
        monitorId: target.monitorId,
        memory: { base: target.domain.base, size: target.domain.size },
        frameAddress,
      };
    }
    c.frame.x.fill(0);
    c.frame.pc = 0;
    this.setMemoryMap(ctx, c.grants);
  }

  /** The kernel enclave `ctx` is a thread of, or null. */
  enclaveOf(ctx: ContextId): number | null {
    return this.get(ctx).enclave?.domainId ?? null;
  }

  /** Where the monitor keeps `ctx`'s registers, or null outside enclaves. */
  enclaveSaveArea(ctx: ContextId): number | null {
    return this.get(ctx).enclave?.frameAddress ?? null;
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
    this.emptyLayout = this.solve([], null);
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

  private createMonitor(): SecurityMonitor {
    const memory = this.monitorOptions.memory ?? DEFAULT_MONITOR_MEMORY;
    if (this.bus.ramAt(memory.base) === undefined) {
      this.bus.addRam(memory.base, memory.size, 'security-monitor');
    }
    return this.attachSecurityMonitor({
      memory,
      maxEnclaves: this.monitorOptions.maxEnclaves ?? DEFAULT_MAX_ENCLAVES,
    });
  }

  private requireMonitor(): SecurityMonitor {
    const m = this.securityMonitor;
    if (m === null) throw new RiscvError('enclave-bad-state', 'the port has no security monitor');
    return m;
  }

  private solve(grants: readonly MemoryGrant[], enclave: EnclaveMembership | null): PmpLayout {
    const pmp = this.hart.pmp;
    const m = this.securityMonitor;
    const locked = this.lockedEntries;
    const reservedRanges = this.lockedRegions.map((r) => ({ start: r.base, end: r.base + r.size }));
    if (m) reservedRanges.push({ start: m.memory.base, end: m.memory.base + m.memory.size });
    const own = enclave?.memory;
    const outside = own
      ? grants.filter((g) => g.base < own.base || g.base + g.size > own.base + own.size)
      : grants;
    return solvePmp(grantsToPmpRegions(outside), {
      entryCount: pmp.entryCount,
      granularity: pmp.granularity,
      reserved: m ? m.firstOsEntry : locked,
      reservedRanges,
      // Never chain a TOR onto a monitor guard's pmpaddr: guards change as enclaves come and go.
      predecessorAddress: m ? 0xffff_ffff : locked > 0 ? pmp.readAddr(locked - 1) : 0,
    });
  }

  /** The thread's shadow, brought up to date with the monitor's guards. */
  private shadowOf(c: ThreadContext): PmpRegisters {
    const m = this.securityMonitor;
    if (m && c.shadowGeneration !== m.generation) this.writeShadow(c);
    return c.shadow;
  }

  private writeShadow(c: ThreadContext): void {
    const m = this.securityMonitor;
    if (m) {
      m.mirrorThreadView(c.shadow, c.enclave?.monitorId ?? null, c.layout);
      c.shadowGeneration = m.generation;
    } else applyPmpLayout(c.shadow, c.layout);
  }

  private load(c: ThreadContext | null): void {
    const layout = c?.layout ?? this.emptyLayout;
    if (this.securityMonitor) {
      this.securityMonitor.setThreadView(c?.enclave?.monitorId ?? null, layout);
    } else applyPmpLayout(this.hart.pmp, layout);
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

function checkRegisterIndex(index: number): void {
  if (!Number.isInteger(index) || index < 0 || index > PC_INDEX) {
    throw new RiscvError(
      'invalid-argument',
      `register index must be 0..32 (x0..x31, pc), got ${index}`,
    );
  }
}

/** Leaves nothing of the thread that stopped on the hart: registers, mepc, mtval, pc. */
function scrubHart(hart: Hart): void {
  hart.loadRegisters(CLEAR);
  hart.writeCsr(CSR_MEPC, 0);
  hart.writeCsr(CSR_MTVAL, 0);
  hart.pc = 0;
  hart.mode = PrivilegeMode.Machine;
}
