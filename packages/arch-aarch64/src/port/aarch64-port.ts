// Aarch64Port: the kernel's ArchPort on the AArch64 models. It owns every thread's saved EL0
// context (registers.ts), one address space per thread (its own translation tables and ASID),
// the MMU with its ASID-tagged TLB, a GICv3 and the generic timer. Phases of its work:
// - syscalls: number and slots from @k5/abi's SYSCALL_CONVENTIONS.aarch64 (x7, x0-x6);
// - memory maps: grants → identity mappings (memory-map.ts) → PageTableBuilder edits, unmapping
//   first with TLBI for the thread's live ASID (break-before-make), then mapping;
// - switches: TTBR0_EL1 = (thread ASID, thread tables), never a TLB flush; the ASID allocator
//   flushes once per generation roll-over when ASIDs run out (see asid.ts);
// - access checks: the MMU translates (TLB, then walk) with EL0 permissions;
// - timer: CNTP_CVAL_EL0 and CNTP_CTL_EL0; interrupts: GIC SPI enable/disable, and the IRQ
//   exception path (irq-entry.ts) into kernel.interrupt / kernel.timerInterrupt;
// - device windows (devices.ts): grants there map as Device-nGnRE, execute-never.
// The kernel ends every entry with switchTo(ctx | null) (CONTRACT.md); the port also installs a
// thread's space when it traps (syscallNumber) or when its memory is checked (the kernel checks
// lease memory of a thread that is not running), so kernels and simulators that never call
// switchTo still translate with the right tables.
// Relies on the mmu/, gic/, asid, address-space, timer units and @k5/kernel's ArchPort.

import { SYSCALL_CONVENTIONS, type SyscallConvention } from '@k5/abi';
import {
  type ArchPort,
  type ContextId,
  type InterruptController,
  AccessKind as KernelAccessKind,
  type MemoryGrant,
} from '@k5/kernel';
import { AddressSpace } from '../address-space';
import { AsidAllocator } from '../asid';
import type { Aarch64Cpu } from '../context';
import { Aarch64Error } from '../errors';
import { abortSyndrome, encodeEsr } from '../esr';
import { Gic } from '../gic/gic';
import { GICD_ISENABLER } from '../gic/distributor';
import { SPI_BASE, TimerPpi } from '../gic/state';
import { type PhysicalMemory, SparseMemory } from '../memory';
import { FramePool, type TlbMaintenance } from '../mmu/builder';
import { AccessPermission } from '../mmu/descriptors';
import { AccessKind, type MmuFault } from '../mmu/fault';
import { encodeMair, MAIR_DEVICE_nGnRE, MAIR_NORMAL_WB } from '../mmu/mair';
import { Mmu } from '../mmu/mmu';
import { DEFAULT_TCR, type TcrFields } from '../mmu/tcr';
import { CNTP_CTL_ENABLE, GenericTimer } from '../timer';
import { advanceClock, type KernelClock, syncCounter } from './clock';
import { checkDeviceWindows, type DeviceWindow, type TypedMapping, typeMappings } from './devices';
import {
  grantsAllow,
  PAGE_SIZE,
  type PlannedMapping,
  planMemoryMap,
  type RefinedRange,
  touchesRefined,
} from './memory-map';
import {
  deactivateLine,
  type InterruptEntries,
  type TakenInterrupt,
  takeInterrupts,
} from './irq-entry';
import { CONTEXT_REGISTERS, RegisterContexts } from './registers';

/** Default base of the page-table pool: 1 GiB, outside the kernel's default RAM. */
export const DEFAULT_TABLE_BASE = 0x4000_0000;
/** Default number of 4 KiB page-table frames (4 MiB). */
export const DEFAULT_TABLE_FRAMES = 1024;
/** MAIR_EL1 index of Normal write-back memory, used for every task mapping. */
export const ATTR_NORMAL = 0;
/** MAIR_EL1 index of Device-nGnRE memory, used for mappings inside a device window. */
export const ATTR_DEVICE = 1;
/** GIC priority given to every SPI the kernel can unmask. */
export const SPI_PRIORITY = 0xa0;
/** GIC priority of the timer PPI (above every SPI, so deadlines are not starved). */
export const TIMER_PRIORITY = 0x80;

/**
 * TCR_EL1 of the port: the defaults with T0SZ = 32. K5 addresses are 32-bit words, so a 4 GiB
 * TTBR0 range covers every task address and walks start at level 1: one table fewer per thread
 * than a 48-bit range.
 */
