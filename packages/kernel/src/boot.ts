// Booting a host system: builds the root task's CNode, TCB, scheduling context and IPC-buffer
// region, gives it control caps and untyped caps covering the rest of memory, registers the
// host programs, and starts the root task. Relies on kernel.ts, host/executor.ts and the object
// constructors of objects/untyped.ts.

import {
  type BootInfo,
  type BootUntyped,
  type HostTask,
  IPC_BUFFER_BYTES,
  MAX_UNTYPED_BITS,
  MIN_UNTYPED_BITS,
  NUM_PRIORITIES,
  ObjectType,
  Rights,
  WORD_BITS,
} from '@k5/abi';
import type { ArchPort } from './arch/port';
import { Cap, type Slot } from './cspace/cap';
import { cdtInsert, placeCap } from './cspace/cdt';
import type { DeviceIdentity } from './enclave/device-identity';
import { KernelUsageError } from './errors';
import { HostExecutor, type RunOptions, type RunResult } from './host/executor';
import { createKernel, type Kernel } from './kernel';
import {
  type CNode,
  IrqControl,
  type Region,
  SchedControl,
  type SchedContext,
  type Tcb,
  ThreadState,
} from './objects/kobject';
import { regionAccess, syncMemoryMap } from './objects/region';
import { createObject, originalCap } from './objects/untyped';
import { makeRunnable, schedule } from './sched/scheduler';
import type { TraceSink } from './trace';

/** Options of {@link bootSystem}. @public */
export interface BootOptions {
  /** The root task, given its boot information. */
  root: (boot: BootInfo) => HostTask;
  /** Host programs other threads can run, by name (their entry addresses are in BootInfo). */
  programs?: Record<string, HostTask>;
  /** RAM base (default 0x2000_0000) and size (default 256 KiB). */
  memoryBase?: number;
  memorySize?: number;
  /** The port (default a GenericPort). */
  port?: ArchPort;
  /** Trace sink. */
  trace?: TraceSink;
  /** Root CNode radix (default 8: 256 slots). */
  rootCNodeRadix?: number;
  /** Root priority and MCP (default 255). */
  rootPriority?: number;
  /** Revoke batch (see KernelOptions). */
  revokeBatch?: number;
  /** Receives Log syscalls. */
  onLog?: (thread: number, level: number, bytes: Uint8Array) => void;
  /** Enclave sealing secret and attestation identity (see KernelOptions). */
  deviceSecret?: Uint8Array;
  device?: DeviceIdentity;
}

/** A booted host system. @public */
export interface HostSystem {
  readonly kernel: Kernel;
  readonly executor: HostExecutor;
  readonly boot: BootInfo;
  /** The root thread. */
  readonly rootThread: Tcb;
  /** Runs until idle (see {@link HostExecutor.run}). */
  run(options?: RunOptions): RunResult;
}

/** Root CNode slot numbers of the initial caps. @public */
export const BootSlot = {
  RootTcb: 1,
  RootCNode: 2,
  RootSchedContext: 3,
  SchedControl: 4,
  IrqControl: 5,
  IpcBufferRegion: 6,
  FirstUntyped: 7,
} as const;

function place(slot: Slot, cap: Cap): Cap {
  placeCap(slot, cap);
  return cap;
}

