// The refill list of one MCS scheduling context: seL4's sporadic-server replenishments (budget,
// period, and a circular buffer of {time, amount} refills) with the operations of seL4's
// `src/kernel/sporadic.c` (refill_new, refill_update, refill_budget_check, schedule_used,
// refill_unblock_check) and the round-robin accounting of `commitTime` / `chargeBudget`.
// Pure arithmetic on tick counts: no clock is read (time is a parameter), nothing is allocated
// after configuration, and no other kernel module is used. Relies on `Ticks` from @k5/abi.
// Where K5 differs from seL4, the comment says so (see also docs/scheduling.md).

import type { Ticks } from '@k5/abi';

/** seL4's MIN_REFILLS: every configured scheduling context has room for at least two refills. @public */
export const MIN_REFILLS = 2;

// Slots allocated up front when an SC is configured; more are added as they are used.
const PREALLOCATED_REFILLS = 16;

/** One replenishment: `amount` ticks of budget usable from `time` on. @public */
export interface Refill {
  /** The earliest time at which the amount can be used. */
  readonly time: Ticks;
  /** How much budget becomes available at `time`. */
  readonly amount: Ticks;
}

/** Kernel-wide timing constants that the refill rules depend on. @public */
export interface RefillTiming {
  /** The kernel's worst-case execution time for one entry and exit, in ticks. */
  readonly kernelWcet: Ticks;
  /** The least budget a thread needs to enter and leave the kernel (seL4 MIN_BUDGET = 2 × WCET). */
  readonly minBudget: Ticks;
  /**
   * How far in the future a head refill may lie and still count as ready. 0 (the default) is
   * current seL4; seL4 before 2023 used the kernel WCET here, which lets a thread start early
   * and weakens the sliding-window guarantee by up to this margin.
   */
  readonly readyMargin: Ticks;
}

/** What SchedControl_Configure asks for. @public */
export interface RefillConfig {
  /** Budget per period, in ticks: `minBudget <= budget <= period`. */
  readonly budget: Ticks;
  /** Replenishment period, in ticks. `budget === period` means round robin. */
  readonly period: Ticks;
  /** Refills beyond {@link MIN_REFILLS}; ignored (treated as 0) for round robin. */
  readonly extraRefills: number;
}

/** Codes of {@link RefillError}. @public */
export type RefillErrorCode =
  | 'bad-ticks'
  | 'bad-timing'
  | 'budget-below-minimum'
  | 'period-below-minimum'
  | 'budget-above-period'
  | 'too-many-refills'
  | 'not-configured'
  | 'round-robin'
  | 'not-ready'
  | 'insufficient';

/** A refill operation called with arguments that cannot be right. @public */
export class RefillError extends Error {
  /** Stable machine-readable reason. */
  readonly code: RefillErrorCode;

  /** An error with its code and a message saying what was wrong and what to do. */
  constructor(code: RefillErrorCode, message: string) {
    super(message);
    this.name = 'RefillError';
    this.code = code;
  }
}

/**
 * Builds timing constants, defaulting the minimum budget to seL4's `2 × kernelWcet` and the ready
 * margin to 0.
 * @throws RefillError `bad-timing` for a negative or fractional value or a minimum budget of 0.
 * @public
 */
export function refillTiming(
  kernelWcet: Ticks,
  options: { minBudget?: Ticks; readyMargin?: Ticks } = {},
): RefillTiming {
  const minBudget = options.minBudget ?? ((2 * kernelWcet) as Ticks);
  const readyMargin = options.readyMargin ?? (0 as Ticks);
  for (const [name, v] of [
    ['kernelWcet', kernelWcet],
    ['minBudget', minBudget],
    ['readyMargin', readyMargin],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 0) {
      throw new RefillError('bad-timing', `${name} must be a non-negative integer, got ${v}`);
    }
  }
  if (minBudget === 0) {
    throw new RefillError('bad-timing', 'minBudget must be at least 1 tick (give kernelWcet > 0)');
  }
  return { kernelWcet, minBudget, readyMargin };
}

