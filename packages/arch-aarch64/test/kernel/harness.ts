// A root task for the kernel scenarios on the AArch64 port: it retypes an endpoint, two
// notifications and, per child, a TCB, a CNode, a scheduling context, a reply object, an
// IPC-buffer region and optionally a data region; maps the regions, writes the child's
// registers (PC = its program; extra values from the spec), sets its priority and fault
// endpoint, resumes every child, then runs the scenario's own root code. Relies on @k5/kernel's
// bootSystem and @k5/userspace's wrappers.

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
  cnodeMint,
  invoke,
  regionGetInfo,
  regionMap,
  Sys,
  tcbConfigure,
  tcbResume,
  tcbSetSchedParams,
  tcbWriteRegisters,
  untypedRetype,
} from '@k5/userspace';
import { Aarch64Port, type Aarch64PortOptions } from '../../src/index';

/** Slots of each child's CNode. */
export const CHILD = { ep: 1, reply: 2, toRoot: 3, toChild: 4 } as const;
const CHILD_RADIX = 4;
const REGION_BITS = 12;

/** One child thread of a scenario. */
export interface ChildSpec {
  /** Program name (a key of the scenario's programs). */
  readonly program: string;
  /** Priority (the root runs at 255). */
  readonly priority: number;
  /** Register values to write besides the PC (index → value). */
  readonly registers?: Readonly<Record<number, number>>;
  /** Whether the root's endpoint becomes the child's fault endpoint. */
  readonly faultHandler?: boolean;
  /** Whether the child gets a second 4 KiB region (besides its IPC buffer) mapped read/write. */
  readonly dataRegion?: boolean;
  /** Budget and period of its scheduling context (SchedControl_ConfigureFlags); default none. */
  readonly budget?: { readonly budget: number; readonly period: number };
}

/** What the root built, for the scenario's root code. */
export interface Built {
  readonly sys: Sys;
  readonly boot: BootInfo;
  /** Root CPtrs of the children's TCBs, in spec order. */
  readonly tcbs: number[];
  /** Root CPtrs of the data regions (-1 when a child has none). */
  readonly dataRegions: number[];
  /** Base addresses of the IPC-buffer regions and data regions (-1 when none). */
  readonly bufferBases: number[];
  readonly dataBases: number[];
  /** The notification the children signal (root CPtr), badge 1 << child index. */
  readonly toRoot: number;
  /** The notification the children wait on (root CPtr). */
  readonly toChild: number;
  /** Root CPtrs of the children's CNodes (radix 4: slots 0-15), in spec order. */
  readonly cnodes: number[];
  /** Takes an empty slot of the root CNode. */
  allocSlot(): number;
}

/** A booted scenario. */
export interface Scenario {
  readonly system: HostSystem;
  readonly port: Aarch64Port;
  readonly trace: TraceRecorder;
  /** Child TCBs in spec order (known once the root has run; valid after `run`). */
  children(): Tcb[];
}

/**
 * Boots a system on a new Aarch64Port whose root builds `children` and then runs `rootCode`.
 * `registers` may derive more register values from what was built (the region bases).
 */
