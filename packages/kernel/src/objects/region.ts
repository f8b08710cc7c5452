// K5 memory regions: naturally aligned task memory that a thread may access once a region cap
// maps it (seL4's frame mapping, reduced to an MCU memory map of at most MAX_THREAD_REGIONS
// entries). Mapping changes are pushed to the port's protection unit. Relies on arch/port.ts.

import { InvocationLabel, MAX_THREAD_REGIONS, ObjectType, Rights } from '@k5/abi';
import { AccessKind, type MemoryGrant } from '../arch/port';
import type { Cap } from '../cspace/cap';
import type { KernelState } from '../state';
import { err, type Invocation, type SyscallError } from './invocation';
import type { Region, Tcb } from './kobject';

/** Access bits a rights word allows on a region. */
export function regionAccess(rights: number): number {
  return (
    (rights & Rights.Read ? AccessKind.Read | AccessKind.Execute : 0) |
    (rights & Rights.Write ? AccessKind.Write : 0)
  );
}

/** Pushes a thread's memory map to the port. */
export function syncMemoryMap(k: KernelState, t: Tcb): void {
  const grants: MemoryGrant[] = t.mappings.map((m) => ({
    base: m.region.base,
    size: 2 ** m.region.sizeBits,
    access: m.access,
  }));
  // An enclave thread also reaches its enclave's whole memory (K5).
  const e = t.enclave;
  if (e !== null) {
    grants.push({
      base: e.base,
      size: 2 ** e.sizeBits,
      access: AccessKind.Read | AccessKind.Write | AccessKind.Execute,
    });
  }
  k.port.setMemoryMap(t.context, grants);
}

/** Removes the mapping a region cap made. */
export function unmapCap(k: KernelState, cap: Cap): void {
  const t = cap.mappedTo;
  if (t === null) return;
  cap.mappedTo = null;
  const i = t.mappings.findIndex((m) => m.cap === cap);
  if (i >= 0) t.mappings.splice(i, 1);
  syncMemoryMap(k, t);
}

/** A checked region operation. */
export type RegionOp =
  | { readonly kind: 'RegionGetInfo'; readonly cap: Cap }
  | { readonly kind: 'RegionMap'; readonly cap: Cap; readonly tcb: Tcb; readonly access: number }
  | { readonly kind: 'RegionUnmap'; readonly cap: Cap };

/** Decodes a region invocation. */
export function decodeRegion(inv: Invocation): RegionOp | SyscallError {
  const { cap } = inv;
  switch (inv.label) {
    case InvocationLabel.RegionGetInfo:
      return { kind: 'RegionGetInfo', cap };
    case InvocationLabel.RegionMap: {
      if (inv.length < 1 || inv.extraCaps.length < 1)
        return err.truncated('Region_Map needs rights in MR0 and a TCB cap');
      const tcbCap = inv.extraCaps[0]!.cap;
      if (tcbCap === null || tcbCap.type !== ObjectType.Tcb)
        return err.invalidCapability(1, 'Region_Map: extra cap 0 must be a TCB');
      if (cap.mappedTo !== null)
        return err.illegalOperation(
          'Region_Map: this cap already maps the region; copy the cap to map it again',
        );
      const tcb = tcbCap.obj as Tcb;
      if (tcb.mappings.length >= MAX_THREAD_REGIONS) {
        return err.illegalOperation(
          `Region_Map: the thread already has ${MAX_THREAD_REGIONS} regions mapped`,
        );
      }
      const access = regionAccess(inv.mr(0) & cap.rights);
      if (access === 0)
        return err.invalidArgument(
          0,
          'Region_Map: the rights give no access (need Read and/or Write held by the cap)',
        );
      return { kind: 'RegionMap', cap, tcb, access };
    }
    case InvocationLabel.RegionUnmap:
      return { kind: 'RegionUnmap', cap };
    default:
      return err.illegalOperation(`label ${inv.label} is not a Region method`);
  }
}

/** Performs a region operation; returns the reply words. */
export function performRegion(k: KernelState, op: RegionOp): number[] {
  switch (op.kind) {
    case 'RegionGetInfo': {
      const r = op.cap.obj as Region;
      return [r.base, r.sizeBits, op.cap.mappedTo ? 1 : 0];
    }
    case 'RegionMap':
      op.cap.mappedTo = op.tcb;
      op.tcb.mappings.push({ cap: op.cap, region: op.cap.obj as Region, access: op.access });
      syncMemoryMap(k, op.tcb);
      return [];
    case 'RegionUnmap':
      unmapCap(k, op.cap);
      return [];
  }
}
