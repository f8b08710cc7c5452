// The core-local interruptor (CLINT, SiFive layout): per-hart msip (software interrupt) and
// 64-bit mtimecmp registers, one shared 64-bit mtime, all accessed as 32-bit words on RV32.
// Drives MSIP from msip bit 0 and MTIP while mtime ≥ mtimecmp (unsigned). mtime advances
// with the hart's cycles (`cyclesPerTick` cycles per tick) or explicitly. Also owns the
// kernel-facing one-shot deadline helpers. Relies on the hart's interrupt-line interface.

import { RiscvError } from './errors';
import type { MmioDevice } from './hart/memory';
import type { ClockedDevice } from './hart/state';
import { InterruptCause } from './trap';

/** Offset of hart 0's msip register (4 bytes per hart). */
export const CLINT_MSIP = 0x0000;
/** Offset of hart 0's mtimecmp register (8 bytes per hart, low word first). */
export const CLINT_MTIMECMP = 0x4000;
/** Offset of mtime (8 bytes, low word first). */
export const CLINT_MTIME = 0xbff8;
/** Size of the CLINT's address window. */
export const CLINT_SIZE = 0x1_0000;
/** The conventional CLINT base address (QEMU virt, SiFive parts). */
export const CLINT_DEFAULT_BASE = 0x0200_0000;

/** Whatever receives an interrupt line: the reference {@link Hart} or a user's CPU model. */
export interface InterruptTarget {
  /** Raises (`true`) or lowers one machine interrupt line. */
  setInterruptLine(cause: InterruptCause, level: boolean): void;
}

/** Options of a {@link Clint}. */
export interface ClintOptions {
  /** The harts, in hart-id order (msip/mtimecmp index). */
  harts: readonly InterruptTarget[];
  /** Hart cycles per mtime tick when attached as a clocked device (default 1). */
  cyclesPerTick?: number;
}

const TWO_32 = 2 ** 32;
const MAX_U64 = (1n << 64n) - 1n;

/** One 32-bit store a driver performs, as produced by {@link mtimecmpWriteSequence}. */
export interface RegisterWrite {
  /** Offset from the device base. */
  readonly offset: number;
  /** The 32-bit value stored. */
  readonly value: number;
}

/**
 * The three 32-bit stores that set a 64-bit mtimecmp on RV32 without a spurious timer
 * interrupt in between (privileged spec): low word to all ones, high word, low word.
 */
export function mtimecmpWriteSequence(hart: number, value: bigint): RegisterWrite[] {
  const offset = CLINT_MTIMECMP + 8 * hart;
  const v = BigInt.asUintN(64, value);
  return [
    { offset, value: 0xffff_ffff },
    { offset: offset + 4, value: Number(v >> 32n) },
    { offset, value: Number(v & 0xffff_ffffn) },
  ];
}

/** The CLINT device. Map it on the bus and attach it to the hart as a clocked device. */
export class Clint implements MmioDevice, ClockedDevice {
  /** Hart cycles per mtime tick. */
  readonly cyclesPerTick: number;
  private readonly harts: readonly InterruptTarget[];
  private readonly msip: Uint8Array;
  private readonly cmpLo: Uint32Array;
  private readonly cmpHi: Uint32Array;
  private timeLo = 0;
  private timeHi = 0;
  private cycleRemainder = 0;

  /** @param options - the harts and the tick rate */
  constructor(options: ClintOptions) {
    const cpt = options.cyclesPerTick ?? 1;
    if (!Number.isInteger(cpt) || cpt < 1) {
      throw new RiscvError(
        'invalid-argument',
        `cyclesPerTick must be a positive integer, got ${cpt}`,
      );
    }
    if (options.harts.length === 0 || options.harts.length > 4095) {
      throw new RiscvError('invalid-argument', 'a CLINT serves 1..4095 harts');
    }
    this.cyclesPerTick = cpt;
    this.harts = options.harts;
    const n = options.harts.length;
    this.msip = new Uint8Array(n);
    // mtimecmp resets to the maximum so that no timer interrupt is pending at reset.
    this.cmpLo = new Uint32Array(n).fill(0xffff_ffff);
    this.cmpHi = new Uint32Array(n).fill(0xffff_ffff);
    for (let h = 0; h < n; h++) this.update(h);
  }

  /** mtime. */
  get mtime(): bigint {
    return (BigInt(this.timeHi) << 32n) | BigInt(this.timeLo);
  }
  set mtime(value: bigint) {
    const v = BigInt.asUintN(64, value);
    this.timeHi = Number(v >> 32n);
    this.timeLo = Number(v & 0xffff_ffffn);
    this.cycleRemainder = 0;
    this.updateAll();
  }

  /** mtimecmp of `hart`. */
  getMtimecmp(hart: number): bigint {
    this.checkHart(hart);
    return (BigInt(this.cmpHi[hart]!) << 32n) | BigInt(this.cmpLo[hart]!);
  }