/**
 * Checks a configuration the way seL4's decodeSchedControl_ConfigureFlags does and returns the
 * number of refill slots it needs (MIN_REFILLS + extra refills). Changes nothing.
 * @throws RefillError `budget-below-minimum`, `period-below-minimum`, `budget-above-period`,
 *   `too-many-refills` (beyond `maxRefills`, the slots the scheduling context object has room
 *   for) or `bad-ticks`.
 * @public
 */
export function checkRefillConfig(
  config: RefillConfig,
  timing: RefillTiming,
  maxRefills: number = Number.MAX_SAFE_INTEGER,
): number {
  const { budget, period, extraRefills } = config;
  checkTicks('budget', budget);
  checkTicks('period', period);
  if (budget < timing.minBudget) {
    throw new RefillError(
      'budget-below-minimum',
      `budget ${budget} is below the minimum budget ${timing.minBudget}; give at least ${timing.minBudget} ticks`,
    );
  }
  if (period < timing.minBudget) {
    throw new RefillError(
      'period-below-minimum',
      `period ${period} is below the minimum budget ${timing.minBudget}`,
    );
  }
  if (budget > period) {
    throw new RefillError(
      'budget-above-period',
      `budget ${budget} exceeds period ${period}; the budget must be at most the period`,
    );
  }
  if (!Number.isSafeInteger(extraRefills) || extraRefills < 0) {
    throw new RefillError('too-many-refills', `extra refills must be a non-negative integer`);
  }
  const slots = budget === period ? MIN_REFILLS : MIN_REFILLS + extraRefills;
  if (slots > maxRefills) {
    throw new RefillError(
      'too-many-refills',
      `${extraRefills} extra refills need ${slots} slots but the scheduling context holds ${maxRefills} (at most ${maxRefills - MIN_REFILLS} extra)`,
    );
  }
  return slots;
}

function checkTicks(name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0) {
    throw new RefillError(
      'bad-ticks',
      `${name} must be a non-negative integer tick count, got ${v}`,
    );
  }
}

/**
 * The refills of one scheduling context. Starts inactive (seL4 `scRefillMax == 0`); becomes active
 * with {@link RefillList.configure}. Slots are allocated when configured (a few up front, the rest
 * as refills are added); the operations themselves allocate nothing but the returned views.
 *
 * Round robin (`budget === period`) keeps seL4's two-refill representation: the head holds what
 * is left of the time slice and the tail what was consumed, both with the configuration time;
 * refill times never move, so a round-robin context is always ready.
 * @public
 */
export class RefillList {
  /** Kernel timing constants used by every rule. */
  readonly timing: RefillTiming;
  private times: number[] = [];
  private amounts: number[] = [];
  private headIndex = 0;
  private size = 0;
  private slots = 0;
  private budgetTicks = 0;
  private periodTicks = 0;

  /** An inactive refill list; `timing` usually comes from {@link refillTiming}. */
  constructor(timing: RefillTiming) {
    this.timing = timing;
  }

  /** Whether the context has been configured (seL4 sc_active). */
  get active(): boolean {
    return this.slots > 0;
  }

  /** Whether `budget === period`: a plain time slice without sporadic refills. */
  get roundRobin(): boolean {
    return this.slots > 0 && this.budgetTicks === this.periodTicks;
  }

  /** The configured budget (the sum of all refill amounts). */
  get budget(): Ticks {
    return this.budgetTicks as Ticks;
  }

  /** The configured period. */
  get period(): Ticks {
    return this.periodTicks as Ticks;
  }

  /** How many refills the buffer can hold (seL4 scRefillMax); 0 when inactive. */
  get maxRefills(): number {
    return this.slots;
  }

  /** How many refills the buffer holds now. */
  get count(): number {
    return this.size;
  }

  /** Whether the buffer is full (seL4 refill_full). */
  get full(): boolean {
    return this.size === this.slots;
  }

  /** The head refill: the one being consumed or waited for. */
  head(): Refill {
    this.requireActive('head');
    return this.at(0);
  }

