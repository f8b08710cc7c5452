// The CLI's typed error: what went wrong for the user, and the exit code it maps to, so every
// command ends through one place (program.ts) with a meaningful code.

/** Exit codes of `k5`. @public */
export const ExitCode = {
  /** Success. */
  Ok: 0,
  /** The requested work failed (a run that faulted, undecodable logs, a file not written). */
  Failure: 1,
  /** A usage error: unknown command or option, bad option value. */
  Usage: 2,
  /** The app could not be loaded or its manifest is invalid. */
  InvalidApp: 3,
  /** `k5 check`: the manifest is valid but the task set is not schedulable. */
  Unschedulable: 4,
} as const;

/** An exit code of `k5`. @public */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error a command reports to the user, with the exit code to end with. @public */
export class CliError extends Error {
  readonly exitCode: ExitCode;

  constructor(exitCode: ExitCode, message: string) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}
