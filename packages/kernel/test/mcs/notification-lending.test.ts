// A scheduling context bound to a notification is lent to a passive thread the notification
// wakes and returned when that thread waits again (seL4 MCS maybeDonateSchedContext /
// maybeReturnSchedContext): the waiter's work is billed to the notification's context, and the
// trace shows each lend and return.

import { describe, expect, it } from 'vitest';
import { ThreadState } from '../../src/objects/kobject';
import { performSchedContext } from '../../src/objects/schedcontext';
import { configureSchedContext } from '../../src/sched/configure';
import { makeRunnable, schedule } from '../../src/sched/scheduler';
import { C, makeFixture } from '../fixture';
import { makePassive, runUntil, usedBy } from './harness';

describe('notification-bound scheduling contexts', () => {
  it('are lent to a passive waiter for each signal and returned when it waits again', () => {
    const held: number[] = [];
    const f = makeFixture(
      [
        {
          name: 'waiter',
          priority: 150,
          *body(sys) {
            for (;;) {
              yield* sys.wait(C.ntfn(0));
              held.push(f.threads[0]!.sc?.id ?? 0);
              yield* sys.work(30);
            }
          },
        },
        {
          name: 'signaller',
          priority: 100,
          start: false,
          *body(sys) {
            for (let i = 0; i < 3; i++) {
              yield* sys.signal(C.ntfn(0));
              yield* sys.work(100);
            }
          },
        },
      ],
      { trace: true },
    );
    const k = f.kernel.state;
    const waiter = f.threads[0]!;
    // The waiter blocks first; then it loses its context, which is bound to the notification
    // with a budget of its own, and the signaller starts.
    f.run();
    expect(waiter.state).toBe(ThreadState.BlockedOnNotification);
    const sc = makePassive(f, 0);
    const ntfn = f.notifications[0]!;
    performSchedContext(k, { kind: 'BindNotification', sc, ntfn });
    expect(
      configureSchedContext(k, sc, {
        budget: 200,
        period: 1_000,
        extraRefills: 0,
        badge: 0,
        sporadic: false,
      }),
    ).toBeNull();
    makeRunnable(k, f.threads[1]!, ThreadState.Restart);
    schedule(k);
    runUntil(f, 2_000);

    expect(held).toEqual([sc.id, sc.id, sc.id]);
    expect(waiter.sc).toBeNull();
    expect(sc.tcb).toBeNull();
    expect(ntfn.sc).toBe(sc);
    expect(usedBy(f, sc)).toBe(90);
    const moves = f.trace.ofKind('donate').map((e) => [e.from, e.to]);
    expect(moves).toEqual([
      [0, waiter.id],
      [waiter.id, 0],
      [0, waiter.id],
      [waiter.id, 0],
      [0, waiter.id],
      [waiter.id, 0],
    ]);
  });
});
