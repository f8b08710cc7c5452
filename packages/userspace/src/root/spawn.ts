// Spawning a child task from the root task: its TCB, CNode, scheduling context and IPC buffer
// retyped from untyped memory, capabilities copied or minted into its CNode, extra regions
// mapped, registers written and scheduling parameters set. The same sequence every K5 system
// runs at boot, on any port. Relies on root-env.ts, invoke.ts and @k5/abi.

import { ObjectType, Rights, WORD_BITS } from '@k5/abi';
import {
  cnodeCopy,
  cnodeMint,
  regionGetInfo,
  regionMap,
  tcbConfigure,
  tcbResume,
  tcbSetSchedParams,
  tcbWriteRegisters,
} from '../invoke';
import { expectOk } from './errors';
import type { RootEnv } from './root-env';

/** A capability a child gets in its CNode. @public */
export interface ChildCap {
  /** Slot in the child's CNode. */
  readonly slot: number;
  /** Root CPtr of the capability to copy or mint from. */
  readonly from: number;
  /** Rights of the child's copy (a subset of the original's). */
  readonly rights: number;
  /** Minted with this badge when given, copied otherwise. */
  readonly badge?: number;
}

/** A region of memory mapped for the child besides its IPC buffer. @public */
export interface ChildRegion {
  /** log2 of the size in bytes. */
  readonly sizeBits: number;
  /** Rights the child gets (Read, Write). */
  readonly rights: number;
}

/** What {@link spawn} builds. @public */
export interface ChildPlan {
  /** A name for error messages. */
  readonly name?: string;
  /** Initial program counter (a host program's entry, or code in a region). */
  readonly entry?: number;
  /** The whole register file (its length is the port's register count); overrides `entry`. */
  readonly registers?: readonly number[];
  readonly priority: number;
  /** Maximum controlled priority (default: `priority`). */
  readonly mcp?: number;
  readonly caps?: readonly ChildCap[];
  readonly regions?: readonly ChildRegion[];
  /** Root CPtr of the endpoint faults go to (default 0: none, the thread stops on a fault). */
  readonly faultEndpoint?: number;
  /** log2 of the child CNode's slot count (default 4; CPtrs resolve at depth 32 via the guard). */
  readonly cnodeRadix?: number;
  /** log2 of the scheduling context's size (default 8). */
  readonly schedContextBits?: number;
  /** log2 of the IPC buffer region's size (default 10). */
  readonly ipcBufferBits?: number;
  /**
   * Called with the bases of the extra regions before the registers are written (to load code
   * there); may return the register file to use.
   */
  readonly beforeStart?: (regionBases: readonly number[]) => readonly number[] | undefined;
  /** Resume the child at the end (default false). */
  readonly start?: boolean;
}

/** Root CPtrs and addresses of a spawned child. @public */
export interface Child {
  readonly tcb: number;
  readonly cnode: number;
  readonly schedContext: number;
  readonly ipcBuffer: number;
  readonly ipcBufferBase: number;
  /** Root CPtrs of the extra regions, in plan order. */
  readonly regions: readonly number[];
  /** Base addresses of the extra regions, in plan order. */
  readonly regionBases: readonly number[];
}

/** Builds one child thread from the root task's untyped memory. @public */
export function* spawn(env: RootEnv, plan: ChildPlan): Generator<number, Child, void> {
  const { sys, boot } = env;
  const who = plan.name ? ` for ${plan.name}` : '';
  const root = boot.caps.rootCNode;
  const depth = boot.rootCNodeDepth;
  const radix = plan.cnodeRadix ?? 4;
  const tcb = yield* env.retype(ObjectType.Tcb, 0);
  const cnode = yield* env.retype(ObjectType.CNode, radix);
  const schedContext = yield* env.retype(ObjectType.SchedContext, plan.schedContextBits ?? 8);
  const ipcBuffer = yield* env.retype(ObjectType.Region, plan.ipcBufferBits ?? 10);
  for (const c of plan.caps ?? []) {
    const code =
      c.badge === undefined
        ? yield* cnodeCopy(sys, cnode, c.slot, radix, root, c.from, depth, c.rights)
        : yield* cnodeMint(sys, cnode, c.slot, radix, root, c.from, depth, c.rights, c.badge);
    expectOk(`giving slot ${c.slot}${who}`, code);
  }
  expectOk(`reading the IPC buffer region${who}`, yield* regionGetInfo(sys, ipcBuffer));
  const ipcBufferBase = sys.getMR(0);
  expectOk(`mapping the IPC buffer${who}`, yield* regionMap(sys, ipcBuffer, tcb, Rights.ReadWrite));
  const regions: number[] = [];
  const regionBases: number[] = [];
  for (const r of plan.regions ?? []) {
    const region = yield* env.retype(ObjectType.Region, r.sizeBits);
    expectOk(`reading a region${who}`, yield* regionGetInfo(sys, region));
    regions.push(region);
    regionBases.push(sys.getMR(0));
    expectOk(`mapping a region${who}`, yield* regionMap(sys, region, tcb, r.rights));
  }
  expectOk(
    `configuring the TCB${who}`,
    yield* tcbConfigure(sys, tcb, cnode, WORD_BITS - radix, ipcBuffer, ipcBufferBase),
  );
  let registers = plan.beforeStart?.(regionBases) ?? plan.registers;
  if (!registers) {
    const convention = sys.ctx.convention;
    const file = new Array<number>(convention.registerNames.length).fill(0);
    file[convention.pcRegister] = plan.entry ?? 0;
    registers = file;
  }
  expectOk(`writing registers${who}`, yield* tcbWriteRegisters(sys, tcb, false, registers));
  expectOk(
    `setting scheduling parameters${who}`,
    yield* tcbSetSchedParams(
      sys,
      tcb,
      boot.caps.rootTcb,
      plan.mcp ?? plan.priority,
      plan.priority,
      schedContext,
      plan.faultEndpoint ?? 0,
    ),
  );
  if (plan.start) expectOk(`resuming${who}`, yield* tcbResume(sys, tcb));
  return { tcb, cnode, schedContext, ipcBuffer, ipcBufferBase, regions, regionBases };
}
