// Validation of task sets: each bad input gives its typed error, naming the culprit.

import { describe, expect, it } from 'vitest';
import { type AnalysisTask, AnalysisError, normaliseTaskSet, type TaskSet } from './task-set';

const ok: AnalysisTask = { name: 'a', priority: 5, budget: 2, period: 10 };

function codeOf(set: TaskSet): [string, string] | undefined {
  try {
    normaliseTaskSet(set);
  } catch (e) {
    if (e instanceof AnalysisError) return [e.code, e.subject];
    throw e;
  }
  return undefined;
}

describe('normaliseTaskSet', () => {
  it('fills in implicit deadline, zero jitter, no calls and a sporadic context', () => {
    expect(normaliseTaskSet({ tasks: [ok] }).tasks).toEqual([
      {
        name: 'a',
        priority: 5,
        budget: 2,
        period: 10,
        deadline: 10,
        jitter: 0,
        calls: [],
        sporadic: true,
      },
    ]);
  });

  it('keeps a constant-bandwidth context', () => {
    expect(normaliseTaskSet({ tasks: [{ ...ok, sporadic: false }] }).tasks[0]!.sporadic).toBe(
      false,
    );
  });

  it('accepts an empty set', () => {
    expect(normaliseTaskSet({ tasks: [] }).tasks).toEqual([]);
  });

  it.each<[string, TaskSet, string, string]>([
    ['zero period', { tasks: [{ ...ok, period: 0 }] }, 'zero-period', 'task a'],
    ['zero budget', { tasks: [{ ...ok, budget: 0 }] }, 'zero-budget', 'task a'],
    ['budget > period', { tasks: [{ ...ok, budget: 11 }] }, 'budget-above-period', 'task a'],
    ['negative budget', { tasks: [{ ...ok, budget: -1 }] }, 'bad-number', 'task a'],
    ['fractional period', { tasks: [{ ...ok, period: 2.5 }] }, 'bad-number', 'task a'],
    ['NaN jitter', { tasks: [{ ...ok, jitter: Number.NaN }] }, 'bad-number', 'task a'],
    ['priority 256', { tasks: [{ ...ok, priority: 256 }] }, 'bad-priority', 'task a'],
    [
      'a sporadic flag that is not a boolean',
      { tasks: [{ ...ok, sporadic: 1 as unknown as boolean }] },
      'bad-flag',
      'task a',
    ],
    ['deadline 0', { tasks: [{ ...ok, deadline: 0 }] }, 'deadline-out-of-range', 'task a'],
    ['deadline > period', { tasks: [{ ...ok, deadline: 11 }] }, 'deadline-out-of-range', 'task a'],
    ['duplicate task', { tasks: [ok, { ...ok }] }, 'duplicate-name', 'task a'],
    [
      'duplicate server',
      {
        tasks: [],
        servers: [
          { name: 's', priority: 9 },
          { name: 's', priority: 8 },
        ],
      },
      'duplicate-name',
      'server s',
    ],
    [
      'unknown server',
      { tasks: [{ ...ok, calls: [{ server: 'x', work: 1 }] }] },
      'unknown-server',
      'task a',
    ],
    [
      'server below its client',
      {
        tasks: [{ ...ok, calls: [{ server: 's', work: 1 }] }],
        servers: [{ name: 's', priority: 4 }],
      },
      'server-priority-below-client',
      'task a',
    ],
    [
      'server work above the donated budget',
      {
        tasks: [{ ...ok, calls: [{ server: 's', work: 3 }] }],
        servers: [{ name: 's', priority: 5 }],
      },
      'call-exceeds-budget',
      'task a',
    ],
  ])('rejects %s', (_name, set, code, subject) => {
    expect(codeOf(set)).toEqual([code, subject]);
  });
});