export const PORT_TCR: Readonly<TcrFields> = Object.freeze({ ...DEFAULT_TCR, t0sz: 32 });

/** Options of {@link Aarch64Port}. */
export interface Aarch64PortOptions {
  /** Physical memory the tables live in and the MMU walks (default a new SparseMemory). */
  memory?: PhysicalMemory;
  /**
   * First byte of the page-table pool, 4 KiB aligned (default {@link DEFAULT_TABLE_BASE}). The
   * pool must be RAM that no task can map: keep it outside the kernel's memory
   * (`bootSystem`'s memoryBase/memorySize), which is all handed out as untyped.
   */
  tableBase?: number;
  /** 4 KiB frames in the pool (default {@link DEFAULT_TABLE_FRAMES}). */
  tableFrames?: number;
  /** TCR_EL1.AS: 8- or 16-bit ASIDs (default 16). */
  asidBits?: 8 | 16;
  /** Use only ASIDs 1..asidLimit (to show roll-overs with few ASIDs). */
  asidLimit?: number;
  /** TLB entries (default 1024). */
  tlbCapacity?: number;
  /** SPIs of the GIC, a multiple of 32 (default 64): the kernel's interrupt lines. */
  spiCount?: number;
  /** CNTFRQ_EL0 in Hz (default 62.5 MHz). */
  timerFrequency?: number;
  /**
   * Physical ranges that are device registers (MMIO): grants there map as Device-nGnRE and
   * execute-never instead of Normal memory. Page aligned, disjoint.
   */
  devices?: readonly DeviceWindow[];
}

/** The last access {@link Aarch64Port.checkAccess} refused, as the hardware would report it. */
export interface PortFault {
  /** The thread. */
  readonly context: ContextId;
  /** FAR_EL1: the first address that faulted. */
  readonly address: number;
  /** What the thread tried (the kernel's AccessKind). */
  readonly access: KernelAccessKind;
  /**
   * The MMU fault (kind, level, DFSC/IFSC), or null when the page tables allowed the access but
   * a sub-page or write-only grant did not (a check the port adds above the MMU).
   */
  readonly fault: MmuFault | null;
  /** ESR_EL1 of the abort from EL0 (0 when `fault` is null). */
  readonly esr: number;
}

/** Port statistics besides the MMU's and TLB's own counters. */
export interface PortCounters {
  /** Address-space switches (TTBR0_EL1 writes for another thread). */
  switches: number;
  /** Switches to the idle table (the kernel had no thread to run). */
  idleSwitches: number;
  /** Syscall entries seen. */
  syscalls: number;
  /** Accesses refused. */
  faults: number;
  /** Mappings installed by setMemoryMap. */
  mapped: number;
  /** Mappings removed (each with break-before-make TLB maintenance). */
  unmapped: number;
}

interface Thread {
  space: AddressSpace;
  grants: readonly MemoryGrant[];
  plan: ThreadPlan;
}

/** What is in a thread's tables: typed mappings, and pages that need the exact grant check. */
interface ThreadPlan {
  readonly mappings: readonly TypedMapping[];
  readonly refined: readonly RefinedRange[];
}

const ACCESS_BITS = [KernelAccessKind.Read, KernelAccessKind.Write, KernelAccessKind.Execute];
const ACCESS_BITS_MASK = KernelAccessKind.Read | KernelAccessKind.Write | KernelAccessKind.Execute;

/** TLB maintenance that is not needed (the space's ASID is released right after). */
const NO_TLBI: TlbMaintenance = { tlbi: () => {} };

/**
 * The AArch64 ArchPort. Pass it to `bootSystem({ port })` or `createKernel({ port })`.
 * A simulator that runs machine code moves contexts with {@link Aarch64Port.saveFrom} and
 * {@link Aarch64Port.resumeOn}.
 */
