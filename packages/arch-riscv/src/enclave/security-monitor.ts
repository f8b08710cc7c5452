// A Keystone-like security monitor for PMP enclaves on one hart. It owns the lowest PMP
// entries: entry 0 is locked over the monitor's own memory with no permission (so no code on
// the hart, in U or M mode, can touch the saved enclave frames there), and entries
// 1..maxEnclaves are one guard per enclave (NAPOT, no permission while the OS side runs, so
// they deny U mode whatever the OS layout behind them grants). On entry the monitor turns the
// OS entries off and opens the enclave's guard; on every stop it saves the enclave's
// registers into monitor memory, clears the hart's registers and trap CSRs, closes the guard
// and restores the OS layout. A kernel that schedules enclave threads itself uses thread
// views instead (setThreadView: the guard of the running thread's enclave open, all others
// closed) and keeps those threads' registers in the monitor's frame store. Relies on the hart,
// PMP register file and solver, the frame store and the trap frame's byte layout.

import { CSR_MCAUSE, CSR_MEPC, CSR_MTVAL } from '../csr';
import { RiscvError } from '../errors';
import type { Hart } from '../hart/hart';
import { PMP_L, PMP_R, PMP_W, PMP_X, type PmpRange, type PmpRegisters } from '../pmp/registers';
import { applyPmpLayout, type PmpLayout, type PmpRegion, solvePmp } from '../pmp/solver';
import { decodeMcause, ExceptionCause, PrivilegeMode } from '../trap';
import { TRAP_FRAME_SIZE, TrapFrame } from '../trap-frame';
import { MonitorFrameStore } from './frame-store';
import {
  assertNapotBlock,
  blocksOverlap,
  napotAddress,
  napotConfig,
  writeNapotEntry,
} from './napot-entry';
import {
  type EnclaveId,
  type EnclaveState,
  type EnclaveStop,
  MonitorCall,
  type NapotBlock,
  type PmpEnclaveSpec,
} from './types';

/** Options of a {@link SecurityMonitor}. */
export interface SecurityMonitorOptions {
  /** The hart whose PMP the monitor owns (entries 0..maxEnclaves must be free). */
  readonly hart: Hart;
  /**
   * The monitor's private memory: one NAPOT block of RAM holding a frame per enclave, then
   * the frame store's slots (one per kernel-scheduled enclave thread) in the rest.
   */
  readonly memory: NapotBlock;
  /** Enclaves the monitor can hold at once (default 2): one guard entry each. */
  readonly maxEnclaves?: number;
}

interface EnclaveRecord {
  readonly id: EnclaveId;
  readonly name: string;
  readonly memory: NapotBlock;
  readonly shared: NapotBlock | undefined;
  readonly entryPoints: ReadonlySet<number>;
  readonly guardEntry: number;
  readonly frameAddress: number;
  state: EnclaveState;
}

/** The PMP view of the thread on the hart: whose enclave guard is open, and its layout. */
interface ThreadView {
  readonly enclave: EnclaveRecord | null;
  readonly layout: PmpLayout;
}

const CLEAR = new Uint32Array(32);
const MONITOR_ENTRY = 0;
const OPEN = PMP_R | PMP_W | PMP_X;

/**
 * The M-mode security monitor: creates enclaves in PMP-guarded memory, enters them only at
 * declared entry points, and keeps their registers out of the OS side's sight when they stop.
 *
 * @remarks
 * The OS side (the kernel and its port) programs only entries from
 * {@link SecurityMonitor.firstOsEntry} on, through {@link SecurityMonitor.setOsLayout}. Host
 * code stands for M-mode firmware here, so the monitor reads and writes its own memory through
 * the bus rather than through the hart, which the locked entry refuses.
 */
export class SecurityMonitor {
  /** The first PMP entry the OS side's layouts may use. */
  readonly firstOsEntry: number;
  /** The monitor's memory. */
  readonly memory: NapotBlock;
  /** Register save areas of kernel-scheduled enclave threads, in the monitor's memory. */
  readonly threadFrames: MonitorFrameStore;
  private guardChanges = 0;
  private readonly hart: Hart;
  private readonly slots: (EnclaveRecord | undefined)[];
  private view: ThreadView | null = null;
  private active: EnclaveRecord | null = null;

