// Deleting the last capability destroys the object and cleans every thread that referred to
// it; the invariant checker notices corrupted state.
import { FaultLabel, ObjectType, Rights } from '@k5/abi';
import { cnodeDelete } from '@k5/userspace';
import { describe, expect, it } from 'vitest';
import { Cap } from '../src/cspace/cap';
import { placeCap } from '../src/cspace/cdt';
import { ThreadState } from '../src/objects/kobject';
import { createObject, originalCap } from '../src/objects/untyped';
import { C, DEPTH, makeFixture, RADIX } from './fixture';

describe('destroying objects', () => {
  it.each([
    ['endpoint', ObjectType.Endpoint, 4],
    ['notification', ObjectType.Notification, 5],
  ])(
    'deleting the last cap to a %s restarts its waiter, which then faults on the missing cap',
    (_n, type, bits) => {
      const f = makeFixture(
        [
          {
            name: 'waiter',
            priority: 120,
            *body(s) {
              yield* s.recv(C.free, 0);
            },
          },
          {
            name: 'killer',
            priority: 100,
            *body(s) {
              expect(yield* cnodeDelete(s, C.free + 1, C.free, DEPTH)).toBe(0);
            },
          },
        ],
        { trace: true },
      );
      const k = f.kernel.state;
      const obj = createObject(k, type, 0x2010_0000, bits, null);
      placeCap(f.cnodes[0]!.slots[C.free]!, originalCap(obj));
      placeCap(
        f.cnodes[1]!.slots[C.free + 1]!,
        new Cap(ObjectType.CNode, f.cnodes[0]!, Rights.All, 0, 0, DEPTH - RADIX),
      );
      f.run();
      expect(obj.live).toBe(false);
      expect(f.threads[0]!.state).toBe(ThreadState.Inactive);
      expect(f.trace.ofKind('destroy').map((e) => e.object)).toEqual([obj.id]);
      expect(f.trace.ofKind('fault').map((e) => [e.thread, e.label])).toEqual([
        [f.threads[0]!.id, FaultLabel.CapFault],
      ]);
    },
  );

  it('deleting a TCB removes it from the endpoint queue and the scheduler', () => {
    const f = makeFixture([
      {
        name: 'victim',
        priority: 120,
        *body(s) {
          yield* s.send(C.ep(0), 0);
        },
      },
      {
        name: 'killer',
        priority: 100,
        *body(s) {
          expect(yield* cnodeDelete(s, C.free + 1, C.self, DEPTH)).toBe(0);
        },
      },
    ]);
    placeCap(
      f.cnodes[1]!.slots[C.free + 1]!,
      new Cap(ObjectType.CNode, f.cnodes[0]!, Rights.All, 0, 0, DEPTH - RADIX),
    );
    const victim = f.threads[0]!;
    f.run();
    expect(victim.live).toBe(false);
    expect(f.endpoints[0]!.queue).toEqual([]);
    expect(f.kernel.threads()).not.toContain(victim);
  });
});

describe('invariant checker', () => {
  it.each<[string, (f: ReturnType<typeof makeFixture>) => void, RegExp]>([
    ['a wrong cap count', (f) => f.endpoints[0]!.capCount++, /counts \d+ caps but \d+ exist/],
    [
      'a thread blocked but not queued',
      (f) => {
        f.threads[0]!.state = ThreadState.BlockedOnSend;
        f.threads[0]!.blockedOn = f.endpoints[0]!;
      },
      /is BlockedOnSend but not queued|state disagrees/,
    ],
    [
      'a broken CDT link',
      (f) => {
        const c = f.cnodes[0]!.slots[C.ep(0)]!.cap!;
        c.parent = f.cnodes[0]!.slots[C.ep(1)]!.cap!;
      },
      /missing from its parent's child list/,
    ],
    [
      'an asymmetric binding',
      (f) => {
        f.threads[0]!.boundNotification = f.notifications[0]!;
      },
      /notification binding is not symmetric/,
    ],
  ])('reports %s', (_n, corrupt, pattern) => {
    const f = makeFixture([{ name: 'x', start: false, *body() {} }]);
    expect(f.kernel.checkInvariants()).toEqual([]);
    corrupt(f);
    expect(f.kernel.checkInvariants().join('\n')).toMatch(pattern);
  });
});
