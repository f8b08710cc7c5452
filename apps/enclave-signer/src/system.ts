// The signer system: a root task builds, with @k5/userspace, a storage task, the signer enclave
// (Retype Enclave, the image copied into an ordinary region, Enclave_Load, a thread added at
// entry 0 and given an MCS budget), two clients, a rogue task and a supervisor that receives
// the enclave's and the rogue's faults on a badged notification. The host runs it under
// `runAsync` (the tasks await WebCrypto) and advances time whenever every thread waits for a
// release (the enclave's budget refill, its delayed restart).

import { type BootInfo, type HostTask, ObjectType, Rights } from '@k5/abi';
import {
  type DeviceIdentity,
  type HostSystem,
  hostEnclaveImage,
  type TraceEvent,
  TraceRecorder,
} from '@k5/kernel';
import {
  cnodeMint,
  expectOk,
  loadEnclave,
  RootEnv,
  schedControlConfigureFlags,
  spawn,
  spawnEnclaveThread,
  Sys,
  tcbResume,
  tcbSetSupervisor,
} from '@k5/userspace';
import { type BoardName, bootOnBoard } from './boards';
import { emptyFindings, type Findings } from './findings';
import {
  BADGE,
  ENCLAVE_BITS,
  ENCLAVE_BUDGET,
  ENCLAVE_NAME,
  ENTRY_OFFSET,
  IPC_OFFSET,
  PRIORITY,
  SLOT,
  STACK_SIZE,
} from './layout';
import { signerEnclave } from './signer-enclave';
import { type Flash, ordinaryPrograms } from './tasks';

/** Options of {@link runSignerSystem}. */
export interface SignerSystemOptions {
  readonly board: BoardName;
  /** The device's sealing secret (keep it to boot the same device again). */
  readonly deviceSecret: Uint8Array;
  /** The device's attestation identity. */
  readonly device?: DeviceIdentity;
  /** The storage task's flash; pass the same object to boot the same device again. */
  readonly flash?: Flash;
  /** The enclave's entry task (default the signer; a variant to show what a changed one gets). */
  readonly enclaveEntry?: HostTask;
  /** Run the kernel's invariant checker after every kernel entry (default true). */
  readonly checkInvariants?: boolean;
}

/** One line the enclave logged. */
export interface EnclaveLogLine {
  readonly time: number;
  readonly thread: number;
  readonly text: string;
}

/** What a run produced. */
export interface SignerRun {
  readonly board: BoardName;
  readonly system: HostSystem;
  readonly findings: Findings;
  readonly flash: Flash;
  readonly trace: readonly TraceEvent[];
  readonly logs: readonly EnclaveLogLine[];
  /** The enclave image that was loaded and the layout it was loaded with. */
  readonly image: Uint8Array;
  /** Thread names by kernel object id (the enclave's thread is `[enclave signer]`). */
  readonly names: ReadonlyMap<number, string>;
  /** Set when the root task failed to build the system. */
  readonly rootError: unknown;
}

/** The story takes under 2,000 ticks; a run still waking threads long after has gone wrong. */
const MAX_TICKS = 100_000;

/** The enclave thread's name in outputs. */
export const ENCLAVE_THREAD = `[enclave ${ENCLAVE_NAME}]`;

