// Chrome/Perfetto trace export: the JSON "Trace Event Format" that chrome://tracing, Perfetto's
// UI (ui.perfetto.dev) and speedscope open. Each thread is a track named after it, its running
// intervals are complete ('X') events, and marks are instant ('i') events: thread-scoped on the
// thread's track, process-scoped for machine events such as interrupts; budgeted threads get a
// `period` instant at each period start. Timestamps are in
// microseconds, converted from kernel ticks. Relies on timeline.ts.

import type { TraceEvent } from '../trace';
import { buildTimeline, type TimelineOptions } from './timeline';

/** One event of the Trace Event Format (the fields K5 writes). @public */
export interface ChromeTraceEvent {
  readonly name: string;
  readonly ph: 'X' | 'i' | 'M';
  readonly pid: number;
  readonly tid: number;
  readonly ts?: number;
  readonly dur?: number;
  readonly cat?: string;
  /** Instant scope: thread or process. */
  readonly s?: 't' | 'p';
  readonly args?: Readonly<Record<string, unknown>>;
}

/** A trace file's content. @public */
export interface ChromeTrace {
  readonly traceEvents: readonly ChromeTraceEvent[];
  readonly displayTimeUnit: 'ms' | 'ns';
  readonly otherData: Readonly<Record<string, string>>;
}

/** Options of {@link toChromeTrace}. @public */
export interface ChromeTraceOptions extends TimelineOptions {
  /** Kernel ticks per second (default 1,000,000: one tick is 1 µs). */
  readonly ticksPerSecond?: number;
  /** The process name shown for the system (default `K5`). */
  readonly processName?: string;
  /**
   * Scheduling-context budgets by thread id: each period start becomes a `period` instant on the
   * thread's track, with the budget in its arguments.
   */
  readonly budgets?: ReadonlyMap<number, { readonly budget: number; readonly period: number }>;
}

const PID = 1;

/** Converts kernel trace events to a Chrome/Perfetto trace. @public */
export function toChromeTrace(
  events: readonly TraceEvent[],
  options: ChromeTraceOptions = {},
): ChromeTrace {
  const tl = buildTimeline(events, options);
  const us = 1e6 / (options.ticksPerSecond ?? 1e6);
  const out: ChromeTraceEvent[] = [
    {
      name: 'process_name',
      ph: 'M',
      pid: PID,
      tid: 0,
      args: { name: options.processName ?? 'K5' },
    },
  ];
  for (const [i, lane] of tl.lanes.entries()) {
    out.push({
      name: 'thread_name',
      ph: 'M',
      pid: PID,
      tid: lane.thread,
      args: { name: lane.name },
    });
    out.push({
      name: 'thread_sort_index',
      ph: 'M',
      pid: PID,
      tid: lane.thread,
      args: { sort_index: i },
    });
    for (const s of lane.slices) {
      out.push({
        name: 'running',
        cat: 'sched',
        ph: 'X',
        pid: PID,
        tid: lane.thread,
        ts: s.start * us,
        dur: (s.end - s.start) * us,
      });
    }
  }
  for (const lane of tl.lanes) {
    const b = options.budgets?.get(lane.thread);
    if (!b || b.period <= 0) continue;
    for (let t = Math.ceil(tl.start / b.period) * b.period; t <= tl.end; t += b.period) {
      out.push({
        name: 'period',
        cat: 'budget',
        ph: 'i',
        s: 't',
        pid: PID,
        tid: lane.thread,
        ts: t * us,
        args: { budget: b.budget, period: b.period },
      });
    }
  }
  for (const m of tl.marks) {
    out.push({
      name: m.label,
      cat: m.kind,
      ph: 'i',
      s: m.thread === null ? 'p' : 't',
      pid: PID,
      tid: m.thread ?? 0,
      ts: m.time * us,
      args: Object.fromEntries(
        Object.entries(m.args).map(([k, v]) => [k, v instanceof Uint8Array ? [...v] : v]),
      ),
    });
  }
  return { traceEvents: out, displayTimeUnit: 'ns', otherData: { producer: '@k5/kernel' } };
}
