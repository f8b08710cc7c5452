// The release queue (seL4 ksReleaseQueue): threads whose scheduling context has budget left
// but not yet usable — the head refill lies in the future or holds less than the minimum budget.
// Ordered by head refill time, FIFO among equal times, so the earliest release is at index 0
// and the timer only needs that one. A thread here is runnable but not schedulable and is never
// in a ready queue. Relies on state.ts and objects/kobject.ts.

import type { Ticks } from '@k5/abi';
import type { Tcb } from '../objects/kobject';
import type { KernelState } from '../state';

/** The time at which a queued thread's head refill becomes usable. */
export function releaseTime(t: Tcb): number {
  return t.sc?.refills?.head().time ?? 0;
}

/** Inserts a thread by its head refill time, after every thread released at the same time. */
export function releaseEnqueue(k: KernelState, t: Tcb): void {
  if (t.inReleaseQueue) return;
  const q = k.releaseQueue;
  const time = releaseTime(t);
  let i = q.length;
  while (i > 0 && releaseTime(q[i - 1]!) > time) i--;
  q.splice(i, 0, t);
  t.inReleaseQueue = true;
  // A new head changes the earliest deadline.
  if (i === 0) k.reprogram = true;
}

/** Removes a thread from the release queue if it is there (seL4 tcbReleaseRemove). */
export function releaseRemove(k: KernelState, t: Tcb): void {
  if (!t.inReleaseQueue) return;
  const q = k.releaseQueue;
  const i = q.indexOf(t);
  if (i >= 0) q.splice(i, 1);
  if (i === 0) k.reprogram = true;
  t.inReleaseQueue = false;
}

/** The earliest release time, or null when nothing waits. */
export function nextReleaseTime(k: KernelState): number | null {
  const head = k.releaseQueue[0];
  return head === undefined ? null : releaseTime(head);
}

/** Takes the first thread whose head refill is ready at `now`, or null (seL4 awaken's test). */
export function releaseDequeueReady(k: KernelState): Tcb | null {
  const head = k.releaseQueue[0];
  if (head === undefined) return null;
  const refills = head.sc?.refills;
  if (refills && !refills.isReady(k.now as Ticks)) return null;
  k.releaseQueue.shift();
  head.inReleaseQueue = false;
  k.reprogram = true;
  return head;
}