  /** The tail refill: the latest one. */
  tail(): Refill {
    this.requireActive('tail');
    return this.at(this.size - 1);
  }

  /** The refills from head to tail, as new objects (for tests, traces and the checker). */
  toArray(): Refill[] {
    const out: Refill[] = [];
    for (let i = 0; i < this.size; i++) out.push(this.at(i));
    return out;
  }

  /**
   * seL4 refill_new: (re)configures from scratch. The whole budget is one refill usable from
   * `now`; round robin adds the empty "consumed" tail.
   * @throws RefillError from {@link checkRefillConfig}.
   */
  configure(config: RefillConfig, now: Ticks, maxRefills?: number): void {
    const slots = checkRefillConfig(config, this.timing, maxRefills);
    checkTicks('now', now);
    this.allocate(slots);
    this.budgetTicks = config.budget;
    this.periodTicks = config.period;
    this.headIndex = 0;
    this.size = 1;
    this.times[0] = now;
    this.amounts[0] = config.budget;
    if (config.budget === config.period) this.pushTail(now, 0);
  }

  /**
   * seL4 refill_update: reconfigures a context whose thread is runnable without letting the new
   * budget be exceeded in any window of the new period. Only the head survives: if it is ready
   * it becomes usable from `now`; it is trimmed to the new budget, or the missing budget is
   * scheduled one new period after the head. Round-robin targets go through
   * {@link RefillList.configure}, as in seL4's invokeSchedControl_ConfigureFlags.
   * @throws RefillError `not-configured` when inactive, or from {@link checkRefillConfig}.
   */
  update(config: RefillConfig, now: Ticks, maxRefills?: number): void {
    this.requireActive('update');
    const slots = checkRefillConfig(config, this.timing, maxRefills);
    checkTicks('now', now);
    if (config.budget === config.period) {
      this.configure(config, now, maxRefills);
      return;
    }
    const headTime = this.times[this.headIndex]!;
    const headAmount = this.amounts[this.headIndex]!;
    this.allocate(slots);
    this.headIndex = 0;
    this.size = 1;
    this.times[0] = headTime;
    this.amounts[0] = headAmount;
    this.budgetTicks = config.budget;
    this.periodTicks = config.period;
    if (this.isReady(now)) this.times[0] = Math.max(headTime, now);
    if (headAmount >= config.budget) {
      this.amounts[0] = config.budget;
    } else {
      // The tail may be smaller than the minimum budget; like any small refill it is merged
      // when it reaches the head (budgetCheck's minimum-budget rule).
      this.pushTail(this.times[0]! + config.period, config.budget - headAmount);
    }
  }

  /**
   * Applies SchedControl_Configure the way seL4's invokeSchedControl_ConfigureFlags chooses:
   * round robin and inactive or non-runnable contexts start afresh ({@link RefillList.configure}),
   * an active context of a runnable thread keeps its bandwidth ({@link RefillList.update}).
   * The caller must first charge the running context's consumed time.
   */
  applyConfiguration(
    config: RefillConfig,
    now: Ticks,
    threadRunnable: boolean,
    maxRefills?: number,
  ): void {
    if (config.budget !== config.period && this.active && threadRunnable) {
      this.update(config, now, maxRefills);
    } else {
      this.configure(config, now, maxRefills);
    }
  }

  /**
   * seL4 refill_ready: the head may be used at `now` (its time is at most `now` plus the
   * timing's ready margin). Always false when inactive.
   */
  isReady(now: Ticks): boolean {
    return this.slots > 0 && this.times[this.headIndex]! <= now + this.timing.readyMargin;
  }

  /**
   * seL4 sc_released: the thread may be scheduled now — configured, head ready and sufficient.
   * Otherwise it belongs in the release queue until {@link RefillList.head}'s time.
   */
  isReleased(now: Ticks): boolean {
    return this.isReady(now) && this.isSufficient();
  }

  /**
   * seL4 refill_capacity: what the head holds once `usage` is charged, 0 if `usage` exceeds it.
   */
  capacity(usage: Ticks = 0 as Ticks): Ticks {
    if (this.slots === 0) return 0 as Ticks;
    const head = this.amounts[this.headIndex]!;
    return (usage > head ? 0 : head - usage) as Ticks;
  }

