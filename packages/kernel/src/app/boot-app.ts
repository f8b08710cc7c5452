// Booting a system from its manifest, without a root task: the kernel creates every object the
// manifest names (at the addresses layout.ts plans), fills each task's CNode, maps its stack, IPC
// buffer and regions, binds scheduling contexts, sets priorities, registers the host programs and
// makes the tasks runnable. What K5's build-time codegen and seL4's root task do, done once at
// boot. The original capability of every object stays in a boot CNode that no task can reach, so
// the derivation tree has one root per object, as after a root task's retypes. Log syscalls are
// framed per task into the kernel log channel. Relies on the kernel's object constructors and CDT.

import { type HostTask, ObjectType, Rights, WORD_BITS } from '@k5/abi';
import type { ArchPort } from '../arch/port';
import { Cap } from '../cspace/cap';
import { cdtInsert, placeCap } from '../cspace/cdt';
import { HostExecutor, type RunOptions, type RunResult } from '../host/executor';
import { KernelUsageError } from '../errors';
import { createKernel, type Kernel } from '../kernel';
import type { LogChannel } from '../log/log-channel';
import type { PhysicalMemory } from '../memory';
import {
  type CNode,
  IrqControl,
  type IrqHandler,
  type KObject,
  type Notification,
  type Region,
  type SchedContext,
  type Tcb,
  ThreadState,
} from '../objects/kobject';
import { performIrq } from '../objects/irq';
import { regionAccess, syncMemoryMap } from '../objects/region';
import { createObject, originalCap } from '../objects/untyped';
import { configureSchedContext } from '../sched/configure';
import { makeRunnable, schedule } from '../sched/scheduler';
import type { TraceSink } from '../trace';
import { AppBootError } from './errors';
import { type AppBlock, type AppMemoryPlan, OBJECT_BITS, planAppMemory } from './layout';
import type { AppManifest, ManifestAccess, ManifestRight, ManifestTask } from './manifest';
import { validateManifest } from './validate';

/** Options of {@link bootApp}. @public */
export interface BootAppOptions {
  /** Host programs by name; each task runs `programs[task.program ?? task.name]`. */
  readonly programs: Readonly<Record<string, HostTask>>;
  /**
   * The port, or a factory given the kernel clock (ports with a timer read it to turn absolute
   * deadlines into delays). Default: the kernel's generic port.
   */
  readonly port?: ArchPort | ((now: () => number) => ArchPort);
  /** The board's RAM (default: allocated from `board.memory`). */
  readonly memory?: PhysicalMemory;
  /** Receives every trace event. */
  readonly trace?: TraceSink;
  /** Log syscalls are framed into this channel with the task's index as task id. */
  readonly logChannel?: LogChannel;
}

/** One booted task. @public */
export interface AppTask {
  /** Index in `manifest.tasks`: the task id of its log channel frames. */
  readonly index: number;
  readonly name: string;
  readonly spec: ManifestTask;
  readonly tcb: Tcb;
  readonly stack: Region;
  readonly ipcBuffer: Region;
}

/** Options of {@link AppSystem.run}. @public */
export interface AppRunOptions extends RunOptions {
  /** Stop when kernel time reaches this many ticks (default: run until idle). */
  readonly until?: number;
  /** Called between batches of steps with the kernel time, for progress displays. */
  readonly onProgress?: (now: number) => void;
}

/** A system booted from a manifest. @public */
export interface AppSystem {
  readonly manifest: AppManifest;
  readonly kernel: Kernel;
  readonly executor: HostExecutor;
  readonly tasks: readonly AppTask[];
  /** Where every object and region was placed. */
  readonly plan: AppMemoryPlan;
  /** The task a kernel thread id belongs to. */
  taskOfThread(threadId: number): AppTask | undefined;
  /** Runs until idle, or until `until` ticks. */
  run(options?: AppRunOptions): RunResult;
}

const RIGHT_BITS: Record<ManifestRight, number> = {
  read: Rights.Read,
  write: Rights.Write,
  grant: Rights.Grant,
  'grant-reply': Rights.GrantReply,
};
const ACCESS_RIGHTS: Record<ManifestAccess, number> = {
  read: Rights.Read,
  'read-write': Rights.ReadWrite,
};
/** Steps between progress reports when running to a time limit. */
const PROGRESS_EVERY = 256;

