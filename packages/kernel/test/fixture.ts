// Test fixture: builds threads directly in a kernel (bypassing a root task) so that scenario
// tests can focus on one mechanism. Every thread gets its own CNode (radix 6, guard 26, so
// CPtrs resolve at depth 32) with caps to shared objects at fixed CPtrs, an IPC buffer, a
// scheduling context and a Reply object. Tasks are written with @k5/userspace.

import {
  type HostTask,
  type HostTaskContext,
  IPC_BUFFER_BYTES,
  ObjectType,
  Rights,
  WORD_BITS,
} from '@k5/abi';
import { Sys } from '@k5/userspace';
import { Cap } from '../src/cspace/cap';
import { cdtInsert, placeCap } from '../src/cspace/cdt';
import { HostExecutor } from '../src/host/executor';
import { createKernel, type Kernel } from '../src/kernel';
import type {
  CNode,
  Endpoint,
  KObject,
  Notification,
  Region,
  Reply,
  SchedContext,
  Tcb,
  Untyped,
} from '../src/objects/kobject';
import { ThreadState } from '../src/objects/kobject';
import { regionAccess, syncMemoryMap } from '../src/objects/region';
import { createObject, originalCap } from '../src/objects/untyped';
import { schedAppend, schedule } from '../src/sched/scheduler';
import { TraceRecorder } from '../src/trace';

/** Fixed CPtrs in every fixture thread's CSpace. */
export const C = {
  ep: (i: number) => 1 + i, // endpoints 0..3 at 1..4
  ntfn: (i: number) => 5 + i, // notifications 0..1 at 5..6
  reply: 8,
  self: 9,
  cnode: 10,
  buffer: 11,
  untyped: 12,
  sc: 13,
  free: 16,
} as const;
export const RADIX = 6;
export const DEPTH = WORD_BITS;

export interface ThreadSpec {
  name?: string;
  priority?: number;
  /** Rights of the endpoint/notification caps (default All). */
  rights?: number;
  /** Badge of this thread's endpoint caps (default 0). */
  badge?: number;
  /** Start it (default true). */
  start?: boolean;
  body: (sys: Sys, ctx: HostTaskContext) => Generator<number, void, void>;
}

export interface Fixture {
  kernel: Kernel;
  executor: HostExecutor;
  trace: TraceRecorder;
  threads: Tcb[];
  cnodes: CNode[];
  endpoints: Endpoint[];
  notifications: Notification[];
  replies: Reply[];
  run(maxSteps?: number): void;
}

