// CNode operations, retype and their errors, modelled on the seL4 test suite's CNode and retype
// tests. Every error case also checks that the failing decode changed nothing.
import {
  encodeMessageInfo,
  KernelError,
  LookupFailure,
  ObjectType,
  RETYPE_FAN_OUT_LIMIT,
  Rights,
} from '@k5/abi';
import {
  cnodeCancelBadgedSends,
  cnodeCopy,
  cnodeDelete,
  cnodeMint,
  cnodeMove,
  cnodeMutate,
  cnodeRevoke,
  cnodeRotate,
  type Sys,
  untypedRetype,
} from '@k5/userspace';
import { describe, expect, it } from 'vitest';
import type { Endpoint, Tcb } from '../src/objects/kobject';
import { ThreadState } from '../src/objects/kobject';
import { C, DEPTH, digest, makeFixture } from './fixture';

type Op = (sys: Sys) => Generator<number, number, void>;

/** Runs one invocation in a fresh fixture; returns the error code, detail MRs and whether state changed. */
function runOne(op: Op, setup?: Op) {
  let code = -1;
  const detail: number[] = [];
  let before = '';
  let after = '';
  const f = makeFixture([
    {
      name: 'actor',
      *body(sys) {
        if (setup) expect(yield* setup(sys)).toBe(0);
        before = digest(f.kernel);
        code = yield* op(sys);
        after = digest(f.kernel);
        for (let i = 0; i < sys.length; i++) detail.push(sys.getMR(i));
      },
    },
  ]);
  f.run();
  return { code, detail, changed: before !== after, f };
}

const R = C.cnode;
const D = DEPTH;

describe('CNode errors', () => {
  it.each<[string, Op, number, number[]]>([
    [
      'Copy into an occupied slot',
      (s) => cnodeCopy(s, R, C.ep(1), D, R, C.ep(0), D, Rights.All),
      KernelError.DeleteFirst,
      [],
    ],
    [
      'Copy from an empty slot',
      (s) => cnodeCopy(s, R, C.free + 1, D, R, C.free + 2, D, Rights.All),
      KernelError.FailedLookup,
      [1, LookupFailure.MissingCapability, D],
    ],
    [
      'Copy with depth 0',
      (s) => cnodeCopy(s, R, C.free, 0, R, C.ep(0), D, Rights.All),
      KernelError.RangeError,
      [1, 32],
    ],
    [
      'Copy with depth 33',
      (s) => cnodeCopy(s, R, C.free, 33, R, C.ep(0), D, Rights.All),
      KernelError.RangeError,
      [1, 32],
    ],
    [
      'Copy with a guard mismatch',
      (s) => cnodeCopy(s, R, 0x8000_0010, D, R, C.ep(0), D, Rights.All),
      KernelError.FailedLookup,
      [0, LookupFailure.GuardMismatch, 32, 0, 26],
    ],
    [
      'Copy with too shallow a depth',
      (s) => cnodeCopy(s, R, C.free, 8, R, C.ep(0), D, Rights.All),
      KernelError.FailedLookup,
      [0, LookupFailure.GuardMismatch, 8, 0, 26],
    ],
    [
      'Copy from a non-CNode source root',
      (s) => cnodeCopy(s, R, C.free + 1, D, C.ep(0), C.ep(0), D, Rights.All),
      KernelError.FailedLookup,
      [1, LookupFailure.InvalidRoot],
    ],
    [
      'Mint re-badging a badged cap',
      (s) => cnodeMint(s, R, C.free + 1, D, R, C.free, D, Rights.All, 9),
      KernelError.IllegalOperation,
      [],
    ],
    [
      'Mutate badging an endpoint',
      (s) => cnodeMutate(s, R, C.free + 1, D, R, C.ep(0), D, 5),
      KernelError.IllegalOperation,
      [],
    ],
    [
      'Move into an occupied slot',
      (s) => cnodeMove(s, R, C.ep(1), D, R, C.ep(0), D),
      KernelError.DeleteFirst,
      [],
    ],
    [
      'Rotate with pivot = source',
      (s) => cnodeRotate(s, R, C.free, D, R, C.ep(0), D, 0, R, C.ep(0), D, 0),
      KernelError.IllegalOperation,
      [],
    ],
    [
      'Rotate into an occupied destination',
      (s) => cnodeRotate(s, R, C.ep(2), D, R, C.ep(0), D, 0, R, C.ep(1), D, 0),
      KernelError.DeleteFirst,
      [],
    ],
    [
      'CancelBadgedSends on a non-endpoint',
      (s) => cnodeCancelBadgedSends(s, R, C.ntfn(0), D),
      KernelError.IllegalOperation,
      [],
    ],
    [
      'Delete with a bad address',
      (s) => cnodeDelete(s, R, 0xffff_ffff, D),
      KernelError.FailedLookup,
      [0, LookupFailure.GuardMismatch, 32, 0, 26],
    ],
  ])('%s -> error %i', (_name, op, code, detail) => {
    const setup: Op = (s) => cnodeMint(s, R, C.free, D, R, C.ep(0), D, Rights.All, 7);
    const r = runOne(op, setup);
    expect(r.code).toBe(code);
    expect(r.detail).toEqual(detail);
    expect(r.changed).toBe(false);
  });

  it('a truncated message is TruncatedMessage and changes nothing', () => {
    const r = runOne(function* (s) {
      s.setMR(0, C.free);
      yield* s.call(R, encodeMessageInfo(19 /* CNodeCopy */, 1));
      return s.label;
    });
    expect(r.code).toBe(KernelError.TruncatedMessage);
    expect(r.changed).toBe(false);
  });
});

