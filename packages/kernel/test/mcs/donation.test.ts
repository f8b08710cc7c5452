// Scheduling-context donation, modelled on the seL4 test suite's IPC-donation scenarios (own
// scenarios): a Call to a passive server lends the caller's context and the reply returns it,
// along call chains; deleting a reply object in the chain returns the context one level (head)
// or breaks the chain (middle); NBSendRecv donates without return; a server that runs out of
// the lent budget waits for the caller's next refill.

import { encodeMessageInfo } from '@k5/abi';
import { cnodeDelete, type Sys } from '@k5/userspace';
import { describe, expect, it } from 'vitest';
import { deleteCap } from '../../src/cspace/delete';
import type { Tcb } from '../../src/objects/kobject';
import { ThreadState } from '../../src/objects/kobject';
import { makeRunnable, schedule } from '../../src/sched/scheduler';
import { C, DEPTH, type Fixture, makeFixture, type ThreadSpec } from '../fixture';
import { configure, makePassive, runUntil, usedBy } from './harness';

const empty = encodeMessageInfo(0, 0);

/** Starts a thread created with `start: false` the way TCB_Resume does. */
function start(f: Fixture, t: Tcb): void {
  makeRunnable(f.kernel.state, t, ThreadState.Restart);
  schedule(f.kernel.state);
}

/** Which context (by id, 0 = none) a thread holds, sampled from inside its body. */
const scOf = (t: () => Tcb) => t().sc?.id ?? 0;

interface Chain {
  f: Fixture;
  client: Tcb;
  s1: Tcb;
  s2: Tcb;
  seen: Record<string, number>;
}

/** client (own context) → s1 (passive) → s2 (passive); the servers block first, then lose their contexts. */
function chain(
  options: {
    s2Body?: (sys: Sys, seen: Record<string, number>) => Generator<number, void, void>;
  } = {},
): Chain {
  const seen: Record<string, number> = {};
  let f!: Fixture;
  const t = (i: number) => () => f.threads[i]!;
  const specs: ThreadSpec[] = [
    {
      name: 'client',
      priority: 100,
      start: false,
      *body(sys) {
        yield* sys.work(10);
        yield* sys.call(C.ep(0), empty);
        seen['clientAfter'] = scOf(t(0));
      },
    },
    {
      name: 's1',
      priority: 150,
      *body(sys) {
        yield* sys.recv(C.ep(0), C.reply);
        for (;;) {
          seen['s1'] = scOf(t(1));
          yield* sys.work(100);
          yield* sys.call(C.ep(1), empty);
          seen['s1After'] = scOf(t(1));
          yield* sys.replyRecv(C.ep(0), empty, C.reply);
        }
      },
    },
    {
      name: 's2',
      priority: 160,
      *body(sys) {
        yield* sys.recv(C.ep(1), C.reply);
        if (options.s2Body) {
          yield* options.s2Body(sys, seen);
          return;
        }
        for (;;) {
          seen['s2'] = scOf(t(2));
          yield* sys.work(50);
          yield* sys.replyRecv(C.ep(1), empty, C.reply);
        }
      },
    },
  ];
  f = makeFixture(specs);
  f.run();
  makePassive(f, 1);
  makePassive(f, 2);
  configure(f, 0, { budget: 1_000, period: 10_000 });
  return { f, client: f.threads[0]!, s1: f.threads[1]!, s2: f.threads[2]!, seen };
}