  /**
   * The budget usable at `now` after charging `usage`: the head's capacity if the head is ready,
   * otherwise 0. This is what the kernel programs its budget-expiry deadline from.
   */
  capacityAt(now: Ticks, usage: Ticks = 0 as Ticks): Ticks {
    return this.isReady(now) ? this.capacity(usage) : (0 as Ticks);
  }

  /**
   * seL4 refill_sufficient: after charging `usage` the head still holds at least the minimum
   * budget, enough to enter and leave the kernel once more.
   */
  isSufficient(usage: Ticks = 0 as Ticks): boolean {
    return this.slots > 0 && this.capacity(usage) >= this.timing.minBudget;
  }

  /**
   * Charges consumed time while the budget is not exhausted (seL4 commitTime's refill part): round
   * robin moves it from the head to the tail; a sporadic context runs {@link RefillList.budgetCheck}.
   * @throws RefillError `not-configured`; `insufficient` for round robin when the head would drop
   *   below the minimum budget (the caller must use {@link RefillList.chargeBudget} then).
   */
  commit(usage: Ticks): void {
    this.requireActive('commit');
    checkTicks('usage', usage);
    if (usage === 0) return;
    if (this.roundRobin) {
      if (!this.isSufficient(usage)) {
        throw new RefillError(
          'insufficient',
          `charging ${usage} leaves less than the minimum budget in the time slice; call chargeBudget`,
        );
      }
      this.amounts[this.headIndex]! -= usage;
      this.amounts[this.slot(1)]! += usage;
    } else {
      this.budgetCheck(usage);
    }
  }

  /**
   * Charges consumed time when the budget is exhausted (seL4 chargeBudget's refill part): round
   * robin starts a fresh time slice (head = whole budget, tail = 0); a sporadic context runs
   * {@link RefillList.budgetCheck}. Afterwards the kernel appends the thread to its ready queue
   * if {@link RefillList.isReady} and {@link RefillList.isSufficient}, otherwise it postpones it
   * to the head's time.
   */
  chargeBudget(usage: Ticks): void {
    this.requireActive('chargeBudget');
    checkTicks('usage', usage);
    if (this.roundRobin) {
      const tail = this.slot(1);
      this.amounts[this.headIndex] = this.budgetTicks;
      this.amounts[tail] = 0;
    } else {
      this.budgetCheck(usage);
    }
  }

  /**
   * seL4 refill_budget_check: charges `usage` to a sporadic context. Whole head refills that the
   * usage covers are rescheduled one period later; a partial charge splits the head, the used
   * part going to head time + period; finally a head below the minimum budget is merged into the
   * next refill, which is delayed so it ends no later than before.
   * @throws RefillError `round-robin` (round robin has no sporadic refills) or `not-configured`.
   */
  budgetCheck(usage: Ticks): void {
    this.requireActive('budgetCheck');
    checkTicks('usage', usage);
    if (this.roundRobin) {
      throw new RefillError('round-robin', 'budgetCheck is for sporadic contexts; use commit');
    }
    const period = this.periodTicks;
    let left: number = usage;
    // Overrun: the usage covers the whole head (seL4 handle_overrun). JS numbers need no
    // MAX_RELEASE_TIME cut-off; times stay exact below 2^53.
    while (this.amounts[this.headIndex]! <= left) {
      if (left >= this.budgetTicks && this.shiftsWholeCycles()) {
        // Same result as charging `cycles` budgets one refill at a time, in O(refills).
        const cycles = Math.floor(left / this.budgetTicks);
        for (let i = 0; i < this.size; i++) this.times[this.slot(i)]! += cycles * period;
        left -= cycles * this.budgetTicks;
        continue;
      }
      const h = this.headIndex;
      const amount = this.amounts[h]!;
      if (this.size === 1) {
        this.times[h]! += period;
      } else {
        const time = this.times[h]!;
        this.popHead();
        this.scheduleUsed(time + period, amount);
      }
      left -= amount;
    }
    if (left > 0) {
      const h = this.headIndex;
      const usedTime = this.times[h]! + period;
      this.amounts[h]! -= left;
      // Advancing the head by the usage keeps the tail within one period of the head, so a
      // used refill is never placed before the tail.
      this.times[h]! += left;
      this.scheduleUsed(usedTime, left);
    }
    while (this.amounts[this.headIndex]! < this.timing.minBudget) {
      // Sum = budget >= minBudget, so a single refill is never insufficient and this pop is safe.
      const amount = this.amounts[this.headIndex]!;
      this.popHead();
      this.amounts[this.headIndex]! += amount;
      this.times[this.headIndex]! -= amount;
    }
  }