  /**
   * Locks entry 0 over `memory` (no permission) and turns the guard entries off.
   * @throws RiscvError `enclave-invalid-layout` when the memory is not one NAPOT block of RAM
   * big enough for the frames, or the PMP has too few entries or a locked entry in the way
   */
  constructor(options: SecurityMonitorOptions) {
    const { hart, memory } = options;
    const max = options.maxEnclaves ?? 2;
    const pmp = hart.pmp;
    if (!Number.isInteger(max) || max < 1 || max + 2 > pmp.entryCount) {
      throw new RiscvError(
        'enclave-invalid-layout',
        `maxEnclaves must be 1..${pmp.entryCount - 2} on a hart with ${pmp.entryCount} PMP entries (one monitor entry, one guard per enclave, at least one for the OS), got ${max}`,
      );
    }
    assertNapotBlock(memory, pmp, 'the monitor memory');
    if (memory.size < max * TRAP_FRAME_SIZE) {
      throw new RiscvError(
        'enclave-invalid-layout',
        `the monitor memory holds one ${TRAP_FRAME_SIZE}-byte frame per enclave: ${max} enclaves need ${max * TRAP_FRAME_SIZE} bytes, got ${memory.size}`,
      );
    }
    assertRam(hart, memory, 'the monitor memory');
    for (let i = 0; i <= max; i++) {
      if (pmp.isLocked(i)) {
        throw new RiscvError(
          'enclave-invalid-layout',
          `PMP entry ${i} is already locked; the monitor needs entries 0..${max}`,
        );
      }
    }
    this.hart = hart;
    this.memory = memory;
    this.firstOsEntry = 1 + max;
    this.slots = new Array(max).fill(undefined);
    const storeBase = memory.base + max * TRAP_FRAME_SIZE;
    this.threadFrames = new MonitorFrameStore(
      hart.bus,
      storeBase,
      Math.floor(memory.size / TRAP_FRAME_SIZE) - max,
    );
    hart.bus.load(memory.base, new Uint8Array(memory.size));
    for (let i = 1; i <= max; i++) pmp.writeEntryConfig(i, 0);
    writeNapotEntry(pmp, MONITOR_ENTRY, memory, PMP_L);
  }

  // ---- Enclaves ----

  /**
   * Creates an enclave: checks its layout, copies its image into its memory (zeroing the rest;
   * without an image the memory is kept as it is) and closes its guard entry, so every OS-side
   * layout is denied its memory from now on.
   * @throws RiscvError `enclave-invalid-layout` for a malformed or overlapping layout, an entry
   * point outside the memory or an image too big; `enclave-out-of-resources` when no guard
   * entry is free
   */
  createEnclave(spec: PmpEnclaveSpec): EnclaveId {
    const pmp = this.hart.pmp;
    const slot = this.slots.indexOf(undefined);
    const name = spec.name ?? `enclave ${slot}`;
    if (slot < 0) {
      throw new RiscvError(
        'enclave-out-of-resources',
        `${name}: the monitor holds ${this.slots.length} enclaves (one guard PMP entry each) and all are in use`,
      );
    }
    assertNapotBlock(spec.memory, pmp, `${name}'s memory`);
    assertRam(this.hart, spec.memory, `${name}'s memory`);
    if (spec.shared) {
      assertNapotBlock(spec.shared, pmp, `${name}'s shared block`);
      assertRam(this.hart, spec.shared, `${name}'s shared block`);
    }
    const taken: [string, NapotBlock][] = [['the monitor memory', this.memory]];
    for (const e of this.enclaves()) {
      taken.push([`${e.name}'s memory`, e.memory]);
      if (e.shared) taken.push([`${e.name}'s shared block`, e.shared]);
    }
    for (const [what, block] of taken) {
      if (blocksOverlap(spec.memory, block) || (spec.shared && blocksOverlap(spec.shared, block))) {
        throw new RiscvError('enclave-invalid-layout', `${name} overlaps ${what}`);
      }
    }
    if (spec.shared && blocksOverlap(spec.shared, spec.memory)) {
      throw new RiscvError('enclave-invalid-layout', `${name}'s shared block overlaps its memory`);
    }
    if (spec.entryPoints.length === 0) {
      throw new RiscvError('enclave-invalid-layout', `${name} declares no entry point`);
    }
    for (const e of spec.entryPoints) {
      const inside =
        Number.isInteger(e) && e >= spec.memory.base && e < spec.memory.base + spec.memory.size;
      if (!inside || e % 2 !== 0) {
        throw new RiscvError(
          'enclave-invalid-layout',
          `${name}: entry point 0x${e.toString(16)} must be a halfword-aligned address inside its memory`,
        );
      }
    }
    if (spec.image && spec.image.length > spec.memory.size) {
      throw new RiscvError(
        'enclave-invalid-layout',
        `${name}: the image (${spec.image.length} bytes) does not fit its memory (${spec.memory.size} bytes)`,
      );
    }
    if (spec.image) {
      const contents = new Uint8Array(spec.memory.size);
      contents.set(spec.image);
      this.hart.bus.load(spec.memory.base, contents);
    }
    const record: EnclaveRecord = {
      id: slot as EnclaveId,
      name,
      memory: spec.memory,
      shared: spec.shared,
      entryPoints: new Set(spec.entryPoints),
      guardEntry: 1 + slot,
      frameAddress: this.memory.base + slot * TRAP_FRAME_SIZE,
      state: 'ready',
    };
    this.slots[slot] = record;
    writeNapotEntry(pmp, record.guardEntry, spec.memory, 0);
    this.guardChanges++;
    return record.id;
  }