  /** Sets mtimecmp of `hart` atomically (as an RV64 store would). */
  setMtimecmp(hart: number, value: bigint): void {
    this.checkHart(hart);
    const v = BigInt.asUintN(64, value);
    this.cmpHi[hart] = Number(v >> 32n);
    this.cmpLo[hart] = Number(v & 0xffff_ffffn);
    this.update(hart);
  }

  /** One-shot deadline: MTIP of `hart` rises `ticks` ticks from now. */
  armDeadline(hart: number, ticks: number | bigint): void {
    this.setMtimecmp(hart, this.mtime + BigInt(ticks));
  }

  /** Cancels `hart`'s deadline (mtimecmp to the maximum, MTIP low). */
  disarm(hart: number): void {
    this.setMtimecmp(hart, MAX_U64);
  }

  /** Advances mtime by `ticks` (a non-negative integer), updating MTIP lines. */
  advance(ticks: number): void {
    if (!Number.isInteger(ticks) || ticks < 0) {
      throw new RiscvError(
        'invalid-argument',
        `ticks must be a non-negative integer, got ${ticks}`,
      );
    }
    if (ticks === 0) return;
    const lo = this.timeLo + ticks;
    this.timeLo = lo % TWO_32;
    this.timeHi = (this.timeHi + Math.floor(lo / TWO_32)) % TWO_32;
    this.updateAll();
  }

  /** {@inheritDoc ClockedDevice.advanceClock} */
  advanceClock(cycles: number): void {
    const total = this.cycleRemainder + cycles;
    const ticks = Math.floor(total / this.cyclesPerTick);
    this.cycleRemainder = total - ticks * this.cyclesPerTick;
    if (ticks > 0) this.advance(ticks);
  }

  /** {@inheritDoc ClockedDevice.cyclesUntilEvent} */
  cyclesUntilEvent(): number {
    let best = Infinity;
    for (let h = 0; h < this.harts.length; h++) {
      const ticks = (this.cmpHi[h]! - this.timeHi) * TWO_32 + (this.cmpLo[h]! - this.timeLo);
      if (ticks > 0) best = Math.min(best, ticks * this.cyclesPerTick - this.cycleRemainder);
    }
    return best;
  }

  /** True while `hart`'s timer interrupt line is high. */
  timerPending(hart: number): boolean {
    this.checkHart(hart);
    return this.expired(hart);
  }

  /** {@inheritDoc MmioDevice.read} */
  read(offset: number, size: 1 | 2 | 4): number | undefined {
    if (size !== 4 || offset & 3) return undefined;
    const n = this.harts.length;
    if (offset >= CLINT_MSIP && offset < CLINT_MSIP + 4 * n) return this.msip[offset >>> 2]!;
    if (offset >= CLINT_MTIMECMP && offset < CLINT_MTIMECMP + 8 * n) {
      const h = (offset - CLINT_MTIMECMP) >>> 3;
      return offset & 4 ? this.cmpHi[h]! : this.cmpLo[h]!;
    }
    if (offset === CLINT_MTIME) return this.timeLo;
    if (offset === CLINT_MTIME + 4) return this.timeHi;
    return 0;
  }

  /** {@inheritDoc MmioDevice.write} */
  write(offset: number, size: 1 | 2 | 4, value: number): boolean {
    if (size !== 4 || offset & 3) return false;
    const n = this.harts.length;
    if (offset >= CLINT_MSIP && offset < CLINT_MSIP + 4 * n) {
      const h = offset >>> 2;
      this.msip[h] = value & 1;
      this.harts[h]!.setInterruptLine(InterruptCause.MachineSoftware, (value & 1) === 1);
    } else if (offset >= CLINT_MTIMECMP && offset < CLINT_MTIMECMP + 8 * n) {
      const h = (offset - CLINT_MTIMECMP) >>> 3;
      if (offset & 4) this.cmpHi[h] = value >>> 0;
      else this.cmpLo[h] = value >>> 0;
      this.update(h);
    } else if (offset === CLINT_MTIME) {
      this.timeLo = value >>> 0;
      this.updateAll();
    } else if (offset === CLINT_MTIME + 4) {
      this.timeHi = value >>> 0;
      this.updateAll();
    }
    // Other offsets in the window are reserved: writes are ignored.
    return true;
  }

  private expired(h: number): boolean {
    const hi = this.cmpHi[h]!;
    return this.timeHi > hi || (this.timeHi === hi && this.timeLo >= this.cmpLo[h]!);
  }

  private update(h: number): void {
    this.harts[h]!.setInterruptLine(InterruptCause.MachineTimer, this.expired(h));
  }

  private updateAll(): void {
    for (let h = 0; h < this.harts.length; h++) this.update(h);
  }

  private checkHart(hart: number): void {
    if (!Number.isInteger(hart) || hart < 0 || hart >= this.harts.length) {
      throw new RiscvError(
        'invalid-argument',
        `hart must be 0..${this.harts.length - 1}, got ${hart}`,
      );
    }
  }
}
