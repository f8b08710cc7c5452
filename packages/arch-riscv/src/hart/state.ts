// The architectural state of the reference hart and its slow paths: trap entry and mret,
// interrupt selection, CSR instructions, atomics, and loads/stores/fetches that miss the
// run loop's fast path (other RAM regions, devices, faults). Owns the per-region PMP
// permission maps that make the fast path's single-byte check exact. Relies on the memory
// bus, the PMP registers and checker, and `csr-file.ts`.

import {
  MIP_MEIP,
  MIP_MSIP,
  MIP_MTIP,
  MSTATUS_MIE,
  MSTATUS_MPIE,
  MSTATUS_MPP,
  MSTATUS_MPP_SHIFT,
  MSTATUS_MPRV,
  MTVEC_MODE,
  MTVEC_MODE_VECTORED,
  MISA_MXL_32,
  misaBit,
} from '../csr';
import { PmpAccess, PmpChecker, paintPermissionMap, permissionMapMask } from '../pmp/checker';
import type { PmpRegisters } from '../pmp/registers';
import { ExceptionCause, MCAUSE_INTERRUPT, PrivilegeMode } from '../trap';
import { csrAccessible, csrReadRaw, csrWriteRaw } from './csr-file';
import { decode16, decode32, INFO_COMPRESSED, Op } from './decode';
import type { MemoryBus } from './memory';

/** A device whose state moves with the hart's cycles (the CLINT's mtime, for example). */
export interface ClockedDevice {
  /** Moves the device forward by `cycles` hart cycles. */
  advanceClock(cycles: number): void;
  /**
   * Cycles until the device may change an interrupt line by itself (`Infinity` if never).
   * The hart never runs past this point without calling {@link ClockedDevice.advanceClock}.
   */
  cyclesUntilEvent(): number;
}

/** PMP contents whose permission maps a hart keeps (a few threads' layouts). */
const PAINTED_LAYOUTS = 4;

/** Hart state shared by the run loop and the slow paths. @internal */
export class HartState {
  /** x0..x31 plus the write sink at index 32 (x0 always reads 0). */
  readonly x = new Int32Array(33);
  /** Program counter as a signed 32-bit value. */
  pc = 0;
  mode: PrivilegeMode = PrivilegeMode.Machine;
  mstatus = 0;
  mtvec = 0;
  mepc = 0;
  mcause = 0;
  mtval = 0;
  mscratch = 0;
  mie = 0;
  mcounteren = 0;
  /** Interrupt lines driven by devices (MSIP/MTIP/MEIP bits); this is mip. */
  mip = 0;
  cycles = 0;
  instret = 0;
  /** Cycles already reported to clocked devices. */
  clockedCycles = 0;
  /** True while waiting in WFI. */
  waiting = false;
  /** LR reservation address, or -1. */
  reservation = -1;
  /** Index of the RAM region the run loop fetches from / accesses data in. */
  codeRegion = 0;
  dataRegion = 0;
  readonly hartId: number;
  readonly misa: number;
  readonly compressed: boolean;
  readonly pmp: PmpRegisters;
  readonly checker: PmpChecker;
  readonly bus: MemoryBus;
  readonly clocks: ClockedDevice[] = [];
  /** Per RAM region: one byte per word with M (bits 2:0) and U (bits 5:3) permissions. */
  permMaps: Uint8Array[] = [];
  private permVersion = -1;
  private permRegions = 0;

  constructor(bus: MemoryBus, pmp: PmpRegisters, hartId: number, compressed: boolean) {
    this.bus = bus;
    this.pmp = pmp;
    this.checker = new PmpChecker(pmp);
    this.hartId = hartId;
    this.compressed = compressed;
    let misa = MISA_MXL_32 | misaBit('I') | misaBit('M') | misaBit('A') | misaBit('U');
    if (compressed) misa |= misaBit('C');
    this.misa = misa;
  }

