// Booting and running a loaded app for the commands: the app's machine, the kernel log channel
// decoded per task as it fills, an optional trace recorder and raw capture of the channel.

import {
  type AppSystem,
  bootApp,
  LogChannel,
  type RunResult,
  type TraceEvent,
  TraceRecorder,
} from '@k5/kernel';
import { type TaskLogLine, TaskLogPrinter } from '../logs/task-log-printer';
import type { AppOptions, K5App } from './k5-app';

/** Options of {@link runApp}. */
export interface RunAppOptions {
  /** Stop at this kernel time (ticks); default: until idle. */
  readonly until?: number;
  readonly options?: AppOptions;
  readonly onLine?: (line: TaskLogLine) => void;
  readonly onProgress?: (now: number) => void;
  /** Keep every trace event. */
  readonly trace?: boolean;
  /** Receives the raw channel bytes as the host reads them (for `--capture`). */
  readonly onChannelBytes?: (bytes: Uint8Array) => void;
  readonly colored?: boolean;
  /** defmt-print's `--log-format`. */
  readonly logFormat?: string;
  readonly checkInvariants?: boolean;
}

/** What {@link runApp} returns. */
export interface AppRun {
  readonly system: AppSystem;
  readonly result: RunResult | null;
  readonly malformed: number;
  readonly dropped: number;
  readonly lines: number;
  readonly events: readonly TraceEvent[];
}

/** Boots `app` on its machine, without running it. */
export function bootLoadedApp(
  app: K5App,
  extra: { options?: AppOptions; channel?: LogChannel; trace?: TraceRecorder } = {},
): AppSystem {
  let system: AppSystem | undefined;
  const machine = app.machine?.(() => system?.kernel.now ?? 0);
  system = bootApp(app.manifest, {
    programs: app.programs(() => system!, extra.options),
    ...(machine ? { port: machine.port } : {}),
    ...(machine?.memory ? { memory: machine.memory } : {}),
    ...(extra.channel ? { logChannel: extra.channel } : {}),
    ...(extra.trace ? { trace: extra.trace.sink } : {}),
  });
  return system;
}

/** Boots and runs `app`, decoding its logs as they arrive. */
export function runApp(app: K5App, o: RunAppOptions = {}): AppRun {
  let lines = 0;
  const printer = new TaskLogPrinter({
    tasks: app.manifest.tasks.map((t) => t.name),
    tables: app.logTables ?? {},
    colored: o.colored ?? false,
    ...(o.logFormat !== undefined ? { logFormat: o.logFormat } : {}),
    onLine: (line) => {
      lines++;
      o.onLine?.(line);
    },
  });
  const channel = new LogChannel({
    onData: (c) => {
      const bytes = c.read();
      o.onChannelBytes?.(bytes);
      printer.push(bytes);
    },
  });
  const recorder = o.trace ? new TraceRecorder() : undefined;
  const system = bootLoadedApp(app, {
    channel,
    ...(o.options ? { options: o.options } : {}),
    ...(recorder ? { trace: recorder } : {}),
  });
  const result = system.run({
    checkInvariants: o.checkInvariants ?? false,
    ...(o.until !== undefined ? { until: o.until } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
  printer.finish();
  return {
    system,
    result,
    malformed: printer.malformedFrames,
    dropped: channel.dropped,
    lines,
    events: recorder?.events ?? [],
  };
}
