// Benchmarks of the MCS scheduler, included by bench/index.ts: context switches per second
// with 2, 100 and 10,000 runnable round-robin threads of one priority (each switch is a budget
// expiry at the timer deadline: charge, append to the tail, choose, reprogram — it should stay
// flat as the thread count grows), and the share of host time spent in the kernel's scheduling
// work (timer handling, charging, release queue, choice) while 100 periodic tasks whose
// simulated instructions cost host time (a 64 MHz core) run for one simulated second.
import type { BenchCase, BenchFigure } from '@k5/bench';
import { configureSchedContext } from '../src/sched/configure';
import { schedule } from '../src/sched/scheduler';
import { makeFixture, type ThreadSpec } from '../test/fixture';

const SWITCHES = 1000;
const SLICE = 10;

function roundRobinSystem(threads: number) {
  const specs: ThreadSpec[] = [];
  for (let i = 0; i < threads; i++) {
    specs.push({
      name: `rr${i}`,
      priority: 100,
      *body(sys) {
        for (;;) yield* sys.work(1_000_000_000);
      },
    });
  }
  const f = makeFixture(specs);
  const k = f.kernel.state;
  for (const t of f.threads) {
    const e = configureSchedContext(k, t.sc!, {
      budget: SLICE,
      period: SLICE,
      extraRefills: 0,
      badge: 0,
      sporadic: false,
    });
    if (e) throw new Error(e.message);
  }
  schedule(k);
  // Start every generator once so that the measured steps are switches only.
  f.executor.run({ maxSteps: threads * 2 });
  return f;
}

function switchCase(threads: number): BenchCase {
  const f = roundRobinSystem(threads);
  return {
    name: `sched/context-switch/${threads}-runnable`,
    unit: 'ops/s',
    perCall: SWITCHES,
    run: () => {
      const before = f.kernel.now;
      f.executor.run({ maxSteps: SWITCHES });
      if (f.kernel.now - before !== SWITCHES * SLICE) throw new Error('a step was not one slice');
    },
  };
}

// A stand-in for a CPU simulator: one tick is 1 µs of a 64 MHz core, and each simulated
// instruction costs one step of a xorshift loop on the host.
const INSTRUCTIONS_PER_TICK = 64;
let sink = 0;
function simulate(ticks: number): void {
  let x = sink | 1;
  for (let i = 0; i < ticks * INSTRUCTIONS_PER_TICK; i++) x ^= (x << 13) ^ (x >>> 17) ^ (x << 5);
  sink = x;
}

function periodicShare(): BenchFigure[] {
  const TASKS = 100;
  const CHUNK = 50;
  const specs: ThreadSpec[] = [];
  for (let i = 0; i < TASKS; i++) {
    specs.push({
      name: `periodic${i}`,
      priority: 200 - i,
      *body(sys) {
        for (;;) {
          simulate(CHUNK);
          yield* sys.work(CHUNK);
        }
      },
    });
  }
  const f = makeFixture(specs);
  const k = f.kernel.state;
  f.threads.forEach((t, i) => {
    // Periods of 10 to 109 ms in µs ticks, 0.8 % utilisation each (80 % in total).
    const period = 10_000 + 1_000 * i;
    const e = configureSchedContext(k, t.sc!, {
      budget: Math.round(period * 0.008),
      period,
      extraRefills: 2,
      badge: 0,
      sporadic: true,
    });
    if (e) throw new Error(e.message);
  });
  schedule(k);
  const kernel = f.kernel;
  let inKernel = 0;
  let decisions = 0;
  const advance = kernel.advance.bind(kernel);
  // Only entries that reach the timer deadline make scheduling decisions; the others just add
  // ticks, and timing them would measure the clock more than the kernel.
  kernel.advance = (ticks: number) => {
    const deadline = kernel.deadline;
    if (deadline === null || kernel.now + ticks < deadline) return advance(ticks);
    const t0 = performance.now();
    const left = advance(ticks);
    inKernel += performance.now() - t0;
    decisions++;
    return left;
  };
  const HORIZON = 1_000_000;
  const start = performance.now();
  while (kernel.now < HORIZON) {
    const r = f.executor.run({ maxSteps: 1 });
    if (r.reason === 'idle') {
      const d = kernel.deadline;
      if (d === null) break;
      kernel.advance(d - kernel.now);
    }
  }
  const total = performance.now() - start;
  return [
    { name: 'sched/periodic-100/scheduler-share', unit: '%', value: (100 * inKernel) / total },
    { name: 'sched/periodic-100/timer-entries', unit: 'count', value: decisions },
    { name: 'sched/periodic-100/host-ms-per-simulated-s', unit: 'ms', value: total },
  ];
}

/** The MCS benchmark cases, for bench/index.ts. */
export const mcsBenchCases: ReadonlyArray<BenchCase | (() => BenchFigure)> = [
  switchCase(2),
  switchCase(100),
  switchCase(10_000),
  // The first run warms the JIT up; the second is reported.
  ...(periodicShare() && periodicShare()).map((figure) => () => figure),
];
