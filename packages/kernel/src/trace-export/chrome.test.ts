import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../trace';
import { toChromeTrace } from './chrome';
import { buildTimeline } from './timeline';

const EVENTS: TraceEvent[] = [
  { kind: 'switch', time: 0, from: 0, to: 5 },
  { kind: 'syscall', time: 10, thread: 5, syscall: 0 },
  { kind: 'switch', time: 10, from: 5, to: 7 },
  { kind: 'fault', time: 25, thread: 7, label: 4, handled: true },
  { kind: 'ipc', time: 26, from: 7, to: 5, badge: 0, length: 1, caps: 0, call: true },
  { kind: 'wake', time: 27, thread: 5, reason: 'refill' },
  { kind: 'wake', time: 28, thread: 5, reason: 'ipc' },
  { kind: 'invoke', time: 29, thread: 7, label: 3, object: 9, error: 0 },
  { kind: 'signal', time: 29, notification: 11, badge: 1, word: 1 },
  { kind: 'switch', time: 30, from: 7, to: 0 },
  { kind: 'irq', time: 40, irq: 3, handled: true },
  { kind: 'switch', time: 40, from: 0, to: 5 },
  { kind: 'budget', time: 41, thread: 5, sc: 2, event: 'expired' },
  { kind: 'donate', time: 42, sc: 2, from: 5, to: 7 },
  { kind: 'restart', time: 43, thread: 7, generation: 2, at: 60 },
  // A kind this exporter does not know yet (as newer kernels may add): classified by its name.
  { kind: 'timer-skew', time: 44 } as unknown as TraceEvent,
];

describe('buildTimeline', () => {
  it('turns switches into per-thread run slices and the rest into marks', () => {
    const tl = buildTimeline(EVENTS, {
      end: 50,
      threadName: (t) => (t === 5 ? 'ping' : undefined),
    });
    expect(tl.lanes).toEqual([
      {
        thread: 5,
        name: 'ping',
        slices: [
          { start: 0, end: 10 },
          { start: 40, end: 50 },
        ],
      },
      { thread: 7, name: 'thread 7', slices: [{ start: 10, end: 30 }] },
    ]);
    expect(tl.marks.map((m) => [m.time, m.thread, m.kind, m.label])).toEqual([
      [10, 5, 'syscall', 'Call'],
      [25, 7, 'fault', 'fault 4'],
      [26, 7, 'ipc', 'call → ping'],
      [27, 5, 'budget', 'refill'],
      [29, 7, 'syscall', 'invoke 3'],
      [29, null, 'ipc', 'signal 11'],
      [40, null, 'irq', 'IRQ 3'],
      [41, 5, 'budget', 'budget expired'],
      [42, 7, 'budget', 'SC 2 from ping'],
      [43, 7, 'other', 'restart (generation 2) at 60'],
      [44, null, 'budget', 'timer-skew'],
    ]);
  });

  it('can leave syscalls out', () => {
    expect(buildTimeline(EVENTS, { omitSyscalls: true }).marks.map((m) => m.kind)).toEqual([
      'fault',
      'ipc',
      'budget',
      'ipc',
      'irq',
      'budget',
      'budget',
      'other',
      'budget',
    ]);
  });
});

describe('toChromeTrace', () => {
  it('writes named tracks, complete events in microseconds and scoped instants', () => {
    const trace = toChromeTrace(EVENTS, { end: 50, ticksPerSecond: 2e6, threadName: () => 'task' });
    const names = trace.traceEvents.filter((e) => e.name === 'thread_name');
    expect(names.map((e) => [e.tid, e.args?.name])).toEqual([
      [5, 'task'],
      [7, 'task'],
    ]);
    const runs = trace.traceEvents.filter((e) => e.ph === 'X');
    expect(runs.map((e) => [e.tid, e.ts, e.dur])).toEqual([
      [5, 0, 5],
      [5, 20, 5],
      [7, 5, 10],
    ]);
    const irq = trace.traceEvents.find((e) => e.cat === 'irq');
    expect(irq).toMatchObject({ ph: 'i', s: 'p', ts: 20, name: 'IRQ 3' });
    expect(JSON.parse(JSON.stringify(trace))).toEqual(trace);
  });

  it('marks each period start of a budgeted thread', () => {
    const trace = toChromeTrace(EVENTS, {
      end: 50,
      budgets: new Map([[7, { budget: 5, period: 20 }]]),
    });
    const periods = trace.traceEvents.filter((e) => e.name === 'period');
    expect(periods.map((e) => [e.tid, e.ts, e.args])).toEqual([
      [7, 0, { budget: 5, period: 20 }],
      [7, 20, { budget: 5, period: 20 }],
      [7, 40, { budget: 5, period: 20 }],
    ]);
  });
});
