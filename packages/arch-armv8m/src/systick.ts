// SysTick, the Armv8-M system timer: a 24-bit down-counter (SYST_CVR) reloaded from SYST_RVR,
// controlled by SYST_CSR (ENABLE, TICKINT, CLKSOURCE, COUNTFLAG) with SYST_CALIB describing the
// reference clock. Time is never read from a clock: the simulator passes elapsed cycles to
// `advance`, which computes in closed form how often the counter reached zero. Also the one-shot
// deadline helper the kernel's timer uses. Relies on `errors.ts`.

import { InterruptError } from './errors';

/** SYST_CSR address. */
export const SYST_CSR = 0xe000e010;
/** SYST_RVR address. */
export const SYST_RVR = 0xe000e014;
/** SYST_CVR address. */
export const SYST_CVR = 0xe000e018;
/** SYST_CALIB address. */
export const SYST_CALIB = 0xe000e01c;
/** SYST_CSR.ENABLE. */
export const SYST_CSR_ENABLE = 0x1;
/** SYST_CSR.TICKINT: reaching zero pends the SysTick exception. */
export const SYST_CSR_TICKINT = 0x2;
/** SYST_CSR.CLKSOURCE: 1 = processor clock, 0 = external reference clock. */
export const SYST_CSR_CLKSOURCE = 0x4;
/** SYST_CSR.COUNTFLAG: the counter reached zero since CSR was last read (cleared by the read). */
export const SYST_CSR_COUNTFLAG = 0x10000;
/** The 24-bit counter mask (SYST_RVR.RELOAD, SYST_CVR.CURRENT). */
export const SYST_COUNTER_MASK = 0xffffff;
/** SYST_CALIB.NOREF: no reference clock. */
export const SYST_CALIB_NOREF = 0x80000000;
/** SYST_CALIB.SKEW: TENMS is not exact. */
export const SYST_CALIB_SKEW = 0x40000000;

/** Options of {@link SysTick}. */
export interface SysTickOptions {
  /** SYST_CALIB value (read-only). Defaults to NOREF with TENMS 0 (unknown). */
  readonly calib?: number;
}

/** A SysTick model. Reset: CSR = CLKSOURCE (processor clock), RVR and CVR 0. */
export class SysTick {
  private csr = SYST_CSR_CLKSOURCE;
  private rvr = 0;
  private cvr = 0;
  private readonly calib: number;

  /** @param options - the calibration value. */
  constructor(options: SysTickOptions = {}) {
    this.calib = (options.calib ?? SYST_CALIB_NOREF) >>> 0;
  }

  /** Whether the counter runs. */
  get enabled(): boolean {
    return (this.csr & SYST_CSR_ENABLE) !== 0;
  }

  /** Whether reaching zero pends the exception. */
  get tickInterrupt(): boolean {
    return (this.csr & SYST_CSR_TICKINT) !== 0;
  }

  /** The current counter value without side effects. */
  get current(): number {
    return this.cvr;
  }

  /** Reads a register; reading SYST_CSR clears COUNTFLAG. */
  read(address: number): number {
    switch (address >>> 0) {
      case SYST_CSR: {
        const v = this.csr;
        this.csr &= ~SYST_CSR_COUNTFLAG;
        return v >>> 0;
      }
      case SYST_RVR:
        return this.rvr;
      case SYST_CVR:
        return this.cvr;
      case SYST_CALIB:
        return this.calib;
      default:
        throw this.notRegister(address);
    }
  }

  /** Writes a register: any write to SYST_CVR clears it and COUNTFLAG; RES0 bits are dropped. */
  write(address: number, value: number): void {
    const v = value >>> 0;
    switch (address >>> 0) {
      case SYST_CSR:
        this.csr = (this.csr & SYST_CSR_COUNTFLAG) | (v & 7);
        return;
      case SYST_RVR:
        this.rvr = v & SYST_COUNTER_MASK;
        return;
      case SYST_CVR:
        this.cvr = 0;
        this.csr &= ~SYST_CSR_COUNTFLAG;
        return;
      case SYST_CALIB:
        throw new InterruptError('not-a-register', 'SYST_CALIB is read-only');
      default:
        throw this.notRegister(address);
    }
  }

