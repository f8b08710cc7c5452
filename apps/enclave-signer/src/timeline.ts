// The run as a compact timeline: who ran from when to when (from the kernel's `switch` events),
// with what happened in each slice (calls, replies, logs, faults, budget expiry, restarts, exits), the
// enclave's slices labelled with its name. The kernel's trace never carries an enclave thread's registers or
// addresses, so this is all an outside observer learns of the enclave: when it ran.

import { FaultLabel } from '@k5/abi';
import type { TraceEvent } from '@k5/kernel';

/** One stretch of time one thread ran (consecutive switches to the same thread merged). */
export interface TimelineEntry {
  readonly thread: number;
  readonly name: string;
  readonly start: number;
  end: number;
  readonly notes: string[];
}

const FAULT_NAMES = new Map<number, string>(
  Object.entries(FaultLabel).map(([name, label]) => [label as number, name]),
);

/** What an event adds to the slice it happens in, or null for events the timeline leaves out. */
function note(e: TraceEvent, name: (thread: number) => string): string | null {
  switch (e.kind) {
    case 'fault':
      return `${name(e.thread)} faults (${FAULT_NAMES.get(e.label) ?? `label ${e.label}`})`;
    case 'budget':
      return e.event === 'expired' ? `${name(e.thread)}: budget expired` : null;
    case 'ipc':
      // A reply's transfer also shows as a plain message; the 'reply' event names it.
      return e.call ? `${name(e.from)} calls ${name(e.to)}` : null;
    case 'reply':
      return `${name(e.from)} replies to ${name(e.to)}`;
    case 'restart':
      return `${name(e.thread)} restarted (generation ${e.generation}, runs at ${e.at})`;
    case 'log':
      return `${name(e.thread)} logs "${new TextDecoder().decode(e.bytes)}"`;
    case 'exit':
      return `${name(e.thread)} exits`;
    default:
      return null;
  }
}

/** Builds the timeline of a trace; `names` gives thread names (idle is thread 0). */
export function timeline(
  events: readonly TraceEvent[],
  names: ReadonlyMap<number, string>,
  end: number,
): TimelineEntry[] {
  const name = (t: number) => (t === 0 ? 'idle' : (names.get(t) ?? `thread ${t}`));
  const out: TimelineEntry[] = [];
  let current: TimelineEntry | null = null;
  for (const e of events) {
    if (e.kind === 'switch') {
      if (current !== null && current.thread === e.to) continue;
      if (current !== null) current.end = e.time;
      current = { thread: e.to, name: name(e.to), start: e.time, end: e.time, notes: [] };
      out.push(current);
      continue;
    }
    const n = note(e, name);
    if (n !== null && current !== null) current.notes.push(n);
  }
  if (current !== null) current.end = end;
  return out;
}

/** Ticks each thread ran, by name. */
export function cpuTicks(entries: readonly TimelineEntry[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of entries) out.set(e.name, (out.get(e.name) ?? 0) + e.end - e.start);
  return out;
}

/** One line per entry: `start-end  name  notes`, enclave slices marked with `>`. */
export function formatTimeline(entries: readonly TimelineEntry[], enclaveName: string): string[] {
  const width = Math.max(...entries.map((e) => e.name.length), 4);
  return entries.map((e) => {
    const mark = e.name === enclaveName ? '>' : ' ';
    const span = `${String(e.start).padStart(5)}-${String(e.end).padEnd(5)}`;
    const notes = e.notes.length > 0 ? `  ${e.notes.join('; ')}` : '';
    return `${mark} ${span} ${e.name.padEnd(width)}${notes}`.trimEnd();
  });
}