describe('donation over Call', () => {
  it('passive servers run on the caller’s context along a call chain and return it', () => {
    const { f, client, s1, s2, seen } = chain();
    const sc = client.sc!;
    start(f, client);
    runUntil(f, 5_000);
    expect(seen).toEqual({ s1: sc.id, s2: sc.id, s1After: sc.id, clientAfter: sc.id });
    expect(client.sc).toBe(sc);
    expect(s1.sc).toBeNull();
    expect(s2.sc).toBeNull();
    expect(sc.reply).toBeNull();
    expect([s1.state, s2.state]).toEqual([
      ThreadState.BlockedOnReceive,
      ThreadState.BlockedOnReceive,
    ]);
    // The servers' work was billed to the client.
    expect(usedBy(f, sc)).toBe(160);
  });

  it('a server with its own context does not take the caller’s', () => {
    const seen: number[] = [];
    let f!: Fixture;
    f = makeFixture([
      {
        name: 'client',
        priority: 100,
        *body(sys) {
          yield* sys.call(C.ep(0), empty);
        },
      },
      {
        name: 'server',
        priority: 150,
        *body(sys) {
          yield* sys.recv(C.ep(0), C.reply);
          seen.push(f.threads[1]!.sc!.id);
          yield* sys.replyRecv(C.ep(0), empty, C.reply);
        },
      },
    ]);
    const own = f.threads[1]!.sc!.id;
    runUntil(f, 1_000);
    expect(seen).toEqual([own]);
    expect(f.threads[0]!.sc).not.toBeNull();
  });

  it('deleting the head reply returns the context one level, to the inner caller', () => {
    const { f, client, s1, s2 } = chain({
      *s2Body(sys) {
        yield* sys.work(20);
        // s2 deletes its own reply object (the head of the call stack) and carries on.
        yield* cnodeDelete(sys, C.cnode, C.reply, DEPTH);
        yield* sys.work(20);
      },
    });
    const sc = client.sc!;
    start(f, client);
    runUntil(f, 5_000);
    // The context went back to s1, which can no longer be replied to (K5: Inactive).
    expect(sc.tcb).toBe(s1);
    expect(s1.state).toBe(ThreadState.Inactive);
    expect(s2.sc).toBeNull();
    expect(client.state).toBe(ThreadState.BlockedOnReply);
    expect(client.sc).toBeNull();
    expect(sc.reply).toBe(f.replies[1]);
  });

  it('deleting a reply in the middle breaks the chain; the context stays with the callee', () => {
    let f!: Fixture;
    const {
      f: fx,
      client,
      s1,
      s2,
    } = chain({
      *s2Body(sys) {
        yield* sys.work(20);
        // Out of order: the client's reply object (held by s1) goes while s2 still works.
        deleteCap(f.kernel.state, f.cnodes[1]!.slots[C.reply]!);
        yield* sys.work(20);
        yield* sys.replyRecv(C.ep(1), empty, C.reply);
      },
    });
    f = fx;
    const sc = client.sc!;
    start(f, client);
    runUntil(f, 5_000);
    expect(client.state).toBe(ThreadState.Inactive);
    expect(client.sc).toBeNull();
    // s2's reply returned the context to s1, whose own reply cap is gone (a cap fault stops it).
    expect(sc.tcb).toBe(s1);
    expect(s2.sc).toBeNull();
    expect(sc.reply).toBeNull();
  });

  it('a server that exhausts the lent budget waits for the caller’s next refill', () => {
    let f!: Fixture;
    const replyAt: number[] = [];
    f = makeFixture([
      {
        name: 'client',
        priority: 100,
        start: false,
        *body(sys) {
          yield* sys.call(C.ep(0), empty);
          replyAt.push(f.kernel.now);
        },
      },
      {
        name: 'server',
        priority: 150,
        *body(sys) {
          yield* sys.recv(C.ep(0), C.reply);
          yield* sys.work(250);
          yield* sys.replyRecv(C.ep(0), empty, C.reply);
        },
      },
    ]);
    f.run();
    makePassive(f, 1);
    const sc = configure(f, 0, { budget: 100, period: 1_000 });
    start(f, f.threads[0]!);
    runUntil(f, 150);
    // At 100 the lent budget ran out: the server holds it in the release queue.
    expect(f.threads[1]!.sc).toBe(sc);
    expect(f.threads[1]!.inReleaseQueue).toBe(true);
    runUntil(f, 10_000);
    // 250 ticks of work at 100 per 1000: 0-100, 1000-1100, 2000-2050.
    expect(replyAt).toEqual([2_050]);
    expect(f.threads[0]!.sc).toBe(sc);
  });
});

describe('NBSendRecv donation', () => {
  it('donates to a passive receiver without return', () => {
    const f = makeFixture([
      {
        name: 'client',
        priority: 100,
        start: false,
        *body(sys) {
          yield* sys.nbSendRecv(C.ep(0), empty, C.ep(1), C.reply);
        },
      },
      {
        name: 'server',
        priority: 150,
        *body(sys) {
          yield* sys.recv(C.ep(0), C.reply);
          yield* sys.work(10);
          yield* sys.recv(C.ep(2), C.reply);
        },
      },
    ]);
    f.run();
    makePassive(f, 1);
    const sc = configure(f, 0, { budget: 1_000, period: 10_000 });
    start(f, f.threads[0]!);
    runUntil(f, 5_000);
    expect(f.threads[1]!.sc).toBe(sc);
    expect(f.threads[0]!.sc).toBeNull();
    expect(f.threads[0]!.state).toBe(ThreadState.BlockedOnReceive);
    expect(f.threads[1]!.state).toBe(ThreadState.BlockedOnReceive);
    expect(usedBy(f, sc)).toBe(10);
  });
});
