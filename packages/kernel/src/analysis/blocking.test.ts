// Blocking terms, derived by hand from B_i = max work(j, s) over priority(j) < priority(i) ≤ priority(s).

import { describe, expect, it } from 'vitest';
import { blockingTerm } from './blocking';
import { normaliseTaskSet, type TaskSet } from './task-set';

// Server S (priority 10) and T (priority 4). H (5) calls S for 1; M (3) calls T for 2;
// L (1) calls S for 3 and T for 1.
const set: TaskSet = {
  servers: [
    { name: 'S', priority: 10 },
    { name: 'T', priority: 4 },
  ],
  tasks: [
    { name: 'H', priority: 5, budget: 2, period: 10, calls: [{ server: 'S', work: 1 }] },
    { name: 'M', priority: 3, budget: 3, period: 15, calls: [{ server: 'T', work: 2 }] },
    {
      name: 'L',
      priority: 1,
      budget: 4,
      period: 20,
      calls: [
        { server: 'S', work: 3 },
        { server: 'T', work: 1 },
      ],
    },
  ],
};

describe('blockingTerm', () => {
  const { tasks, servers } = normaliseTaskSet(set);
  it.each([
    // H (5): lower clients M, L; servers with priority ≥ 5: S only → L's 3 on S (M's T is 4 < 5).
    ['H', 3, { server: 'S', client: 'L' }],
    // M (3): lower client L; S (10) and T (4) both ≥ 3 → max(3 on S, 1 on T) = 3.
    ['M', 3, { server: 'S', client: 'L' }],
    // L (1): nobody lower.
    ['L', 0, null],
  ])('%s', (name, blocking, blockedBy) => {
    const task = tasks.find((t) => t.name === name)!;
    expect(blockingTerm(task, tasks, servers)).toEqual({ blocking, blockedBy });
  });

  it('work for an equal-priority client is interference, not blocking', () => {
    const s = normaliseTaskSet({
      servers: [{ name: 'S', priority: 9 }],
      tasks: [
        { name: 'A', priority: 2, budget: 1, period: 10 },
        { name: 'B', priority: 2, budget: 4, period: 10, calls: [{ server: 'S', work: 4 }] },
      ],
    });
    expect(blockingTerm(s.tasks[0]!, s.tasks, s.servers).blocking).toBe(0);
  });
});