  /**
   * seL4 refill_unblock_check: when the thread becomes runnable (sporadic contexts) or current
   * (constant-bandwidth contexts), a ready head is moved to `now` and refills that now overlap it
   * are merged into it. Returns whether the head changed (seL4 sets ksReprogram). Round robin:
   * nothing to do. K5: with a ready margin a head lying in the future is not moved earlier.
   */
  unblockCheck(now: Ticks): boolean {
    this.requireActive('unblockCheck');
    checkTicks('now', now);
    if (this.roundRobin || !this.isReady(now)) return false;
    const h = this.headIndex;
    this.times[h] = Math.max(this.times[h]!, now);
    while (this.size > 1) {
      const next = this.slot(1);
      if (this.times[next]! > this.times[this.headIndex]! + this.amounts[this.headIndex]!) break;
      const time = this.times[this.headIndex]!;
      const amount = this.amounts[this.headIndex]!;
      this.popHead();
      this.times[this.headIndex] = time;
      this.amounts[this.headIndex]! += amount;
    }
    return true;
  }

  // Whether charging one whole budget would just move every refill one period later: no used
  // refill would touch the tail it is appended to, so nothing merges. A huge overrun (a host
  // reporting a long time after a missed deadline) then costs O(refills), not O(usage / amount).
  // Each cycle that is not a pure shift merges at least one refill, so this holds after at most
  // `count` cycles.
  private shiftsWholeCycles(): boolean {
    const period = this.periodTicks;
    const first = this.headIndex;
    const last = this.slot(this.size - 1);
    if (this.times[first]! + period <= this.times[last]! + this.amounts[last]!) return false;
    for (let i = 1; i < this.size; i++) {
      const prev = this.slot(i - 1);
      if (this.times[this.slot(i)]! <= this.times[prev]! + this.amounts[prev]!) return false;
    }
    return true;
  }

  // seL4 schedule_used: append a used refill, merging it into an overlapping or adjacent tail,
  // or, when the buffer is full, delaying the tail so that it ends where the new refill would.
  private scheduleUsed(time: number, amount: number): void {
    const t = this.slot(this.size - 1);
    const tailTime = this.times[t]!;
    const tailAmount = this.amounts[t]!;
    if (tailTime + tailAmount >= time) {
      this.amounts[t] = tailAmount + amount;
    } else if (this.size < this.slots) {
      this.pushTail(time, amount);
    } else {
      this.times[t] = time - tailAmount;
      this.amounts[t] = tailAmount + amount;
    }
  }

  private at(i: number): Refill {
    const s = this.slot(i);
    return { time: this.times[s]! as Ticks, amount: this.amounts[s]! as Ticks };
  }

  private slot(i: number): number {
    const s = this.headIndex + i;
    return s >= this.slots ? s - this.slots : s;
  }

  private pushTail(time: number, amount: number): void {
    const s = this.slot(this.size);
    this.times[s] = time;
    this.amounts[s] = amount;
    this.size++;
  }

  private popHead(): void {
    this.headIndex = this.slot(1);
    this.size--;
  }

  // Preallocates up to PREALLOCATED_REFILLS slots; beyond that the arrays grow on use. Slots are
  // filled contiguously from index 0 until the buffer wraps, so growth only ever appends, and a
  // huge extra-refill count costs nothing until refills are really added.
  private allocate(slots: number): void {
    const want = Math.min(slots, PREALLOCATED_REFILLS);
    if (this.times.length < want) {
      this.times = new Array<number>(want).fill(0);
      this.amounts = new Array<number>(want).fill(0);
    }
    this.slots = slots;
  }

