// Unit tests of the refill list, one block per seL4 operation. Every expected list is derived by
// hand in the comment beside it from the rules in sporadic.c (not by running the code).
// Timing unless said otherwise: kernel WCET 1 → minimum budget 2, ready margin 0.

import { type Ticks, ticks } from '@k5/abi';
import { describe, expect, it } from 'vitest';
import {
  checkRefillConfig,
  checkRefillInvariants,
  MIN_REFILLS,
  type Refill,
  RefillError,
  RefillList,
  refillTiming,
} from './refills';

const T = refillTiming(ticks(1));

type Pair = [time: number, amount: number];
const pairs = (rl: RefillList): Pair[] => rl.toArray().map((r: Refill) => [r.time, r.amount]);
const cfg = (budget: number, period: number, extraRefills = 2) => ({
  budget: ticks(budget),
  period: ticks(period),
  extraRefills,
});

/** Budget 10, period 100, two extra refills (4 slots), configured at 0. */
function sporadic(timing = T): RefillList {
  const rl = new RefillList(timing);
  rl.configure(cfg(10, 100), ticks(0));
  return rl;
}

function expectValid(rl: RefillList): void {
  expect(checkRefillInvariants(rl)).toEqual([]);
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof RefillError ? e.code : `not a RefillError: ${String(e)}`;
  }
  return undefined;
}

describe('refillTiming', () => {
  it('defaults the minimum budget to 2 × WCET and the margin to 0 (seL4 MIN_BUDGET)', () => {
    expect(refillTiming(ticks(3))).toEqual({ kernelWcet: 3, minBudget: 6, readyMargin: 0 });
    expect(refillTiming(ticks(3), { minBudget: ticks(4), readyMargin: ticks(1) })).toEqual({
      kernelWcet: 3,
      minBudget: 4,
      readyMargin: 1,
    });
  });

  it.each([
    ['negative WCET', -1, {}],
    ['fractional WCET', 0.5, {}],
    ['zero WCET gives minimum budget 0', 0, {}],
    ['negative margin', 1, { readyMargin: ticks(-1) }],
  ])('rejects %s', (_name, wcet, options) => {
    expect(codeOf(() => refillTiming(ticks(wcet), options))).toBe('bad-timing');
  });
});

