// The demo's host side: boots the ping-pong manifest on the STM32L5-like machine, reads the
// kernel log channel as a probe reads RTT, splits it per task and decodes each task's frames with
// that task's defmt table, producing exactly defmt-print's lines, each tagged with the task name.
import { DefmtPrinter } from '@k5/defmt';
import { type AppSystem, bootApp, LogChannel, LogDemuxer, type TraceSink } from '@k5/kernel';
import { app, type PingPongOptions } from './app';

/** One decoded log line and who wrote it. */
export interface DemoLogLine {
  readonly task: string;
  /** defmt-print's line for the frame (timestamp, level, message). */
  readonly text: string;
}

/** What a run of the demo did. */
export interface DemoResult {
  readonly system: AppSystem;
  readonly lines: readonly DemoLogLine[];
  /** rzCOBS frames the host could not decode (should be 0). */
  readonly malformed: number;
  /** Frames the log channel dropped because it was full (should be 0). */
  readonly dropped: number;
}

/** Options of {@link runPingPong}. */
export interface DemoOptions extends PingPongOptions {
  /** Called with each decoded log line as it arrives. */
  readonly onLine?: (line: DemoLogLine) => void;
  /** Run the kernel's invariant checker after every kernel entry. */
  readonly checkInvariants?: boolean;
  /** Colour the lines as defmt-print does on a terminal. */
  readonly colored?: boolean;
  /** Receives the kernel's trace events. */
  readonly trace?: TraceSink;
}

/** Boots the system, runs it until nothing is runnable, and returns the decoded logs. */
export function runPingPong(options: DemoOptions = {}): DemoResult {
  const lines: DemoLogLine[] = [];
  let system: AppSystem | undefined;
  const tasks = app.manifest.tasks;
  const printers = tasks.map(
    (t) =>
      new DefmtPrinter(
        app.logTables[t.name as keyof typeof app.logTables],
        {
          stdout: (text) => {
            for (const l of text.split('\n').slice(0, -1)) {
              const line = { task: t.name, text: l };
              lines.push(line);
              options.onLine?.(line);
            }
          },
        },
        { colored: options.colored ?? false },
      ),
  );
  const demux = new LogDemuxer({ taskCount: tasks.length });
  const channel = new LogChannel({
    onData: (c) => {
      for (const f of demux.push(c.read())) printers[f.taskId]!.push(f.payload);
    },
  });
  const machine = app.machine(() => system?.kernel.now ?? 0);
  system = bootApp(app.manifest, {
    port: machine.port,
    memory: machine.memory,
    programs: app.programs(() => system!, options),
    logChannel: channel,
    ...(options.trace ? { trace: options.trace } : {}),
  });
  system.run({ checkInvariants: options.checkInvariants ?? false });
  demux.finish();
  return {
    system,
    lines,
    malformed: printers.reduce((n, p) => n + p.malformedFrames, 0),
    dropped: channel.dropped,
  };
}