  /**
   * Brings the permission maps up to date with the PMP registers and the bus. Maps are kept
   * for the last few PMP contents, so a kernel switching between a few threads' layouts
   * repaints nothing (and the executable-window cache, keyed on the content, stays valid).
   */
  syncPermissions(): void {
    const regions = this.bus.regions;
    if (this.permVersion === this.pmp.version && this.permRegions === regions.length) return;
    const key = `${this.pmp.contentKey()}|${regions.length}`;
    let entry = this.painted.get(key);
    if (entry) {
      this.painted.delete(key); // most recently used last
    } else {
      let reuse: Uint8Array[] = [];
      if (this.painted.size >= PAINTED_LAYOUTS) {
        const oldest = this.painted.keys().next().value as string;
        reuse = this.painted.get(oldest)!.maps;
        this.painted.delete(oldest);
      }
      const maps = regions.map((r, i) => {
        const old = reuse[i];
        const map =
          old !== undefined && old.length === r.size >>> 2 ? old : new Uint8Array(r.size >>> 2);
        paintPermissionMap(this.pmp, r.base, map);
        return map;
      });
      entry = { id: this.nextPermId++, maps };
    }
    this.painted.set(key, entry);
    this.permMaps = entry.maps;
    this.permId = entry.id;
    this.permVersion = this.pmp.version;
    this.permRegions = regions.length;
  }

  private readonly painted = new Map<
    string,
    { readonly id: number; readonly maps: Uint8Array[] }
  >();
  private nextPermId = 0;
  /** Identifies the painted PMP content (and region count) permMaps hold. */
  private permId = -1;

  /** Start of the last {@link HartState.executableWindow} (byte offset in the code region). */
  windowStart = 0;
  /** End (exclusive) of the last executable window. */
  windowEnd = 0;
  private readonly windowCache = [
    { region: -1, version: -1, regions: -1, start: 0, end: 0 },
    { region: -1, version: -1, regions: -1, start: 0, end: 0 },
  ];

  /**
   * Sets windowStart/windowEnd to the run of words around pc, in the code region, that the
   * current mode may execute (empty when pc is outside the region or not executable). Cached
   * per mode until the PMP registers or the bus change.
   */
  executableWindow(xMask: number): void {
    const regions = this.bus.regions;
    const region = regions[this.codeRegion];
    const map = this.permMaps[this.codeRegion];
    this.windowStart = 0;
    this.windowEnd = 0;
    if (region === undefined || map === undefined) return;
    const off = ((this.pc >>> 0) - region.base) >>> 0;
    if (off >= region.size) return;
    const cache = this.windowCache[this.mode === PrivilegeMode.Machine ? 1 : 0]!;
    const version = this.permId;
    if (
      cache.region === this.codeRegion &&
      cache.version === version &&
      off >= cache.start &&
      off < cache.end
    ) {
      this.windowStart = cache.start;
      this.windowEnd = cache.end;
      return;
    }
    let lo = off >>> 2;
    if ((map[lo]! & xMask) === 0) return;
    let hi = lo + 1;
    while (lo > 0 && map[lo - 1]! & xMask) lo--;
    while (hi < map.length && map[hi]! & xMask) hi++;
    cache.region = this.codeRegion;
    cache.version = version;
    cache.regions = regions.length;
    cache.start = this.windowStart = lo * 4;
    cache.end = this.windowEnd = hi * 4;
  }

  /** The privilege mode loads and stores are checked with (MPRV applies MPP in M mode). */
  dataMode(): PrivilegeMode {
    if (this.mode === PrivilegeMode.Machine && this.mstatus & MSTATUS_MPRV) {
      return ((this.mstatus & MSTATUS_MPP) >>> MSTATUS_MPP_SHIFT) as PrivilegeMode;
    }
    return this.mode;
  }

  /** Counts `n` retired instructions. */
  retire(n: number): void {
    this.instret += n;
    this.cycles += n;
  }