export class Aarch64Port implements ArchPort {
  /** `SYSCALL_CONVENTIONS.aarch64`: number in x7, slots x0-x6. */
  readonly convention: SyscallConvention = SYSCALL_CONVENTIONS.aarch64;
  /** x0-x30, SP_EL0, ELR_EL1, SPSR_EL1. */
  readonly registerCount = CONTEXT_REGISTERS;
  /** The MMU (TTBR0_EL1, TCR_EL1, MAIR_EL1) with its TLB. */
  readonly mmu: Mmu;
  /** The ASID allocator shared by every thread's address space. */
  readonly asids: AsidAllocator;
  /** The page-table frame pool. */
  readonly tables: FramePool;
  /** Physical memory of the tables. */
  readonly memory: PhysicalMemory;
  /** The interrupt controller. */
  readonly gic: Gic;
  /** The EL1 physical timer on PPI 30: the kernel's deadline source. */
  readonly timer: GenericTimer;
  /** Kernel interrupt line n is GIC SPI INTID 32 + n. */
  readonly interrupts: InterruptController;
  /** Statistics. */
  readonly counters: PortCounters = {
    switches: 0,
    idleSwitches: 0,
    syscalls: 0,
    faults: 0,
    mapped: 0,
    unmapped: 0,
  };
  /** The last refused access, or null. */
  lastFault: PortFault | null = null;
  /** Device windows (sorted): mapped Device-nGnRE, execute-never. */
  readonly devices: readonly DeviceWindow[];
  private readonly regs = new RegisterContexts();
  /** SPIs handed to the kernel and not deactivated yet (the handler has not acked). */
  private readonly awaitingAck = new Set<number>();
  private readonly threads: (Thread | undefined)[] = [];
  private readonly free: number[] = [];
  private next = 0;
  private active = -1;
  /** The idle tables: an empty level-1 table under the reserved ASID 0. */
  private readonly idleRoot: number;

  /** @param options - table pool, ASIDs, TLB, GIC and timer settings */
  constructor(options: Aarch64PortOptions = {}) {
    this.memory = options.memory ?? new SparseMemory();
    this.devices = checkDeviceWindows(options.devices ?? []);
    const frames = options.tableFrames ?? DEFAULT_TABLE_FRAMES;
    if (!Number.isInteger(frames) || frames < 2) {
      throw new Aarch64Error(
        'out-of-range',
        `tableFrames must be an integer >= 2 (the idle table and one thread's root), got ${frames}`,
      );
    }
    this.tables = new FramePool(options.tableBase ?? DEFAULT_TABLE_BASE, frames);
    this.mmu = new Mmu(this.memory, {
      tcr: PORT_TCR,
      ...(options.tlbCapacity === undefined ? {} : { tlb: { capacity: options.tlbCapacity } }),
    });
    this.mmu.mair = encodeMair([MAIR_NORMAL_WB, MAIR_DEVICE_nGnRE]);
    this.asids = new AsidAllocator({
      ...(options.asidBits === undefined ? {} : { asidBits: options.asidBits }),
      ...(options.asidLimit === undefined ? {} : { limit: options.asidLimit }),
    });
    if (options.asidBits === 8) this.mmu.setTcr({ ...PORT_TCR, as16: false });
    const idle = this.tables.allocate()!;
    for (let i = 0; i < PAGE_SIZE; i += 4) this.memory.writeU32(idle + i, 0);
    this.idleRoot = idle;
    this.mmu.setTtbr0({ asid: 0, baddr: idle });
    this.gic = new Gic(options.spiCount === undefined ? {} : { spiCount: options.spiCount });
    this.gic.init();
    // Split priority drop and deactivation: a kernel line is deactivated by its handler's ack.
    this.gic.cpu.eoiMode = true;
    this.timer = new GenericTimer({
      sink: this.gic,
      ...(options.timerFrequency === undefined ? {} : { frequency: options.timerFrequency }),
    });
    this.gic.configure(TimerPpi.NonSecurePhysical, { priority: TIMER_PRIORITY, edge: false });
    const lines = this.gic.state.count - SPI_BASE;
    // Every SPI starts Group 1, routed here, level-sensitive and disabled (masked) until unmasked.
    for (let n = 0; n < lines; n++) {
      this.gic.configure(SPI_BASE + n, { priority: SPI_PRIORITY, edge: false });
      this.gic.disable(SPI_BASE + n);
    }
    const check = (irq: number) => {
      if (!Number.isInteger(irq) || irq < 0 || irq >= lines) {
        throw new Aarch64Error(
          'out-of-range',
          `interrupt line ${irq} is outside 0..${lines - 1} (GIC SPIs ${SPI_BASE}..${SPI_BASE + lines - 1})`,
        );
      }
      return SPI_BASE + irq;
    };
    this.interrupts = {
      lineCount: lines,
      mask: (irq) => this.gic.disable(check(irq)),
      unmask: (irq) => {
        const intid = check(irq);
        deactivateLine(this.gic.cpu, this.awaitingAck, intid);
        this.gic.distributor.writeU32(GICD_ISENABLER + 4 * (intid >>> 5), 1 << (intid & 31));
      },
    };
  }

