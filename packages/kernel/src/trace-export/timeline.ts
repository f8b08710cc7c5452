// A trace as a timeline: one lane per thread with the intervals it ran (from `switch` events),
// and marks for what happened at an instant (syscalls, IPC, faults, interrupts, budget events).
// Both the Chrome/Perfetto export and the CLI's SVG picture draw from this one model. Event kinds
// this module does not know (new kernel events) still become marks, named by their kind, so a
// newer kernel never breaks an older exporter. Relies on trace.ts and @k5/abi's syscall table.

import { SYSCALL_TABLE } from '@k5/abi';
import type { TraceEvent } from '../trace';

/** An interval a thread ran, in ticks: [start, end). @public */
export interface TimelineSlice {
  readonly start: number;
  readonly end: number;
}

/** One thread's lane. @public */
export interface TimelineLane {
  readonly thread: number;
  readonly name: string;
  readonly slices: readonly TimelineSlice[];
}

/** Kinds of instant marks, grouped for drawing. @public */
export type TimelineMarkKind = 'syscall' | 'ipc' | 'fault' | 'irq' | 'budget' | 'log' | 'other';

/** Something that happened at an instant, on a thread's lane or (thread null) on the machine. @public */
export interface TimelineMark {
  readonly time: number;
  readonly thread: number | null;
  readonly kind: TimelineMarkKind;
  /** Short label, for example `Call` or `IRQ 5`. */
  readonly label: string;
  /** The event's own fields, for tools that show details. */
  readonly args: Readonly<Record<string, unknown>>;
}

/** A whole timeline. @public */
export interface Timeline {
  readonly start: number;
  readonly end: number;
  /** Threads in order of first appearance. */
  readonly lanes: readonly TimelineLane[];
  readonly marks: readonly TimelineMark[];
}

/** Options of {@link buildTimeline}. @public */
export interface TimelineOptions {
  /** A thread's display name (default `thread <id>`). */
  readonly threadName?: (thread: number) => string | undefined;
  /** Where the timeline ends (default: the last event's time); a running thread's slice ends here. */
  readonly end?: number;
  /** Leave syscall marks out (they dominate busy traces). */
  readonly omitSyscalls?: boolean;
}

const SYSCALL_NAMES = new Map<number, string>(SYSCALL_TABLE.map((s) => [s.number, s.name]));

/** The lane an event belongs to, if any. */
function threadOf(e: TraceEvent): number | null {
  const x = e as unknown as Record<string, unknown>;
  if (typeof x.thread === 'number') return x.thread;
  if (e.kind === 'ipc' || e.kind === 'reply') return e.from;
  if (e.kind === 'donate') return e.to;
  return null;
}

function markOf(
  e: TraceEvent,
  name: (thread: number) => string,
): Omit<TimelineMark, 'time' | 'thread' | 'args'> | null {
  switch (e.kind) {
    case 'switch':
    case 'create':
    case 'destroy':
    case 'state':
    case 'block':
      return null;
    case 'wake':
      // A thread released by its scheduling context's refill: its budget is back.
      return e.reason === 'refill' ? { kind: 'budget', label: 'refill' } : null;
    case 'syscall':
      return { kind: 'syscall', label: SYSCALL_NAMES.get(e.syscall) ?? `syscall ${e.syscall}` };
    case 'ipc':
      return { kind: 'ipc', label: `${e.call ? 'call' : 'send'} → ${name(e.to)}` };
    case 'reply':
      return { kind: 'ipc', label: `reply → ${name(e.to)}` };
    case 'invoke':
      // Object invocations are syscalls too (seL4 Call on a kernel object).
      return { kind: 'syscall', label: `invoke ${e.label}` };
    case 'signal':
      return { kind: 'ipc', label: `signal ${e.notification}` };
    case 'fault':
      return { kind: 'fault', label: `fault ${e.label}${e.handled ? '' : ' (unhandled)'}` };
    case 'panic':
      return { kind: 'fault', label: 'panic' };
    case 'log':
    case 'debug-char':
      return { kind: 'log', label: e.kind };
    case 'irq':
      return { kind: 'irq', label: `IRQ ${e.irq}${e.handled ? '' : ' (spurious)'}` };
    case 'budget':
      return {
        kind: 'budget',
        label:
          e.event === 'expired'
            ? 'budget expired'
            : e.event === 'yielded'
              ? 'yielded budget'
              : 'waits for refill',
      };
    case 'donate':
      return { kind: 'budget', label: `SC ${e.sc} from ${e.from === 0 ? 'none' : name(e.from)}` };
    case 'restart':
      return { kind: 'other', label: `restart (generation ${e.generation}) at ${e.at}` };
    default: {
      // Kinds added by newer kernels (interrupts, budgets, refills, timeouts) are classified by name.
      const kind = (e as { kind: string }).kind;
      const x = e as unknown as Record<string, unknown>;
      if (/irq|interrupt/i.test(kind))
        return { kind: 'irq', label: typeof x.irq === 'number' ? `IRQ ${x.irq}` : kind };
      if (/budget|refill|timeout|deadline|timer|sched-context/i.test(kind))
        return { kind: 'budget', label: kind };
      return { kind: 'other', label: kind };
    }
  }
}

/**
 * Builds the timeline of a trace (events in time order, as the kernel emits them).
 * @public
 */
export function buildTimeline(
  events: readonly TraceEvent[],
  options: TimelineOptions = {},
): Timeline {
  const start = events.length > 0 ? events[0]!.time : 0;
  const end = Math.max(options.end ?? 0, events.length > 0 ? events[events.length - 1]!.time : 0);
  const lanes = new Map<number, { name: string; slices: TimelineSlice[] }>();
  const nameOf = (thread: number) => options.threadName?.(thread) ?? `thread ${thread}`;
  const lane = (thread: number) => {
    let l = lanes.get(thread);
    if (!l) {
      l = { name: nameOf(thread), slices: [] };
      lanes.set(thread, l);
    }
    return l;
  };
  const marks: TimelineMark[] = [];
  let running = 0;
  let since = start;
  const close = (at: number) => {
    if (running !== 0 && at > since) lane(running).slices.push({ start: since, end: at });
  };
  for (const e of events) {
    if (e.kind === 'switch') {
      close(e.time);
      running = e.to;
      since = e.time;
      if (running !== 0) lane(running);
      continue;
    }
    const m = markOf(e, nameOf);
    if (!m || (options.omitSyscalls && m.kind === 'syscall')) continue;
    const thread = threadOf(e);
    if (thread !== null && thread !== 0) lane(thread);
    const { kind: _kind, time: _time, ...args } = e as unknown as Record<string, unknown>;
    marks.push({ time: e.time, thread: thread === 0 ? null : thread, ...m, args });
  }
  close(end);
  return {
    start,
    end,
    lanes: [...lanes].map(([thread, l]) => ({ thread, name: l.name, slices: l.slices })),
    marks,
  };
}
