// The input of the schedulability analysis: a static set of periodic or sporadic tasks, each
// running on its own scheduling context (budget = C, period = T), and passive servers reached by
// Call that run on their clients' donated scheduling contexts. The contexts are assumed sporadic
// (SchedControl with SCHED_CONTEXT_SPORADIC); a task may say it is not, and the analysis then
// refuses to bound it when anything can preempt it. Owns the input types, the typed
// AnalysisError and the validation that every analysis runs first. Times are plain integers in
// any one consistent unit (ticks, µs, ms): the analysis never mixes them with kernel time, so it
// takes plain numbers rather than branded Ticks. Relies on nothing.

/** A Call from a task to a passive server: the server's longest work for one request. @public */
export interface ServerCall {
  /** The {@link PassiveServer.name} called. */
  readonly server: string;
  /** The server's worst-case execution time for one request, on the caller's budget. */
  readonly work: number;
}

/** A task bound to its own scheduling context. @public */
export interface AnalysisTask {
  /** Unique name, used in results and errors. */
  readonly name: string;
  /** Thread priority, 0..255; higher runs first, as in seL4. */
  readonly priority: number;
  /**
   * The scheduling context's budget: the task's worst-case execution time per period, including
   * the servers' work on its behalf (the servers run on the donated budget). 1 ≤ budget ≤ period.
   * It must also cover the kernel's minimum budget for the system call that ends each job (a
   * Yield or a blocking receive): the kernel lets a thread enter only with at least that much
   * left, so a job that gets there with less waits for its next refill.
   */
  readonly budget: number;
  /** The scheduling context's period: the minimum time between releases. */
  readonly period: number;
  /** Relative deadline, 1 ≤ deadline ≤ period (constrained); defaults to the period (implicit). */
  readonly deadline?: number;
  /** Release jitter: how late after its nominal release a job may become ready; default 0. */
  readonly jitter?: number;
  /** Passive servers this task calls, with each server's longest work per request. */
  readonly calls?: readonly ServerCall[];
  /**
   * Whether the task's context is sporadic (configured with SCHED_CONTEXT_SPORADIC), as the
   * analysis assumes; default true. A constant-bandwidth context (false) restarts its refill at
   * every resumption after a preemption (seL4's switchSchedContext runs the unblock check), so
   * its budget comes back later each time it is delayed and its response time has no bound
   * unless nothing can delay it; it still interferes at most its budget per period.
   */
  readonly sporadic?: boolean;
}

/** A passive server: a thread without a scheduling context of its own. @public */
export interface PassiveServer {
  /** Unique name among servers. */
  readonly name: string;
  /**
   * The server thread's priority, which it runs at on a donated context. It must be at least
   * every client's priority, so it acts as an immediate priority ceiling.
   */
  readonly priority: number;
}

/** What {@link analyseSchedulability} reads. @public */
export interface TaskSet {
  /** The tasks; results come back in the same order. */
  readonly tasks: readonly AnalysisTask[];
  /** The passive servers the tasks call. */
  readonly servers?: readonly PassiveServer[];
}

/** Codes of {@link AnalysisError}. @public */
export type AnalysisErrorCode =
  | 'bad-number'
  | 'bad-priority'
  | 'bad-flag'
  | 'zero-period'
  | 'zero-budget'
  | 'budget-above-period'
  | 'deadline-out-of-range'
  | 'duplicate-name'
  | 'unknown-server'
  | 'server-priority-below-client'
  | 'call-exceeds-budget';

/** A task set the analysis cannot accept, with what to fix. @public */
export class AnalysisError extends Error {
  /** Stable machine-readable reason. */
  readonly code: AnalysisErrorCode;
  /** The task or server at fault. */
  readonly subject: string;

  /** An error about `subject` (for example `task ctrl`), with what is wrong in `message`. */
  constructor(code: AnalysisErrorCode, subject: string, message: string) {
    super(`${subject}: ${message}`);
    this.name = 'AnalysisError';
    this.code = code;
    this.subject = subject;
  }
}