  // ---- contexts ----

  /** Creates a zeroed context (EL0t) and the thread's empty address space (one level-1 table). */
  createContext(): ContextId {
    const space = new AddressSpace(this.memory, this.tables, this.asids, { tcr: PORT_TCR });
    const id = this.free.pop() ?? this.next++;
    this.regs.reset(id);
    this.threads[id] = { space, grants: [], plan: { mappings: [], refined: [] } };
    return id as ContextId;
  }

  /**
   * Destroys a thread's context: its tables are emptied and their frames returned, its ASID is
   * released with TLBI ASIDE1 (which also covers every entry the emptied tables left).
   */
  destroyContext(ctx: ContextId): void {
    const t = this.thread(ctx);
    for (const m of t.plan.mappings) t.space.tables.unmap(m.va, m.size, NO_TLBI, null);
    t.space.destroy(this.mmu);
    this.tables.free(t.space.root);
    if (this.active === ctx) {
      this.mmu.setTtbr0({ asid: 0, baddr: this.idleRoot });
      this.active = -1;
    }
    this.threads[ctx] = undefined;
    this.free.push(ctx);
  }

  /** Reads register `index` (x0-x30, sp, pc, pstate): the low 32 bits of the 64-bit register. */
  readRegister(ctx: ContextId, index: number): number {
    return this.regs.read(this.valid(ctx), index);
  }

  /**
   * Writes register `index` as a W-register write (zero-extended to 64 bits); SPSR keeps only
   * NZCV and stays EL0t, so no thread can be resumed at EL1.
   */
  writeRegister(ctx: ContextId, index: number, value: number): void {
    this.regs.write(this.valid(ctx), index, value);
  }

  /** The full 64-bit value of a register (x0-x30, SP_EL0, ELR_EL1, SPSR_EL1). */
  readRegister64(ctx: ContextId, index: number): bigint {
    return this.regs.read64(this.valid(ctx), index);
  }

  /** Writes the full 64-bit value of a register. */
  writeRegister64(ctx: ContextId, index: number, value: bigint): void {
    this.regs.write64(this.valid(ctx), index, value);
  }

  /** A thread trapped: installs its address space (it was running) and returns x7. */
  syscallNumber(ctx: ContextId): number {
    this.counters.syscalls++;
    this.switchTo(ctx);
    return this.regs.read(ctx, this.convention.numberRegister);
  }

  /** Slot `slot` (x0-x6). */
  argument(ctx: ContextId, slot: number): number {
    return this.regs.read(this.valid(ctx), this.slotRegister(slot));
  }

  /** Writes result slot `slot` (x0-x6). */
  setResult(ctx: ContextId, slot: number, value: number): void {
    this.regs.write(this.valid(ctx), this.slotRegister(slot), value);
  }

  // ---- machine-code simulators ----

  /** Stores the EL0 context a CPU model saved at a trap (SPSR sanitised). */
  saveFrom(cpu: Aarch64Cpu, ctx: ContextId): void {
    this.regs.fromTaskContext(this.valid(ctx), cpu.saveContext());
  }

  /** Installs a thread on a CPU model: its address space, then its context; ERET resumes it. */
  resumeOn(cpu: Aarch64Cpu, ctx: ContextId): void {
    this.switchTo(ctx);
    cpu.restoreContext(this.regs.toTaskContext(ctx));
  }

  // ---- address spaces ----

  /**
   * Makes `ctx`'s address space current: TTBR0_EL1 = (its ASID, its tables); `null` (idle)
   * installs the empty idle table under the reserved ASID 0. No TLB maintenance unless the ASID
   * allocator rolls over. Does nothing when that space is already current. The kernel calls it
   * at the end of every kernel entry (CONTRACT.md).
   */
  switchTo(ctx: ContextId | null): void {
    if (ctx === null) {
      if (this.active === -1) return;
      this.mmu.setTtbr0({ asid: 0, baddr: this.idleRoot });
      this.active = -1;
      this.counters.idleSwitches++;
      return;
    }
    if (this.active === ctx) return;
    this.thread(ctx).space.activate(this.mmu);
    this.active = ctx;
    this.counters.switches++;
  }

  /** The context whose address space is current, or null (the idle table). */
  get activeContext(): ContextId | null {
    return this.active === -1 ? null : (this.active as ContextId);
  }

  /** The ASID `ctx` owns in the current generation, or undefined if it has none yet. */
  asidOf(ctx: ContextId): number | undefined {
    return this.thread(ctx).space.liveAsid;
  }

