// Property tests of the refill list against two reference models written here:
//  - `ListModel`: the seL4 rules restated over a plain array (shift/push, no circular buffer),
//    compared with RefillList after every step (the fast path must agree with the slow path);
//  - a consumption history: the intervals in which the simulated thread really ran, from which
//    the sporadic-server guarantee is checked — in no window of one period does the thread run
//    for more than its budget, and what it has run plus what its refills could still give inside
//    the window never exceeds the budget either.
// The thread behaves as a constant-bandwidth thread in seL4: refill_unblock_check whenever it is
// switched to, it runs only if its head is ready and sufficient, and it is stopped when its
// head is used up (no overrun). A second property adds overruns and checks the list rules only.
// K5_SOAK=1 runs many more cases.

import { ticks } from '@k5/abi';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkRefillInvariants,
  MIN_REFILLS,
  RefillList,
  type RefillTiming,
  refillTiming,
} from '../../src/sched/refills';

const SOAK = process.env['K5_SOAK'] === '1';
const RUNS = SOAK ? 20_000 : 400;

interface R {
  t: number;
  a: number;
}

/** The seL4 rules again, over a plain array; independent of RefillList's buffer arithmetic. */
class ListModel {
  r: R[] = [];
  max = 0;
  budget = 0;
  period = 0;
  constructor(readonly min: number) {}

  get rr(): boolean {
    return this.budget === this.period;
  }

  configure(budget: number, period: number, extra: number, now: number): void {
    this.budget = budget;
    this.period = period;
    this.max = budget === period ? MIN_REFILLS : MIN_REFILLS + extra;
    this.r =
      budget === period
        ? [
            { t: now, a: budget },
            { t: now, a: 0 },
          ]
        : [{ t: now, a: budget }];
  }

  update(budget: number, period: number, extra: number, now: number): void {
    if (budget === period) {
      this.configure(budget, period, extra, now);
      return;
    }
    const head = { ...this.r[0]! };
    this.r = [head];
    this.max = MIN_REFILLS + extra;
    this.budget = budget;
    this.period = period;
    if (head.t <= now) head.t = now;
    if (head.a >= budget) head.a = budget;
    else this.r.push({ t: head.t + period, a: budget - head.a });
  }

  private used(t: number, a: number): void {
    const tail = this.r[this.r.length - 1]!;
    if (tail.t + tail.a >= t) tail.a += a;
    else if (this.r.length < this.max) this.r.push({ t, a });
    else {
      tail.t = t - tail.a;
      tail.a += a;
    }
  }

  charge(u: number): void {
    for (;;) {
      const head = this.r[0]!;
      if (head.a > u) break;
      u -= head.a;
      if (this.r.length === 1) head.t += this.period;
      else {
        this.r.shift();
        this.used(head.t + this.period, head.a);
      }
    }
    if (u > 0) {
      const head = this.r[0]!;
      const t = head.t + this.period;
      head.a -= u;
      head.t += u;
      this.used(t, u);
    }
    while (this.r[0]!.a < this.min) {
      const gone = this.r.shift()!;
      this.r[0]!.a += gone.a;
      this.r[0]!.t -= gone.a;
    }
  }

  unblock(now: number): void {
    if (this.rr || this.r[0]!.t > now) return;
    this.r[0]!.t = now;
    while (this.r.length > 1 && this.r[1]!.t <= this.r[0]!.t + this.r[0]!.a) {
      const gone = this.r.shift()!;
      this.r[0]!.t = gone.t;
      this.r[0]!.a += gone.a;
    }
  }

  rrCommit(u: number): void {
    this.r[0]!.a -= u;
    this.r[1]!.a += u;
  }

  rrExpire(): void {
    this.r[0]!.a = this.budget;
    this.r[1]!.a = 0;
  }
}

type Cmd =
  | { kind: 'advance'; by: number }
  | { kind: 'run'; fraction: number }
  | { kind: 'overrun'; extra: number }
  | { kind: 'unblock' }
  | { kind: 'configure'; budget: number; period: number; extra: number }
  | { kind: 'update'; budget: number; period: number; extra: number };