export function makeFixture(
  specs: ThreadSpec[],
  options: { trace?: boolean; revokeBatch?: number } = {},
): Fixture {
  const trace = new TraceRecorder();
  const kernel = createKernel({
    memory: { base: 0x2000_0000, size: 1 << 20 },
    ...(options.trace ? { trace: trace.sink } : {}),
    ...(options.revokeBatch ? { revokeBatch: options.revokeBatch } : {}),
  });
  const k = kernel.state;
  const executor = new HostExecutor(kernel);
  let cursor = 0x2000_0000;
  const alloc = (bits: number) => {
    const at = Math.ceil(cursor / 2 ** bits) * 2 ** bits;
    cursor = at + 2 ** bits;
    return at;
  };
  const make = <T extends KObject>(type: number, bits: number, user = bits) =>
    createObject(k, type, alloc(bits), user, null) as T;
  const endpoints = [0, 1, 2, 3].map(() => make<Endpoint>(ObjectType.Endpoint, 4));
  const notifications = [0, 1].map(() => make<Notification>(ObjectType.Notification, 5));
  // Original caps live in a holder CNode so that thread caps are CDT children.
  const holder = make<CNode>(ObjectType.CNode, RADIX + 4, RADIX);
  const originals: Cap[] = [];
  for (const o of [...endpoints, ...notifications]) {
    const c = originalCap(o);
    placeCap(holder.slots[originals.length + 1]!, c);
    originals.push(c);
  }
  placeCap(holder.slots[0]!, originalCap(holder));
  const threads: Tcb[] = [];
  const cnodes: CNode[] = [];
  const replies: Reply[] = [];
  const bufferBits = Math.ceil(Math.log2(IPC_BUFFER_BYTES));
  specs.forEach((spec, n) => {
    const cnode = make<CNode>(ObjectType.CNode, RADIX + 4, RADIX);
    const tcb = make<Tcb>(ObjectType.Tcb, 9);
    const reply = make<Reply>(ObjectType.Reply, 4);
    const region = make<Region>(ObjectType.Region, bufferBits);
    const untyped = make<Untyped>(ObjectType.Untyped, 12);
    const sc = make<SchedContext>(ObjectType.SchedContext, 8);
    tcb.name = spec.name ?? `t${n}`;
    const s = cnode.slots;
    const rights = spec.rights ?? Rights.All;
    originals.forEach((o, i) => {
      const c = new Cap(o.type, o.obj, rights, spec.badge ?? 0);
      cdtInsert(o, c);
      placeCap(s[1 + i]!, c);
    });
    const cnodeCap = new Cap(ObjectType.CNode, cnode, Rights.All, 0, 0, WORD_BITS - RADIX);
    placeCap(s[C.cnode]!, cnodeCap);
    placeCap(s[C.reply]!, originalCap(reply));
    placeCap(s[C.self]!, originalCap(tcb));
    const regionCap = originalCap(region);
    placeCap(s[C.buffer]!, regionCap);
    placeCap(s[C.untyped]!, originalCap(untyped));
    placeCap(s[C.sc]!, originalCap(sc));
    const root = new Cap(ObjectType.CNode, cnode, Rights.All, 0, 0, WORD_BITS - RADIX);
    cdtInsert(cnodeCap, root);
    placeCap(tcb.cspaceSlot, root);
    const buf = new Cap(ObjectType.Region, region, Rights.All);
    cdtInsert(regionCap, buf);
    placeCap(tcb.ipcBufferSlot, buf);
    tcb.ipcBuffer = region.base;
    regionCap.mappedTo = tcb;
    tcb.mappings.push({ cap: regionCap, region, access: regionAccess(Rights.ReadWrite) });
    syncMemoryMap(k, tcb);
    tcb.priority = spec.priority ?? 100;
    tcb.mcp = 255;
    tcb.sc = sc;
    sc.tcb = tcb;
    const task: HostTask = (ctx) => spec.body(new Sys(ctx), ctx);
    const entry = executor.addProgram(tcb.name, task);
    kernel.port.writeRegister(tcb.context, kernel.port.convention.pcRegister, entry);
    threads.push(tcb);
    cnodes.push(cnode);
    replies.push(reply);
  });
  // Start in list order: FIFO within a priority.
  for (const [i, t] of threads.entries()) {
    if (specs[i]!.start === false) continue;
    t.state = ThreadState.Restart;
    schedAppend(k, t);
  }
  k.action = 1;
  schedule(k);
  kernel.assertInvariants();
  return {
    kernel,
    executor,
    trace,
    threads,
    cnodes,
    endpoints,
    notifications,
    replies,
    run: (maxSteps = 100_000) => {
      executor.run({ maxSteps, checkInvariants: true });
    },
  };
}

/** A stable digest of kernel state, for "decode changes nothing" checks. */
export function digest(kernel: Kernel): string {
  const parts: string[] = [];
  for (const o of kernel.objects()) {
    parts.push(`${o.id}:${o.type}:${o.capCount}`);
    if ('slots' in o) {
      for (const s of (o as CNode).slots) {
        const c = s.cap;
        if (c)
          parts.push(
            `${o.id}[${s.index}]=${c.obj.id}/${c.rights}/${c.badge}/${c.guard}/${c.guardBits}/${c.parent?.obj.id ?? '-'}`,
          );
      }
    }
    if ('state' in o && 'priority' in o) {
      const t = o as Tcb;
      parts.push(
        `t${t.id}:${t.state}:${t.priority}:${t.mcp}:${t.ipcBuffer}:${t.boundNotification?.id ?? '-'}`,
      );
    }
    if ('watermark' in o) parts.push(`u${o.id}:${(o as Untyped).watermark}`);
  }
  return parts.join('\n');
}
