// Shared set-up of the kernel scenarios: boots a K5 system on an ArmV8mPort with a root task that
// retypes one endpoint and, per task, a TCB, a radix-4 CNode, a scheduling context, a reply
// object and a 1 KiB IPC-buffer region, then configures and resumes the tasks in order. A task
// may get the endpoint badged, a fault endpoint, initial register values, an MCS budget
// (SchedControl_ConfigureFlags) and an interrupt line delivered to a badged notification in its
// CNode (IRQControl_Get, IRQHandler_SetNotification). Relies on
// @k5/kernel's bootSystem and @k5/userspace's invocation stubs (the shape of apps/ping-pong).

import {
  type BootInfo,
  type HostTask,
  InvocationLabel,
  ObjectType,
  Rights,
  WORD_BITS,
} from '@k5/abi';
import { bootSystem, type HostSystem, type Tcb, TraceRecorder } from '@k5/kernel';
import {
  cnodeCopy,
  cnodeDelete,
  cnodeMint,
  invoke,
  irqControlGet,
  irqHandlerSetNotification,
  regionGetInfo,
  regionMap,
  Sys,
  tcbConfigure,
  tcbResume,
  tcbSetSchedParams,
  tcbWriteRegisters,
  untypedRetype,
} from '@k5/userspace';
import { ArmV8mPort, type ArmV8mPortOptions } from '../../src/index';

/** Slots of each task's CNode. */
export const SLOT = { endpoint: 1, reply: 2, irqHandler: 3, notification: 4 } as const;
export const TASK_RADIX = 4;

/** One task the root starts. */
export interface TaskSpec {
  readonly program: string;
  readonly priority: number;
  /** Rights on the shared endpoint (default Read | Write | GrantReply). */
  readonly rights?: number;
  /** A badge minted into the task's endpoint cap (default none). */
  readonly badge?: number;
  /** Use the shared endpoint as this task's fault endpoint. */
  readonly faultToEndpoint?: boolean;
  /** Initial registers (index to value); the PC is always the program's entry. */
  readonly registers?: Readonly<Record<number, number>>;
  /** Start SP at the end of the task's 1 KiB IPC-buffer region (a stack for exception frames). */
  readonly stackAtBufferEnd?: boolean;
  /** An MCS budget and period in ticks for the task's scheduling context. */
  readonly budget?: { readonly budget: number; readonly period: number };
  /**
   * An interrupt line for the task to handle: its handler cap goes to SLOT.irqHandler and a
   * notification badged `badge`, signalled when the line fires, to SLOT.notification.
   */
  readonly irq?: { readonly line: number; readonly badge: number };
}

/** What the root learned while building, for the scenarios to check. */
export interface RootReport {
  /** Root-CNode slots of the task TCBs, in task order. */
  tcbSlots: number[];
  /** IPC buffer bases, in task order. */
  buffers: number[];
  /** Set when the root finished starting every task. */
  started: boolean;
}

/** A booted scenario. */
export interface Scenario {
  readonly system: HostSystem;
  readonly port: ArmV8mPort;
  readonly report: RootReport;
  readonly trace: TraceRecorder;
  /** The task TCBs, in task order (valid after run). */
  tcbs(): Tcb[];
}

