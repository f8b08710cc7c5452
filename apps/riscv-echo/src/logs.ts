// Host-side log decoding: each task's Log syscalls carry defmt frames encoded against that
// task's own table (the C client's from its ELF, the server's from its TableBuilder), so each
// task gets its own stream decoder, and lines are printed defmt-print style.
import { type DefmtTable, FrameDisplay, LogFormatter, StreamDecoder } from '@k5/defmt';

/** One decoded log line and who wrote it. */
export interface EchoLogLine {
  /** The task's name. */
  readonly task: string;
  /** Kernel time (hart cycles) when the kernel received it. */
  readonly time: number;
  /** `LEVEL message`. */
  readonly text: string;
}

interface TaskLog {
  readonly name: string;
  readonly decoder: StreamDecoder;
  readonly display: FrameDisplay;
}

/** Names a thread and gives its defmt table, or undefined for a thread that should not log. */
export type TaskResolver = (
  thread: number,
) => { readonly name: string; readonly table: DefmtTable } | undefined;

/** Routes each thread's log bytes to the decoder of its table. */
export class TaskLogs {
  /** Every line so far. */
  readonly lines: EchoLogLine[] = [];
  /** Frames that did not decode (should stay 0). */
  malformed = 0;
  /** Log syscalls from threads with no table. */
  unknown = 0;
  private readonly tasks = new Map<number, TaskLog>();
  private readonly formatter = new LogFormatter({ format: '{L} {s}' });

  /**
   * @param resolve - asked once per thread, at its first log
   * @param onLine - told of each line as it is decoded
   */
  constructor(
    private readonly resolve: TaskResolver,
    private readonly onLine?: (line: EchoLogLine) => void,
  ) {}

  /** The kernel's Log hook. */
  push(thread: number, time: number, bytes: Uint8Array): void {
    const task = this.tasks.get(thread) ?? this.start(thread);
    if (!task) {
      this.unknown++;
      return;
    }
    task.decoder.push(bytes);
    for (let e = task.decoder.next(); e !== undefined; e = task.decoder.next()) {
      if (e.kind !== 'frame') {
        this.malformed++;
        continue;
      }
      const text = this.formatter.format({
        level: e.frame.level,
        timestamp: '',
        message: task.display.message(e.frame),
      });
      const line = { task: task.name, time, text };
      this.lines.push(line);
      this.onLine?.(line);
    }
  }

  private start(thread: number): TaskLog | undefined {
    const found = this.resolve(thread);
    if (!found) return undefined;
    const decoder = new StreamDecoder(found.table);
    const task = {
      name: found.name,
      decoder,
      display: new FrameDisplay(found.table, decoder.frames.formats),
    };
    this.tasks.set(thread, task);
    return task;
  }
}