  /** Reports cycles run so far to the clocked devices. */
  syncClocks(): void {
    const delta = this.cycles - this.clockedCycles;
    if (delta <= 0) return;
    this.clockedCycles = this.cycles;
    for (const c of this.clocks) c.advanceClock(delta);
  }

  /** Cycles until some clocked device may raise or lower a line. */
  cyclesUntilEvent(): number {
    let horizon = Infinity;
    for (const c of this.clocks) horizon = Math.min(horizon, c.cyclesUntilEvent());
    return horizon;
  }

  /**
   * Takes a trap into M mode: mepc = `epc`, mcause, mtval, MPIE ← MIE, MIE ← 0, MPP ← mode,
   * pc ← mtvec (BASE + 4 × cause for interrupts in vectored mode). A trap costs one cycle.
   */
  takeTrap(mcause: number, tval: number, epc: number): void {
    const s = this.mstatus;
    this.mepc = epc & (this.compressed ? ~1 : ~3);
    this.mcause = mcause | 0;
    this.mtval = tval | 0;
    this.mstatus =
      (s & ~(MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP)) |
      (s & MSTATUS_MIE ? MSTATUS_MPIE : 0) |
      (this.mode << MSTATUS_MPP_SHIFT);
    this.mode = PrivilegeMode.Machine;
    this.reservation = -1;
    const base = this.mtvec & ~3;
    const vectored = (this.mtvec & MTVEC_MODE) === MTVEC_MODE_VECTORED;
    this.pc = mcause & MCAUSE_INTERRUPT && vectored ? (base + 4 * (mcause & 0x3f)) | 0 : base;
    this.cycles += 1;
  }

  /** Takes a synchronous exception at the current pc. */
  raise(cause: ExceptionCause, tval: number): void {
    this.takeTrap(cause, tval, this.pc);
  }

  /** Executes mret's effects (the caller checks the privilege). */
  mret(): void {
    const s = this.mstatus;
    const mpp = ((s & MSTATUS_MPP) >>> MSTATUS_MPP_SHIFT) as PrivilegeMode;
    let next = (s & ~(MSTATUS_MIE | MSTATUS_MPP)) | MSTATUS_MPIE;
    if (s & MSTATUS_MPIE) next |= MSTATUS_MIE;
    if (mpp !== PrivilegeMode.Machine) next &= ~MSTATUS_MPRV;
    this.mstatus = next;
    this.mode = mpp;
    this.reservation = -1;
    this.pc = this.mepc & (this.compressed ? ~1 : ~3);
  }

  /** mcause of the interrupt the hart would take now, or 0 when none is takeable. */
  takeableInterrupt(): number {
    const pending = this.mip & this.mie;
    if (pending === 0) return 0;
    if (this.mode === PrivilegeMode.Machine && (this.mstatus & MSTATUS_MIE) === 0) return 0;
    if (pending & MIP_MEIP) return MCAUSE_INTERRUPT | 11;
    if (pending & MIP_MSIP) return MCAUSE_INTERRUPT | 3;
    if (pending & MIP_MTIP) return MCAUSE_INTERRUPT | 7;
    return 0;
  }

  // ---- Slow memory paths ----

  private ramIndex(address: number): number {
    const regions = this.bus.regions;
    const a = address >>> 0;
    for (let i = 0; i < regions.length; i++) {
      const r = regions[i]!;
      if (a >= r.base && a - r.base < r.size) return i;
    }
    return -1;
  }