function rootTask(
  tasks: readonly TaskSpec[],
  report: RootReport,
  after?: (sys: Sys, boot: BootInfo, report: RootReport) => Generator<number, void, void>,
) {
  return (boot: BootInfo): HostTask =>
    function* (ctx) {
      const sys = new Sys(ctx);
      const root = boot.caps.rootCNode;
      const depth = boot.rootCNodeDepth;
      const untyped = boot.untyped.find((u) => u.sizeBits >= 14);
      if (!untyped) throw new Error('the scenarios need 16 KiB of untyped memory');
      let free = boot.emptySlots[0];
      const check = (what: string, error: number) => {
        if (error !== 0) throw new Error(`${what} failed with error ${error}`);
      };
      const retype = function* (type: number, sizeBits: number, count: number) {
        const at = free;
        free += count;
        check(
          `retype of type ${type}`,
          yield* untypedRetype(sys, untyped.cptr, type, sizeBits, root, 0, 0, at, count),
        );
        return at;
      };
      const n = tasks.length;
      const endpoint = yield* retype(ObjectType.Endpoint, 0, 1);
      const tcbs = yield* retype(ObjectType.Tcb, 0, n);
      const cnodes = yield* retype(ObjectType.CNode, TASK_RADIX, n);
      const scs = yield* retype(ObjectType.SchedContext, 8, n);
      const replies = yield* retype(ObjectType.Reply, 0, n);
      const buffers = yield* retype(ObjectType.Region, 10, n);
      const notifications = yield* retype(ObjectType.Notification, 0, n);
      const scratch = free;
      free += 2;
      for (const [i, task] of tasks.entries()) {
        const cnode = cnodes + i;
        const rights = task.rights ?? Rights.Read | Rights.Write | Rights.GrantReply;
        if (task.badge === undefined) {
          check(
            'copying the endpoint',
            yield* cnodeCopy(sys, cnode, SLOT.endpoint, TASK_RADIX, root, endpoint, depth, rights),
          );
        } else {
          check(
            'minting the endpoint',
            yield* cnodeMint(
              sys,
              cnode,
              SLOT.endpoint,
              TASK_RADIX,
              root,
              endpoint,
              depth,
              rights,
              task.badge,
            ),
          );
        }
        check(
          'copying the reply',
          yield* cnodeCopy(
            sys,
            cnode,
            SLOT.reply,
            TASK_RADIX,
            root,
            replies + i,
            depth,
            Rights.All,
          ),
        );
        check('reading the buffer', yield* regionGetInfo(sys, buffers + i));
        const base = sys.getMR(0);
        report.buffers.push(base);
        check('mapping the buffer', yield* regionMap(sys, buffers + i, tcbs + i, Rights.ReadWrite));
        check(
          'configuring',
          yield* tcbConfigure(sys, tcbs + i, cnode, WORD_BITS - TASK_RADIX, buffers + i, base),
        );
        const registers = new Array<number>(17).fill(0);
        for (const [r, v] of Object.entries(task.registers ?? {})) registers[Number(r)] = v;
        registers[ctx.convention.pcRegister] =
          boot.programs[task.program] ?? (task.registers?.[ctx.convention.pcRegister] as number);
        if (task.stackAtBufferEnd) registers[ctx.convention.spRegister] = base + 0x400;
        check('writing registers', yield* tcbWriteRegisters(sys, tcbs + i, false, registers));
        check(
          'setting sched params',
          yield* tcbSetSchedParams(
            sys,
            tcbs + i,
            boot.caps.rootTcb,
            200,
            task.priority,
            scs + i,
            task.faultToEndpoint ? endpoint : 0,
          ),
        );
        if (task.budget) {
          check(
            'configuring the budget',
            yield* invoke(
              sys,
              boot.caps.schedControl,
              InvocationLabel.SchedControlConfigureFlags,
              [task.budget.budget, task.budget.period, 0, 0, 0],
              [scs + i],
            ),
          );
        }
        if (task.irq) {
          // Handler and badged notification are made in the root's scratch slots, bound there,
          // then copied into the task's CNode.
          const { line, badge } = task.irq;
          check(
            `getting IRQ ${line}`,
            yield* irqControlGet(sys, boot.caps.irqControl, line, root, scratch, depth),
          );
          check(
            'minting the notification',
            yield* cnodeMint(
              sys,
              root,
              scratch + 1,
              depth,
              root,
              notifications + i,
              depth,
              Rights.All,
              badge,
            ),
          );
          check('binding the line', yield* irqHandlerSetNotification(sys, scratch, scratch + 1));
          for (const [slot, from] of [
            [SLOT.irqHandler, scratch],
            [SLOT.notification, scratch + 1],
          ] as const) {
            check(
              'giving the handler caps',
              yield* cnodeCopy(sys, cnode, slot, TASK_RADIX, root, from, depth, Rights.All),
            );
            check('clearing the scratch slot', yield* cnodeDelete(sys, root, from, depth));
          }
        }
        report.tcbSlots.push(tcbs + i);
      }
      for (let i = 0; i < n; i++) check(`resuming task ${i}`, yield* tcbResume(sys, tcbs + i));
      report.started = true;
      if (after) yield* after(sys, boot, report);
    };
}

/** Boots and runs a scenario on a fresh ArmV8mPort. */
export function runScenario(
  programs:
    | Record<string, HostTask>
    | ((port: ArmV8mPort, report: RootReport) => Record<string, HostTask>),
  tasks: readonly TaskSpec[],
  options: {
    port?: ArmV8mPortOptions;
    after?: (sys: Sys, boot: BootInfo, report: RootReport) => Generator<number, void, void>;
    /** Root priority (default 255: the root finishes set-up before any task runs). */
    rootPriority?: number;
    /** Runs the booted system (default: the host executor until idle, checking invariants). */
    drive?: (system: HostSystem) => void;
  } = {},
): Scenario {
  let system: HostSystem | undefined;
  const port = new ArmV8mPort({ now: () => system?.kernel.now ?? 0, ...options.port });
  const report: RootReport = { tcbSlots: [], buffers: [], started: false };
  const trace = new TraceRecorder();
  system = bootSystem({
    trace: trace.sink,
    root: rootTask(tasks, report, options.after),
    programs: typeof programs === 'function' ? programs(port, report) : programs,
    port,
    ...(options.rootPriority !== undefined ? { rootPriority: options.rootPriority } : {}),
  });
  if (options.drive) options.drive(system);
  else system.run({ checkInvariants: true });
  const s = system;
  return {
    system: s,
    port,
    report,
    trace,
    tcbs: () =>
      s.kernel
        .threads()
        .filter((t) => t !== s.rootThread)
        .sort((a, b) => a.id - b.id),
  };
}