  /** The enclave's state. */
  state(id: EnclaveId): EnclaveState {
    return this.get(id).state;
  }

  /** The enclave's private memory. */
  enclaveMemory(id: EnclaveId): NapotBlock {
    return this.get(id).memory;
  }

  /**
   * Whether any of `size` bytes at `address` is the monitor's or an enclave's memory, which
   * the OS side's tasks never reach.
   */
  isProtected(address: number, size: number): boolean {
    const access = { base: address, size };
    if (blocksOverlap(access, this.memory)) return true;
    return this.enclaves().some((e) => blocksOverlap(access, e.memory));
  }

  /** The enclave whose registers are live on the hart, or null. */
  get running(): EnclaveId | null {
    return this.active?.id ?? null;
  }

  // ---- The OS side's layout ----

  /**
   * Installs the PMP layout of the OS side's current task (entries from
   * {@link SecurityMonitor.firstOsEntry} on). It takes effect at once unless an enclave runs,
   * and again whenever an enclave stops. Whatever it grants, the guard entries come first.
   * @throws RiscvError `pmp-reserved-conflict` for an entry the monitor owns
   */
  setOsLayout(layout: PmpLayout): void {
    this.setThreadView(null, layout);
  }

  /**
   * Installs the PMP view of the thread about to run on the hart: an OS-side thread's
   * (`enclave` null: every guard closed) or a thread of `enclave`'s (its guard open for read,
   * write and execute, every other guard closed), with `layout` in the entries from
   * {@link SecurityMonitor.firstOsEntry} on. The OS entries go off and the other guards close
   * before the guard opens, so no moment grants both sides' memory. Like
   * {@link SecurityMonitor.setOsLayout}, it waits while an entered enclave runs.
   * @throws RiscvError `pmp-reserved-conflict` for an entry the monitor owns
   */
  setThreadView(enclave: EnclaveId | null, layout: PmpLayout): void {
    this.assertOsLayout(layout);
    this.view = { enclave: enclave === null ? null : this.get(enclave), layout };
    if (this.active === null) this.writeView(this.hart.pmp, this.view);
  }

  /**
   * Writes the view {@link SecurityMonitor.setThreadView} would install into another register
   * file of the hart's shape (a port's per-thread shadow, which access checks consult), the
   * locked monitor entry included.
   */
  mirrorThreadView(pmp: PmpRegisters, enclave: EnclaveId | null, layout: PmpLayout): void {
    this.assertOsLayout(layout);
    this.writeView(pmp, { enclave: enclave === null ? null : this.get(enclave), layout });
  }

  /** Counts guard entries coming and going (shadow register files compare it). */
  get generation(): number {
    return this.guardChanges;
  }

  /** The enclave whose guard the installed thread view opens, or null. */
  get openEnclave(): EnclaveId | null {
    return this.view?.enclave?.id ?? null;
  }

  /**
   * Solves OS-side regions into a layout after the monitor's entries, refusing any region
   * that overlaps the monitor's or an enclave's memory (`pmp-reserved-conflict`).
   */
  solveOsLayout(regions: readonly PmpRegion[]): PmpLayout {
    const pmp = this.hart.pmp;
    const reservedRanges: PmpRange[] = [this.memory, ...this.enclaves().map((e) => e.memory)].map(
      (b) => ({ start: b.base, end: b.base + b.size }),
    );
    return solvePmp(regions, {
      entryCount: pmp.entryCount,
      granularity: pmp.granularity,
      reserved: this.firstOsEntry,
      reservedRanges,
      // Never chain a TOR onto a guard's pmpaddr: guards change as enclaves come and go.
      predecessorAddress: 0xffff_ffff,
    });
  }

  // ---- Entering and leaving ----