export function bootScenario(options: {
  children: readonly ChildSpec[];
  programs: Record<string, HostTask>;
  rootCode?: (built: Built) => Generator<number, void, void>;
  registers?: (built: Built, child: number) => Record<number, number>;
  port?: Aarch64PortOptions;
  memorySize?: number;
}): Scenario {
  const port = new Aarch64Port(options.port);
  const trace = new TraceRecorder();
  const root = (boot: BootInfo): HostTask =>
    function* (ctx) {
      const sys = new Sys(ctx);
      const D = boot.rootCNodeDepth;
      const rootCNode = boot.caps.rootCNode;
      const ut = [...boot.untyped].sort((a, b) => b.sizeBits - a.sizeBits)[0]!.cptr;
      let free = boot.emptySlots[0];
      const retype = function* (type: number, bits: number, n: number) {
        const at = free;
        free += n;
        const e = yield* untypedRetype(sys, ut, type, bits, rootCNode, 0, 0, at, n);
        if (e !== 0) throw new Error(`retype of type ${type} failed with error ${e}`);
        return at;
      };
      const n = options.children.length;
      const ep = yield* retype(ObjectType.Endpoint, 0, 1);
      const toRoot = yield* retype(ObjectType.Notification, 0, 1);
      const toChild = yield* retype(ObjectType.Notification, 0, 1);
      const tcbs = yield* retype(ObjectType.Tcb, 0, n);
      const cnodes = yield* retype(ObjectType.CNode, CHILD_RADIX, n);
      const scs = yield* retype(ObjectType.SchedContext, 8, n);
      const replies = yield* retype(ObjectType.Reply, 0, n);
      const buffers = yield* retype(ObjectType.Region, REGION_BITS, n);
      const datas = yield* retype(ObjectType.Region, REGION_BITS, n);
      const built: Built = {
        sys,
        boot,
        tcbs: [],
        dataRegions: [],
        bufferBases: [],
        dataBases: [],
        toRoot,
        toChild,
        cnodes: [],
        allocSlot: () => free++,
      };
      for (let i = 0; i < n; i++) {
        const spec = options.children[i]!;
        const cn = cnodes + i;
        const ok = (e: number, what: string) => {
          if (e !== 0) throw new Error(`${what} for child ${i} failed with error ${e}`);
        };
        ok(yield* cnodeCopy(sys, cn, CHILD.ep, CHILD_RADIX, rootCNode, ep, D, Rights.All), 'ep');
        ok(
          yield* cnodeCopy(
            sys,
            cn,
            CHILD.reply,
            CHILD_RADIX,
            rootCNode,
            replies + i,
            D,
            Rights.All,
          ),
          'reply',
        );
        ok(
          yield* cnodeMint(
            sys,
            cn,
            CHILD.toRoot,
            CHILD_RADIX,
            rootCNode,
            toRoot,
            D,
            Rights.All,
            1 << i,
          ),
          'toRoot',
        );
        ok(
          yield* cnodeCopy(sys, cn, CHILD.toChild, CHILD_RADIX, rootCNode, toChild, D, Rights.All),
          'toChild',
        );
        ok(yield* regionGetInfo(sys, buffers + i), 'buffer info');
        const bufferBase = sys.getMR(0);
        ok(yield* regionMap(sys, buffers + i, tcbs + i, Rights.ReadWrite), 'buffer map');
        ok(
          yield* tcbConfigure(sys, tcbs + i, cn, WORD_BITS - CHILD_RADIX, buffers + i, bufferBase),
          'configure',
        );
        built.tcbs.push(tcbs + i);
        built.cnodes.push(cn);
        if (spec.budget) {
          ok(
            yield* invoke(
              sys,
              boot.caps.schedControl,
              InvocationLabel.SchedControlConfigureFlags,
              [spec.budget.budget, spec.budget.period, 0, 0, 0],
              [scs + i],
            ),
            'sched control',
          );
        }
        built.bufferBases.push(bufferBase);
        if (spec.dataRegion) {
          ok(yield* regionGetInfo(sys, datas + i), 'data info');
          built.dataBases.push(sys.getMR(0));
          ok(yield* regionMap(sys, datas + i, tcbs + i, Rights.ReadWrite), 'data map');
          built.dataRegions.push(datas + i);
        } else {
          built.dataBases.push(-1);
          built.dataRegions.push(-1);
        }
      }
      for (let i = 0; i < n; i++) {
        const spec = options.children[i]!;
        const extra = { ...(spec.registers ?? {}), ...(options.registers?.(built, i) ?? {}) };
        const top = Math.max(ctx.convention.pcRegister, ...Object.keys(extra).map(Number));
        const regs = new Array<number>(top + 1).fill(0);
        for (const [r, v] of Object.entries(extra)) regs[Number(r)] = v;
        regs[ctx.convention.pcRegister] = boot.programs[spec.program]!;
        const e1 = yield* tcbWriteRegisters(sys, tcbs + i, false, regs);
        if (e1 !== 0) throw new Error(`write registers failed with ${e1}`);
        const e2 = yield* tcbSetSchedParams(
          sys,
          tcbs + i,
          boot.caps.rootTcb,
          200,
          spec.priority,
          scs + i,
          spec.faultHandler ? ep : 0,
        );
        if (e2 !== 0) throw new Error(`set sched params failed with ${e2}`);
      }
      for (let i = 0; i < n; i++) {
        const e = yield* tcbResume(sys, tcbs + i);
        if (e !== 0) throw new Error(`resume failed with ${e}`);
      }
      if (options.rootCode) yield* options.rootCode(built);
    };
  const system = bootSystem({
    root,
    programs: options.programs,
    port,
    trace: trace.sink,
    ...(options.memorySize === undefined ? {} : { memorySize: options.memorySize }),
  });
  return {
    system,
    port,
    trace,
    children: () =>
      system.kernel
        .threads()
        .filter((t) => t !== system.rootThread)
        .sort((a, b) => a.id - b.id),
  };
}
