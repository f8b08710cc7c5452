// Scheduling invocations through real syscalls, modelled on the seL4 test suite's
// scheduling-context tests (own scenarios): SchedControl_ConfigureFlags and its RangeErrors,
// MCP checks on SetPriority/SetMCPriority/SetSchedParams, Bind/Unbind errors, Consumed and
// YieldTo. Decoding is checked to change nothing.

import { InvocationLabel, KernelError } from '@k5/abi';
import {
  invoke,
  schedContextBind,
  schedContextConsumed,
  schedContextUnbind,
  schedContextYieldTo,
  schedControlConfigureFlags,
  type Sys,
  tcbSetMCPriority,
  tcbSetPriority,
} from '@k5/userspace';
import { describe, expect, it } from 'vitest';
import { placeCap } from '../../src/cspace/cdt';
import { SchedControl } from '../../src/objects/kobject';
import { originalCap } from '../../src/objects/untyped';
import { configureSchedContext, maxRefillsForSize } from '../../src/sched/configure';
import { C, digest, type Fixture, makeFixture } from '../fixture';
import { runUntil, usedBy } from './harness';

const CTL = C.free;

/** A fixture whose first thread also holds a SchedControl cap at CTL. */
function withControl(
  body: (sys: Sys, f: () => Fixture) => Generator<number, void, void>,
  others: {
    name: string;
    priority?: number;
    body: (sys: Sys) => Generator<number, void, void>;
  }[] = [],
): Fixture {
  let f!: Fixture;
  f = makeFixture([{ name: 'root', priority: 200, body: (sys) => body(sys, () => f) }, ...others]);
  const k = f.kernel.state;
  const ctl = new SchedControl(k.nextId++, 0, 0, null);
  k.objects.add(ctl);
  placeCap(f.cnodes[0]!.slots[CTL]!, originalCap(ctl));
  return f;
}

describe('SchedControl_ConfigureFlags', () => {
  // minimum budget 2 (kernel WCET 1); the fixture's contexts are 256 bytes: (256-64)/16 = 12 slots.
  const most = maxRefillsForSize(8) - 2;
  it.each([
    ['budget 0', { budget: 0, period: 100 }, [2, 0xffff_ffff]],
    ['budget below the minimum', { budget: 1, period: 100 }, [2, 0xffff_ffff]],
    ['period below the minimum', { budget: 2, period: 1 }, [2, 0xffff_ffff]],
    ['budget above the period', { budget: 200, period: 100 }, [2, 100]],
    ['too many extra refills', { budget: 10, period: 100, extraRefills: most + 1 }, [0, most]],
  ])('%s is a RangeError with the allowed range, and changes nothing', (_n, config, range) => {
    let code = -1;
    const detail: number[] = [];
    let before = '';
    const f = withControl(function* (sys, fx) {
      before = digest(fx().kernel);
      code = yield* schedControlConfigureFlags(sys, CTL, C.sc, config);
      detail.push(sys.getMR(0), sys.getMR(1));
      expect(digest(fx().kernel)).toBe(before);
    });
    runUntil(f, 1_000);
    expect(code).toBe(KernelError.RangeError);
    expect(detail).toEqual(range);
    expect(f.threads[0]!.sc!.refills).toBeNull();
  });

  it('needs a SchedContext cap and all five arguments', () => {
    const codes: number[] = [];
    const f = withControl(function* (sys) {
      codes.push(
        yield* invoke(
          sys,
          CTL,
          InvocationLabel.SchedControlConfigureFlags,
          [10, 100, 0, 0, 0],
          [C.ep(0)],
        ),
      );
      codes.push(
        yield* invoke(sys, CTL, InvocationLabel.SchedControlConfigureFlags, [10, 100], [C.sc]),
      );
    });
    runUntil(f, 1_000);
    expect(codes).toEqual([KernelError.InvalidCapability, KernelError.TruncatedMessage]);
  });

  it('configures the caller’s own context: budget, period, badge, sporadic flag', () => {
    let code = -1;
    const f = withControl(function* (sys) {
      code = yield* schedControlConfigureFlags(sys, CTL, C.sc, {
        budget: 300,
        period: 1_000,
        extraRefills: 3,
        badge: 0xbeef,
        sporadic: true,
      });
      for (;;) yield* sys.work(10_000);
    });
    runUntil(f, 5_000);
    expect(code).toBe(0);
    const sc = f.threads[0]!.sc!;
    expect([sc.budget, sc.period, sc.badge, sc.sporadic, sc.refills!.maxRefills]).toEqual([
      300,
      1_000,
      0xbeef,
      true,
      5,
    ]);
    // Configured at time 0: 300 per 1000 from then on.
    expect(usedBy(f, sc)).toBe(5 * 300);
  });

  it('configureSchedContext applies the same checks for boot code', () => {
    const f = makeFixture([{ name: 't', *body() {} }]);
    const sc = f.threads[0]!.sc!;
    const k = f.kernel.state;
    const p = { budget: 5, period: 4, extraRefills: 0, badge: 0, sporadic: false };
    expect(configureSchedContext(k, sc, p)?.code).toBe(KernelError.RangeError);
    expect(configureSchedContext(k, sc, { ...p, period: 5 })).toBeNull();
    expect(sc.refills?.roundRobin).toBe(true);
  });
});

