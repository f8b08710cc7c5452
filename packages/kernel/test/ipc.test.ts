// Endpoint IPC conformance, modelled on the seL4 test suite's IPC tests (own scenarios).
import { encodeMessageInfo, FaultLabel, KernelError, MSG_MAX_LENGTH, Rights } from '@k5/abi';
import { describe, expect, it } from 'vitest';
import { ThreadState } from '../src/objects/kobject';
import { C, makeFixture } from './fixture';

const word = (len: number, i: number) => (len * 1000 + i * 7 + 1) >>> 0;

describe('Send/Recv message transfer', () => {
  const cases: [number, string, string][] = [];
  for (let len = 0; len <= MSG_MAX_LENGTH; len++) {
    for (const rel of ['below', 'equal', 'above'])
      for (const order of ['sender first', 'receiver first']) cases.push([len, rel, order]);
  }
  it.each(cases)('length %i, sender priority %s the receiver, %s', (len, rel, order) => {
    const got: number[] = [];
    let gotBadge = -1;
    let gotLen = -1;
    const senderPrio = rel === 'below' ? 50 : rel === 'equal' ? 100 : 150;
    const sender = {
      name: 'sender',
      priority: senderPrio,
      badge: 0x55,
      start: order === 'sender first',
      *body(sys: import('@k5/userspace').Sys) {
        for (let i = 0; i < len; i++) sys.setMR(i, word(len, i));
        yield* sys.send(C.ep(0), encodeMessageInfo(7, len));
      },
    };
    const receiver = {
      name: 'receiver',
      priority: 100,
      start: order === 'receiver first',
      *body(sys: import('@k5/userspace').Sys) {
        gotBadge = yield* sys.recv(C.ep(0), C.reply);
        gotLen = sys.length;
        expect(sys.label).toBe(7);
        for (let i = 0; i < sys.length; i++) got.push(sys.getMR(i));
      },
    };
    const f = makeFixture([sender, receiver]);
    f.run();
    // Start the other one once the first has blocked (or finished).
    const other = order === 'sender first' ? f.threads[1]! : f.threads[0]!;
    f.kernel.state.current = null;
    f.executor.kernel.state.action = 1;
    other.state = ThreadState.Inactive;
    // Resume the second thread through the scheduler like TCB_Resume.
    const { makeRunnable, schedule } = schedulerApi;
    makeRunnable(f.kernel.state, other, ThreadState.Restart);
    schedule(f.kernel.state);
    f.run();
    expect(gotLen).toBe(len);
    expect(gotBadge).toBe(0x55);
    expect(got).toEqual(Array.from({ length: len }, (_, i) => word(len, i)));
    expect(f.threads.map((t) => t.state)).toEqual([ThreadState.Inactive, ThreadState.Inactive]);
  });
});

import * as schedulerApi from '../src/sched/scheduler';

describe('Call/ReplyRecv conformance', () => {
  const cases: [number, string, string][] = [];
  for (const len of [0, 1, 3, 4, 5, 17, 64, MSG_MAX_LENGTH]) {
    for (const rel of ['below', 'equal', 'above'])
      for (const order of ['server first', 'client first']) cases.push([len, rel, order]);
  }
  it.each(cases)('length %i both ways, client priority %s the server, %s', (len, rel, order) => {
    const echoed: number[] = [];
    let replyLen = -1;
    const clientPrio = rel === 'below' ? 50 : rel === 'equal' ? 100 : 150;
    const f = makeFixture([
      {
        name: 'server',
        priority: 100,
        *body(sys: import('@k5/userspace').Sys) {
          yield* sys.recv(C.ep(0), C.reply);
          const n = sys.length;
          const words: number[] = [];
          for (let i = 0; i < n; i++) words.push(sys.getMR(i));
          for (let i = 0; i < n; i++) sys.setMR(i, words[i]! ^ 0xffff);
          yield* sys.replyRecv(C.ep(0), encodeMessageInfo(0, n), C.reply);
        },
      },
      {
        name: 'client',
        priority: clientPrio,
        *body(sys: import('@k5/userspace').Sys) {
          for (let i = 0; i < len; i++) sys.setMR(i, word(len, i));
          yield* sys.call(C.ep(0), encodeMessageInfo(3, len));
          replyLen = sys.length;
          for (let i = 0; i < sys.length; i++) echoed.push(sys.getMR(i));
        },
      },
    ]);
    // Park the one that starts second until the first has blocked.
    const second = order === 'client first' ? f.threads[0]! : f.threads[1]!;
    const k = f.kernel.state;
    schedulerApi.schedDequeue(k, second);
    second.state = ThreadState.Inactive;
    if (k.current === second) {
      k.current = null;
      k.action = 1;
      schedulerApi.schedule(k);
    }
    f.run();
    schedulerApi.makeRunnable(k, second, ThreadState.Restart);
    schedulerApi.schedule(k);
    f.run();
    expect(replyLen).toBe(len);
    expect(echoed).toEqual(Array.from({ length: len }, (_, i) => (word(len, i) ^ 0xffff) >>> 0));
    expect(f.threads[0]!.state).toBe(ThreadState.BlockedOnReceive);
    expect(f.threads[1]!.state).toBe(ThreadState.Inactive);
  });
});