function rootTask(boot: BootInfo, image: Uint8Array, onError: (e: unknown) => void): HostTask {
  return function* root(ctx) {
    const sys = new Sys(ctx);
    const env = new RootEnv(sys, boot, { minUntypedBits: 16 });
    const rootCNode = boot.caps.rootCNode;
    const depth = boot.rootCNodeDepth;
    try {
      const signerEp = yield* env.retype(ObjectType.Endpoint, 0);
      const storageEp = yield* env.retype(ObjectType.Endpoint, 0);
      const events = yield* env.retype(ObjectType.Notification, 0);
      const replies = yield* env.retype(ObjectType.Reply, 0, 2);

      // The enclave: its memory from untyped, its image through an ordinary region.
      const { enclave } = yield* loadEnclave(env, {
        name: 'the signer',
        sizeBits: ENCLAVE_BITS,
        image,
        stackSize: STACK_SIZE,
        entryOffsets: [ENTRY_OFFSET],
      });
      const inside = yield* spawnEnclaveThread(env, enclave, {
        name: 'enclave thread',
        priority: PRIORITY.enclave,
        caps: [
          { slot: SLOT.signer, from: signerEp, rights: Rights.Read },
          { slot: SLOT.reply, from: replies, rights: Rights.All },
          { slot: SLOT.storage, from: storageEp, rights: Rights.Write | Rights.GrantReply },
          { slot: SLOT.enclave, from: enclave, rights: Rights.All },
        ],
        entryIndex: 0,
        stackOffset: IPC_OFFSET,
        ipcBufferOffset: IPC_OFFSET,
      });
      expectOk(
        "configuring the enclave's budget",
        yield* schedControlConfigureFlags(sys, boot.caps.schedControl, inside.schedContext, {
          budget: ENCLAVE_BUDGET.budget,
          period: ENCLAVE_BUDGET.period,
        }),
      );

      const storage = yield* spawn(env, {
        name: 'storage',
        entry: boot.programs.storage!,
        priority: PRIORITY.storage,
        caps: [
          { slot: SLOT.storage, from: storageEp, rights: Rights.Read },
          { slot: SLOT.reply, from: replies + 1, rights: Rights.All },
        ],
      });
      const client = {
        slot: SLOT.signer,
        from: signerEp,
        rights: Rights.Write | Rights.GrantReply,
      };
      const clientA = yield* spawn(env, {
        name: 'client-a',
        entry: boot.programs['client-a']!,
        priority: PRIORITY.clientA,
        caps: [client],
      });
      const clientB = yield* spawn(env, {
        name: 'client-b',
        entry: boot.programs['client-b']!,
        priority: PRIORITY.clientB,
        caps: [client],
      });
      const rogue = yield* spawn(env, {
        name: 'rogue',
        entry: boot.programs.rogue!,
        priority: PRIORITY.rogue,
      });

      // Faults of the enclave thread and of the rogue signal the supervisor, badged by source.
      for (const [tcb, badge] of [
        [inside.tcb, BADGE.enclave],
        [rogue.tcb, BADGE.rogue],
      ] as const) {
        const slot = env.allocSlots(1);
        expectOk(
          'minting a supervisor badge',
          yield* cnodeMint(
            sys,
            rootCNode,
            slot,
            depth,
            rootCNode,
            events,
            depth,
            Rights.Write,
            badge,
          ),
        );
        expectOk('naming the supervisor', yield* tcbSetSupervisor(sys, tcb, slot));
      }
      const supervisor = yield* spawn(env, {
        name: 'supervisor',
        entry: boot.programs.supervisor!,
        priority: PRIORITY.supervisor,
        caps: [
          { slot: SLOT.events, from: events, rights: Rights.Read },
          { slot: SLOT.enclaveTcb, from: inside.tcb, rights: Rights.All },
          { slot: SLOT.rogueTcb, from: rogue.tcb, rights: Rights.All },
        ],
      });

      for (const t of [supervisor, storage, inside, clientA, clientB, rogue])
        expectOk('starting a task', yield* tcbResume(sys, t.tcb));
    } catch (e) {
      onError(e);
    }
  };
}

/** Names of the threads by kernel object id. */
function threadNames(system: HostSystem): Map<number, string> {
  const names = new Map<number, string>();
  const port = system.kernel.port;
  const entries = Object.entries(system.boot.programs);
  const enclaveThreads = new Set(system.kernel.enclaves().flatMap((e) => e.threads));
  for (const t of system.kernel.threads()) {
    if (t === system.rootThread) names.set(t.id, 'root');
    else if (enclaveThreads.has(t.id)) names.set(t.id, ENCLAVE_THREAD);
    else {
      const pc = port.readRegister(t.context, port.convention.pcRegister);
      names.set(t.id, entries.find(([, entry]) => entry === pc)?.[0] ?? `thread ${t.id}`);
    }
  }
  return names;
}

/** Boots the signer system on a board and runs it until every task waits for good. */
export async function runSignerSystem(options: SignerSystemOptions): Promise<SignerRun> {
  const findings = emptyFindings();
  const flash = options.flash ?? { blob: null };
  const entry = options.enclaveEntry ?? signerEnclave;
  const image = hostEnclaveImage(ENCLAVE_NAME, [entry]);
  const trace = new TraceRecorder();
  const logs: EnclaveLogLine[] = [];
  let rootError: unknown = null;
  let system: HostSystem | undefined;
  const board = bootOnBoard(options.board, {
    root: (boot) =>
      rootTask(boot, image, (e) => {
        rootError = e;
      }),
    programs: ordinaryPrograms(findings, flash, () => {
      const e = system!.kernel.enclaves()[0];
      if (!e) throw new Error('the rogue started before the enclave was loaded');
      return { base: e.base, size: e.size };
    }),
    trace: trace.sink,
    rootPriority: PRIORITY.root,
    deviceSecret: options.deviceSecret,
    ...(options.device ? { device: options.device } : {}),
    onLog: (thread, _level, bytes) =>
      logs.push({ time: system!.kernel.now, thread, text: new TextDecoder().decode(bytes) }),
  });
  system = board.system;
  board.addEnclaveProgram(ENCLAVE_NAME, [entry]);
  const kernel = system.kernel;
  const checkInvariants = options.checkInvariants ?? true;
  for (;;) {
    await board.runAsync({ checkInvariants });
    // Idle: every thread waits. Go on at the next timer deadline (a refill, a restart).
    const deadline = kernel.deadline;
    if (deadline === null) break;
    if (deadline > MAX_TICKS)
      throw new Error(`the signer system was still busy after ${MAX_TICKS} ticks`);
    kernel.advance(Math.max(deadline - kernel.now, 1));
  }
  return {
    board: options.board,
    system,
    findings,
    flash,
    trace: trace.events,
    logs,
    image,
    names: threadNames(system),
    rootError,
  };
}