  /**
   * Starts a ready enclave at one of its entry points in U mode: OS entries off (its shared
   * block on), its guard open (read, write, execute), every register cleared except a0.. =
   * `args` and sp = the top of its memory.
   * @throws RiscvError `enclave-bad-entry` for any other address (nothing changes);
   * `enclave-bad-state` when it is not ready or another enclave runs
   */
  enter(id: EnclaveId, entryPoint: number, args: readonly number[] = []): void {
    const e = this.get(id);
    if (!e.entryPoints.has(entryPoint)) {
      throw new RiscvError(
        'enclave-bad-entry',
        `${e.name} has no entry point at 0x${(entryPoint >>> 0).toString(16)}; declared: ${[...e.entryPoints].map((p) => `0x${p.toString(16)}`).join(', ')}`,
      );
    }
    this.assertCanRun(e, 'ready', 'entered');
    if (args.length > 7) {
      throw new RiscvError('invalid-argument', `an enclave takes at most 7 arguments (a0..a6)`);
    }
    const frame = new TrapFrame();
    args.forEach((v, i) => {
      frame.set(10 + i, v >>> 0);
    });
    frame.set(2, e.memory.base + e.memory.size);
    frame.pc = entryPoint;
    frame.mode = PrivilegeMode.User;
    this.run(e, frame);
  }

  /**
   * Continues a suspended enclave from the frame in monitor memory; `results` go to a0..
   * (for a monitor call it made). The saved frame is wiped once loaded.
   * @throws RiscvError `enclave-bad-state` when it is not suspended or another enclave runs
   */
  resume(id: EnclaveId, results: readonly number[] = []): void {
    const e = this.get(id);
    this.assertCanRun(e, 'suspended', 'resumed');
    const frame = TrapFrame.fromBytes(this.hart.bus.dump(e.frameAddress, TRAP_FRAME_SIZE));
    results.slice(0, 7).forEach((v, i) => {
      frame.set(10 + i, v >>> 0);
    });
    this.hart.bus.load(e.frameAddress, new Uint8Array(TRAP_FRAME_SIZE));
    this.run(e, frame);
  }

  /**
   * Handles the trap that just stopped the running enclave (call it when the hart stops with
   * a trap while {@link SecurityMonitor.running} is set). Saves its frame in monitor memory
   * (interrupt, monitor call), wipes the hart's registers, mepc and mtval, closes its guard and
   * restores the OS layout. The result is all the OS side learns.
   * @throws RiscvError `enclave-bad-state` when no enclave runs
   */
  handleTrap(): EnclaveStop {
    const e = this.active;
    if (e === null) throw new RiscvError('enclave-bad-state', 'no enclave is running');
    const hart = this.hart;
    const frame = new TrapFrame().capture(hart);
    const { interrupt, code } = decodeMcause(hart.readCsr(CSR_MCAUSE));
    let stop: EnclaveStop;
    if (interrupt) {
      this.save(e, frame);
      stop = { kind: 'interrupted', cause: code };
    } else if (code === ExceptionCause.EnvironmentCallFromUMode) {
      const number = frame.x[17]!;
      if (number === MonitorCall.Exit) {
        e.state = 'ready';
        stop = { kind: 'exited', value: frame.x[10]! };
      } else {
        frame.pc = (frame.pc + 4) >>> 0;
        this.save(e, frame);
        stop = { kind: 'call', number, args: Array.from(frame.x.subarray(10, 17)) };
      }
    } else {
      e.state = 'faulted';
      stop = { kind: 'faulted', cause: code };
    }
    this.leave(e);
    return stop;
  }

  /**
   * Destroys a ready, suspended or faulted enclave: its memory and saved frame are zeroed and
   * its guard entry turned off, so that memory can go back to the OS side.
   * @throws RiscvError `enclave-bad-state` for the running enclave
   */
  destroyEnclave(id: EnclaveId): void {
    const e = this.get(id);
    if (e.state === 'running') {
      throw new RiscvError('enclave-bad-state', `${e.name} is running; stop it first`);
    }
    // A thread view that opened it closes first: its memory is zeroed below.
    if (this.view?.enclave === e) this.setThreadView(null, this.view.layout);
    this.hart.bus.load(e.memory.base, new Uint8Array(e.memory.size));
    this.hart.bus.load(e.frameAddress, new Uint8Array(TRAP_FRAME_SIZE));
    this.hart.pmp.writeEntryConfig(e.guardEntry, 0);
    this.slots[e.id] = undefined;
    this.guardChanges++;
  }

  // ---- Internals ----

