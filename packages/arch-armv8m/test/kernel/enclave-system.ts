// A booted K5 system on ArmV8mPort with one kernel Enclave object: the root (with @k5/userspace's
// loadEnclave and spawnEnclaveThread) retypes a 4 KiB Enclave, loads a host-task enclave image
// into it from a region (Enclave_Load: the kernel copies, measures and calls port.addEnclave),
// spawns a thread and makes it the enclave's (Enclave_AddThread: port.setEnclave), resumes it, and spawns the ordinary tasks a scenario asks
// for, each with a 256-byte region of its own. Relies on @k5/kernel's bootSystem and
// hostEnclaveImage and on @k5/userspace's root helpers.

import { type BootInfo, type HostTask, ObjectType, Rights } from '@k5/abi';
import { bootSystem, type HostSystem, hostEnclaveImage } from '@k5/kernel';
import {
  type ChildCap,
  loadEnclave,
  RootEnv,
  type Sys as SysType,
  Sys,
  spawn,
  spawnEnclaveThread,
} from '@k5/userspace';
import { ArmV8mPort, type ArmV8mPortOptions } from '../../src/index';

/** CPtrs in every child's CNode. */
export const SLOT = { ep: 1, reply: 2, faultEp: 3 } as const;
export const ENCLAVE_BITS = 12;
/** Entry i lies at ENTRY_OFFSET + i * 0x40 from the enclave's base. */
export const ENTRY_OFFSET = 0x100;
export const IPC_OFFSET = 0xc00;
export const STACK_SIZE = 0x400;

/** An ordinary task of the scenario. */
export interface OrdinaryTask {
  readonly name: string;
  readonly task: HostTask;
  readonly priority: number;
  /** Its faults go to the fault endpoint. */
  readonly faultHandled?: boolean;
  /** It receives on the fault endpoint. */
  readonly faultHandler?: boolean;
}

/** What the root built, for `rootAfter`. */
export interface RootCaps {
  readonly env: RootEnv;
  readonly enclave: number;
  readonly enclaveTcb: number;
}

export interface EnclaveScenario {
  readonly system: HostSystem;
  readonly port: ArmV8mPort;
  /** What the root task threw, or null. */
  rootError(): unknown;
}

/** Boots the scenario; nothing has run yet. */
export function enclaveScenario(options: {
  readonly entries: readonly HostTask[];
  readonly tasks?: readonly OrdinaryTask[];
  readonly port?: ArmV8mPortOptions;
  readonly rootAfter?: (sys: SysType, caps: RootCaps) => Generator<number, void, void>;
}): EnclaveScenario {
  const name = 'armv8m-enclave';
  const image = hostEnclaveImage(name, options.entries);
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
          priority: 100,
          caps: [
            { slot: SLOT.ep, from: ep, rights: Rights.Read },
            { slot: SLOT.reply, from: replies, rights: Rights.All },
          ],
          entryIndex: 0,
          stackOffset: IPC_OFFSET,
          ipcBufferOffset: IPC_OFFSET,
          start: true,
        });
        let reply = replies + 1;
        for (const t of options.tasks ?? []) {
          const caps: ChildCap[] = [{ slot: SLOT.reply, from: reply++, rights: Rights.All }];
          if (t.faultHandler) caps.push({ slot: SLOT.faultEp, from: faultEp, rights: Rights.All });
          yield* spawn(env, {
            name: t.name,
            entry: boot.programs[t.name]!,
            priority: t.priority,
            caps,
            regions: [{ sizeBits: 8, rights: Rights.ReadWrite }],
            ...(t.faultHandled ? { faultEndpoint: faultEp } : {}),
            start: true,
          });
        }
        if (options.rootAfter)
          yield* options.rootAfter(sys, { env, enclave, enclaveTcb: inside.tcb });
      } catch (e) {
        error = e;
      }
    };
  const programs: Record<string, HostTask> = {};
  for (const t of options.tasks ?? []) programs[t.name] = t.task;
  let system: HostSystem | undefined;
  const port = new ArmV8mPort({ now: () => system?.kernel.now ?? 0, ...options.port });
  system = bootSystem({ root, programs, port, rootPriority: 200 });
  system.executor.addEnclaveProgram(name, options.entries);
  return { system, port, rootError: () => error };
}