describe('configure (refill_new) and its checks', () => {
  it.each<[string, ReturnType<typeof cfg>, Pair[], number, boolean]>([
    // One refill of the whole budget from now; MIN_REFILLS + extra slots.
    ['sporadic, no extra', cfg(10, 100, 0), [[5, 10]], 2, false],
    ['sporadic, 3 extra', cfg(10, 100, 3), [[5, 10]], 5, false],
    // Round robin: head = whole slice, empty consumed tail at the same time; extra ignored.
    [
      'round robin',
      cfg(10, 10, 3),
      [
        [5, 10],
        [5, 0],
      ],
      2,
      true,
    ],
  ])('%s', (_name, config, refills, maxRefills, rr) => {
    const rl = new RefillList(T);
    expect(rl.active).toBe(false);
    rl.configure(config, ticks(5));
    expect(pairs(rl)).toEqual(refills);
    expect(rl.maxRefills).toBe(maxRefills);
    expect(rl.roundRobin).toBe(rr);
    expect(rl.budget).toBe(config.budget);
    expect(rl.period).toBe(config.period);
    expectValid(rl);
  });

  it.each<[string, ReturnType<typeof cfg>, number | undefined, string]>([
    ['budget 0', cfg(0, 100), undefined, 'budget-below-minimum'],
    ['budget 1 < minimum 2', cfg(1, 100), undefined, 'budget-below-minimum'],
    ['period 1 < minimum 2 (budget 2)', cfg(2, 1), undefined, 'period-below-minimum'],
    ['budget above period', cfg(20, 10), undefined, 'budget-above-period'],
    ['negative extra refills', cfg(10, 100, -1), undefined, 'too-many-refills'],
    ['3 extra need 5 slots, object holds 4', cfg(10, 100, 3), 4, 'too-many-refills'],
    ['fractional budget', cfg(2.5, 100), undefined, 'bad-ticks'],
    ['NaN period', cfg(10, Number.NaN), undefined, 'bad-ticks'],
  ])('rejects %s', (_name, config, maxRefills, code) => {
    expect(codeOf(() => checkRefillConfig(config, T, maxRefills))).toBe(code);
    const rl = new RefillList(T);
    expect(codeOf(() => rl.configure(config, ticks(0), maxRefills))).toBe(code);
    expect(rl.active).toBe(false); // a rejected configuration changes nothing
  });

  it('accepts exactly the object capacity and round robin on 2 slots whatever the extra', () => {
    expect(checkRefillConfig(cfg(10, 100, 2), T, 4)).toBe(4);
    expect(checkRefillConfig(cfg(10, 10, 99), T, 2)).toBe(MIN_REFILLS);
  });

  it('accepts a huge extra-refill count without allocating for it', () => {
    const rl = new RefillList(T);
    rl.configure(cfg(10, 100, 1_000_000_000), ticks(0));
    expect(rl.maxRefills).toBe(1_000_000_002);
    rl.budgetCheck(ticks(3)); // as with 4 slots: [{3,7},{100,3}]
    expect(pairs(rl)).toEqual([
      [3, 7],
      [100, 3],
    ]);
  });

  it('grows past the preallocated slots as refills are added', () => {
    const rl = new RefillList(T);
    rl.configure(cfg(40, 1000, 30), ticks(0));
    // Each round k: woken at 10k (head moves there, nothing within reach to merge), runs 1 tick:
    // head {10k + 1, 39 − k}, used {10k + 1000, 1} lies past the tail's end → appended.
    for (let k = 0; k < 20; k++) {
      rl.unblockCheck(ticks(10 * k));
      rl.commit(ticks(1));
    }
    expect(pairs(rl)).toEqual([
      [191, 20],
      ...Array.from({ length: 20 }, (_, k): Pair => [1000 + 10 * k, 1]),
    ]);
    expectValid(rl);
  });

  it('reconfigures from scratch, forgetting earlier refills', () => {
    const rl = sporadic();
    rl.budgetCheck(ticks(3));
    rl.configure(cfg(20, 50, 0), ticks(7));
    expect(pairs(rl)).toEqual([[7, 20]]);
    expect(rl.maxRefills).toBe(2);
  });
});