  /**
   * Advances the counter by `cycles` clock ticks and returns how many times it went from 1 to 0
   * (each sets COUNTFLAG and, with TICKINT, pends SysTick: the caller pends exception 15 once when
   * the result is non-zero and {@link SysTick.tickInterrupt} is set). A tick at 0 reloads RVR
   * without counting; with RVR = 0 the counter stops at 0.
   */
  advance(cycles: number): number {
    if (!Number.isInteger(cycles) || cycles < 0) {
      throw new InterruptError('bad-value', `cycles ${cycles} must be a non-negative integer`);
    }
    if (!this.enabled || cycles === 0) return 0;
    let left = cycles;
    let wraps = 0;
    if (this.cvr > 0) {
      if (left < this.cvr) {
        this.cvr -= left;
        return 0;
      }
      left -= this.cvr;
      this.cvr = 0;
      wraps = 1;
    }
    if (left > 0 && this.rvr > 0) {
      const period = this.rvr + 1; // one tick to reload, RVR ticks down to 0
      wraps += Math.floor(left / period);
      const rest = left % period;
      this.cvr = rest === 0 ? 0 : this.rvr - (rest - 1);
    }
    if (wraps > 0) this.csr |= SYST_CSR_COUNTFLAG;
    return wraps;
  }

  /** Cycles until the counter next reaches zero, or undefined if it never will (disabled, RVR 0). */
  cyclesUntilZero(): number | undefined {
    if (!this.enabled) return undefined;
    if (this.cvr > 0) return this.cvr;
    return this.rvr > 0 ? this.rvr + 1 : undefined;
  }

  private notRegister(address: number): InterruptError {
    return new InterruptError(
      'not-a-register',
      `0x${(address >>> 0).toString(16)} is not a SysTick register (0xe000e010..0xe000e01c)`,
    );
  }
}

/** How to program SysTick for a one-shot deadline. */
export type OneShotPlan =
  | {
      /** Program RVR, clear CVR, enable with TICKINT. */
      readonly kind: 'program';
      /** Value for SYST_RVR. */
      readonly reload: number;
      /** Cycles from the CVR write to the interrupt (RVR + 1). */
      readonly firesAfter: number;
      /** The deadline is further than one period: re-plan when this interrupt fires. */
      readonly rearm: boolean;
    }
  | {
      /** The deadline is now or one cycle away: pend SysTick directly (ICSR.PENDSTSET). */
      readonly kind: 'pend-now';
    };

/**
 * Plans a one-shot deadline `delay` cycles from now. After clearing CVR the counter reloads on the
 * next tick and reaches zero RVR ticks later, so RVR = delay - 1 fires exactly on time; deadlines
 * beyond 2^24 cycles fire early at 2^24 with `rearm` set. Resolution is one SysTick clock (one
 * core cycle with CLKSOURCE = 1), the range 2^24 clocks (about 152 ms at 110 MHz); a kernel that
 * reprograms the counter on every decision loses the part of the period already counted, so it must
 * keep time elsewhere (the simulator's cycle count) and use SysTick only to be woken.
 */
export function planOneShot(delay: number): OneShotPlan {
  if (!Number.isInteger(delay) || delay < 0) {
    throw new InterruptError(
      'bad-value',
      `delay ${delay} must be a non-negative integer of cycles`,
    );
  }
  if (delay <= 1) return { kind: 'pend-now' };
  const max = SYST_COUNTER_MASK + 1;
  if (delay > max)
    return { kind: 'program', reload: SYST_COUNTER_MASK, firesAfter: max, rearm: true };
  return { kind: 'program', reload: delay - 1, firesAfter: delay, rearm: false };
}

/** Applies a `program` plan to a SysTick model: RVR, clear CVR, ENABLE | TICKINT | CLKSOURCE. */
export function applyOneShot(systick: SysTick, plan: OneShotPlan): void {
  if (plan.kind !== 'program') return;
  systick.write(SYST_RVR, plan.reload);
  systick.write(SYST_CVR, 0);
  systick.write(SYST_CSR, SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE);
}