/** Boots a kernel with a root host task. @public */
export function bootSystem(options: BootOptions): HostSystem {
  const base = options.memoryBase ?? 0x2000_0000;
  const size = options.memorySize ?? 256 * 1024;
  const radix = options.rootCNodeRadix ?? 8;
  const prio = options.rootPriority ?? NUM_PRIORITIES - 1;
  if (radix < 4 || radix > 16)
    throw new KernelUsageError('bad-config', `rootCNodeRadix ${radix} must be 4..16`);
  if (prio < 0 || prio >= NUM_PRIORITIES)
    throw new KernelUsageError('bad-config', `rootPriority ${prio} must be 0..255`);
  const kernel = createKernel({
    memory: { base, size },
    ...(options.port ? { port: options.port } : {}),
    ...(options.trace ? { trace: options.trace } : {}),
    ...(options.revokeBatch ? { revokeBatch: options.revokeBatch } : {}),
    ...(options.onLog ? { onLog: options.onLog } : {}),
    ...(options.deviceSecret ? { deviceSecret: options.deviceSecret } : {}),
    ...(options.device ? { device: options.device } : {}),
  });
  const k = kernel.state;
  const executor = new HostExecutor(kernel);
  // Boot memory: the root CNode, then the IPC buffer region, TCB and SC, each naturally aligned.
  let cursor = base;
  const take = (bits: number) => {
    const at = Math.ceil(cursor / 2 ** bits) * 2 ** bits;
    cursor = at + 2 ** bits;
    if (cursor > base + size)
      throw new KernelUsageError('bad-config', `memorySize ${size} is too small for the root task`);
    return at;
  };
  const cnode = createObject(k, ObjectType.CNode, take(radix + 4), radix, null) as CNode;
  const regionBits = Math.ceil(Math.log2(IPC_BUFFER_BYTES));
  const region = createObject(k, ObjectType.Region, take(regionBits), regionBits, null) as Region;
  const tcb = createObject(k, ObjectType.Tcb, take(9), 0, null) as Tcb;
  const sc = createObject(k, ObjectType.SchedContext, take(8), 8, null) as SchedContext;
  const schedControl = new SchedControl(k.nextId++, 0, 0, null);
  const irqControl = new IrqControl(k.nextId++, 0, 0, null);
  k.objects.add(schedControl);
  k.objects.add(irqControl);
  const s = cnode.slots;
  const guardBits = WORD_BITS - radix;
  const cnodeCap = place(
    s[BootSlot.RootCNode]!,
    new Cap(ObjectType.CNode, cnode, Rights.All, 0, 0, guardBits),
  );
  place(s[BootSlot.RootTcb]!, originalCap(tcb));
  place(s[BootSlot.RootSchedContext]!, originalCap(sc));
  place(s[BootSlot.SchedControl]!, originalCap(schedControl));
  place(s[BootSlot.IrqControl]!, originalCap(irqControl));
  const regionCap = place(s[BootSlot.IpcBufferRegion]!, originalCap(region));
  // Untyped caps for the rest, in the largest aligned power-of-two blocks.
  const untyped: BootUntyped[] = [];
  let slot: number = BootSlot.FirstUntyped;
  const end = base + size;
  while (cursor < end && slot < s.length) {
    let bits = MAX_UNTYPED_BITS;
    while (bits > MIN_UNTYPED_BITS && (cursor % 2 ** bits !== 0 || cursor + 2 ** bits > end))
      bits--;
    if (cursor % 2 ** bits !== 0 || cursor + 2 ** bits > end) break;
    const u = createObject(k, ObjectType.Untyped, cursor, bits, null);
    place(s[slot]!, originalCap(u));
    untyped.push({ cptr: slot, base: cursor, sizeBits: bits });
    slot++;
    cursor += 2 ** bits;
  }
  // The root thread: CSpace root, IPC buffer, scheduling context, priority, memory map.
  const rootCopy = new Cap(ObjectType.CNode, cnode, Rights.All, 0, 0, guardBits);
  cdtInsert(cnodeCap, rootCopy);
  placeCap(tcb.cspaceSlot, rootCopy);
  const bufCopy = new Cap(ObjectType.Region, region, Rights.All);
  cdtInsert(regionCap, bufCopy);
  placeCap(tcb.ipcBufferSlot, bufCopy);
  tcb.ipcBuffer = region.base;
  regionCap.mappedTo = tcb;
  tcb.mappings.push({ cap: regionCap, region, access: regionAccess(Rights.ReadWrite) });
  syncMemoryMap(k, tcb);
  tcb.priority = prio;
  tcb.mcp = prio;
  tcb.sc = sc;
  sc.tcb = tcb;
  tcb.name = 'root';
  for (const [name, task] of Object.entries(options.programs ?? {}))
    executor.addProgram(name, task);
  const boot: BootInfo = {
    rootCNodeRadix: radix,
    rootCNodeDepth: WORD_BITS,
    caps: {
      rootTcb: BootSlot.RootTcb,
      rootCNode: BootSlot.RootCNode,
      rootSchedContext: BootSlot.RootSchedContext,
      schedControl: BootSlot.SchedControl,
      irqControl: BootSlot.IrqControl,
      ipcBufferRegion: BootSlot.IpcBufferRegion,
    },
    emptySlots: [slot, s.length],
    untyped,
    programs: executor.entries(),
    rootPriority: prio,
  };
  const rootEntry = executor.addProgram('<root>', options.root(boot));
  kernel.port.writeRegister(tcb.context, kernel.port.convention.pcRegister, rootEntry);
  makeRunnable(k, tcb, ThreadState.Restart);
  schedule(k);
  return { kernel, executor, boot, rootThread: tcb, run: (o) => executor.run(o) };
}