describe('budgetCheck (refill_budget_check) and schedule_used', () => {
  it('splits the head, then merges adjacent used refills, then fixes a small head', () => {
    const rl = sporadic();
    // charge 3: head {0,10} → {3,7}; used {0+100, 3} does not touch the head's end (10) → pushed.
    rl.budgetCheck(ticks(3));
    expect(pairs(rl)).toEqual([
      [3, 7],
      [100, 3],
    ]);
    expectValid(rl);
    // charge 4: head → {7,3}; used {3+100=103, 4}; tail {100,3} ends at 103 >= 103 → merged {100,7}.
    rl.budgetCheck(ticks(4));
    expect(pairs(rl)).toEqual([
      [7, 3],
      [100, 7],
    ]);
    expectValid(rl);
    // charge 2: head → {9,1}; used {107,2} merges into the tail → {100,9}; head 1 < 2 → popped and
    // added to the next refill, which starts 1 earlier: {99,10}.
    rl.budgetCheck(ticks(2));
    expect(pairs(rl)).toEqual([[99, 10]]);
    expectValid(rl);
  });

  it.each<[string, number, Pair[]]>([
    // usage = head amount: single refill moves a whole period.
    ['exactly the budget', 10, [[100, 10]]],
    // 25 = 10 + 10 + 5: head to 100, then to 200, then split: {205,5} and used {300,5};
    // the head's end 210 < 300 so the used refill is appended.
    [
      'two and a half budgets',
      25,
      [
        [205, 5],
        [300, 5],
      ],
    ],
    ['zero usage', 0, [[0, 10]]],
  ])('overrun of a single refill: %s', (_name, usage, expected) => {
    const rl = sporadic();
    rl.budgetCheck(ticks(usage));
    expect(pairs(rl)).toEqual(expected);
    expectValid(rl);
  });

  it('overrun across refills pops the head into a used refill one period later', () => {
    const rl = sporadic();
    rl.budgetCheck(ticks(3)); // [{3,7},{100,3}]
    // charge 9: head 7 <= 9 → popped, used {103,7} merges with tail {100,3} (ends 103) → {100,10};
    // 2 left: head → {102,8}, used {200,2} after the head's end 110 → appended.
    rl.budgetCheck(ticks(9));
    expect(pairs(rl)).toEqual([
      [102, 8],
      [200, 2],
    ]);
    expectValid(rl);
  });

  it('charges a huge overrun of a single refill in whole periods at once', () => {
    const rl = sporadic();
    // 10^12 = 10^11 whole budgets: the head moves 10^11 periods, to 10^13, nothing left.
    rl.budgetCheck(ticks(1e12));
    expect(pairs(rl)).toEqual([[1e13, 10]]);
  });

  it('charges a huge overrun across refills: merges first, then whole periods', () => {
    const rl = sporadicCharged(); // [{3,7},{100,3}]
    // 1_000_000_005: pop {3,7} → {103,7} touches the tail (ends 103) → single {100,10};
    // 999_999_998 left = 99_999_999 budgets + 8: head to 100 + 99_999_999·100 = 10_000_000_000;
    // then 8 of the head: {10_000_000_008, 2} and used {10_000_000_100, 8}.
    rl.budgetCheck(ticks(1_000_000_005));
    expect(pairs(rl)).toEqual([
      [10_000_000_008, 2],
      [10_000_000_100, 8],
    ]);
    expectValid(rl);
  });

  it('shifts separated refills together when a whole cycle merges nothing', () => {
    const rl = sporadic();
    rl.budgetCheck(ticks(3)); // [{3,7},{100,3}]
    rl.unblockCheck(ticks(50)); // [{50,7},{100,3}]: 100 > 57 and 50 + 100 > 103 → pure shifts
    // 25 = 2 budgets + 5: both refills move 200 → [{250,7},{300,3}]; 5 of the head:
    // {255,2}, used {350,5} after the tail's end 303 → appended.
    rl.budgetCheck(ticks(25));
    expect(pairs(rl)).toEqual([
      [255, 2],
      [300, 3],
      [350, 5],
    ]);
    expectValid(rl);
  });

  it('delays the tail when the list is full', () => {
    const rl = new RefillList(T);
    rl.configure(cfg(10, 100, 0), ticks(0)); // 2 slots
    rl.budgetCheck(ticks(2)); // [{2,8},{100,2}]: full
    expect(rl.full).toBe(true);
    // unblock at 50: head ready → {50,8}; next starts at 100 > 58 → no merge.
    rl.unblockCheck(ticks(50));
    // charge 3: head → {53,5}; used {150,3}: tail {100,2} ends 102 < 150 and the list is full →
    // tail delayed to end where the new refill would: time 150 − 2 = 148, amount 5.
    rl.budgetCheck(ticks(3));
    expect(pairs(rl)).toEqual([
      [53, 5],
      [148, 5],
    ]);
    expect(checkRefillInvariants(rl, { windowToTailEnd: true })).toEqual([]);
  });

  it('merges a head below a larger minimum budget into the next refill', () => {
    const rl = sporadic(refillTiming(ticks(1), { minBudget: ticks(3) }));
    // charge 8: head {8,2}, used {100,8} appended; head 2 < 3 → {100 − 2, 8 + 2} = {98,10}.
    rl.budgetCheck(ticks(8));
    expect(pairs(rl)).toEqual([[98, 10]]);
    expectValid(rl);
  });

  it('keeps a used refill below the minimum budget in the tail, as seL4 does', () => {
    const rl = sporadic();
    rl.budgetCheck(ticks(1)); // head {1,9}, used {100,1}
    expect(pairs(rl)).toEqual([
      [1, 9],
      [100, 1],
    ]);
    expectValid(rl);
    expect(
      checkRefillInvariants(rl, { everyRefillAtLeastMinimum: true }).map((v) => v.code),
    ).toEqual(['below-minimum']);
  });

  it('refuses round robin and inactive contexts', () => {
    const rr = new RefillList(T);
    expect(codeOf(() => rr.budgetCheck(ticks(1)))).toBe('not-configured');
    rr.configure(cfg(10, 10), ticks(0));
    expect(codeOf(() => rr.budgetCheck(ticks(1)))).toBe('round-robin');
    expect(codeOf(() => rr.budgetCheck(ticks(-1)))).toBe('bad-ticks');
  });
});