const configArb = (min: number) =>
  fc
    .record({
      period: fc.integer({ min, max: 60 }),
      b: fc.double({ min: 0, max: 1, noNaN: true }),
      rr: fc.boolean(),
      // Mostly few slots (full lists, delayed tails); sometimes more than RefillList preallocates.
      extra: fc.oneof(
        { arbitrary: fc.integer({ min: 0, max: 4 }), weight: 4 },
        { arbitrary: fc.integer({ min: 15, max: 24 }), weight: 1 },
      ),
    })
    .map(({ period, b, rr, extra }) => ({
      period,
      // A round-robin configuration one time in four or so; otherwise a budget in [min, period].
      budget: rr ? period : min + Math.floor(b * (period - min)),
      extra,
    }));

function cmdArb(min: number, withOverrun: boolean): fc.Arbitrary<Cmd> {
  const cmds: fc.Arbitrary<Cmd>[] = [
    fc.integer({ min: 0, max: 80 }).map((by) => ({ kind: 'advance', by }) as Cmd),
    fc
      .double({ min: 0, max: 1, noNaN: true })
      .map((fraction) => ({ kind: 'run', fraction }) as Cmd),
    fc.constant({ kind: 'unblock' } as Cmd),
    configArb(min).map((c) => ({ kind: 'configure', ...c }) as Cmd),
    configArb(min).map((c) => ({ kind: 'update', ...c }) as Cmd),
  ];
  if (withOverrun) {
    cmds.push(fc.integer({ min: 1, max: 200 }).map((extra) => ({ kind: 'overrun', extra }) as Cmd));
  }
  return fc.oneof(
    { arbitrary: cmds[0]!, weight: 3 },
    { arbitrary: cmds[1]!, weight: 6 },
    { arbitrary: cmds[2]!, weight: 1 },
    { arbitrary: cmds[3]!, weight: 1 },
    { arbitrary: cmds[4]!, weight: 1 },
    ...(withOverrun ? [{ arbitrary: cmds[5]!, weight: 2 }] : []),
  );
}

/** The largest amount of running inside any window [s, s + period) (s = starts, or ends − P). */
function maxWindowUse(runs: [number, number][], period: number): number {
  let worst = 0;
  const candidates = runs.flatMap(([s, e]) => [s, e - period]);
  for (const w of candidates) {
    let used = 0;
    for (const [s, e] of runs) used += Math.max(0, Math.min(e, w + period) - Math.max(s, w));
    worst = Math.max(worst, used);
  }
  return worst;
}

/**
 * Run so far plus what the refills could still give in [w, w + P), for windows starting at or
 * before now: each refill can add at most its amount, and nothing before max(its time, now).
 */
function maxWindowPotential(
  runs: [number, number][],
  rl: RefillList,
  now: number,
  period: number,
): number {
  let worst = 0;
  const candidates = [now, ...runs.map(([s]) => s)].filter((w) => w <= now && w > now - period);
  for (const w of candidates) {
    let total = 0;
    for (const [s, e] of runs) total += Math.max(0, Math.min(e, w + period) - Math.max(s, w));
    for (const r of rl.toArray()) {
      total += Math.min(r.amount, Math.max(0, w + period - Math.max(r.time, now)));
    }
    worst = Math.max(worst, total);
  }
  return worst;
}

