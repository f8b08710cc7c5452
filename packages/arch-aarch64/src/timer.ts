// The Arm generic timer's EL1 physical timer for one PE: CNTFRQ_EL0, CNTPCT_EL0 (a counter the
// owner advances explicitly: time is a parameter, never read from a clock), CNTP_CVAL_EL0,
// CNTP_TVAL_EL0 (the signed 32-bit view of CVAL - CNTPCT) and CNTP_CTL_EL0 (ENABLE, IMASK,
// ISTATUS). The interrupt output (ENABLE and ISTATUS and not IMASK) is a level on PPI 30 of an
// InterruptSink, updated whenever the counter or a register changes. CNTPCT and CVAL are 64-bit
// registers and therefore BigInt. Relies on gic/gic.ts (InterruptSink), gic/state.ts.

import { Aarch64Error } from './errors';
import type { InterruptSink } from './gic/gic';
import { TimerPpi } from './gic/state';

/** CNTP_CTL_EL0.ENABLE [0]. */
export const CNTP_CTL_ENABLE = 1 << 0;
/** CNTP_CTL_EL0.IMASK [1]. */
export const CNTP_CTL_IMASK = 1 << 1;
/** CNTP_CTL_EL0.ISTATUS [2] (read-only). */
export const CNTP_CTL_ISTATUS = 1 << 2;

const MASK64 = (1n << 64n) - 1n;

/** Converts a tick count to BigInt, refusing fractions, NaN and infinities with a typed error. */
function ticksOf(what: string, value: bigint | number): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isInteger(value)) {
    throw new Aarch64Error(
      'field-range',
      `${what} must be an integer number of ticks, got ${value}`,
    );
  }
  return BigInt(value);
}

/** Options of {@link GenericTimer}. */
export interface GenericTimerOptions {
  /** CNTFRQ_EL0 in Hz (default 62.5 MHz, QEMU virt's value). */
  frequency?: number;
  /** Where the timer interrupt goes; PPI 30 unless `intid` says otherwise. */
  sink?: InterruptSink;
  /** The INTID to drive (default 30, the EL1 non-secure physical timer PPI). */
  intid?: number;
}

/** The EL1 physical timer (CNTP_*) with its system counter. */
export class GenericTimer {
  /** CNTFRQ_EL0. */
  readonly frequency: number;
  private counter = 0n;
  private cval = 0n;
  private ctl = 0;
  private lastLevel = false;
  private readonly sink: InterruptSink | undefined;
  private readonly intid: number;

  /** @param options - frequency and interrupt wiring */
  constructor(options: GenericTimerOptions = {}) {
    this.frequency = options.frequency ?? 62_500_000;
    if (!Number.isInteger(this.frequency) || this.frequency <= 0 || this.frequency >= 2 ** 32) {
      throw new Aarch64Error(
        'out-of-range',
        `CNTFRQ_EL0 must be a positive 32-bit frequency in Hz`,
      );
    }
    this.sink = options.sink;
    this.intid = options.intid ?? TimerPpi.NonSecurePhysical;
  }

  /** CNTPCT_EL0. */
  get cntpct(): bigint {
    return this.counter;
  }

  /** Advances the system counter by `ticks` (the simulator's notion of time passing). */
  advance(ticks: bigint | number): void {
    const t = ticksOf('advance', ticks);
    if (t < 0n) throw new Aarch64Error('out-of-range', 'the system counter never goes backwards');
    this.counter = (this.counter + t) & MASK64;
    this.update();
  }

  /** CNTP_CVAL_EL0: the 64-bit compare value. */
  get cval64(): bigint {
    return this.cval;
  }

  set cval64(value: bigint) {
    this.cval = value & MASK64;
    this.update();
  }

  /**
   * CNTP_TVAL_EL0: reads (CVAL - CNTPCT) as a signed 32-bit number (negative once expired);
   * a write sets CVAL = CNTPCT + the sign-extended value[31:0].
   */
  get tval(): number {
    return Number(BigInt.asIntN(32, this.cval - this.counter));
  }

  set tval(value: number) {
    this.cval = (this.counter + BigInt.asIntN(32, ticksOf('CNTP_TVAL_EL0', value))) & MASK64;
    this.update();
  }

  /** CNTP_CTL_EL0: ENABLE, IMASK, and the read-only ISTATUS (reads 0 while disabled). */
  get ctlRegister(): number {
    return this.ctl | (this.istatus ? CNTP_CTL_ISTATUS : 0);
  }

  set ctlRegister(value: number) {
    this.ctl = value & (CNTP_CTL_ENABLE | CNTP_CTL_IMASK);
    this.update();
  }

  /** ISTATUS: enabled and the counter has reached CVAL (an unsigned 64-bit comparison). */
  get istatus(): boolean {
    return (this.ctl & CNTP_CTL_ENABLE) !== 0 && this.counter >= this.cval;
  }

  /** The interrupt output level: ENABLE, ISTATUS and not IMASK. */
  get interruptAsserted(): boolean {
    return this.istatus && (this.ctl & CNTP_CTL_IMASK) === 0;
  }

  /**
   * One-shot deadline helper: CVAL = CNTPCT + `ticks`, ENABLE = 1, IMASK = 0. The interrupt
   * fires when the counter reaches it; {@link GenericTimer.cancel} (or a new deadline) lowers it.
   */
  armDeadline(ticks: bigint | number): void {
    const t = ticksOf('deadline', ticks);
    if (t < 0n) throw new Aarch64Error('out-of-range', 'a deadline is in the future (ticks >= 0)');
    this.cval = (this.counter + t) & MASK64;
    this.ctl = CNTP_CTL_ENABLE;
    this.update();
  }

  /** Disables the timer (ENABLE = 0): the interrupt line drops. */
  cancel(): void {
    this.ctl = 0;
    this.update();
  }

  /** Ticks until the deadline (0 when reached); undefined while disabled. */
  ticksUntilDeadline(): bigint | undefined {
    if ((this.ctl & CNTP_CTL_ENABLE) === 0) return undefined;
    return this.counter >= this.cval ? 0n : this.cval - this.counter;
  }

  /** Converts nanoseconds to counter ticks at CNTFRQ (rounded up, so a deadline is never early). */
  nanosToTicks(ns: bigint | number): bigint {
    const f = BigInt(this.frequency);
    return (ticksOf('nanoseconds', ns) * f + 999_999_999n) / 1_000_000_000n;
  }

  private update(): void {
    const level = this.interruptAsserted;
    if (level !== this.lastLevel) {
      this.lastLevel = level;
      this.sink?.setLine(this.intid, level);
    }
  }
}