describe('unblockCheck (refill_unblock_check)', () => {
  // Each row starts from [{3,7},{100,3}] (budget 10, period 100, charge 3 at 0).
  it.each<[string, number, boolean, Pair[]]>([
    [
      'head not ready: nothing',
      2,
      false,
      [
        [3, 7],
        [100, 3],
      ],
    ],
    [
      'ready head moves to now, no overlap (100 > 50 + 7)',
      50,
      true,
      [
        [50, 7],
        [100, 3],
      ],
    ],
    // head → {95,7} ends 102 ≥ 100 → merged, keeping the head's time: {95,10}.
    ['ready head overlapping the next refill merges', 95, true, [[95, 10]]],
    // head → {93,7} ends exactly at 100 → adjacent counts as overlapping (next.time <= end).
    ['adjacent refill merges', 93, true, [[93, 10]]],
  ])('%s', (_name, now, changed, expected) => {
    const rl = sporadic();
    rl.budgetCheck(ticks(3));
    expect(rl.unblockCheck(ticks(now))).toBe(changed);
    expect(pairs(rl)).toEqual(expected);
    expectValid(rl);
  });

  it('merges several refills in one go', () => {
    const rl = sporadic();
    rl.budgetCheck(ticks(3)); // [{3,7},{100,3}]
    rl.unblockCheck(ticks(50)); // [{50,7},{100,3}]
    // charge 2: head {52,5}; used {150,2}: tail ends 103 < 150, 4 slots → appended.
    rl.budgetCheck(ticks(2));
    expect(pairs(rl)).toEqual([
      [52, 5],
      [100, 3],
      [150, 2],
    ]);
    // at 148: head {148,5} ends 153 ≥ 100 → {148,8}; ends 156 ≥ 150 → {148,10}.
    rl.unblockCheck(ticks(148));
    expect(pairs(rl)).toEqual([[148, 10]]);
    expectValid(rl);
  });

  it('does nothing for round robin', () => {
    const rl = new RefillList(T);
    rl.configure(cfg(10, 10), ticks(4));
    expect(rl.unblockCheck(ticks(50))).toBe(false);
    expect(pairs(rl)).toEqual([
      [4, 10],
      [4, 0],
    ]);
  });

  it('with a ready margin, a head in the future counts as ready but is not moved earlier', () => {
    const rl = sporadic(refillTiming(ticks(1), { readyMargin: ticks(1) }));
    rl.budgetCheck(ticks(3)); // [{3,7},{100,3}]
    expect(rl.isReady(ticks(2))).toBe(true); // 3 <= 2 + 1
    expect(rl.unblockCheck(ticks(2))).toBe(true);
    expect(pairs(rl)).toEqual([
      [3, 7],
      [100, 3],
    ]);
  });
});

