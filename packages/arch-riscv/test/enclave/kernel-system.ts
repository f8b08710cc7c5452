// Kernel scenarios with real Enclave objects on RiscvPort: a root task (@k5/userspace's
// loadEnclave and spawnEnclaveThread) retypes an enclave, loads a machine-code image into it
// (Enclave_Load), makes a fresh thread the enclave's (Enclave_AddThread) with a budget-limited scheduling context, and adds
// ordinary host or machine-code tasks beside it. The enclave program loads x1..x30 from a table
// in its image, counts x31 down from COUNT, stores x1..x30 to its results area and stops on an
// ebreak, so preemptions in the middle must leave its registers exactly as they were.
import { type BootInfo, type HostTask, ObjectType } from '@k5/abi';
import type { Tcb } from '@k5/kernel';
import {
  type Child,
  type ChildCap,
  type ChildPlan,
  expectOk,
  loadEnclave,
  RootEnv,
  schedControlConfigureFlags,
  Sys,
  spawn,
  spawnEnclaveThread,
  tcbResume,
} from '@k5/userspace';
import { bootRiscvSystem, type RiscvSystem, type TakenInterrupt } from '../../src/index';
import { addi, assemble, auipc, bne, ebreak, lw, sw } from '../asm';

export const ENCLAVE_BITS = 12;
export const TABLE = 0x200;
export const COUNT = TABLE + 30 * 4;
export const RESULTS = 0x300;
export const IMAGE_LENGTH = RESULTS;
export const STACK_OFFSET = 0xc00;
export const IPC_OFFSET = 0xc00;
/** Offset of the second auipc (the results base). */
const STORE_BASE = 4 * (1 + 30 + 1 + 2);

/** The enclave image for x1..x30 = `values` and `spins` iterations of the count-down. */
export function enclaveImage(values: readonly number[], spins: number): Uint8Array {
  const code = [
    auipc(31, 0),
    ...values.map((_, i) => lw(i + 1, 31, TABLE + 4 * i)),
    lw(31, 31, COUNT),
    addi(31, 31, -1),
    bne(31, 0, -4),
    auipc(31, 0),
    ...values.map((_, i) => sw(i + 1, 31, RESULTS - STORE_BASE + 4 * i)),
    ebreak(),
  ];
  const image = new Uint8Array(IMAGE_LENGTH);
  image.set(assemble(code));
  const view = new DataView(image.buffer);
  values.forEach((v, i) => {
    view.setUint32(TABLE + 4 * i, v >>> 0, true);
  });
  view.setUint32(COUNT, spins, true);
  return image;
}

/** A task beside the enclave. */
export interface Neighbour extends Omit<ChildPlan, 'start'> {
  /** Budget and period of its scheduling context (default 1000 of 1000). */
  readonly budget?: readonly [number, number];
}

export interface EnclaveScenario {
  readonly image: Uint8Array;
  /** Budget and period of the enclave thread. */
  readonly budget: readonly [number, number];
  readonly enclavePriority: number;
  /** Capabilities the enclave thread gets. */
  readonly enclaveCaps?: (caps: ScenarioCaps) => ChildCap[];
  /** Tasks beside it, built from the root's env after the enclave thread. */
  readonly neighbours?: (env: RootEnv, caps: ScenarioCaps) => Neighbour[];
  readonly programs?: Record<string, HostTask>;
  readonly sliceCycles?: number;
  readonly onInterrupt?: (interrupt: TakenInterrupt) => void;
  /** Runs at the end of the root task, given its Sys, env and the enclave's root CPtr. */
  readonly rootAfter?: (sys: Sys, env: RootEnv, enclave: number) => Generator<number, void, void>;
}

/** Root CPtrs of the objects every scenario has. */
export interface ScenarioCaps {
  readonly endpoint: number;
  readonly faultEndpoint: number;
  /** Four reply objects, one per task. */
  readonly replies: readonly number[];
}

export interface BootedScenario {
  readonly system: RiscvSystem;
  /** The enclave thread, once the root has run. */
  enclaveThread(): Tcb;
  /** The enclave's memory, once loaded. */
  enclaveMemory(): { base: number; size: number };
  rootError(): unknown;
  children(): readonly Child[];
}

/** Boots the scenario; nothing has run yet. */
export function bootEnclaveScenario(s: EnclaveScenario): BootedScenario {
  let error: unknown = null;
  const children: Child[] = [];
  let system!: RiscvSystem;
  const root = (boot: BootInfo): HostTask =>
    function* (ctx) {
      const sys = new Sys(ctx);
      const env = new RootEnv(sys, boot);
      try {
        const replies = yield* env.retype(ObjectType.Reply, 0, 4);
        const caps: ScenarioCaps = {
          endpoint: yield* env.retype(ObjectType.Endpoint, 0),
          faultEndpoint: yield* env.retype(ObjectType.Endpoint, 0),
          replies: [0, 1, 2, 3].map((i) => replies + i),
        };
        const { enclave } = yield* loadEnclave(env, {
          sizeBits: ENCLAVE_BITS,
          image: s.image,
          stackSize: 0x100,
          entryOffsets: [0],
        });
        const inside = yield* spawnEnclaveThread(env, enclave, {
          name: 'enclave',
          priority: s.enclavePriority,
          caps: s.enclaveCaps?.(caps) ?? [],
          entryIndex: 0,
          stackOffset: STACK_OFFSET,
          ipcBufferOffset: IPC_OFFSET,
        });
        const [budget, period] = s.budget;
        expectOk(
          'enclave budget',
          yield* schedControlConfigureFlags(sys, boot.caps.schedControl, inside.schedContext, {
            budget,
            period,
          }),
        );
        children.push(inside);
        for (const n of s.neighbours?.(env, caps) ?? []) {
          const child = yield* spawn(env, { ...n, start: false });
          const [b, p] = n.budget ?? [1000, 1000];
          expectOk(
            'neighbour budget',
            yield* schedControlConfigureFlags(sys, boot.caps.schedControl, child.schedContext, {
              budget: b,
              period: p,
            }),
          );
          children.push(child);
        }
        for (const c of children) expectOk('resume', yield* tcbResume(sys, c.tcb));
        if (s.rootAfter) yield* s.rootAfter(sys, env, enclave);
      } catch (e) {
        error = e;
      }
    };
  system = bootRiscvSystem({
    root,
    programs: s.programs ?? {},
    runner: {
      sliceCycles: s.sliceCycles ?? 10_000,
      ...(s.onInterrupt ? { onInterrupt: s.onInterrupt } : {}),
    },
  });
  const enclaveThread = () => {
    const t = system.kernel.threads().find((x) => x.enclave !== null);
    if (!t) throw new Error('no enclave thread yet');
    return t;
  };
  return {
    system,
    enclaveThread,
    enclaveMemory: () => {
      const e = system.kernel.enclaves()[0]!;
      return { base: e.base, size: e.size };
    },
    rootError: () => error,
    children: () => children,
  };
}