describe('CNode operations', () => {
  it('Copy masks rights and makes a CDT child; Mint badges; Move keeps the CDT position', () => {
    const r = runOne(function* (s) {
      expect(yield* cnodeCopy(s, R, C.free, D, R, C.ep(0), D, Rights.Read)).toBe(0);
      expect(
        yield* cnodeMint(s, R, C.free + 1, D, R, C.ep(0), D, Rights.Write | Rights.Read, 0x42),
      ).toBe(0);
      return yield* cnodeMove(s, R, C.free + 2, D, R, C.free + 1, D);
    });
    expect(r.code).toBe(0);
    const slots = r.f.cnodes[0]!.slots;
    const orig = slots[C.ep(0)]!.cap!;
    expect(slots[C.free]!.cap!.rights).toBe(Rights.Read);
    expect(slots[C.free]!.cap!.parent).toBe(orig);
    expect(slots[C.free + 1]!.cap).toBeNull();
    expect(slots[C.free + 2]!.cap!.badge).toBe(0x42);
    expect(slots[C.free + 2]!.cap!.parent).toBe(orig);
  });

  it('Rotate moves pivot to dest and src to pivot, and swaps when dest is src', () => {
    const r = runOne(function* (s) {
      expect(yield* cnodeRotate(s, R, C.free, D, R, C.ep(1), D, 0, R, C.ep(0), D, 0)).toBe(0);
      return yield* cnodeRotate(s, R, C.ep(2), D, R, C.ep(3), D, 0, R, C.ep(2), D, 0);
    });
    expect(r.code).toBe(0);
    const slots = r.f.cnodes[0]!.slots;
    const eps = r.f.endpoints;
    expect(slots[C.free]!.cap!.obj).toBe(eps[1]);
    expect(slots[C.ep(1)]!.cap!.obj).toBe(eps[0]);
    expect(slots[C.ep(0)]!.cap).toBeNull();
    expect(slots[C.ep(2)]!.cap!.obj).toBe(eps[3]);
    expect(slots[C.ep(3)]!.cap!.obj).toBe(eps[2]);
  });

  it('Revoke deletes every descendant and keeps the cap; deleting the last cap destroys the object', () => {
    const r = runOne(function* (s) {
      expect(yield* untypedRetype(s, C.untyped, ObjectType.Endpoint, 0, R, 0, 0, C.free, 1)).toBe(
        0,
      );
      for (let i = 1; i < 10; i++)
        expect(yield* cnodeCopy(s, R, C.free + i, D, R, C.free + i - 1, D, Rights.All)).toBe(0);
      expect(yield* cnodeRevoke(s, R, C.free, D)).toBe(0);
      return yield* cnodeDelete(s, R, C.free, D);
    });
    expect(r.code).toBe(0);
    const slots = r.f.cnodes[0]!.slots;
    for (let i = 0; i < 10; i++) expect(slots[C.free + i]!.cap).toBeNull();
    expect(r.f.kernel.objects().filter((o) => o.type === ObjectType.Endpoint)).toHaveLength(4);
  });

  it('Revoke of many caps is preempted in bounded steps and still completes', () => {
    let code = -1;
    const f = makeFixture(
      [
        {
          name: 'rev',
          *body(s) {
            for (let i = 1; i < 40; i++)
              expect(yield* cnodeCopy(s, R, C.free + i, D, R, C.ep(0), D, Rights.All)).toBe(0);
            code = yield* cnodeRevoke(s, R, C.ep(0), D);
          },
        },
      ],
      { trace: true, revokeBatch: 8 },
    );
    f.run();
    expect(code).toBe(0);
    expect(f.trace.ofKind('preempt').length).toBeGreaterThanOrEqual(4);
    expect(f.cnodes[0]!.slots[C.ep(0)]!.cap!.firstChild).toBeNull();
  });

  it('deleting the last cap to an endpoint restarts its blocked threads, which then fault', () => {
    const f = makeFixture([
      {
        name: 'blocked',
        priority: 120,
        *body(s) {
          yield* s.recv(C.ep(3), 0);
        },
      },
      {
        name: 'killer',
        priority: 100,
        *body(s) {
          expect(yield* cnodeRevoke(s, R, C.ep(3), D)).toBe(0);
          expect(yield* cnodeDelete(s, R, C.ep(3), D)).toBe(0);
        },
      },
    ]);
    // The holder CNode and the other thread's copies keep it alive until revoked from the original.
    const original = f.endpoints[3]!;
    f.run();
    expect(original.live).toBe(true);
    expect(f.threads[0]!.state).toBe(ThreadState.BlockedOnReceive);
  });

  it('CancelBadgedSends restarts only senders with that badge', () => {
    const f = makeFixture([
      {
        name: 'a',
        priority: 100,
        badge: 1,
        *body(s) {
          yield* s.send(C.ep(0), 0);
        },
      },
      {
        name: 'b',
        priority: 100,
        badge: 2,
        *body(s) {
          yield* s.send(C.ep(0), 0);
        },
      },
      {
        name: 'c',
        priority: 50,
        *body(s) {
          expect(yield* cnodeMint(s, R, C.free, D, R, C.ep(0), D, Rights.All, 1)).toBe(0);
          expect(yield* cnodeCancelBadgedSends(s, R, C.free, D)).toBe(0);
        },
      },
    ]);
    f.run();
    const ep = f.endpoints[0] as Endpoint;
    // a was restarted and re-sent (blocking again); b never left the queue.
    expect(ep.queue.map((t: Tcb) => t.name)).toEqual(['b', 'a']);
  });
});

