// The registry of host-task enclaves an executor runs: entry tasks by enclave image name, and the
// lookup that decides which task a thread of a loaded enclave starts, checking the image's digest
// of that task's source. Shared by the kernel's HostExecutor and ports' own runners. Relies on
// enclave-image.ts.

import type { HostTask } from '@k5/abi';
import { KernelUsageError } from '../errors';
import type { PhysicalMemory } from '../memory';
import type { Tcb } from '../objects/kobject';
import { hostTaskDigest, parseHostEnclaveImage } from './enclave-image';

/** Host-task enclaves by image name, and which entry task a thread starts. @public */
export class HostEnclavePrograms {
  private readonly byName = new Map<string, readonly HostTask[]>();

  /**
   * Registers the entry tasks of the enclave whose image is `hostEnclaveImage(name, entries)`.
   * @throws {@link KernelUsageError} `program-address` when the name is taken.
   */
  add(name: string, entries: readonly HostTask[]): void {
    if (this.byName.has(name))
      throw new KernelUsageError('program-address', `host enclave ${name} is already registered`);
    this.byName.set(name, entries);
  }

  /**
   * The task thread `t` runs when it starts at `pc`: entry i of its loaded enclave, if the
   * enclave's memory holds a host image naming registered tasks whose digest matches entry i.
   */
  taskFor(memory: PhysicalMemory, t: Tcb, pc: number): HostTask | undefined {
    const e = t.enclave;
    if (e === null || !e.loaded) return undefined;
    const size = 2 ** e.sizeBits;
    const image = parseHostEnclaveImage((offset) =>
      offset < size ? memory.read8(e.base + offset) : -1,
    );
    const entries = image ? this.byName.get(image.name) : undefined;
    const index = e.entries.indexOf(pc);
    const task = index >= 0 ? entries?.[index] : undefined;
    if (!image || !task || index >= image.digests.length) return undefined;
    const digest = hostTaskDigest(task);
    return digest.every((b, i) => b === image.digests[index]![i]) ? task : undefined;
  }
}
