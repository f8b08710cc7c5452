// The errors of the app layer: a manifest with problems (all of them, each with its path), and
// a boot that failed for a reason only visible when laying the system out. Relies on manifest.ts.

import type { ManifestProblem } from './manifest';

/** A manifest that does not validate; `problems` lists every issue found. @public */
export class ManifestError extends Error {
  readonly problems: readonly ManifestProblem[];

  constructor(problems: readonly ManifestProblem[]) {
    const list = problems.map((p) => `  ${p.path}: ${p.message}`).join('\n');
    super(
      `the app manifest has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${list}`,
    );
    this.name = 'ManifestError';
    this.problems = problems;
  }
}

/** Codes of {@link AppBootError}. @public */
export type AppBootErrorCode =
  | 'out-of-memory'
  | 'missing-program'
  | 'memory-mismatch'
  | 'bad-sched-params'
  | 'bad-irq';

/** A valid manifest that cannot be booted as given (memory, programs). @public */
export class AppBootError extends Error {
  readonly code: AppBootErrorCode;

  constructor(code: AppBootErrorCode, message: string) {
    super(message);
    this.name = 'AppBootError';
    this.code = code;
  }
}