describe('Untyped_Retype', () => {
  it.each<[string, Op, number, number[]]>([
    [
      'unknown type',
      (s) => untypedRetype(s, C.untyped, 99, 0, R, 0, 0, C.free, 1),
      KernelError.InvalidArgument,
      [0],
    ],
    [
      'CNode radix 0',
      (s) => untypedRetype(s, C.untyped, ObjectType.CNode, 0, R, 0, 0, C.free, 1),
      KernelError.InvalidArgument,
      [1],
    ],
    [
      'untyped too small',
      (s) => untypedRetype(s, C.untyped, ObjectType.Untyped, 3, R, 0, 0, C.free, 1),
      KernelError.InvalidArgument,
      [1],
    ],
    [
      'offset outside the CNode',
      (s) => untypedRetype(s, C.untyped, ObjectType.Endpoint, 0, R, 0, 0, 64, 1),
      KernelError.RangeError,
      [0, 63],
    ],
    [
      'zero objects',
      (s) => untypedRetype(s, C.untyped, ObjectType.Endpoint, 0, R, 0, 0, C.free, 0),
      KernelError.RangeError,
      [1, RETYPE_FAN_OUT_LIMIT],
    ],
    [
      'window past the end',
      (s) => untypedRetype(s, C.untyped, ObjectType.Endpoint, 0, R, 0, 0, 60, 5),
      KernelError.RangeError,
      [1, 4],
    ],
    [
      'occupied slot (before the memory check)',
      (s) => untypedRetype(s, C.untyped, ObjectType.Untyped, 20, R, 0, 0, C.ep(0), 1),
      KernelError.DeleteFirst,
      [],
    ],
    [
      'not enough memory',
      (s) => untypedRetype(s, C.untyped, ObjectType.Tcb, 0, R, 0, 0, C.free, 9),
      KernelError.NotEnoughMemory,
      [4096],
    ],
    [
      'destination not a CNode',
      (s) => untypedRetype(s, C.untyped, ObjectType.Endpoint, 0, C.ep(0), 0, 0, C.free, 1),
      KernelError.FailedLookup,
      [0, LookupFailure.MissingCapability, 0],
    ],
  ])('%s -> error %i', (_n, op, code, detail) => {
    const r = runOne(op);
    expect(r.code).toBe(code);
    expect(r.detail).toEqual(detail);
    expect(r.changed).toBe(false);
  });

  it('aligns objects, raises the watermark, and resets it when every child is gone', () => {
    const r = runOne(function* (s) {
      expect(yield* untypedRetype(s, C.untyped, ObjectType.Endpoint, 0, R, 0, 0, C.free, 1)).toBe(
        0,
      );
      expect(yield* untypedRetype(s, C.untyped, ObjectType.Tcb, 0, R, 0, 0, C.free + 1, 1)).toBe(0);
      // 16 + align(512) + 512 = 1024 used: 3072 left, so 7 TCBs do not fit ...
      expect(yield* untypedRetype(s, C.untyped, ObjectType.Tcb, 0, R, 0, 0, C.free + 2, 7)).toBe(
        KernelError.NotEnoughMemory,
      );
      expect(s.getMR(0)).toBe(3072);
      // ... until the children are revoked and the watermark resets.
      expect(yield* cnodeRevoke(s, R, C.untyped, D)).toBe(0);
      return yield* untypedRetype(s, C.untyped, ObjectType.Tcb, 0, R, 0, 0, C.free + 2, 8);
    });
    expect(r.code).toBe(0);
    const u = r.f.cnodes[0]!.slots[C.untyped]!.cap!.obj as { base: number; watermark: number };
    expect(u.watermark).toBe(4096);
    const tcbs = r.f.cnodes[0]!.slots.slice(C.free + 2, C.free + 10).map(
      (sl) => sl.cap!.obj.base - u.base,
    );
    expect(tcbs).toEqual([0, 512, 1024, 1536, 2048, 2560, 3072, 3584]);
  });
});