const rightsOf = (rights: readonly ManifestRight[]) =>
  rights.reduce((r, x) => r | RIGHT_BITS[x], 0);

/** Caps kept in the boot CNode: one original per object plus one per region mapping. */
function bootCNodeRadix(m: AppManifest): number {
  let caps = 1;
  for (const t of m.tasks)
    caps +=
      5 + (t.caps ?? []).filter((c) => c.kind === 'reply').length + 2 + (t.regions ?? []).length;
  // Endpoints, notifications, regions, the fault endpoint and IRQControl.
  caps +=
    (m.endpoints ?? []).length + (m.notifications ?? []).length + (m.regions ?? []).length + 2;
  return Math.max(1, Math.ceil(Math.log2(caps + 1)));
}

/**
 * Boots a kernel from a manifest (validated first) and host programs. The tasks are runnable
 * when it returns; call `run`.
 * @throws {@link ManifestError} when the manifest is invalid; {@link AppBootError} when memory
 * runs out or does not cover the board's, a task's program is missing, the kernel rejects a
 * budget (below its minimum budget), or an IRQ line is not one of the port's.
 * @public
 */
export function bootApp(manifest: AppManifest, options: BootAppOptions): AppSystem {
  const m = validateManifest(manifest);
  for (const [i, t] of m.tasks.entries()) {
    const program = t.program ?? t.name;
    if (!options.programs[program])
      throw new AppBootError(
        'missing-program',
        `tasks[${i}] (${t.name}) runs program "${program}", which is not among the programs given to bootApp (${Object.keys(options.programs).join(', ') || 'none'})`,
      );
  }
  const ram = m.board.memory;
  if (options.memory && !options.memory.contains(ram.base, ram.size)) {
    throw new AppBootError(
      'memory-mismatch',
      `the memory given to bootApp does not cover board.memory (0x${ram.base.toString(16)}, ${ram.size} bytes): use the board's RAM`,
    );
  }
  const radix = bootCNodeRadix(m);
  const plan = planAppMemory(m, [
    { kind: 'cnode', name: '(boot cnode)', task: null, sizeBits: radix + 4 },
  ]);

  let kernel: Kernel | undefined;
  const now = () => kernel?.now ?? 0;
  const port = typeof options.port === 'function' ? options.port(now) : options.port;
  const taskByThread = new Map<number, AppTask>();
  const channel = options.logChannel;
  kernel = createKernel({
    memory: options.memory ?? m.board.memory,
    ...(port ? { port } : {}),
    ...(options.trace ? { trace: options.trace } : {}),
    ...(channel
      ? {
          onLog: (thread: number, _level: number, bytes: Uint8Array) => {
            const task = taskByThread.get(thread);
            // Only manifest tasks exist in an app system, so every logging thread has an index.
            if (task) channel.write(task.index, bytes);
          },
        }
      : {}),
  });
  const k = kernel.state;
  const executor = new HostExecutor(kernel);

  // --- the objects, each with its original cap in the boot CNode -------------------------------
  const at = (name: string): AppBlock => plan.blocks.find((b) => b.name === name)!;
  const bootBlock = at('(boot cnode)');
  const boot = createObject(k, ObjectType.CNode, bootBlock.base, radix, null) as CNode;
  let nextSlot = 0;
  const keep = (obj: KObject, cap: Cap = originalCap(obj)): Cap => {
    placeCap(boot.slots[nextSlot++]!, cap);
    return cap;
  };
  keep(boot, new Cap(ObjectType.CNode, boot, Rights.All, 0, 0, WORD_BITS - radix));
  const make = (type: number, block: AppBlock, userBits = 0) => {
    const obj = createObject(k, type, block.base, userBits, null);
    return { obj, cap: keep(obj) };
  };
  const endpoints = new Map<string, Cap>();
  for (const e of m.endpoints ?? [])
    endpoints.set(e, make(ObjectType.Endpoint, at(`endpoint:${e}`)).cap);
  const notifications = new Map<string, Cap>();
  for (const n of m.notifications ?? [])
    notifications.set(n, make(ObjectType.Notification, at(`notification:${n}`)).cap);
  // IRQControl, the parent of every IRQ handler cap (as the root task's at a normal boot).
  const irqControlObject = new IrqControl(k.nextId++, 0, 0, null);
  k.objects.add(irqControlObject);
  const irqControl = keep(irqControlObject);
  const faults = m.tasks.some((t) => t.supervisor)
    ? make(ObjectType.Endpoint, at('endpoint:(faults)')).cap
    : null;
  const regions = new Map<string, Cap>();
  for (const r of m.regions ?? []) {
    const block = plan.blocks.find((b) => b.name === `region:${r.name}`)!;
    regions.set(r.name, make(ObjectType.Region, block, block.sizeBits).cap);
  }

  /** A derived copy of `parent` in `slot`, as CNode_Copy/Mint would leave it. */
  const derive = (
    parent: Cap,
    slot: NonNullable<Cap['slot']>,
    rights: number,
    badge = parent.badge,
  ) => {
    const cap = new Cap(
      parent.type,
      parent.obj,
      rights & parent.rights,
      badge,
      parent.guard,
      parent.guardBits,
    );
    cdtInsert(parent, cap);
    placeCap(slot, cap);
    return cap;
  };
  const map = (tcb: Tcb, regionCap: Cap, rights: number) => {
    const cap = derive(regionCap, boot.slots[nextSlot++]!, Rights.All);
    cap.mappedTo = tcb;
    tcb.mappings.push({ cap, region: cap.obj as Region, access: regionAccess(rights) });
  };

  // --- the tasks -------------------------------------------------------------------------------
  const tasks: AppTask[] = [];
  for (const [i, spec] of m.tasks.entries()) {
    const name = spec.name;
    const tcb = make(ObjectType.Tcb, at(`${name}.tcb`)).obj as Tcb;
    const cradix = spec.cnodeRadix ?? 4;
    const cnodeBlock = at(`${name}.cnode`);
    const cnode = createObject(k, ObjectType.CNode, cnodeBlock.base, cradix, null) as CNode;
    const cnodeCap = keep(
      cnode,
      new Cap(ObjectType.CNode, cnode, Rights.All, 0, 0, WORD_BITS - cradix),
    );
    const sc = make(ObjectType.SchedContext, at(`${name}.sc`), OBJECT_BITS.schedContext)
      .obj as SchedContext;
    const stackBlock = at(`${name}.stack`);
    const stack = make(ObjectType.Region, stackBlock, stackBlock.sizeBits);
    const ipc = make(
      ObjectType.Region,
      at(`${name}.ipc-buffer`),
      at(`${name}.ipc-buffer`).sizeBits,
    );
    tcb.name = name;
    // CSpace root and IPC buffer in the TCB's private slots, as TCB_Configure leaves them.
    derive(cnodeCap, tcb.cspaceSlot, Rights.All);
    derive(ipc.cap, tcb.ipcBufferSlot, Rights.All);
    tcb.ipcBuffer = ipc.obj.base;
    map(tcb, ipc.cap, Rights.ReadWrite);
    map(tcb, stack.cap, Rights.ReadWrite);
    for (const r of spec.regions ?? []) map(tcb, regions.get(r.region)!, ACCESS_RIGHTS[r.access]);
    syncMemoryMap(k, tcb);
    for (const [j, c] of (spec.caps ?? []).entries()) {
      const slot = cnode.slots[c.slot]!;
      switch (c.kind) {
        case 'endpoint':
          derive(endpoints.get(c.endpoint)!, slot, rightsOf(c.rights), c.badge ?? 0);
          break;
        case 'notification':
          derive(notifications.get(c.notification)!, slot, rightsOf(c.rights), c.badge ?? 0);
          break;
        case 'reply':
          derive(make(ObjectType.Reply, at(`${name}.reply@${c.slot}`)).cap, slot, Rights.All);
          break;
        case 'faults':
          derive(faults!, slot, Rights.Read);
          break;
        case 'irq': {
          // As IRQControl_Get then IRQHandler_SetNotification: a handler cap for the line, in
          // the task's slot, delivering to the notification with the manifest's badge.
          const lines = k.port.interrupts?.lineCount ?? 0;
          if (c.irq >= lines)
            throw new AppBootError(
              'bad-irq',
              `tasks[${i}].caps[${j}]: IRQ ${c.irq} is not a line of the port's interrupt controller (${lines} lines)`,
            );
          performIrq(k, { kind: 'Issue', irq: c.irq, control: irqControl, dest: slot });
          performIrq(k, {
            kind: 'SetNotification',
            handler: slot.cap!.obj as IrqHandler,
            notification: notifications.get(c.notification)!.obj as Notification,
            badge: c.badge ?? 0,
          });
          break;
        }
      }
    }
    // Faults of every other task go to the supervisor, badged with the task's index + 1.
    if (faults && !spec.supervisor)
      derive(faults, tcb.faultSlot, Rights.Write | Rights.GrantReply, i + 1);
    tcb.sc = sc;
    sc.tcb = tcb;
    if (spec.budget !== undefined && spec.period !== undefined) {
      const error = configureSchedContext(k, sc, {
        budget: spec.budget,
        period: spec.period,
        extraRefills: 0,
        badge: i + 1,
        sporadic: false,
      });
      if (error) {
        throw new AppBootError(
          'bad-sched-params',
          `tasks[${i}] (${name}): budget ${spec.budget}/period ${spec.period} rejected by the kernel: ${error.message}`,
        );
      }
    }
    tcb.priority = spec.priority;
    tcb.mcp = spec.priority;
    const entry = executor.addProgram(name, options.programs[spec.program ?? name]!);
    const conv = k.port.convention;
    k.port.writeRegister(tcb.context, conv.pcRegister, entry);
    k.port.writeRegister(tcb.context, conv.spRegister, stack.obj.base + 2 ** stack.obj.sizeBits);
    const task: AppTask = {
      index: i,
      name,
      spec,
      tcb,
      stack: stack.obj as Region,
      ipcBuffer: ipc.obj as Region,
    };
    tasks.push(task);
    taskByThread.set(tcb.id, task);
  }
  for (const t of tasks) if (t.spec.start !== false) makeRunnable(k, t.tcb, ThreadState.Restart);
  schedule(k);

  const system: AppSystem = {
    manifest: m,
    kernel,
    executor,
    tasks,
    plan,
    taskOfThread: (id) => taskByThread.get(id),
    run: (o = {}) => runApp(system, o),
  };
  return system;
}