describe('maximum controlled priority', () => {
  it.each([
    ['SetPriority above the authority’s MCP', 'prio', 61, KernelError.RangeError],
    ['SetPriority at the MCP', 'prio', 60, 0],
    ['SetMCPriority above the authority’s MCP', 'mcp', 61, KernelError.RangeError],
    ['SetMCPriority at the MCP', 'mcp', 60, 0],
  ])('%s', (_n, what, value, expected) => {
    let code = -1;
    const detail: number[] = [];
    const f = makeFixture([
      {
        name: 't',
        priority: 10,
        *body(sys) {
          code =
            what === 'prio'
              ? yield* tcbSetPriority(sys, C.self, C.self, value)
              : yield* tcbSetMCPriority(sys, C.self, C.self, value);
          detail.push(sys.getMR(0), sys.getMR(1));
        },
      },
    ]);
    f.threads[0]!.mcp = 60;
    runUntil(f, 100);
    expect(code).toBe(expected);
    if (expected === KernelError.RangeError) expect(detail).toEqual([0, 60]);
    else if (what === 'prio') expect(f.threads[0]!.priority).toBe(60);
    else expect(f.threads[0]!.mcp).toBe(60);
  });
});

describe('SchedContext methods', () => {
  it('Bind refuses a bound context or thread; Unbind refuses the caller’s own context', () => {
    const codes: number[] = [];
    const f = makeFixture([
      {
        name: 't',
        *body(sys) {
          codes.push(yield* schedContextBind(sys, C.sc, C.self));
          codes.push(yield* schedContextUnbind(sys, C.sc));
          codes.push(yield* schedContextBind(sys, C.sc, C.ep(0)));
        },
      },
    ]);
    runUntil(f, 100);
    expect(codes).toEqual([
      KernelError.IllegalOperation,
      KernelError.IllegalOperation,
      KernelError.InvalidCapability,
    ]);
  });

  it('Consumed returns the ticks used since the last query and resets them', () => {
    const got: number[] = [];
    const f = makeFixture([
      {
        name: 't',
        *body(sys) {
          yield* sys.work(123);
          yield* schedContextConsumed(sys, C.sc);
          got.push(sys.getMR(0), sys.getMR(1));
          yield* sys.work(7);
          yield* schedContextConsumed(sys, C.sc);
          got.push(sys.getMR(0));
        },
      },
    ]);
    runUntil(f, 1_000);
    expect(got).toEqual([123, 0, 7]);
  });

  it('YieldTo runs the target first and reports its consumed time to the yielder', () => {
    const log: string[] = [];
    const got: number[] = [];
    const f = makeFixture([
      {
        name: 'a',
        *body(sys) {
          log.push('a');
          // Yield to b's context: the second thread's context cap is placed at C.free below.
          const code = yield* schedContextYieldTo(sys, C.free);
          got.push(code, sys.getMR(0));
          log.push('a again');
        },
      },
      {
        name: 'b',
        *body(sys) {
          log.push('b');
          yield* sys.work(40);
          yield* sys.wait(C.ntfn(0));
        },
      },
      {
        name: 'c',
        *body(sys) {
          log.push('c');
          yield* sys.work(1);
        },
      },
    ]);
    placeCap(f.cnodes[0]!.slots[C.free]!, originalCap(f.threads[1]!.sc!));
    runUntil(f, 1_000);
    expect(log).toEqual(['a', 'b', 'a again', 'c']);
    expect(got).toEqual([0, 40]);
  });
});