  /**
   * The mappings installed for `ctx` (identity, page-aligned, in address order), each with
   * whether it is device memory.
   */
  mappingsOf(ctx: ContextId): readonly TypedMapping[] {
    return this.thread(ctx).plan.mappings;
  }

  /** The physical address of `ctx`'s level-1 table (TTBR0_EL1.BADDR when it runs). */
  tableRootOf(ctx: ContextId): number {
    return this.thread(ctx).space.root;
  }

  /**
   * Installs a thread's memory map. Mappings that disappear or change are unmapped first with
   * TLBI VALE1 for the thread's live ASID (break-before-make), then new ones are mapped; equal
   * ones are left alone. Throws `no-table-memory` when the table pool is too small.
   */
  setMemoryMap(ctx: ContextId, grants: readonly MemoryGrant[]): void {
    const t = this.thread(ctx);
    const planned = planMemoryMap(grants);
    const plan: ThreadPlan = {
      mappings: typeMappings(planned.mappings, this.devices),
      refined: planned.refined,
    };
    // The memory type follows from the address, so va, size and access identify a mapping.
    const key = (m: PlannedMapping) => `${m.va}:${m.size}:${m.access}`;
    const keep = new Set(plan.mappings.map(key));
    const old = new Set(t.plan.mappings.map(key));
    const remaining: TypedMapping[] = [];
    for (const m of t.plan.mappings) {
      if (keep.has(key(m))) remaining.push(m);
      else {
        t.space.unmap(m.va, m.size, this.mmu);
        this.counters.unmapped++;
      }
    }
    try {
      for (const m of plan.mappings) {
        if (old.has(key(m))) continue;
        t.space.map(toMapping(m));
        remaining.push(m);
        this.counters.mapped++;
      }
    } catch (e) {
      // Keep what is really in the tables, and refuse everything refined: fail closed.
      remaining.sort((a, b) => a.va - b.va);
      t.plan = { mappings: remaining, refined: [{ start: 0, end: 2 ** 32 }] };
      t.grants = [...grants];
      throw e;
    }
    t.plan = plan;
    t.grants = [...grants];
  }

  /**
   * Whether `ctx` may access `[address, address + size)`: its address space is installed, every
   * page is translated by the MMU (TLB, then a walk) with EL0 permissions, and pages where the
   * tables grant more than the grants do are checked against the exact grants. A refusal is
   * recorded in {@link Aarch64Port.lastFault} with the DFSC/IFSC the abort would carry. A kind
   * without a Read, Write or Execute bit is refused.
   */
  checkAccess(ctx: ContextId, address: number, size: number, kind: KernelAccessKind): boolean {
    const t = this.threads[ctx];
    if (t === undefined) return false;
    if (!Number.isInteger(address) || !Number.isInteger(size) || address < 0 || size < 1)
      return false;
    if (address + size > 2 ** 32 || (kind & ACCESS_BITS_MASK) === 0) return false;
    this.switchTo(ctx);
    const last = Math.floor((address + size - 1) / PAGE_SIZE);
    for (const bit of ACCESS_BITS) {
      if ((kind & bit) === 0) continue;
      const access = toMmuAccess(bit);
      for (let page = Math.floor(address / PAGE_SIZE); page <= last; page++) {
        const va = Math.max(address, page * PAGE_SIZE);
        const r = this.mmu.translate(va, access, 0);
        if (!r.ok) return this.refuse(ctx, va, bit, r.fault);
      }
      if (
        touchesRefined(t.plan.refined, address, size) &&
        !grantsAllow(t.grants, address, size, bit)
      )
        return this.refuse(ctx, address, bit, null);
    }
    return true;
  }

  // ---- timer ----

  /**
   * Arms the EL1 physical timer: CNTP_CVAL_EL0 = `deadline` (rounded up, so it never fires
   * early), CNTP_CTL_EL0 = ENABLE; `null` disables it.
   */
  setTimer(deadline: number | null): void {
    if (deadline === null) {
      this.timer.cancel();
      return;
    }
    if (Number.isNaN(deadline)) {
      throw new Aarch64Error('field-range', 'a timer deadline must be a number of ticks, got NaN');
    }
    this.timer.cval64 = BigInt(Math.max(0, Math.ceil(Math.min(deadline, Number.MAX_SAFE_INTEGER))));
    this.timer.ctlRegister = CNTP_CTL_ENABLE;
  }

