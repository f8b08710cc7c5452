// Supervision (K5, after Hubris): how task identities carry a restart generation and which
// message label a caller gets when the task it waits on was restarted. Relies on nothing.

/** Bits of a task id that name the task (Hubris uses the same split). @public */
export const TASK_INDEX_BITS = 10;

/** Bits of a task id that carry its restart generation (it wraps). @public */
export const TASK_GENERATION_BITS = 6;

/**
 * The label of the message a caller receives instead of a reply when the task that held its
 * call was restarted (Hubris's dead code). MR0 carries the task's new generation. It is the
 * largest label, so user protocols should not use it. @public
 */
export const PEER_DEAD_LABEL = 0xfffff;

/** Packs a task index and generation into a task id (for example an endpoint badge). @public */
export function encodeTaskId(index: number, generation: number): number {
  if (!Number.isInteger(index) || index < 0 || index >= 2 ** TASK_INDEX_BITS)
    throw new RangeError(`task index ${index} must be 0..${2 ** TASK_INDEX_BITS - 1}`);
  const g = generation & (2 ** TASK_GENERATION_BITS - 1);
  return ((g << TASK_INDEX_BITS) | index) >>> 0;
}

/** The task index of a task id. @public */
export function taskIdIndex(id: number): number {
  return id & (2 ** TASK_INDEX_BITS - 1);
}

/** The generation of a task id. @public */
export function taskIdGeneration(id: number): number {
  return (id >>> TASK_INDEX_BITS) & (2 ** TASK_GENERATION_BITS - 1);
}
