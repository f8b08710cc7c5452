// Blocking terms from passive servers under K5's MCS model. A passive server has no scheduling
// context: a client's Call donates the client's context, and the server runs at its own thread
// priority, which validation requires to be at least every client's priority — an immediate
// priority ceiling. Hence, as with the immediate ceiling protocol, a job of task i can be delayed
// by lower-priority work at most once, by one request of one lower-priority client j to a server
// whose priority is ≥ i's: j must have entered the server before i was released (afterwards j
// cannot run), and while that server runs at its ceiling no other lower-priority task can start a
// request that would hold i up. A single-threaded server also makes i's own Call wait for such a
// request to finish, which is the same one blocking. Relies on task-set.ts.

import type { NormalisedTask, PassiveServer } from './task-set';

/** The longest lower-priority server request that can delay a task. @public */
export interface BlockingTerm {
  /** B: its length (0 when nothing can block the task). */
  readonly blocking: number;
  /** The server and the lower-priority client whose request gives B, or null. */
  readonly blockedBy: { readonly server: string; readonly client: string } | null;
}

/**
 * B_i = max { work(j, s) : priority(j) < priority(i) ≤ priority(s) } over every call of every task
 * j to every server s. Work for clients of equal or higher priority is not blocking: it is part
 * of their budgets, which already count as interference.
 * @public
 */
export function blockingTerm(
  task: NormalisedTask,
  tasks: readonly NormalisedTask[],
  servers: ReadonlyMap<string, PassiveServer>,
): BlockingTerm {
  let best: BlockingTerm = { blocking: 0, blockedBy: null };
  for (const j of tasks) {
    if (j.priority >= task.priority) continue;
    for (const call of j.calls) {
      const server = servers.get(call.server);
      if (!server || server.priority < task.priority) continue;
      if (call.work > best.blocking) {
        best = { blocking: call.work, blockedBy: { server: call.server, client: j.name } };
      }
    }
  }
  return best;
}