function simulate(timing: RefillTiming, first: Cmd & { kind: 'configure' }, cmds: Cmd[]): void {
  const rl = new RefillList(timing);
  const model = new ListModel(timing.minBudget);
  let now = 0;
  let runs: [number, number][] = [];
  let updated = false;
  let overran = false;
  const pairs = () => rl.toArray().map((r) => ({ t: r.time, a: r.amount }));

  rl.configure(
    { budget: ticks(first.budget), period: ticks(first.period), extraRefills: first.extra },
    ticks(0),
  );
  model.configure(first.budget, first.period, first.extra, 0);

  for (const [step, cmd] of cmds.entries()) {
    switch (cmd.kind) {
      case 'advance':
        now += cmd.by;
        break;
      case 'unblock':
        rl.unblockCheck(ticks(now));
        model.unblock(now);
        break;
      case 'configure':
      case 'update': {
        const c = { budget: ticks(cmd.budget), period: ticks(cmd.period), extraRefills: cmd.extra };
        if (cmd.kind === 'configure') {
          rl.configure(c, ticks(now));
          model.configure(cmd.budget, cmd.period, cmd.extra, now);
          updated = false;
        } else {
          rl.update(c, ticks(now));
          model.update(cmd.budget, cmd.period, cmd.extra, now);
          updated = cmd.budget !== cmd.period;
        }
        // The guarantee is about one configuration; earlier running is forgotten.
        runs = [];
        overran = false;
        break;
      }
      case 'run':
      case 'overrun': {
        // Switched to: constant-bandwidth unblock check, then run only if released.
        rl.unblockCheck(ticks(now));
        model.unblock(now);
        if (!rl.isReady(ticks(now)) || !rl.isSufficient()) break;
        const head = rl.capacity();
        const u =
          cmd.kind === 'run' ? Math.max(1, Math.round(cmd.fraction * head)) : head + cmd.extra;
        runs.push([now, now + u]);
        now += u;
        if (rl.isSufficient(ticks(u))) {
          rl.commit(ticks(u));
          if (model.rr) model.rrCommit(u);
          else model.charge(u);
        } else {
          rl.chargeBudget(ticks(u));
          if (model.rr) model.rrExpire();
          else model.charge(u);
        }
        if (cmd.kind === 'overrun') overran = true;
        break;
      }
    }
    const where = `step ${step} ${JSON.stringify(cmd)} at ${now}`;
    expect(pairs(), where).toEqual(model.r);
    expect(checkRefillInvariants(rl), where).toEqual([]);
    if (!updated) expect(checkRefillInvariants(rl, { windowToTailEnd: true }), where).toEqual([]);
    if (!overran) {
      expect(maxWindowUse(runs, rl.period), where).toBeLessThanOrEqual(rl.budget);
      // Round robin's tail records consumed time, not budget to come: no potential to check.
      if (!rl.roundRobin) {
        expect(maxWindowPotential(runs, rl, now, rl.period), where).toBeLessThanOrEqual(rl.budget);
      }
    }
  }
}

const scenario = (withOverrun: boolean) =>
  fc
    .integer({ min: 1, max: 3 })
    .chain((wcet) =>
      fc.tuple(
        fc.constant(wcet),
        configArb(2 * wcet),
        fc.array(cmdArb(2 * wcet, withOverrun), { maxLength: 60 }),
      ),
    );

describe('refill list properties', () => {
  it('keeps every invariant, agrees with the array model and never exceeds the budget in a period window', () => {
    fc.assert(
      fc.property(scenario(false), ([wcet, first, cmds]) => {
        simulate(refillTiming(ticks(wcet)), { kind: 'configure', ...first }, cmds);
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps every invariant and agrees with the model when threads overrun their head', () => {
    fc.assert(
      fc.property(scenario(true), ([wcet, first, cmds]) => {
        simulate(refillTiming(ticks(wcet)), { kind: 'configure', ...first }, cmds);
      }),
      { numRuns: RUNS },
    );
  });

  it('round robin: whatever is charged, head + tail = budget and the context stays ready', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 50 }),
        fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 40 }),
        (budget, usages) => {
          const rl = new RefillList(refillTiming(ticks(1)));
          rl.configure({ budget: ticks(budget), period: ticks(budget), extraRefills: 3 }, ticks(0));
          let now = 0;
          for (const u of usages) {
            now += u;
            if (rl.isSufficient(ticks(u))) rl.commit(ticks(u));
            else rl.chargeBudget(ticks(u));
            expect(checkRefillInvariants(rl)).toEqual([]);
            expect(rl.isReady(ticks(now))).toBe(true);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