function runApp(s: AppSystem, o: AppRunOptions): RunResult {
  const { until, onProgress, ...run } = o;
  const k = s.kernel;
  const limit = until ?? Number.POSITIVE_INFINITY;
  const max = run.maxSteps ?? 1_000_000;
  let steps = 0;
  while (k.now < limit && steps < max) {
    // With a time limit, one step at a time so the run stops at the first step that reaches it
    // (a step of work may end past it: host work is only cut short by kernel deadlines).
    const r = s.executor.run({
      ...run,
      maxSteps: until === undefined ? Math.min(max - steps, 4096) : 1,
    });
    steps += r.steps;
    if (r.reason === 'idle') {
      // Nothing runnable: time passes to the next kernel deadline (a refill, a timeout), where
      // the kernel may release a thread, or to the limit. Without either, the system is done.
      const deadline = k.deadline;
      if (deadline === null && until === undefined) break;
      k.advance(Math.min(limit, deadline ?? limit) - k.now);
      if (k.current === null && k.deadline === null && (until === undefined || k.now >= limit))
        break;
    }
    if (until !== undefined && steps % PROGRESS_EVERY === 0) onProgress?.(k.now);
  }
  onProgress?.(k.now);
  if (steps >= max && k.now < limit && k.current !== null) {
    if (run.maxSteps === undefined) {
      throw new KernelUsageError(
        'step-limit',
        `the app did not finish within ${max} steps; run it for a time (until) or pass a larger maxSteps`,
      );
    }
    return { steps, reason: 'step-limit' };
  }
  return { steps, reason: 'idle' };
}