  private run(e: EnclaveRecord, frame: TrapFrame): void {
    const pmp = this.hart.pmp;
    // Close the OS side's view before opening the enclave's: no moment grants both.
    for (let i = this.firstOsEntry; i < pmp.entryCount; i++) pmp.writeEntryConfig(i, 0);
    const viewed = this.view?.enclave;
    if (viewed && viewed !== e) writeNapotEntry(pmp, viewed.guardEntry, viewed.memory, 0);
    if (e.shared) writeNapotEntry(pmp, this.firstOsEntry, e.shared, PMP_R | PMP_W);
    writeNapotEntry(pmp, e.guardEntry, e.memory, PMP_R | PMP_W | PMP_X);
    e.state = 'running';
    this.active = e;
    frame.resume(this.hart);
  }

  private leave(e: EnclaveRecord): void {
    const hart = this.hart;
    hart.loadRegisters(CLEAR);
    hart.writeCsr(CSR_MEPC, 0);
    hart.writeCsr(CSR_MTVAL, 0);
    writeNapotEntry(hart.pmp, e.guardEntry, e.memory, 0);
    for (let i = this.firstOsEntry; i < hart.pmp.entryCount; i++) hart.pmp.writeEntryConfig(i, 0);
    this.active = null;
    if (this.view) this.writeView(hart.pmp, this.view);
  }

  /**
   * Writes a thread view into `pmp`: nothing when it already holds it (a thread switching back
   * to itself repaints nothing), else OS entries off, other guards closed, the monitor entry
   * (locked once, then left alone), the view's guard open, the layout.
   */
  private writeView(pmp: PmpRegisters, view: ThreadView): void {
    const guardHolds = (e: EnclaveRecord) =>
      pmp.holds(e.guardEntry, napotConfig(e === view.enclave ? OPEN : 0), napotAddress(e.memory));
    const holds =
      pmp.holds(MONITOR_ENTRY, napotConfig(PMP_L), napotAddress(this.memory)) &&
      this.slots.every((e, i) => (e ? guardHolds(e) : pmp.entryConfig(1 + i) === 0)) &&
      view.layout.entries.every((x) => pmp.holds(x.index, x.cfg, x.addr));
    if (holds) return;
    for (let i = this.firstOsEntry; i < pmp.entryCount; i++) pmp.writeEntryConfig(i, 0);
    this.slots.forEach((e, i) => {
      if (e === undefined) pmp.writeEntryConfig(1 + i, 0);
      else if (e !== view.enclave && !guardHolds(e))
        writeNapotEntry(pmp, e.guardEntry, e.memory, 0);
    });
    if (!pmp.isLocked(MONITOR_ENTRY)) writeNapotEntry(pmp, MONITOR_ENTRY, this.memory, PMP_L);
    const open = view.enclave;
    if (open && !guardHolds(open)) writeNapotEntry(pmp, open.guardEntry, open.memory, OPEN);
    applyPmpLayout(pmp, view.layout);
  }

  private assertOsLayout(layout: PmpLayout): void {
    for (const e of layout.entries) {
      if (e.index < this.firstOsEntry) {
        throw new RiscvError(
          'pmp-reserved-conflict',
          `PMP entry ${e.index} belongs to the security monitor; OS layouts start at entry ${this.firstOsEntry}`,
        );
      }
    }
  }

  private save(e: EnclaveRecord, frame: TrapFrame): void {
    this.hart.bus.load(e.frameAddress, frame.toBytes());
    e.state = 'suspended';
  }

  private assertCanRun(e: EnclaveRecord, wanted: EnclaveState, verb: string): void {
    if (e.state !== wanted) {
      throw new RiscvError(
        'enclave-bad-state',
        `${e.name} is ${e.state}; only a ${wanted} enclave can be ${verb}`,
      );
    }
    if (this.active !== null) {
      throw new RiscvError(
        'enclave-bad-state',
        `${this.active.name} is running; stop it before running ${e.name}`,
      );
    }
  }

  private enclaves(): EnclaveRecord[] {
    return this.slots.filter((s): s is EnclaveRecord => s !== undefined);
  }

  private get(id: EnclaveId): EnclaveRecord {
    const e = this.slots[id];
    if (e === undefined) {
      throw new RiscvError('invalid-argument', `enclave ${id} does not exist (destroyed?)`);
    }
    return e;
  }
}

function assertRam(hart: Hart, block: NapotBlock, what: string): void {
  const ram = hart.bus.ramAt(block.base);
  if (ram === undefined || !ram.contains(block.base + block.size - 1)) {
    throw new RiscvError(
      'enclave-invalid-layout',
      `${what} [0x${block.base.toString(16)}, +0x${block.size.toString(16)}) must lie in one RAM region of the bus`,
    );
  }
}