  /**
   * Makes the instruction at pc fetchable by the fast path: finds its region, checks PMP X,
   * decodes it. Returns false after raising an instruction access fault.
   */
  prepareFetch(): boolean {
    const pc = this.pc >>> 0;
    const index = this.ramIndex(pc);
    if (index < 0) {
      this.raise(ExceptionCause.InstructionAccessFault, pc);
      return false;
    }
    this.syncPermissions();
    const region = this.bus.regions[index]!;
    const perm = this.permMaps[index]!;
    const mask = permissionMapMask(PmpAccess.Execute, this.mode);
    const off = pc - region.base;
    if ((perm[off >>> 2]! & mask) === 0) {
      this.raise(ExceptionCause.InstructionAccessFault, pc);
      return false;
    }
    const slot = off >>> 1;
    if (region.decodedInfo[slot] === 0) {
      const lowHalf = region.u16[slot]!;
      if ((lowHalf & 3) !== 3) {
        if (this.compressed) decode16(lowHalf, region.decodedInfo, region.decodedImm, slot);
        else {
          region.decodedInfo[slot] = Op.ILLEGAL;
          region.decodedImm[slot] = lowHalf;
        }
      } else {
        if (off + 4 > region.size) {
          this.raise(ExceptionCause.InstructionAccessFault, (pc + 2) >>> 0);
          return false;
        }
        const insn = lowHalf | (region.u16[slot + 1]! << 16);
        decode32(insn, region.decodedInfo, region.decodedImm, slot);
      }
      region.markCode(off, region.decodedInfo[slot]! & INFO_COMPRESSED ? 2 : 4);
    }
    const info = region.decodedInfo[slot]!;
    if ((info & INFO_COMPRESSED) === 0 && off & 2 && (perm[(off >>> 2) + 1]! & mask) === 0) {
      this.raise(ExceptionCause.InstructionAccessFault, (pc + 2) >>> 0);
      return false;
    }
    this.codeRegion = index;
    return true;
  }

  /**
   * Checks and locates a data access; returns the RAM region index, -2 for a device access
   * that PMP allows, or -1 after raising the right exception.
   */
  private locateData(
    address: number,
    size: number,
    access: PmpAccess,
    fault: ExceptionCause,
  ): number {
    const a = address >>> 0;
    const misaligned =
      fault === ExceptionCause.LoadAccessFault
        ? ExceptionCause.LoadAddressMisaligned
        : ExceptionCause.StoreAddressMisaligned;
    if (a & (size - 1)) {
      this.raise(misaligned, a);
      return -1;
    }
    const mode = this.dataMode();
    const index = this.ramIndex(a);
    if (index >= 0) {
      this.syncPermissions();
      const region = this.bus.regions[index]!;
      const need = permissionMapMask(access, mode);
      if ((this.permMaps[index]![(a - region.base) >>> 2]! & need) !== need) {
        this.raise(fault, a);
        return -1;
      }
      return index;
    }
    if (this.bus.deviceAt(a) === undefined || !this.checker.allows(a, size, access, mode)) {
      this.raise(fault, a);
      return -1;
    }
    return -2;
  }

  /**
   * A load that missed the fast path. Returns the value (sign- or zero-extended to int32),
   * or undefined after raising an exception.
   */
  load(address: number, size: 1 | 2 | 4, signed: boolean): number | undefined {
    const index = this.locateData(address, size, PmpAccess.Read, ExceptionCause.LoadAccessFault);
    if (index === -1) return undefined;
    if (index >= 0) this.dataRegion = index;
    else this.syncClocks();
    const value = this.bus.read(address >>> 0, size);
    if (value === undefined) {
      this.raise(ExceptionCause.LoadAccessFault, address >>> 0);
      return undefined;
    }
    if (!signed || size === 4) return value | 0;
    const shift = 32 - 8 * size;
    return (value << shift) >> shift;
  }

  /** A store that missed the fast path; false after raising an exception. */
  store(address: number, size: 1 | 2 | 4, value: number): boolean {
    const index = this.locateData(address, size, PmpAccess.Write, ExceptionCause.StoreAccessFault);
    if (index === -1) return false;
    if (index >= 0) this.dataRegion = index;
    else this.syncClocks();
    if (!this.bus.write(address >>> 0, size, value)) {
      this.raise(ExceptionCause.StoreAccessFault, address >>> 0);
      return false;
    }
    return true;
  }

