// The executor keeps ticks that kernel.advance left unspent (a timer deadline cut the work
// short) as pending work of that thread and spends them before the thread's code runs again.
import { describe, expect, it } from 'vitest';
import { makeFixture } from './fixture';

describe('executor pending work', () => {
  it('spends the unspent remainder of a preempted work step before resuming the task', () => {
    const events: string[] = [];
    const f = makeFixture([
      {
        name: 'worker',
        *body(sys) {
          events.push('before');
          yield* sys.work(100);
          events.push('after');
        },
      },
    ]);
    let first = true;
    f.kernel.advance = (ticks: number): number => {
      events.push(`advance ${ticks}`);
      if (first) {
        first = false;
        return 40; // a deadline fell 60 ticks in
      }
      return 0;
    };
    f.run();
    expect(events).toEqual(['before', 'advance 100', 'advance 40', 'after']);
  });

  it('treats a kernel whose advance returns nothing as having spent every tick', () => {
    const events: string[] = [];
    const f = makeFixture([
      {
        *body(sys) {
          yield* sys.work(7);
          events.push('after');
        },
      },
    ]);
    // An older kernel's advance returns undefined.
    const legacy = f.kernel as unknown as { advance(ticks: number): unknown };
    legacy.advance = (ticks: number): undefined => {
      events.push(`advance ${ticks}`);
      return undefined;
    };
    f.run();
    expect(events).toEqual(['advance 7', 'after']);
  });
});
