// Shared root-task steps for the kernel scenarios on the RISC-V port: retype objects from the
// boot untyped, and spawn a child thread with its own CNode, IPC-buffer region, extra mapped
// regions, capabilities copied from the root, registers, priority and fault endpoint.
import { type BootInfo, ObjectType, Rights, WORD_BITS } from '@k5/abi';
import {
  cnodeCopy,
  cnodeMint,
  regionGetInfo,
  regionMap,
  type SchedConfig,
  schedControlConfigureFlags,
  type Sys,
  type TaskStep,
  tcbConfigure,
  tcbSetSchedParams,
  tcbWriteRegisters,
  untypedRetype,
} from '@k5/userspace';

/** Radix of each child's CNode (16 slots; CPtrs resolve at depth 32 through the guard). */
export const CHILD_RADIX = 4;
/** Registers in a RISC-V context: x0..x31, pc. */
export const RISCV_REGISTERS = 33;
export const PC = 32;

/** The root's view of the boot resources. */
export class RootEnv {
  private free: number;
  private readonly ut: number;

  constructor(
    readonly sys: Sys,
    readonly boot: BootInfo,
  ) {
    this.free = boot.emptySlots[0];
    const ut = boot.untyped.find((u) => u.sizeBits >= 14);
    if (!ut) throw new Error('need 16 KiB of untyped memory');
    this.ut = ut.cptr;
  }

  /** Retypes `count` objects into fresh root slots; returns the first slot. */
  *retype(type: number, sizeBits: number, count = 1): TaskStep {
    const at = this.free;
    this.free += count;
    const e = yield* untypedRetype(
      this.sys,
      this.ut,
      type,
      sizeBits,
      this.boot.caps.rootCNode,
      0,
      0,
      at,
      count,
    );
    if (e !== 0) throw new Error(`retype of type ${type} failed with ${e}`);
    return at;
  }
}

/** A capability the child gets in its CNode. */
export interface ChildCap {
  readonly slot: number;
  /** Root CPtr of the original. */
  readonly from: number;
  readonly rights: number;
  /** Minted with this badge when given. */
  readonly badge?: number;
}

/** What to build for one child. */
export interface ChildPlan {
  /** Initial pc (a host program's entry or machine code in RAM). */
  readonly entry?: number;
  /** All 33 registers (pc included); `entry` is ignored when given. */
  readonly registers?: readonly number[];
  readonly priority: number;
  readonly caps?: readonly ChildCap[];
  /** Extra regions (2^sizeBits bytes) mapped with these rights. */
  readonly regions?: readonly { readonly sizeBits: number; readonly rights: number }[];
  /** Root CPtr of an endpoint cap to use as the fault endpoint (0: none). */
  readonly faultEndpoint?: number;
  /** Budget and period of its scheduling context (default: left unconfigured). */
  readonly sched?: SchedConfig;
  /** Called with the extra regions' bases before registers are written (to load code). */
  readonly beforeStart?: (regionBases: readonly number[]) => readonly number[] | undefined;
}

/** The result of {@link spawn}. */
export interface Child {
  readonly tcb: number;
  readonly sc: number;
  readonly bufferBase: number;
  readonly regionBases: readonly number[];
}

function check(what: string, e: number): void {
  if (e !== 0) throw new Error(`${what} failed with error ${e}`);
}

/** Builds a child thread (not resumed). */
export function* spawn(env: RootEnv, plan: ChildPlan): Generator<number, Child, void> {
  const { sys, boot } = env;
  const root = boot.caps.rootCNode;
  const D = boot.rootCNodeDepth;
  const tcb = yield* env.retype(ObjectType.Tcb, 0);
  const cn = yield* env.retype(ObjectType.CNode, CHILD_RADIX);
  const sc = yield* env.retype(ObjectType.SchedContext, 8);
  const buffer = yield* env.retype(ObjectType.Region, 10);
  if (plan.sched) {
    check(
      'sched configure',
      yield* schedControlConfigureFlags(sys, boot.caps.schedControl, sc, plan.sched),
    );
  }
  for (const c of plan.caps ?? []) {
    if (c.badge === undefined)
      check('copy', yield* cnodeCopy(sys, cn, c.slot, CHILD_RADIX, root, c.from, D, c.rights));
    else
      check(
        'mint',
        yield* cnodeMint(sys, cn, c.slot, CHILD_RADIX, root, c.from, D, c.rights, c.badge),
      );
  }
  check('buffer info', yield* regionGetInfo(sys, buffer));
  const bufferBase = sys.getMR(0);
  check('buffer map', yield* regionMap(sys, buffer, tcb, Rights.ReadWrite));
  const regionBases: number[] = [];
  for (const r of plan.regions ?? []) {
    const region = yield* env.retype(ObjectType.Region, r.sizeBits);
    check('region info', yield* regionGetInfo(sys, region));
    regionBases.push(sys.getMR(0));
    check('region map', yield* regionMap(sys, region, tcb, r.rights));
  }
  check(
    'configure',
    yield* tcbConfigure(sys, tcb, cn, WORD_BITS - CHILD_RADIX, buffer, bufferBase),
  );
  let regs = plan.beforeStart?.(regionBases) ?? plan.registers;
  if (!regs) {
    const r = new Array<number>(RISCV_REGISTERS).fill(0);
    r[PC] = plan.entry ?? 0;
    regs = r;
  }
  check('write registers', yield* tcbWriteRegisters(sys, tcb, false, regs));
  check(
    'sched params',
    yield* tcbSetSchedParams(
      sys,
      tcb,
      boot.caps.rootTcb,
      plan.priority,
      plan.priority,
      sc,
      plan.faultEndpoint ?? 0,
    ),
  );
  return { tcb, sc, bufferBase, regionBases };
}