  private requireActive(op: string): void {
    if (this.slots === 0) {
      throw new RefillError('not-configured', `${op}: the scheduling context is not configured`);
    }
  }
}

/** Codes of {@link RefillInvariantViolation}. @public */
export type RefillInvariantCode =
  | 'inactive'
  | 'count'
  | 'sum'
  | 'head-below-minimum'
  | 'below-minimum'
  | 'order'
  | 'window'
  | 'round-robin-shape';

/** One broken refill invariant. @public */
export interface RefillInvariantViolation {
  /** Which rule. */
  readonly code: RefillInvariantCode;
  /** What was found. */
  readonly message: string;
}

/** Which refill rules {@link checkRefillInvariants} applies. @public */
export interface RefillInvariantOptions {
  /**
   * Every refill, not only the head, holds at least the minimum budget. seL4 does not keep this:
   * a used refill is exactly the consumed time and may be tiny until it reaches the head and is
   * merged. Default false.
   */
  readonly everyRefillAtLeastMinimum?: boolean;
  /**
   * The window rule measures to the tail's end (tail end − head time ≤ period) instead of its
   * start. Holds from configure on, but not after {@link RefillList.update} puts the missing
   * budget one new period after the head. Default false.
   */
  readonly windowToTailEnd?: boolean;
}

/**
 * Checks a refill list. Sporadic: 1 ≤ count ≤ maxRefills, amounts sum to the budget, the head
 * holds at least the minimum budget, refills are ordered and disjoint (each starts at or after
 * the previous one's end), and the tail starts at most one period after the head (seL4's rule;
 * see the options for stricter ones). Round robin: exactly two refills with equal times, sum =
 * budget, head at least the minimum budget. Returns every violation; empty means valid.
 * @public
 */
export function checkRefillInvariants(
  list: RefillList,
  options: RefillInvariantOptions = {},
): RefillInvariantViolation[] {
  const out: RefillInvariantViolation[] = [];
  if (!list.active) {
    out.push({ code: 'inactive', message: 'the scheduling context is not configured' });
    return out;
  }
  const refills = list.toArray();
  const min = list.timing.minBudget;
  const add = (code: RefillInvariantCode, message: string) => out.push({ code, message });
  if (refills.length < 1 || refills.length > list.maxRefills) {
    add('count', `${refills.length} refills, capacity ${list.maxRefills}`);
    return out;
  }
  const sum = refills.reduce((s, r) => s + r.amount, 0);
  if (sum !== list.budget) add('sum', `refills sum to ${sum}, budget is ${list.budget}`);
  const head = refills[0]!;
  if (head.amount < min) add('head-below-minimum', `head holds ${head.amount} < minimum ${min}`);
  if (list.roundRobin) {
    if (refills.length !== MIN_REFILLS || refills[1]!.time !== head.time) {
      add('round-robin-shape', 'round robin keeps exactly a head and a consumed tail, same time');
    }
    return out;
  }
  for (let i = 0; i < refills.length; i++) {
    const r = refills[i]!;
    if (options.everyRefillAtLeastMinimum && r.amount < min) {
      add('below-minimum', `refill ${i} holds ${r.amount} < minimum ${min}`);
    }
    if (i > 0) {
      const p = refills[i - 1]!;
      if (p.time + p.amount > r.time) {
        add(
          'order',
          `refill ${i} starts at ${r.time} before refill ${i - 1} ends (${p.time + p.amount})`,
        );
      }
    }
  }
  const tail = refills[refills.length - 1]!;
  const reach = options.windowToTailEnd ? tail.time + tail.amount : tail.time;
  if (reach - head.time > list.period) {
    add(
      'window',
      `tail ${options.windowToTailEnd ? 'ends' : 'starts'} ${reach - head.time} after the head, more than the period ${list.period}`,
    );
  }
  return out;
}
