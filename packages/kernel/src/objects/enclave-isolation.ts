// The rules that keep an enclave's state inside it (K5), applied by the ordinary mechanisms:
// threads leaving an enclave, enclave destruction (memory scrubbed before the untyped can reuse
// it), who counts as an outsider of a thread, and which enclave owns an address. Relies on
// objects/enclave.ts and objects/region.ts.

import type { KernelState } from '../state';
import { enclaveSize, overlapsEnclave } from './enclave';
import type { Enclave, Tcb } from './kobject';
import { syncMemoryMap } from './region';

/**
 * Whether `actor` is outside `target`'s enclave: every thread is, for an enclave thread, except
 * the threads of the same enclave. Ordinary threads have no secrets from each other.
 */
export function isOutsider(actor: Tcb | null, target: Tcb): boolean {
  return target.enclave !== null && (actor === null || actor.enclave !== target.enclave);
}

/** The live, loaded enclave whose memory overlaps [address, address + length), if any. */
export function enclaveAt(k: KernelState, address: number, length: number): Enclave | null {
  for (const e of k.enclaves) if (e.loaded && overlapsEnclave(e, address, length)) return e;
  return null;
}

/** Takes a thread out of its enclave (the thread is being destroyed, or the enclave is). */
export function leaveEnclave(k: KernelState, t: Tcb): void {
  const e = t.enclave;
  if (e === null) return;
  t.enclave = null;
  const i = e.threads.indexOf(t);
  if (i >= 0) e.threads.splice(i, 1);
  t.ipcBuffer = 0;
  k.port.setEnclave?.(t.context, null);
}

/**
 * Destroys an enclave whose last cap is gone: its threads stop (their code and data are gone)
 * and lose access, the memory is zeroed so that nothing the enclave held survives into objects
 * retyped there later, and the port gives the memory back.
 */
export function destroyEnclave(k: KernelState, e: Enclave, stop: (t: Tcb) => void): void {
  for (const t of e.threads.slice()) {
    stop(t);
    leaveEnclave(k, t);
    for (let r = 0; r < k.port.registerCount; r++) k.port.writeRegister(t.context, r, 0);
    syncMemoryMap(k, t);
  }
  const i = k.enclaves.indexOf(e);
  if (i >= 0) k.enclaves.splice(i, 1);
  if (e.loaded) {
    const m = k.memory;
    if (m.contains(e.base, enclaveSize(e)))
      m.bytes.fill(0, e.base - m.base, e.base - m.base + enclaveSize(e));
    k.port.removeEnclave?.(e.id);
  }
  e.measurement?.fill(0);
}
