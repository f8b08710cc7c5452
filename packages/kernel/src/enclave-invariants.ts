// The isolation invariants of enclaves (K5), run by the invariant checker: thread membership is
// symmetric, an enclave's memory is the enclave's alone (no Region object, no mapping of any other
// thread, no other enclave overlaps it), its threads' IPC buffers lie inside it, a loaded enclave
// is measured and its entries lie inside it, and no thread outside sees its memory in the port's
// protection unit. Relies on objects/enclave.ts.

import { ObjectType } from '@k5/abi';
import { AccessKind } from './arch/port';
import { enclaveSize, overlapsEnclave } from './objects/enclave';
import type { Enclave, Region, Tcb } from './objects/kobject';
import type { KernelState } from './state';

/** Whether the port lets `t` read the byte at `address` (asked without side effects). */
function readable(k: KernelState, t: Tcb, address: number): boolean {
  const port = k.port;
  return port.queryAccess
    ? port.queryAccess(t.context, address, 1, AccessKind.Read)
    : port.checkAccess(t.context, address, 1, AccessKind.Read);
}

function checkEnclave(k: KernelState, e: Enclave, threads: readonly Tcb[], out: string[]): void {
  const size = enclaveSize(e);
  if (!k.enclaves.includes(e)) out.push(`enclave ${e.id} is live but not in the enclave list`);
  if (e.loaded !== (e.measurement !== null && e.measurement.length === 32))
    out.push(`enclave ${e.id} is loaded without a measurement, or measured without being loaded`);
  for (const a of e.entries)
    if (a < e.base || a >= e.base + size) out.push(`enclave ${e.id} entry ${a} lies outside it`);
  if (!e.loaded && e.threads.length > 0) out.push(`enclave ${e.id} has threads before its load`);
  for (const t of e.threads) {
    if (!t.live || t.enclave !== e)
      out.push(`enclave ${e.id} thread ${t.id} membership is not symmetric`);
    if (t.ipcBuffer !== 0 && !overlapsEnclave(e, t.ipcBuffer, 1))
      out.push(`enclave ${e.id} thread ${t.id} has its IPC buffer outside the enclave`);
  }
  for (const t of threads) {
    if (t.enclave === e) continue;
    for (const m of t.mappings) {
      if (overlapsEnclave(e, m.region.base, 2 ** m.region.sizeBits))
        out.push(`thread ${t.id} outside enclave ${e.id} maps a region overlapping it`);
    }
    if (e.loaded && t.ipcBuffer !== 0 && overlapsEnclave(e, t.ipcBuffer, 1))
      out.push(`thread ${t.id} outside enclave ${e.id} has its IPC buffer inside it`);
    // The port must agree: neither end of enclave memory is readable by an outsider.
    if (e.loaded && (readable(k, t, e.base) || readable(k, t, e.base + size - 1))) {
      out.push(`thread ${t.id} outside enclave ${e.id} can read its memory through the port`);
    }
  }
}

/** Appends one message per violated enclave isolation rule. */
export function checkEnclaveInvariants(k: KernelState, out: string[]): void {
  const threads: Tcb[] = [];
  const regions: Region[] = [];
  const enclaves: Enclave[] = [];
  for (const obj of k.objects) {
    if (obj.type === ObjectType.Tcb) threads.push(obj as Tcb);
    else if (obj.type === ObjectType.Region) regions.push(obj as Region);
    else if (obj.type === ObjectType.Enclave) enclaves.push(obj as Enclave);
  }
  for (const t of threads)
    if (t.enclave !== null && (!t.enclave.live || !t.enclave.threads.includes(t)))
      out.push(`thread ${t.id} names enclave ${t.enclave.id}, which does not list it`);
  for (const e of k.enclaves) if (!e.live) out.push(`enclave list holds destroyed enclave ${e.id}`);
  for (const e of enclaves) {
    checkEnclave(k, e, threads, out);
    for (const r of regions)
      if (overlapsEnclave(e, r.base, 2 ** r.sizeBits))
        out.push(`region ${r.id} overlaps enclave ${e.id}`);
    for (const other of enclaves)
      if (other !== e && overlapsEnclave(e, other.base, enclaveSize(other)))
        out.push(`enclaves ${e.id} and ${other.id} overlap`);
  }
}