  /** Executes LR.W / SC.W / AMO*.W; false after raising an exception. */
  atomic(op: number, rd: number, address: number, source: number): boolean {
    const a = address >>> 0;
    if (op === Op.LR_W) {
      const value = this.load(a, 4, true);
      if (value === undefined) return false;
      this.reservation = a;
      this.x[rd] = value;
      return true;
    }
    if (op === Op.SC_W) {
      if (a & 3) {
        this.raise(ExceptionCause.StoreAddressMisaligned, a);
        return false;
      }
      if (this.reservation !== a) {
        // A failed SC performs no store, so no PMP check is needed.
        this.x[rd] = 1;
        this.reservation = -1;
        return true;
      }
      if (!this.store(a, 4, source)) return false;
      this.x[rd] = 0;
      this.reservation = -1;
      return true;
    }
    // AMOs need read and write permission and report faults as store/AMO faults.
    const index = this.locateData(
      a,
      4,
      PmpAccess.Read | PmpAccess.Write,
      ExceptionCause.StoreAccessFault,
    );
    if (index === -1) return false;
    if (index === -2) this.syncClocks();
    const old = this.bus.read(a, 4);
    if (old === undefined) {
      this.raise(ExceptionCause.StoreAccessFault, a);
      return false;
    }
    const o = old | 0;
    let next: number;
    switch (op) {
      case Op.AMOSWAP_W:
        next = source;
        break;
      case Op.AMOADD_W:
        next = (o + source) | 0;
        break;
      case Op.AMOXOR_W:
        next = o ^ source;
        break;
      case Op.AMOAND_W:
        next = o & source;
        break;
      case Op.AMOOR_W:
        next = o | source;
        break;
      case Op.AMOMIN_W:
        next = Math.min(o, source);
        break;
      case Op.AMOMAX_W:
        next = Math.max(o, source);
        break;
      case Op.AMOMINU_W:
        next = (o >>> 0 < source >>> 0 ? o : source) | 0;
        break;
      default:
        next = (o >>> 0 > source >>> 0 ? o : source) | 0;
        break;
    }
    if (!this.bus.write(a, 4, next)) {
      this.raise(ExceptionCause.StoreAccessFault, a);
      return false;
    }
    this.x[rd] = o;
    return true;
  }

  /**
   * Executes a CSR instruction (`op` is one of the six CSR ops, `operand` rs1 or zimm).
   * Returns false, changing nothing, when the access is illegal (the caller raises).
   */
  csrInstruction(op: number, rd: number, operand: number, csr: number): boolean {
    const immediate = op >= Op.CSRRWI;
    const kind = immediate ? op - 3 : op;
    const source = immediate ? operand : this.x[operand]!;
    // CSRRW always writes; CSRRS/CSRRC write only when the operand register/immediate is not 0.
    const writes = kind === Op.CSRRW || operand !== 0;
    const reads = kind !== Op.CSRRW || rd !== 0;
    if (!csrAccessible(this, csr, writes)) return false;
    this.syncClocks();
    const old = reads ? (csrReadRaw(this, csr) ?? 0) : 0;
    if (writes) {
      let value = source;
      if (kind === Op.CSRRS) value = old | source;
      else if (kind === Op.CSRRC) value = old & ~source;
      csrWriteRaw(this, csr, value, true);
    }
    if (rd !== 0) this.x[rd] = old;
    return true;
  }

  /** The raw bits of the (decoded) instruction at pc, for mtval on illegal instruction. */
  instructionBits(): number {
    const region = this.bus.regions[this.codeRegion]!;
    const slot = ((this.pc >>> 0) - region.base) >>> 1;
    const lowHalf = region.u16[slot]!;
    if ((lowHalf & 3) !== 3) return lowHalf;
    return (lowHalf | (region.u16[slot + 1]! << 16)) >>> 0;
  }
}
