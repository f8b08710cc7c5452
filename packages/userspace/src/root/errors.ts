// The error a root-task helper throws when the kernel refuses one of its steps: which step, on
// which child, and the kernel's error code by name, so a boot failure reads as a sentence.
// Relies only on @k5/abi.

import { errorName } from '@k5/abi';

/** A root-task step the kernel refused, or a resource the root task ran out of. @public */
export class RootTaskError extends Error {
  /** What the root task was doing, for example `mapping the IPC buffer`. */
  readonly step: string;
  /** The kernel's error code (0 when the root task itself ran out of a resource). */
  readonly code: number;

  constructor(step: string, code: number, detail?: string) {
    const why = code === 0 ? (detail ?? 'out of resources') : `kernel error ${errorName(code)}`;
    super(`root task: ${step} failed: ${why}`);
    this.name = 'RootTaskError';
    this.step = step;
    this.code = code;
  }
}

/** Throws a {@link RootTaskError} unless `code` is 0. */
export function expectOk(step: string, code: number): void {
  if (code !== 0) throw new RootTaskError(step, code);
}