/** A task with defaults filled in, as the analysis uses it. @public */
export interface NormalisedTask {
  /** The task's name. */
  readonly name: string;
  /** Its priority. */
  readonly priority: number;
  /** C: its budget. */
  readonly budget: number;
  /** T: its period. */
  readonly period: number;
  /** D: its deadline (the period when not given). */
  readonly deadline: number;
  /** J: its release jitter (0 when not given). */
  readonly jitter: number;
  /** Its calls. */
  readonly calls: readonly ServerCall[];
  /** Whether its context is sporadic (true when not given). */
  readonly sporadic: boolean;
}

function integer(subject: string, what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new AnalysisError(
      'bad-number',
      subject,
      `${what} must be a non-negative integer, got ${String(v)}`,
    );
  }
  return v;
}

function checkPriority(subject: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) {
    throw new AnalysisError(
      'bad-priority',
      subject,
      `priority must be an integer 0..255, got ${String(v)}`,
    );
  }
  return v;
}

/**
 * Checks a task set and fills in defaults. Changes nothing.
 * @throws AnalysisError for the first problem found, naming the task or server.
 * @public
 */
export function normaliseTaskSet(set: TaskSet): {
  tasks: NormalisedTask[];
  servers: Map<string, PassiveServer>;
} {
  const servers = new Map<string, PassiveServer>();
  for (const s of set.servers ?? []) {
    checkPriority(`server ${s.name}`, s.priority);
    if (servers.has(s.name)) {
      throw new AnalysisError('duplicate-name', `server ${s.name}`, 'two servers have this name');
    }
    servers.set(s.name, s);
  }
  const names = new Set<string>();
  const tasks: NormalisedTask[] = [];
  for (const t of set.tasks) {
    const subject = `task ${t.name}`;
    if (names.has(t.name))
      throw new AnalysisError('duplicate-name', subject, 'two tasks have this name');
    names.add(t.name);
    const priority = checkPriority(subject, t.priority);
    const budget = integer(subject, 'budget', t.budget);
    const period = integer(subject, 'period', t.period);
    if (period === 0) throw new AnalysisError('zero-period', subject, 'period must be at least 1');
    if (budget === 0) throw new AnalysisError('zero-budget', subject, 'budget must be at least 1');
    if (budget > period) {
      throw new AnalysisError(
        'budget-above-period',
        subject,
        `budget ${budget} exceeds period ${period}`,
      );
    }
    const deadline = integer(subject, 'deadline', t.deadline ?? period);
    if (deadline === 0 || deadline > period) {
      throw new AnalysisError(
        'deadline-out-of-range',
        subject,
        `deadline ${deadline} must be in 1..period (${period}); this analysis covers constrained deadlines only`,
      );
    }
    const jitter = integer(subject, 'jitter', t.jitter ?? 0);
    const sporadic = t.sporadic ?? true;
    if (typeof sporadic !== 'boolean') {
      throw new AnalysisError(
        'bad-flag',
        subject,
        `sporadic must be true or false, got ${String(sporadic)}`,
      );
    }
    const calls = t.calls ?? [];
    for (const c of calls) {
      const server = servers.get(c.server);
      if (!server) {
        throw new AnalysisError(
          'unknown-server',
          subject,
          `calls server ${c.server}, which is not in servers`,
        );
      }
      const work = integer(subject, `work for ${c.server}`, c.work);
      if (server.priority < priority) {
        throw new AnalysisError(
          'server-priority-below-client',
          subject,
          `server ${c.server} has priority ${server.priority}, below its client's ${priority}; give the server at least its highest client's priority`,
        );
      }
      if (work > budget) {
        throw new AnalysisError(
          'call-exceeds-budget',
          subject,
          `server ${c.server}'s work ${work} exceeds the budget ${budget} that is donated to it`,
        );
      }
    }
    tasks.push({ name: t.name, priority, budget, period, deadline, jitter, calls, sporadic });
  }
  return { tasks, servers };
}
