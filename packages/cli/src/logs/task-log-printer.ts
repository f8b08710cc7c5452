// Decoding a kernel log channel stream for people: the kernel's demuxer splits it per task, each
// task's bytes go through its own defmt-print-compatible printer (its own table and stream state),
// and every line comes out tagged with the task name. A task without a table gets one `(HOST)`
// line per frame instead of being silently dropped.

import { type DefmtTable, DefmtPrinter } from '@k5/defmt';
import { LogDemuxer } from '@k5/kernel';

/** One decoded line. @public */
export interface TaskLogLine {
  readonly taskId: number;
  readonly task: string;
  /** defmt-print's line, without the newline. */
  readonly text: string;
}

/** Options of {@link TaskLogPrinter}. @public */
export interface TaskLogPrinterOptions {
  /** Task names by task id (the manifest order). */
  readonly tasks: readonly string[];
  /** defmt tables by task name. */
  readonly tables: Readonly<Record<string, DefmtTable>>;
  /** Receives each line. */
  readonly onLine: (line: TaskLogLine) => void;
  /** ANSI colours as defmt-print on a terminal. */
  readonly colored?: boolean;
  /** defmt-print's `--log-format`. */
  readonly logFormat?: string;
}

/** A log channel stream in, task-tagged defmt-print lines out. @public */
export class TaskLogPrinter {
  private readonly demux: LogDemuxer;
  private readonly printers: (DefmtPrinter | null)[];
  private readonly options: TaskLogPrinterOptions;

  constructor(options: TaskLogPrinterOptions) {
    this.options = options;
    this.demux = new LogDemuxer({ taskCount: options.tasks.length });
    this.printers = options.tasks.map((task, taskId) => {
      const table = options.tables[task];
      if (!table) return null;
      const out = {
        stdout: (text: string) => {
          for (const l of text.split('\n').slice(0, -1)) options.onLine({ taskId, task, text: l });
        },
      };
      return new DefmtPrinter(table, out, {
        colored: options.colored ?? false,
        ...(options.logFormat !== undefined ? { logFormat: options.logFormat } : {}),
      });
    });
  }

  /**
   * Decodes a chunk of the channel stream (any split).
   * @throws LogChannelError on bad framing; DefmtError on a raw-encoded stream that stops decoding.
   */
  push(chunk: Uint8Array): void {
    for (const f of this.demux.push(chunk)) {
      const printer = this.printers[f.taskId];
      if (printer) printer.push(f.payload);
      else
        this.options.onLine({
          taskId: f.taskId,
          task: this.options.tasks[f.taskId]!,
          text: `(HOST) ${f.payload.length} log bytes; no defmt table was given for this task`,
        });
    }
  }

  /** Declares the end of the stream. @throws LogChannelError `truncated` inside a frame. */
  finish(): void {
    this.demux.finish();
  }

  /** rzCOBS frames skipped as malformed, over all tasks. */
  get malformedFrames(): number {
    return this.printers.reduce((n, p) => n + (p?.malformedFrames ?? 0), 0);
  }
}
