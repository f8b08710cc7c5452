// Supervisor helpers (K5, after Hubris's supervisor): read a task's last fault with
// TCB_GetFault, decode a panic message, and a restart policy with exponential back-off so that
// a task that crashes in a loop is restarted ever more slowly and cannot starve lower-priority
// tasks. The policy is pure: it works from the fault times the kernel reports, so a supervisor
// needs no clock. Relies on invoke.ts and @k5/abi's fault labels.

import { FaultLabel } from '@k5/abi';
import { tcbGetFault, tcbRestart } from './invoke';
import type { Sys } from './sys';

/** A task's last fault, as TCB_GetFault reports it. @public */
export interface FaultReport {
  /** Fault label (FaultLabel.NullFault when the task has not faulted since its last restart). */
  readonly label: number;
  /** The task's restart generation. */
  readonly generation: number;
  /** Kernel time of the fault (low word). */
  readonly time: number;
  /** The fault message words (FAULT_LAYOUTS order). */
  readonly words: readonly number[];
}

/** Reads `tcb`'s last fault; null when the invocation failed. @public */
export function* readFault(sys: Sys, tcb: number): Generator<number, FaultReport | null, void> {
  const error = yield* tcbGetFault(sys, tcb);
  if (error !== 0) return null;
  const n = sys.getMR(3);
  const words: number[] = [];
  for (let i = 0; i < n; i++) words.push(sys.getMR(4 + i));
  return { label: sys.getMR(0), generation: sys.getMR(1), time: sys.getMR(2), words };
}

/** The message of a Panic fault report ('' for other faults). @public */
export function panicText(report: FaultReport): string {
  if (report.label !== FaultLabel.Panic) return '';
  const length = Math.min(report.words[1] ?? 0, (report.words.length - 2) * 4);
  const bytes = new Uint8Array(Math.max(length, 0));
  for (let i = 0; i < bytes.length; i++)
    bytes[i] = (report.words[2 + (i >>> 2)]! >>> ((i & 3) * 8)) & 0xff;
  return new TextDecoder().decode(bytes);
}

/** Parameters of {@link RestartBackoff}. All times in kernel ticks. @public */
export interface BackoffPolicy {
  /** Delay before the first restart of a crash streak. */
  readonly initialDelay: number;
  /** The delay never grows beyond this. */
  readonly maxDelay: number;
  /** Growth per consecutive crash (default 2). */
  readonly factor?: number;
  /** A task that ran at least this long before faulting starts a new streak. */
  readonly resetAfter: number;
}

interface Streak {
  crashes: number;
  /** When the last restart released the task (fault time + delay). */
  releasedAt: number;
}

/**
 * Exponential back-off per task: the n-th consecutive crash waits
 * `min(initialDelay * factor^(n-1), maxDelay)`; a task that ran `resetAfter` ticks since its last
 * restart counts as healthy again. @public
 */
export class RestartBackoff {
  readonly policy: Required<BackoffPolicy>;
  private readonly streaks = new Map<number, Streak>();

  constructor(policy: BackoffPolicy) {
    const factor = policy.factor ?? 2;
    for (const [name, v] of Object.entries({ ...policy, factor })) {
      if (!Number.isFinite(v) || v < 0)
        throw new RangeError(`RestartBackoff: ${name} must be a non-negative number, got ${v}`);
    }
    if (factor < 1)
      throw new RangeError(`RestartBackoff: factor must be at least 1, got ${factor}`);
    if (policy.maxDelay < policy.initialDelay)
      throw new RangeError('RestartBackoff: maxDelay must be at least initialDelay');
    this.policy = { ...policy, factor };
  }

  /** The delay before restarting `task`, which faulted at `faultTime`; records the restart. */
  delayFor(task: number, faultTime: number): number {
    const p = this.policy;
    let s = this.streaks.get(task);
    if (s === undefined || faultTime - s.releasedAt >= p.resetAfter) {
      s = { crashes: 0, releasedAt: 0 };
      this.streaks.set(task, s);
    }
    s.crashes++;
    const delay = Math.min(p.initialDelay * p.factor ** (s.crashes - 1), p.maxDelay);
    s.releasedAt = faultTime + delay;
    return Math.round(delay);
  }

  /** Consecutive crashes of `task` in its current streak. */
  crashes(task: number): number {
    return this.streaks.get(task)?.crashes ?? 0;
  }
}

/**
 * Restarts a faulted task with the policy's delay: reads its fault, asks the policy, calls
 * TCB_Restart. Returns the report and the delay used, or null when an invocation failed. @public
 */
export function* restartWithBackoff(
  sys: Sys,
  tcb: number,
  task: number,
  backoff: RestartBackoff,
): Generator<number, { report: FaultReport; delay: number } | null, void> {
  const report = yield* readFault(sys, tcb);
  if (report === null) return null;
  const delay = backoff.delayFor(task, report.time);
  const error = yield* tcbRestart(sys, tcb, delay);
  return error === 0 ? { report, delay } : null;
}
