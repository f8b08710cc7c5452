// The reference hart's public face: construction, registers, CSRs as a debugger sees them,
// interrupt lines, clocked devices, and `run`, which hands over to the loop in
// `execute.ts`. Relies on `state.ts` for the architectural state and its slow paths.

import { RiscvError } from '../errors';
import { type PmpOptions, PmpRegisters } from '../pmp/registers';
import { type ExceptionCause, type InterruptCause, PrivilegeMode } from '../trap';
import { csrReadRaw, csrWriteRaw } from './csr-file';
import { runHart, type StopReason } from './execute';
import type { MemoryBus } from './memory';
import { type ClockedDevice, HartState } from './state';

/** Options of a {@link Hart}. */
export interface HartOptions {
  /** The memory the hart fetches from and loads/stores to. */
  bus: MemoryBus;
  /** PMP registers to use, or options for new ones (default: 16 entries, G = 0). */
  pmp?: PmpRegisters | PmpOptions;
  /** `mhartid` (default 0). */
  hartId?: number;
  /** Initial pc (default 0). */
  resetVector?: number;
  /** Implement the C extension (default true). Without it IALIGN is 32. */
  compressed?: boolean;
  /**
   * Return from {@link Hart.run} right after every trap is taken (the trap's CSR effects are
   * done and pc is at the handler), so that host code can act as the M-mode trap handler.
   * Default false: the hart runs the handler at mtvec itself.
   */
  stopOnTrap?: boolean;
}

/**
 * The reference RV32IMAC + Zicsr + Zifencei hart with M and U modes, PMP on every access,
 * and machine software, timer and external interrupts.
 *
 * @remarks
 * Misaligned loads and stores always raise address-misaligned exceptions (they are not
 * emulated), and misalignment is checked before access faults. Counters count one cycle per
 * retired instruction and per trap taken; they are exact below 2^53.
 */
export class Hart {
  private readonly s: HartState;
  /** Whether {@link Hart.run} returns right after each trap. */
  stopOnTrap: boolean;

  /** @param options - bus, PMP, hart id, reset vector and behaviour switches */
  constructor(options: HartOptions) {
    const pmp = options.pmp instanceof PmpRegisters ? options.pmp : new PmpRegisters(options.pmp);
    const hartId = options.hartId ?? 0;
    if (!Number.isInteger(hartId) || hartId < 0 || hartId > 0xffff_ffff) {
      throw new RiscvError('invalid-argument', `hartId must be a u32, got ${hartId}`);
    }
    this.s = new HartState(options.bus, pmp, hartId, options.compressed ?? true);
    this.s.pc = (options.resetVector ?? 0) | 0;
    this.stopOnTrap = options.stopOnTrap ?? false;
  }

  /** The memory bus. */
  get bus(): MemoryBus {
    return this.s.bus;
  }

  /** The PMP registers (also reachable as CSRs). */
  get pmp(): PmpRegisters {
    return this.s.pmp;
  }

  /** The program counter (unsigned). */
  get pc(): number {
    return this.s.pc >>> 0;
  }
  set pc(value: number) {
    this.s.pc = value | 0;
  }

  /** The current privilege mode. */
  get mode(): PrivilegeMode {
    return this.s.mode;
  }
  set mode(value: PrivilegeMode) {
    if (value !== PrivilegeMode.Machine && value !== PrivilegeMode.User) {
      throw new RiscvError('invalid-argument', `this hart implements M and U modes only`);
    }
    this.s.mode = value;
  }

  /** Cycles counted so far (`mcycle`). */
  get cycles(): number {
    return this.s.cycles;
  }

  /** Instructions retired so far (`minstret`). */
  get instret(): number {
    return this.s.instret;
  }

  /** True while the hart waits in WFI for an interrupt. */
  get waiting(): boolean {
    return this.s.waiting;
  }

  /** Reads x`index` as an unsigned 32-bit value (x0 reads 0). */
  getRegister(index: number): number {
    checkRegister(index);
    return this.s.x[index]! >>> 0;
  }

  /** Writes x`index` (writes to x0 are ignored). */
  setRegister(index: number, value: number): void {
    checkRegister(index);
    if (index !== 0) this.s.x[index] = value;
  }

  /** Copies x0..x31 into `out[0..31]` (unsigned). */
  saveRegisters(out: Uint32Array): void {
    if (out.length < 32) throw new RiscvError('invalid-argument', 'need room for 32 registers');
    const x = this.s.x;
    for (let i = 0; i < 32; i++) out[i] = x[i]!;
  }

  /** Loads x1..x31 from `src[1..31]` (`src[0]` is ignored: x0 stays 0). */
  loadRegisters(src: Uint32Array): void {
    if (src.length < 32) throw new RiscvError('invalid-argument', 'need 32 registers');
    const x = this.s.x;
    for (let i = 1; i < 32; i++) x[i] = src[i]!;
  }

  /** A copy of x0..x31 as unsigned values. */
  registers(): number[] {
    return Array.from(this.s.x.subarray(0, 32), (v) => v >>> 0);
  }

  /**
   * Reads a CSR as a debugger would (no privilege check, no side effects).
   * @throws RiscvError `invalid-argument` when the hart does not implement `csr`
   */
  readCsr(csr: number): number {
    const value = csrReadRaw(this.s, csr);
    if (value === undefined) {
      throw new RiscvError('invalid-argument', `CSR 0x${csr.toString(16)} is not implemented`);
    }
    return value;
  }

  /**
   * Writes a CSR as a debugger would, with its WARL rules (read-only CSRs ignore it).
   * @throws RiscvError `invalid-argument` when the hart does not implement `csr`
   */
  writeCsr(csr: number, value: number): void {
    if (csrReadRaw(this.s, csr) === undefined) {
      throw new RiscvError('invalid-argument', `CSR 0x${csr.toString(16)} is not implemented`);
    }
    csrWriteRaw(this.s, csr, value);
  }

  /** Drives one of the machine interrupt lines into mip (CLINT and PLIC call this). */
  setInterruptLine(cause: InterruptCause, level: boolean): void {
    const bit = 1 << cause;
    this.s.mip = level ? this.s.mip | bit : this.s.mip & ~bit;
  }

  /** Lets a device follow the hart's cycles (for example a CLINT advancing mtime). */
  attachClock(device: ClockedDevice): void {
    this.s.clocks.push(device);
  }

  /**
   * Performs MRET as the M-mode trap handler would (for host code acting as the handler
   * when `stopOnTrap` is set).
   */
  mret(): void {
    this.s.mret();
  }

  /**
   * Takes a synchronous exception at the current pc, as if the current instruction had
   * raised it (for host code emulating an instruction).
   */
  raiseException(cause: ExceptionCause, tval: number): void {
    this.s.raise(cause, tval);
  }

  /** Executes one instruction (or takes one trap). */
  step(): StopReason {
    return this.run(1);
  }

  /**
   * Runs until `maxCycles` cycles are used (one per retired instruction or taken trap), a
   * trap is taken with `stopOnTrap`, or the hart waits in WFI with no interrupt in sight.
   * While waiting with a clocked device event within the budget, the hart skips ahead to it.
   */
  run(maxCycles: number): StopReason {
    return runHart(this.s, maxCycles, this.stopOnTrap);
  }
}

function checkRegister(index: number): void {
  if (!Number.isInteger(index) || index < 0 || index > 31) {
    throw new RiscvError('invalid-argument', `register index must be 0..31, got ${index}`);
  }
}