describe('ready, sufficient, capacity', () => {
  // List [{3,7},{100,3}], minimum budget 2.
  it.each<[string, () => unknown, unknown]>([
    ['isReady(2): 3 > 2', () => sporadicCharged().isReady(ticks(2)), false],
    ['isReady(3): 3 <= 3', () => sporadicCharged().isReady(ticks(3)), true],
    ['capacity(): head amount', () => sporadicCharged().capacity(), 7],
    ['capacity(5): 7 − 5', () => sporadicCharged().capacity(ticks(5)), 2],
    ['capacity(8): usage above head → 0', () => sporadicCharged().capacity(ticks(8)), 0],
    ['isSufficient(5): 2 >= 2', () => sporadicCharged().isSufficient(ticks(5)), true],
    ['isSufficient(6): 1 < 2', () => sporadicCharged().isSufficient(ticks(6)), false],
    ['capacityAt(2): not ready → 0', () => sporadicCharged().capacityAt(ticks(2)), 0],
    ['capacityAt(3)', () => sporadicCharged().capacityAt(ticks(3)), 7],
    ['capacityAt(3, 4): 7 − 4', () => sporadicCharged().capacityAt(ticks(3), ticks(4)), 3],
    ['isReleased(2): not ready', () => sporadicCharged().isReleased(ticks(2)), false],
    ['isReleased(3): ready, 7 >= 2', () => sporadicCharged().isReleased(ticks(3)), true],
  ])('%s', (_name, f, expected) => {
    expect(f()).toBe(expected);
  });

  it('an inactive context is never ready nor sufficient and has no head', () => {
    const rl = new RefillList(T);
    expect(rl.isReady(ticks(1_000))).toBe(false);
    expect(rl.isSufficient()).toBe(false);
    expect(rl.isReleased(ticks(1_000))).toBe(false);
    expect(rl.capacity()).toBe(0);
    expect(codeOf(() => rl.head())).toBe('not-configured');
    expect(checkRefillInvariants(rl).map((v) => v.code)).toEqual(['inactive']);
  });
});

function sporadicCharged(): RefillList {
  const rl = sporadic();
  rl.budgetCheck(ticks(3));
  return rl;
}

describe('round robin: commit (commitTime) and chargeBudget', () => {
  it('moves consumed time to the tail and refills the slice on expiry', () => {
    const rl = new RefillList(T);
    rl.configure(cfg(10, 10), ticks(0));
    rl.commit(ticks(3)); // head 10 − 3, tail 0 + 3
    expect(pairs(rl)).toEqual([
      [0, 7],
      [0, 3],
    ]);
    rl.commit(ticks(5)); // head 2, tail 8: head still >= minimum 2
    expect(pairs(rl)).toEqual([
      [0, 2],
      [0, 8],
    ]);
    expectValid(rl);
    expect(codeOf(() => rl.commit(ticks(1)))).toBe('insufficient'); // would leave 1 < 2
    rl.chargeBudget(ticks(2)); // expiry: head = whole slice, tail 0; times never move
    expect(pairs(rl)).toEqual([
      [0, 10],
      [0, 0],
    ]);
    expect(rl.isReady(ticks(0))).toBe(true);
    expectValid(rl);
  });

  it('commit and chargeBudget of a sporadic context are budgetCheck', () => {
    const a = sporadic();
    a.commit(ticks(3));
    const b = sporadic();
    b.chargeBudget(ticks(3));
    expect(pairs(a)).toEqual([
      [3, 7],
      [100, 3],
    ]);
    expect(pairs(b)).toEqual(pairs(a));
  });
});

