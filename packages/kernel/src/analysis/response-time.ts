// Fixed-priority response-time analysis (Joseph & Pandya 1986; Audsley et al. 1993) for tasks on
// MCS scheduling contexts. A sporadic-server context never supplies more than its budget in any
// window of its period, so each higher-priority context interferes at most like a sporadic task
// with C = budget and T = period, whatever its thread does. For task i, with hp(i) the other
// tasks of priority ≥ i's (equal priorities count, as seL4's FIFO order may put them first):
//
//   w⁰ = C_i + B_i,   wⁿ⁺¹ = C_i + B_i + Σ_{j ∈ hp(i)} ⌈(wⁿ + J_j) / T_j⌉ · C_j,
//
// until wⁿ⁺¹ = wⁿ (then R_i = wⁿ + J_i) or wⁿ⁺¹ + J_i > D_i (the deadline cannot hold, stop).
// Exact for independent tasks with distinct priorities, no jitter and D ≤ T; otherwise a safe
// upper bound.
//
// The task's own supply: a job gets its whole budget from its release on. That holds for a
// sporadic context, whose refill keeps its activation time across preemptions, so that the
// pieces a job uses come back as one refill exactly one period after the release (seL4
// refill_budget_check with schedule_used's merge). A constant-bandwidth context moves its head
// refill to the resumption time whenever it is switched back to, so every delay pushes its next
// budget later and the delays add up from job to job: such a task gets no bound unless nothing
// can delay it (no task of priority ≥ its own, no blocking). Relies on task-set.ts and
// blocking.ts.

import { type BlockingTerm, blockingTerm } from './blocking';
import { normaliseTaskSet, type TaskSet } from './task-set';

/** The analysis of one task. @public */
export interface TaskResponse {
  /** The task's name. */
  readonly name: string;
  /** Its priority. */
  readonly priority: number;
  /** D: the deadline used. */
  readonly deadline: number;
  /** B: the blocking term, and which request gives it. */
  readonly blocking: BlockingTerm;
  /**
   * R: the worst-case response time from nominal release (jitter included), or null when there
   * is no bound within the deadline; {@link TaskResponse.unbounded} says why.
   */
  readonly responseTime: number | null;
  /** Whether R ≤ D. */
  readonly deadlineMet: boolean;
  /**
   * Why `responseTime` is null: `past-deadline` when the iteration passed D (R is larger,
   * possibly unbounded); `constant-bandwidth` when the task's context is not sporadic and can be
   * delayed, so that its refills drift later job after job. Null when R is given.
   */
  readonly unbounded: 'past-deadline' | 'constant-bandwidth' | null;
  /**
   * The iterates w⁰, w¹, ... (busy-window lengths, jitter excluded), the last one converged or
   * past the deadline; for a constant-bandwidth task, what a sporadic context would give.
   */
  readonly trace: readonly number[];
}

/** The analysis of a task set. @public */
export interface SchedulabilityReport {
  /** Whether every task meets its deadline. */
  readonly schedulable: boolean;
  /** Σ C_i / T_i. */
  readonly utilisation: number;
  /** One result per task, in input order. */
  readonly tasks: readonly TaskResponse[];
}

/**
 * Runs response-time analysis on a task set.
 * @throws AnalysisError when the set is invalid (a zero period, a budget above its period, a duplicate name, an unknown server, ...).
 * @public
 */
export function analyseSchedulability(set: TaskSet): SchedulabilityReport {
  const { tasks, servers } = normaliseTaskSet(set);
  const results: TaskResponse[] = [];
  for (const task of tasks) {
    const blocking = blockingTerm(task, tasks, servers);
    const hp = tasks.filter((j) => j !== task && j.priority >= task.priority);
    const base = task.budget + blocking.blocking;
    const trace = [base];
    let w = base;
    let converged = base + task.jitter <= task.deadline;
    // The iterates grow strictly until they converge, by at least one budget (≥ 1) each time, so
    // the loop ends within D steps.
    while (converged) {
      let next = base;
      for (const j of hp) next += Math.ceil((w + j.jitter) / j.period) * j.budget;
      if (next === w) break;
      trace.push(next);
      w = next;
      if (w + task.jitter > task.deadline) converged = false;
    }
    // A constant-bandwidth context that something can delay restarts its refills later each
    // time; the iteration above would wrongly assume a full budget at every release.
    const drifts = !task.sporadic && (hp.length > 0 || blocking.blocking > 0);
    const bounded = converged && !drifts;
    results.push({
      name: task.name,
      priority: task.priority,
      deadline: task.deadline,
      blocking,
      responseTime: bounded ? w + task.jitter : null,
      deadlineMet: bounded,
      unbounded: bounded ? null : drifts ? 'constant-bandwidth' : 'past-deadline',
      trace,
    });
  }
  return {
    schedulable: results.every((r) => r.deadlineMet),
    utilisation: tasks.reduce((u, t) => u + t.budget / t.period, 0),
    tasks: results,
  };
}