  /**
   * Lets `ticks` pass on the kernel's clock (`kernel.advance`, which handles every deadline it
   * reaches and re-arms CNTP_CVAL) and on CNTPCT_EL0, which then reads `kernel.now`. Returns the
   * ticks left unspent. With `ticks = kernel.deadline - kernel.now` it is WFI on an idle system.
   */
  advanceClock(kernel: KernelClock, ticks: number): number {
    return advanceClock(this.timer, kernel, ticks);
  }

  /**
   * Brings CNTPCT_EL0 forward to `now` (time the kernel spent through other paths, such as the
   * host executor's `advance`). Never moves it back.
   */
  syncCounter(now: number): void {
    syncCounter(this.timer, now);
  }

  /** The armed deadline (CNTP_CVAL_EL0 while CNTP_CTL_EL0.ENABLE), or null. */
  get timerDeadline(): number | null {
    return (this.timer.ctlRegister & CNTP_CTL_ENABLE) === 0 ? null : Number(this.timer.cval64);
  }

  // ---- interrupts ----

  /**
   * The IRQ exception: while the GIC signals an interrupt, acknowledges it (ICC_IAR1_EL1),
   * enters the kernel and drops its priority (ICC_EOIR1_EL1). The timer PPI goes to
   * `kernel.timerInterrupt()` and is deactivated at once; SPI 32 + n goes to
   * `kernel.interrupt(n)` (which masks the line) and is deactivated (ICC_DIR_EL1) when the
   * handler task's IRQHandler_Ack unmasks it. Returns what was taken, in order.
   */
  takeInterrupts(kernel: InterruptEntries): TakenInterrupt[] {
    return takeInterrupts(
      this.gic.cpu,
      this.interrupts.lineCount,
      kernel,
      this.awaitingAck,
      this.gic.state.count,
    );
  }

  /**
   * Drives a device's level on kernel line `irq` (GIC SPI 32 + irq): a level-sensitive input,
   * as a UART or a timer block would.
   */
  setLineLevel(irq: number, high: boolean): void {
    if (!Number.isInteger(irq) || irq < 0 || irq >= this.interrupts.lineCount) {
      throw new Aarch64Error(
        'out-of-range',
        `interrupt line ${irq} is outside 0..${this.interrupts.lineCount - 1}`,
      );
    }
    this.gic.setLine(SPI_BASE + irq, high);
  }

  // ---- internals ----

  private refuse(ctx: ContextId, address: number, access: number, fault: MmuFault | null): false {
    const esr = fault === null ? 0 : encodeEsr(abortSyndrome(fault, toMmuAccess(access), 0));
    this.lastFault = { context: ctx, address, access: access as KernelAccessKind, fault, esr };
    this.counters.faults++;
    return false;
  }

  private slotRegister(slot: number): number {
    const r = this.convention.argumentRegisters[slot];
    if (r === undefined) {
      throw new Aarch64Error('out-of-range', `syscall slot ${slot} is outside 0..6 (x0-x6)`);
    }
    return r;
  }

  private thread(ctx: ContextId): Thread {
    const t = this.threads[ctx];
    if (t === undefined) {
      throw new Aarch64Error(
        'destroyed',
        `context ${ctx} does not exist or was destroyed; create a context first`,
      );
    }
    return t;
  }

  private valid(ctx: ContextId): number {
    this.thread(ctx);
    return ctx;
  }
}

function toMmuAccess(bit: number): AccessKind {
  return bit === KernelAccessKind.Write
    ? AccessKind.Write
    : bit === KernelAccessKind.Execute
      ? AccessKind.Execute
      : AccessKind.Read;
}

function toMapping(m: TypedMapping) {
  const read = (m.access & KernelAccessKind.Read) !== 0;
  const write = (m.access & KernelAccessKind.Write) !== 0;
  const exec = (m.access & KernelAccessKind.Execute) !== 0;
  // EL0 rights → AP[2:1]: RW if writable (write-only over-grants read; refined by the port), RO if
  // only readable, and AP = 00 (no EL0 data access) for execute-only, which UXN = 0 still fetches.
  const ap = write
    ? AccessPermission.ReadWrite
    : read
      ? AccessPermission.ReadOnly
      : AccessPermission.PrivReadWrite;
  return {
    va: m.va,
    pa: m.va,
    size: m.size,
    ap,
    // Device memory is never executable (speculative fetches would touch the device).
    uxn: !exec || m.device,
    pxn: true, // the kernel never executes task memory
    attrIndx: m.device ? ATTR_DEVICE : ATTR_NORMAL,
  };
}