describe('update (refill_update) and applyConfiguration', () => {
  // Each row starts from [{3,7},{100,3}].
  it.each<[string, ReturnType<typeof cfg>, number, Pair[]]>([
    // head ready at 10 → time 10; 7 >= 5 → trimmed; only the head survives.
    ['smaller budget trims the head', cfg(5, 50), 10, [[10, 5]]],
    // head {10,7}; 7 < 20 → missing 13 scheduled at 10 + 200.
    [
      'larger budget schedules the rest a new period later',
      cfg(20, 200),
      10,
      [
        [10, 7],
        [210, 13],
      ],
    ],
    // head not ready at 1 (3 > 1) → keeps time 3; rest at 3 + 200.
    [
      'head not ready keeps its time',
      cfg(20, 200),
      1,
      [
        [3, 7],
        [203, 13],
      ],
    ],
    // round robin goes through configure: fresh slice at now.
    [
      'round robin starts afresh',
      cfg(50, 50),
      10,
      [
        [10, 50],
        [10, 0],
      ],
    ],
  ])('%s', (_name, config, now, expected) => {
    const rl = sporadicCharged();
    rl.update(config, ticks(now));
    expect(pairs(rl)).toEqual(expected);
    expect(rl.budget).toBe(config.budget);
    expectValid(rl);
  });

  it('after an increase the tail may end more than a period after the head (seL4 layout)', () => {
    const rl = sporadicCharged();
    rl.update(cfg(20, 200), ticks(10)); // [{10,7},{210,13}]: tail ends 223, 213 after the head
    expect(checkRefillInvariants(rl)).toEqual([]);
    expect(checkRefillInvariants(rl, { windowToTailEnd: true }).map((v) => v.code)).toEqual([
      'window',
    ]);
  });

  it('rejects an inactive context', () => {
    expect(codeOf(() => new RefillList(T).update(cfg(10, 100), ticks(0)))).toBe('not-configured');
  });

  it.each<[string, boolean, boolean, Pair[]]>([
    ['inactive → configure', false, true, [[10, 20]]],
    [
      'active, thread runnable → update',
      true,
      true,
      [
        [10, 7],
        [210, 13],
      ],
    ],
    ['active, thread not runnable → configure', true, false, [[10, 20]]],
  ])('applyConfiguration: %s', (_name, active, runnable, expected) => {
    const rl = active ? sporadicCharged() : new RefillList(T);
    rl.applyConfiguration(cfg(20, 200), ticks(10), runnable);
    expect(pairs(rl)).toEqual(expected);
  });
});

describe('checkRefillInvariants finds each broken rule', () => {
  // Corrupts the private buffer: the only way to build an invalid list.
  const raw = (rl: RefillList) => rl as unknown as { times: number[]; amounts: number[] };

  it.each<[string, 'times' | 'amounts', number, number, string[]]>([
    // [{3,7},{100,3}] in slots 0 and 1.
    ['sum', 'amounts', 1, 4, ['sum']],
    ['head below minimum', 'amounts', 0, 1, ['sum', 'head-below-minimum']],
    ['order: tail starts at 9, before the head ends at 10', 'times', 1, 9, ['order']],
    ['window: tail starts 101 after the head', 'times', 1, 104, ['window']],
  ])('%s', (_name, field, slot, value, codes) => {
    const rl = sporadicCharged();
    raw(rl)[field][slot] = value;
    expect(checkRefillInvariants(rl).map((v) => v.code)).toEqual(codes);
  });

  it('round-robin shape', () => {
    const rl = new RefillList(T);
    rl.configure(cfg(10, 10), ticks(0));
    raw(rl).times[1] = 5 as Ticks;
    expect(checkRefillInvariants(rl).map((v) => v.code)).toEqual(['round-robin-shape']);
  });
});

describe('the worked example of docs/scheduling.md', () => {
  // Budget 4, period 10, 1 extra refill (3 slots), minimum budget 2. Derivations in the doc.
  it('follows the table step by step', () => {
    const rl = new RefillList(T);
    rl.configure(cfg(4, 10, 1), ticks(0));
    expect(pairs(rl)).toEqual([[0, 4]]);
    rl.commit(ticks(1)); // ran [0,1), then blocked in a syscall
    expect(pairs(rl)).toEqual([
      [1, 3],
      [10, 1],
    ]);
    expect(rl.unblockCheck(ticks(3))).toBe(true); // woken at 3
    expect(pairs(rl)).toEqual([
      [3, 3],
      [10, 1],
    ]);
    expect(rl.capacityAt(ticks(3))).toBe(3); // timer programmed for 3 + 3 = 6
    expect(rl.isSufficient(ticks(3))).toBe(false); // at 6 the budget is exhausted
    rl.chargeBudget(ticks(3));
    expect(pairs(rl)).toEqual([[12, 4]]);
    expect(rl.isReady(ticks(6))).toBe(false); // postponed to 12
    rl.commit(ticks(2)); // released at 12, preempted at 14
    expect(pairs(rl)).toEqual([
      [14, 2],
      [22, 2],
    ]);
    expect(rl.unblockCheck(ticks(20))).toBe(true); // switched back to at 20
    expect(pairs(rl)).toEqual([[20, 4]]);
  });
});
