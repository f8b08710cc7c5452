// One host task's wait for a host promise (ctx.await): the task yields HOST_TRAP_AWAIT, the
// executor's async run settles the promise, and the task resumes with its value or has the
// rejection thrown in. Shared by the kernel's HostExecutor and ports' own runners. Relies on
// @k5/abi's HOST_TRAP_AWAIT.

import { HOST_TRAP_AWAIT } from '@k5/abi';
import { KernelUsageError } from '../errors';

/** The promise a host task waits for and how it settled. @public */
export class HostWait {
  private promise: PromiseLike<unknown> | null = null;
  private outcome: { readonly ok: boolean; readonly value: unknown } | null = null;

  /** Whether the task waits for a promise that has not settled yet. */
  get pending(): boolean {
    return this.promise !== null && this.outcome === null;
  }

  /** The body of `ctx.await`: yields HOST_TRAP_AWAIT until {@link HostWait.settle} ran. */
  *await<T>(promise: PromiseLike<T>): Generator<number, T, void> {
    this.promise = promise;
    this.outcome = null;
    yield HOST_TRAP_AWAIT;
    const outcome = this.outcome as { readonly ok: boolean; readonly value: unknown } | null;
    this.promise = null;
    this.outcome = null;
    if (outcome === null) {
      throw new KernelUsageError(
        'await-unsettled',
        'a host task resumed before its promise settled; run the executor with runAsync',
      );
    }
    if (!outcome.ok) throw outcome.value;
    return outcome.value as T;
  }

  /** Waits for the promise and records how it settled (a rejection too, to throw it in). */
  async settle(): Promise<void> {
    try {
      this.outcome = { ok: true, value: await this.promise };
    } catch (error) {
      this.outcome = { ok: false, value: error };
    }
  }
}