describe('Call and ReplyRecv', () => {
  it('the server replies through its Reply object and the caller resumes with the answer', () => {
    const answers: number[] = [];
    const f = makeFixture([
      {
        name: 'server',
        priority: 120,
        *body(sys) {
          yield* sys.recv(C.ep(0), C.reply);
          for (;;) {
            sys.setMR(0, sys.getMR(0) + sys.getMR(1));
            yield* sys.replyRecv(C.ep(0), encodeMessageInfo(0, 1), C.reply);
          }
        },
      },
      {
        name: 'client',
        priority: 100,
        *body(sys) {
          for (let i = 0; i < 5; i++) {
            sys.setMR(0, i);
            sys.setMR(1, 10);
            yield* sys.call(C.ep(0), encodeMessageInfo(1, 2));
            answers.push(sys.getMR(0));
          }
        },
      },
    ]);
    f.run();
    expect(answers).toEqual([10, 11, 12, 13, 14]);
    expect(f.threads[0]!.state).toBe(ThreadState.BlockedOnReceive);
  });

  it('a Call to a receiver without a Reply object leaves the caller inactive (MCS)', () => {
    const f = makeFixture([
      {
        name: 'waiter',
        priority: 120,
        *body(sys) {
          yield* sys.wait(C.ep(0));
        },
      },
      {
        name: 'caller',
        priority: 100,
        *body(sys) {
          yield* sys.call(C.ep(0), 0);
          throw new Error('must not resume');
        },
      },
    ]);
    f.run();
    expect(f.threads[1]!.state).toBe(ThreadState.Inactive);
  });
});

describe('rights', () => {
  it('Send without Write is dropped silently; Call without Write gets InvalidCapability', () => {
    let callLabel = -1;
    const f = makeFixture([
      {
        name: 'rx',
        priority: 100,
        *body(sys) {
          yield* sys.recv(C.ep(0), C.reply);
        },
      },
      {
        name: 'tx',
        priority: 90,
        rights: Rights.Read | Rights.Grant,
        *body(sys) {
          yield* sys.send(C.ep(0), encodeMessageInfo(1, 0));
          yield* sys.call(C.ep(0), encodeMessageInfo(1, 0));
          callLabel = sys.label;
        },
      },
    ]);
    f.run();
    expect(callLabel).toBe(KernelError.InvalidCapability);
    expect(f.threads[0]!.state).toBe(ThreadState.BlockedOnReceive);
  });

  it('Recv without Read raises a cap fault (no fault handler: the thread stops)', () => {
    const f = makeFixture(
      [
        {
          name: 'rx',
          rights: Rights.Write,
          *body(sys) {
            yield* sys.recv(C.ep(0), C.reply);
          },
        },
      ],
      { trace: true },
    );
    f.run();
    expect(f.threads[0]!.state).toBe(ThreadState.Inactive);
    expect(f.trace.ofKind('fault').map((e) => e.label)).toEqual([FaultLabel.CapFault]);
  });

  it('NBSend with no receiver waiting is dropped', () => {
    const f = makeFixture([
      {
        name: 'tx',
        *body(sys) {
          yield* sys.nbSend(C.ep(0), encodeMessageInfo(1, 0));
        },
      },
    ]);
    f.run();
    expect(f.endpoints[0]!.queue).toHaveLength(0);
  });
});

describe('endpoint queues', () => {
  it('order waiting senders by priority, FIFO within a priority', () => {
    const order: number[] = [];
    const sender = (id: number, priority: number) => ({
      name: `s${id}`,
      priority,
      *body(sys: import('@k5/userspace').Sys) {
        sys.setMR(0, id);
        yield* sys.send(C.ep(0), encodeMessageInfo(0, 1));
      },
    });
    const f = makeFixture([
      sender(1, 50),
      sender(2, 80),
      sender(3, 50),
      sender(4, 80),
      sender(5, 60),
      {
        name: 'rx',
        priority: 10,
        *body(sys) {
          for (let i = 0; i < 5; i++) {
            yield* sys.recv(C.ep(0), 0);
            order.push(sys.getMR(0));
          }
        },
      },
    ]);
    f.run();
    expect(order).toEqual([2, 4, 5, 1, 3]);
  });
});

describe('notifications', () => {
  it('Signal ORs badges into the word; Wait returns and clears it', () => {
    const words: number[] = [];
    const f = makeFixture([
      {
        name: 'a',
        priority: 100,
        badge: 0b0001,
        *body(sys) {
          yield* sys.signal(C.ntfn(0));
        },
      },
      {
        name: 'b',
        priority: 100,
        badge: 0b0100,
        *body(sys) {
          yield* sys.signal(C.ntfn(0));
        },
      },
      {
        name: 'w',
        priority: 50,
        *body(sys) {
          words.push(yield* sys.wait(C.ntfn(0)));
          words.push(yield* sys.nbWait(C.ntfn(0)));
        },
      },
    ]);
    f.run();
    expect(words).toEqual([0b0101, 0]);
  });

  it('a bound notification is delivered to a Recv on an endpoint', () => {
    let got = -1;
    const f = makeFixture([
      {
        name: 'server',
        priority: 100,
        *body(sys, _ctx) {
          const { tcbBindNotification } = userspace;
          expect(yield* tcbBindNotification(sys, C.self, C.ntfn(1))).toBe(0);
          got = yield* sys.recv(C.ep(0), C.reply);
        },
      },
      {
        name: 'signaller',
        priority: 50,
        badge: 0x80,
        *body(sys) {
          yield* sys.signal(C.ntfn(1));
        },
      },
    ]);
    f.run();
    expect(got).toBe(0x80);
  });
});

import * as userspace from '@k5/userspace';
