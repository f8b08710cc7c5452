// Where a booted app's memory goes: every kernel object (TCBs, CNodes, scheduling contexts,
// endpoints, notifications, reply objects), every task's stack and IPC buffer, and the shared
// regions, each naturally aligned. Blocks are placed largest first, so power-of-two blocks pack
// without gaps; fixed-base regions stay where the manifest put them and are stepped around.
// Pure: tools print the plan without booting. Relies on manifest.ts and @k5/abi sizes.

import { IPC_BUFFER_BYTES } from '@k5/abi';
import { AppBootError } from './errors';
import type { AppManifest } from './manifest';

/** Size in bits of the kernel objects a manifest creates (as untyped retype sizes them). */
export const OBJECT_BITS = {
  tcb: 9,
  schedContext: 8,
  endpoint: 4,
  notification: 5,
  reply: 4,
} as const;
/** Bits of a task's IPC-buffer region. */
export const IPC_BUFFER_BITS = Math.ceil(Math.log2(IPC_BUFFER_BYTES));

/** What a block of the plan holds. @public */
export type AppBlockKind =
  | 'tcb'
  | 'cnode'
  | 'sched-context'
  | 'endpoint'
  | 'notification'
  | 'reply'
  | 'stack'
  | 'ipc-buffer'
  | 'region';

/** One placed block. @public */
export interface AppBlock {
  readonly kind: AppBlockKind;
  /** `ping.stack`, `endpoint:pings`, `region:shared`, ... */
  readonly name: string;
  /** The task it belongs to (index into `tasks`), if any. */
  readonly task: number | null;
  readonly base: number;
  readonly sizeBits: number;
}

/** The memory plan of an app. @public */
export interface AppMemoryPlan {
  readonly blocks: readonly AppBlock[];
  /** First free byte after the last placed block. */
  readonly end: number;
  /** Bytes of board memory left. */
  readonly free: number;
}

type Want = Omit<AppBlock, 'base'>;

/** Blocks a manifest asks for, before placement (the boot CNode is added by bootApp). */
function wanted(m: AppManifest): Want[] {
  const out: Want[] = [];
  m.tasks.forEach((t, i) => {
    const radix = t.cnodeRadix ?? 4;
    out.push({ kind: 'tcb', name: `${t.name}.tcb`, task: i, sizeBits: OBJECT_BITS.tcb });
    out.push({ kind: 'cnode', name: `${t.name}.cnode`, task: i, sizeBits: radix + 4 });
    out.push({
      kind: 'sched-context',
      name: `${t.name}.sc`,
      task: i,
      sizeBits: OBJECT_BITS.schedContext,
    });
    out.push({ kind: 'stack', name: `${t.name}.stack`, task: i, sizeBits: Math.log2(t.stack) });
    out.push({
      kind: 'ipc-buffer',
      name: `${t.name}.ipc-buffer`,
      task: i,
      sizeBits: IPC_BUFFER_BITS,
    });
    for (const c of t.caps ?? [])
      if (c.kind === 'reply')
        out.push({
          kind: 'reply',
          name: `${t.name}.reply@${c.slot}`,
          task: i,
          sizeBits: OBJECT_BITS.reply,
        });
  });
  for (const e of m.endpoints ?? [])
    out.push({
      kind: 'endpoint',
      name: `endpoint:${e}`,
      task: null,
      sizeBits: OBJECT_BITS.endpoint,
    });
  if (m.tasks.some((t) => t.supervisor))
    out.push({
      kind: 'endpoint',
      name: 'endpoint:(faults)',
      task: null,
      sizeBits: OBJECT_BITS.endpoint,
    });
  for (const n of m.notifications ?? [])
    out.push({
      kind: 'notification',
      name: `notification:${n}`,
      task: null,
      sizeBits: OBJECT_BITS.notification,
    });
  for (const r of m.regions ?? [])
    if (r.base === undefined)
      out.push({
        kind: 'region',
        name: `region:${r.name}`,
        task: null,
        sizeBits: Math.log2(r.size),
      });
  return out;
}

/**
 * Places a validated manifest's blocks (plus `extra`, such as the boot CNode) in board memory.
 * @throws {@link AppBootError} `out-of-memory` when they do not fit.
 * @public
 */
export function planAppMemory(
  m: AppManifest,
  extra: readonly Omit<AppBlock, 'base'>[] = [],
): AppMemoryPlan {
  const { base, size } = m.board.memory;
  const limit = base + size;
  const fixed: AppBlock[] = (m.regions ?? [])
    .filter((r) => r.base !== undefined)
    .map((r) => ({
      kind: 'region',
      name: `region:${r.name}`,
      task: null,
      base: r.base!,
      sizeBits: Math.log2(r.size),
    }));
  // Largest first, then manifest order: stable, so the same manifest always gives the same plan.
  const order = [...wanted(m), ...extra].map((w, i) => ({ w, i }));
  order.sort((a, b) => b.w.sizeBits - a.w.sizeBits || a.i - b.i);
  const blocks: AppBlock[] = [];
  let cursor = base;
  for (const { w } of order) {
    const bytes = 2 ** w.sizeBits;
    let at = Math.ceil(cursor / bytes) * bytes;
    for (let moved = true; moved; ) {
      moved = false;
      for (const f of fixed) {
        if (at < f.base + 2 ** f.sizeBits && f.base < at + bytes) {
          at = Math.ceil((f.base + 2 ** f.sizeBits) / bytes) * bytes;
          moved = true;
        }
      }
    }
    if (at + bytes > limit) {
      throw new AppBootError(
        'out-of-memory',
        `${w.name} (${bytes} bytes) does not fit in board.memory (0x${base.toString(16)}, ${size} bytes); enlarge board.memory.size or shrink stacks and regions`,
      );
    }
    blocks.push({ ...w, base: at });
    cursor = at + bytes;
  }
  return { blocks: [...blocks, ...fixed], end: cursor, free: limit - cursor };
}
