// Test fixture: a booted system with one host-task enclave built by a real root task
// (@k5/userspace's loadEnclave and spawnEnclaveThread: Retype, Enclave_Load from an image region,
// Enclave_AddThread), an endpoint the enclave serves
// on, and slots for ordinary tasks the scenarios add. The invariant checker runs after every
// kernel entry in every scenario that uses it.

import { type BootInfo, type HostTask, ObjectType, Rights } from '@k5/abi';
import {
  type ChildCap,
  expectOk,
  loadEnclave,
  RootEnv,
  type Sys as SysType,
  spawn,
  spawnEnclaveThread,
  Sys,
  tcbResume,
} from '@k5/userspace';
import { bootSystem, type HostSystem } from '../../src/boot';
import type { DeviceIdentity } from '../../src/enclave/device-identity';
import { hostEnclaveImage } from '../../src/host/enclave-image';
import { TraceRecorder } from '../../src/trace';

/** CPtrs in every child's CNode. */
export const SLOT = { ep: 1, reply: 2, enclave: 3, faultEp: 4, enclaveTcb: 5 } as const;
/** Enclave layout: 4 KiB, image at 0, IPC buffer and stack top at 0xC00. */
export const ENCLAVE_BITS = 12;
export const ENTRY_OFFSET = 0x100;
export const IPC_OFFSET = 0xc00;
export const STACK_SIZE = 0x400;
/** Where the enclave keeps its secret word. */
export const SECRET_OFFSET = 0x800;

/** An ordinary task the scenario adds, with the caps it gets. */
export interface ExtraTask {
  readonly name: string;
  readonly task: HostTask;
  readonly priority: number;
  /** Gets a Write+GrantReply cap to the enclave's endpoint. */
  readonly client?: boolean;
  /** Gets a full cap to the enclave object. */
  readonly enclaveCap?: boolean;
  /** Its faults go to the fault endpoint (a task receiving there is the handler). */
  readonly faultHandled?: boolean;
  /** Receives on the fault endpoint (Read cap at SLOT.faultEp). */
  readonly faultHandler?: boolean;
  /** Receives on the enclave's endpoint (Read cap at SLOT.ep): the enclave is its client. */
  readonly server?: boolean;
  /** Gets a full cap to the enclave's thread at SLOT.enclaveTcb. */
  readonly enclaveTcbCap?: boolean;
}

export interface EnclaveSystemOptions {
  readonly entries: readonly HostTask[];
  readonly name?: string;
  readonly extra?: readonly ExtraTask[];
  readonly deviceSecret?: Uint8Array;
  readonly device?: DeviceIdentity;
  /** The enclave thread's faults go to the fault endpoint. */
  readonly enclaveFaultHandled?: boolean;
  /** Runs in the root task after the enclave started (more checks from inside the root). */
  readonly rootAfter?: (
    sys: SysType,
    env: RootEnv,
    caps: RootCaps,
  ) => Generator<number, void, void>;
  readonly enclavePriority?: number;
  /** The enclave gets a Write+GrantReply cap to the endpoint (it calls out) instead of Read. */
  readonly enclaveIsClient?: boolean;
}

export interface RootCaps {
  readonly enclave: number;
  readonly enclaveTcb: number;
  readonly ep: number;
  readonly faultEp: number;
  readonly tcbs: Readonly<Record<string, number>>;
}

export interface EnclaveSystem {
  readonly s: HostSystem;
  readonly trace: TraceRecorder;
  readonly image: Uint8Array;
  rootError(): unknown;
}

/** Boots the system; nothing has run yet. */
export function enclaveSystem(options: EnclaveSystemOptions): EnclaveSystem {
  const name = options.name ?? 'test-enclave';
  const image = hostEnclaveImage(name, options.entries);
  const trace = new TraceRecorder();
  let error: unknown = null;
  const root = (boot: BootInfo): HostTask =>
    function* (ctx) {
      const sys = new Sys(ctx);
      const env = new RootEnv(sys, boot, { minUntypedBits: 16 });
      try {
        const ep = yield* env.retype(ObjectType.Endpoint, 0);
        const faultEp = yield* env.retype(ObjectType.Endpoint, 0);
        const replies = yield* env.retype(ObjectType.Reply, 0, 8);
        const { enclave } = yield* loadEnclave(env, {
          sizeBits: ENCLAVE_BITS,
          image,
          stackSize: STACK_SIZE,
          entryOffsets: options.entries.map((_, i) => ENTRY_OFFSET + i * 0x40),
        });
        const inside = yield* spawnEnclaveThread(env, enclave, {
          name: 'enclave',
          priority: options.enclavePriority ?? 100,
          caps: [
            {
              slot: SLOT.ep,
              from: ep,
              rights: options.enclaveIsClient ? Rights.Write | Rights.GrantReply : Rights.Read,
            },
            { slot: SLOT.reply, from: replies, rights: Rights.All },
            { slot: SLOT.enclave, from: enclave, rights: Rights.All },
          ],
          ...(options.enclaveFaultHandled ? { faultEndpoint: faultEp } : {}),
          entryIndex: 0,
          stackOffset: IPC_OFFSET,
          ipcBufferOffset: IPC_OFFSET,
        });
        const tcbs: Record<string, number> = { enclave: inside.tcb };
        let reply = replies + 1;
        for (const x of options.extra ?? []) {
          const caps: ChildCap[] = [{ slot: SLOT.reply, from: reply++, rights: Rights.All }];
          if (x.client)
            caps.push({ slot: SLOT.ep, from: ep, rights: Rights.Write | Rights.GrantReply });
          if (x.enclaveTcbCap)
            caps.push({ slot: SLOT.enclaveTcb, from: inside.tcb, rights: Rights.All });
          if (x.server) caps.push({ slot: SLOT.ep, from: ep, rights: Rights.Read });
          if (x.enclaveCap) caps.push({ slot: SLOT.enclave, from: enclave, rights: Rights.All });
          if (x.faultHandler) caps.push({ slot: SLOT.faultEp, from: faultEp, rights: Rights.All });
          const child = yield* spawn(env, {
            name: x.name,
            entry: boot.programs[x.name]!,
            priority: x.priority,
            caps,
            regions: [{ sizeBits: 8, rights: Rights.ReadWrite }],
            ...(x.faultHandled ? { faultEndpoint: faultEp } : {}),
            start: false,
          });
          tcbs[x.name] = child.tcb;
        }
        const caps: RootCaps = { enclave, enclaveTcb: inside.tcb, ep, faultEp, tcbs };
        expectOk('resume enclave', yield* tcbResume(sys, inside.tcb));
        for (const x of options.extra ?? [])
          expectOk(`resume ${x.name}`, yield* tcbResume(sys, tcbs[x.name]!));
        if (options.rootAfter) yield* options.rootAfter(sys, env, caps);
      } catch (e) {
        error = e;
      }
    };
  const programs: Record<string, HostTask> = {};
  for (const x of options.extra ?? []) programs[x.name] = x.task;
  const s = bootSystem({
    root,
    programs,
    trace: trace.sink,
    rootPriority: 200,
    ...(options.deviceSecret ? { deviceSecret: options.deviceSecret } : {}),
    ...(options.device ? { device: options.device } : {}),
  });
  s.executor.addEnclaveProgram(name, options.entries);
  return { s, trace, image, rootError: () => error };
}

/** The one enclave's memory. */
export function enclaveOf(s: HostSystem): { base: number; size: number; id: number } {
  const e = s.kernel.enclaves()[0]!;
  return { base: e.base, size: e.size, id: e.id };
}
