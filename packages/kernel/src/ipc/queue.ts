// Endpoint and notification wait queues: ordered by priority, FIFO within one priority (MCS).
// Queues are short arrays; insertion scans from the tail so equal priorities keep arrival order.
// Relies on objects/kobject.ts.

import type { Tcb, ThreadQueue } from '../objects/kobject';

/** Inserts `t` after every queued thread of priority at least its own. */
export function queueInsert(q: ThreadQueue, t: Tcb): void {
  let i = q.length;
  while (i > 0 && q[i - 1]!.priority < t.priority) i--;
  if (i === q.length) q.push(t);
  else q.splice(i, 0, t);
}

/** Removes `t` if queued. */
export function queueRemove(q: ThreadQueue, t: Tcb): void {
  const i = q.indexOf(t);
  if (i >= 0) q.splice(i, 1);
}

/** Removes and returns the head. */
export function queuePop(q: ThreadQueue): Tcb | undefined {
  return q.shift();
}
