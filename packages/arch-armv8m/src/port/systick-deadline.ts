// SysTick as the kernel's one-shot deadline timer: the kernel arms an absolute deadline in its
// own ticks, SysTick counts the delay in core clocks (one tick = one clock), a deadline beyond
// one 24-bit period is re-armed for the rest at each wrap, and reaching it pends exception 15 in
// the NVIC and stops the counter. Counting is exact across wraps: cycles past a wrap count
// towards the next period. Relies on `systick.ts` for the register model and plans and on
// `nvic.ts` for the pending bit.

import { ExceptionNumber, type Nvic } from '../nvic';
import {
  applyOneShot,
  planOneShot,
  SYST_CSR,
  SYST_CSR_CLKSOURCE,
  SYST_CVR,
  type SysTick,
} from '../systick';

/** The one-shot deadline behind `ArmV8mPort.setTimer`. */
export class SysTickDeadline {
  private armed: number | null = null;
  /** Clocks still to wait after the current period, for a deadline beyond 2^24. */
  private remaining = 0;
  /** The kernel time the count corresponds to (moved by arming and by counted cycles). */
  private syncedAt = 0;

  /**
   * @param systick - the counter.
   * @param nvic - where SysTick pends.
   * @param now - the kernel's clock in ticks.
   */
  constructor(
    private readonly systick: SysTick,
    private readonly nvic: Nvic,
    private readonly now: () => number,
  ) {}

  /** The armed deadline, or null. */
  get deadline(): number | null {
    return this.armed;
  }

  /** Whether SysTick is pending: the deadline was reached and the kernel has not taken it. */
  get pending(): boolean {
    return this.nvic.state(ExceptionNumber.SysTick).pending;
  }

  /**
   * Arms the deadline (absolute, in ticks of `now`) or disarms with null. Re-arming clears a
   * pending SysTick: the kernel re-arms after handling a deadline, so that bit is stale. A
   * deadline now or one tick away pends at once (the counter needs one clock to reload).
   */
  set(deadline: number | null): void {
    this.armed = deadline;
    this.remaining = 0;
    this.syncedAt = this.now();
    this.stop();
    this.nvic.setPending(ExceptionNumber.SysTick, false);
    if (deadline !== null) this.arm(Math.max(0, Math.ceil(deadline - this.now())));
  }

  /** Counts `cycles` clocks; returns true when they reach the deadline (SysTick then pends). */
  advance(cycles: number): boolean {
    this.syncedAt += cycles;
    let left = cycles;
    while (left > 0 && this.systick.tickInterrupt) {
      const until = this.systick.cyclesUntilZero();
      if (until === undefined) return false;
      if (left < until) {
        this.systick.advance(left);
        return false;
      }
      this.systick.advance(until);
      left -= until;
      // A long deadline: one period ended, arm the next part (the kernel's SysTick handler does
      // this on hardware, losing the clocks it takes; the model loses none).
      if (this.remaining > 0) {
        if (this.arm(this.remaining)) return true;
        continue;
      }
      this.stop();
      this.nvic.setPending(ExceptionNumber.SysTick, true);
      return true;
    }
    return false;
  }

  /** Counts the kernel ticks that passed without the CPU (host tasks); as {@link advance}. */
  sync(): boolean {
    const behind = this.now() - this.syncedAt;
    return behind > 0 ? this.advance(behind) : false;
  }

  /** Programs `delay` clocks; returns true when the delay was so short it pended at once. */
  private arm(delay: number): boolean {
    const plan = planOneShot(delay);
    if (plan.kind === 'pend-now') {
      this.remaining = 0;
      this.stop();
      this.nvic.setPending(ExceptionNumber.SysTick, true);
      return true;
    }
    this.remaining = delay - plan.firesAfter;
    applyOneShot(this.systick, plan);
    return false;
  }

  private stop(): void {
    this.systick.write(SYST_CSR, SYST_CSR_CLKSOURCE);
    this.systick.write(SYST_CVR, 0);
  }
}
