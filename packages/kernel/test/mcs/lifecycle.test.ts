// Scheduling state when objects go away mid-flight: a context deleted while its thread waits in
// the release queue, a passive server deleted while it runs on a donated context, a donated
// context deleted under a call stack. The invariant checker runs after every step and after
// each deletion.

import { encodeMessageInfo } from '@k5/abi';
import { describe, expect, it } from 'vitest';
import { deleteCap } from '../../src/cspace/delete';
import { ThreadState } from '../../src/objects/kobject';
import { makeRunnable, schedule } from '../../src/sched/scheduler';
import { C, makeFixture } from '../fixture';
import { configure, makePassive, runUntil } from './harness';

const empty = encodeMessageInfo(0, 0);

describe('deleting scheduling objects', () => {
  it('a context deleted while its thread waits for a refill takes it out of the release queue', () => {
    const f = makeFixture([
      {
        name: 'limited',
        priority: 200,
        *body(sys) {
          for (;;) yield* sys.work(1_000_000);
        },
      },
      {
        name: 'bg',
        priority: 1,
        *body(sys) {
          for (;;) yield* sys.work(1_000_000);
        },
      },
    ]);
    configure(f, 0, { budget: 100, period: 1_000 });
    runUntil(f, 100);
    const t = f.threads[0]!;
    expect(t.inReleaseQueue).toBe(true);
    deleteCap(f.kernel.state, f.cnodes[0]!.slots[C.sc]!);
    schedule(f.kernel.state);
    f.kernel.assertInvariants();
    expect(t.sc).toBeNull();
    expect(t.inReleaseQueue).toBe(false);
    expect(f.kernel.state.releaseQueue).toEqual([]);
    runUntil(f, 5_000);
    expect(f.kernel.current?.name).toBe('bg');
  });

  it('deleting a passive server that runs on a donated context unbinds the context', () => {
    let deleteServer = (): void => {};
    const f = makeFixture([
      {
        name: 'client',
        priority: 100,
        start: false,
        *body(sys) {
          yield* sys.call(C.ep(0), empty);
        },
      },
      {
        name: 'server',
        priority: 150,
        *body(sys) {
          yield* sys.recv(C.ep(0), C.reply);
          yield* sys.work(10);
          deleteServer();
          yield* sys.work(10);
        },
      },
    ]);
    f.run(20);
    makePassive(f, 1);
    const sc = configure(f, 0, { budget: 1_000, period: 10_000 });
    deleteServer = () => {
      deleteCap(f.kernel.state, f.cnodes[1]!.slots[C.self]!);
    };
    makeRunnable(f.kernel.state, f.threads[0]!, ThreadState.Restart);
    schedule(f.kernel.state);
    runUntil(f, 5_000);
    expect(f.threads[1]!.live).toBe(false);
    expect(sc.tcb).toBeNull();
    // The client still waits on the server's reply object, which outlives the server.
    expect(f.threads[0]!.state).toBe(ThreadState.BlockedOnReply);
    expect(f.kernel.current).toBeNull();
    expect(f.kernel.deadline).toBeNull();
  });

  it('deleting a donated context under a call stack cuts the stack', () => {
    let deleteContext = (): void => {};
    const f = makeFixture([
      {
        name: 'client',
        priority: 100,
        start: false,
        *body(sys) {
          yield* sys.call(C.ep(0), empty);
        },
      },
      {
        name: 'server',
        priority: 150,
        *body(sys) {
          yield* sys.recv(C.ep(0), C.reply);
          deleteContext();
          yield* sys.replyRecv(C.ep(0), empty, C.reply);
        },
      },
    ]);
    f.run(20);
    makePassive(f, 1);
    const sc = configure(f, 0, { budget: 1_000, period: 10_000 });
    deleteContext = () => {
      deleteCap(f.kernel.state, f.cnodes[0]!.slots[C.sc]!);
      f.kernel.assertInvariants();
    };
    makeRunnable(f.kernel.state, f.threads[0]!, ThreadState.Restart);
    schedule(f.kernel.state);
    runUntil(f, 5_000);
    expect(sc.live).toBe(false);
    expect(f.replies[1]!.donated).toBeNull();
    expect(f.threads[1]!.sc).toBeNull();
  });
});
