// Where the CLI's output goes and how it is coloured: injected so that tests capture it and so
// that NO_COLOR / FORCE_COLOR and non-terminal outputs are honoured in one place.
import pc from 'picocolors';

/** The CLI's streams and colour policy. @public */
export interface CliIo {
  /** Writes to standard output. */
  out(text: string): void;
  /** Writes to standard error. */
  err(text: string): void;
  /** Whether to colour output. */
  readonly color: boolean;
  /** Whether to draw progress on standard error (when it is a terminal). Default false. */
  readonly progress?: boolean;
  /** Directory that relative paths (apps, files) are resolved from. Default `process.cwd()`. */
  readonly cwd?: string;
}

/** Colour helpers that are no-ops when colour is off. @public */
export type Colors = ReturnType<typeof pc.createColors>;

/** The colour helpers for an I/O setting. @public */
export function colorsFor(io: CliIo): Colors {
  return pc.createColors(io.color);
}

/**
 * The colour policy of a process: NO_COLOR (any value) turns colour off, FORCE_COLOR (not "0")
 * turns it on, otherwise colour is on only when the stream is a terminal.
 * @public
 */
export function shouldColor(env: Record<string, string | undefined>, isTty: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0';
  return isTty;
}
