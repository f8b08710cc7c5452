// The embedded system: rp2040js's RP2040 with the K5 kernel on an ArmV8mPort configured like
// the M0+ (8 MPU regions, 32 interrupt lines, 2 priority bits). The kernel's RAM is the first
// 256 KiB of the RP2040's SRAM (0x2000_0000); the adapter's vector table and handler stack sit
// in the last 8 KiB banks, which the kernel does not own. A TypeScript root task spawns the
// Thumb tasks from the committed ELFs (server, client, two spinners, faulter) each with its own
// 1 KiB code-and-stack region, and a TypeScript fault handler that receives the faulter's
// fault; then the EmbeddedRunner runs them all on the core, checking their accesses with the
// M0+'s PMSAv7 MPU (or the port's PMSAv8 model).
import { readFileSync } from 'node:fs';
import { type BootInfo, FaultLabel, type HostTask, ObjectType, Rights } from '@k5/abi';
import { ArmV8mPort, type WordMemory, XPSR_T } from '@k5/arch-armv8m';
import { bootSystem, type Kernel, type PhysicalMemory, type Tcb } from '@k5/kernel';
import {
  RootEnv,
  Sys,
  schedControlConfigureFlags,
  spawn,
  tcbResume,
  type ChildPlan,
} from '@k5/userspace';
import { RP2040 } from 'rp2040js';
import { CoreBridge } from './core-bridge';
import { EmbeddedRunner } from './embedded-runner';
import { GuardedBus } from './guarded-bus';
import { loadThumbElf } from './load-elf';
import { M0PlusMpu, PortMpu, type ThreadMpu } from './thread-mpu';

/** The Thumb tasks of the system. */
export type TaskName = 'server' | 'client' | 'spinner-a' | 'spinner-b' | 'faulter';

const ELF_FILES: Record<TaskName, string> = {
  server: 'server.elf',
  client: 'client.elf',
  'spinner-a': 'spinner.elf',
  'spinner-b': 'spinner.elf',
  faulter: 'faulter.elf',
};

/** The committed task image of `name` (built by c/build.sh). */
export function taskElf(name: TaskName): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../c/${ELF_FILES[name]}`, import.meta.url)));
}

const RAM_BASE = 0x2000_0000;
const RAM_SIZE = 256 * 1024;
/** SRAM4/SRAM5 of the RP2040, outside the kernel's RAM. */
const VECTOR_BASE = 0x2004_0000;
const TASK_REGION_BITS = 10;
const CLIENT_BADGE = 0xc1;
const REGISTER_COUNT = 17;
const SP = 13;
const PC = 15;
const XPSR = 16;

/** Options of {@link bootEmbedded}. */
export interface EmbeddedOptions {
  /** Requests the client sends (default 8). */
  readonly rounds?: number;
  /** Budget = period of each spinner's round-robin scheduling context, in cycles (default 4,000). */
  readonly spinnerBudget?: number;
  /** Cycles a thread runs before PendSV switches it out regardless (default 50,000). */
  readonly sliceCycles?: number;
  /**
   * The MPU model that checks thread accesses: the M0+'s own PMSAv7 (default) or the port's
   * PMSAv8 model, which the kernel programs on every switch.
   */
  readonly mpu?: 'pmsav7' | 'pmsav8';
  /** Leave out tasks (for focused runs). */
  readonly without?: readonly TaskName[];
}

/** A fault the fault handler received. */
export interface ReceivedFault {
  readonly label: number;
  readonly words: readonly number[];
  readonly time: number;
}

/** A Log syscall from a task. */
export interface TaskLog {
  readonly task: TaskName | 'unknown';
  readonly level: number;
  readonly bytes: Uint8Array;
  readonly time: number;
}

/** A booted embedded system. */
export interface EmbeddedSystem {
  readonly mcu: RP2040;
  readonly kernel: Kernel;
  readonly port: ArmV8mPort;
  readonly bus: GuardedBus;
  readonly mpu: ThreadMpu;
  readonly bridge: CoreBridge;
  readonly runner: EmbeddedRunner;
  /** Code-and-stack region base of each task, once the root task has spawned it. */
  readonly regions: Map<TaskName, number>;
  readonly faults: ReceivedFault[];
  readonly logs: TaskLog[];
  /** The task whose region holds thread `t`'s PC. */
  taskOf(t: Tcb): TaskName | undefined;
}

/** Word access to the kernel's RAM for the port's exception frames, bound once it exists. */
class KernelRamWords implements WordMemory {
  ram: PhysicalMemory | null = null;
  readWord(address: number): number {
    return this.bound().read32(address);
  }
  writeWord(address: number, value: number): void {
    this.bound().write32(address, value);
  }
  private bound(): PhysicalMemory {
    if (this.ram === null) throw new Error('the kernel RAM is not attached yet');
    return this.ram;
  }
}

/** Boots the kernel on rp2040js and spawns the tasks; call `runner.run` to run them. */
export function bootEmbedded(options: EmbeddedOptions = {}): EmbeddedSystem {
  const rounds = options.rounds ?? 8;
  const spinnerBudget = options.spinnerBudget ?? 4000;
  const without = new Set(options.without ?? []);
  const mcu = new RP2040();
  const words = new KernelRamWords();
  let kernel: Kernel | null = null;
  const port = new ArmV8mPort({
    mpuRegions: 8,
    irqs: 32,
    priorityBits: 2,
    now: () => kernel?.now ?? 0,
    memory: words,
  });
  const regions = new Map<TaskName, number>();
  const faults: ReceivedFault[] = [];
  const logs: TaskLog[] = [];
  const taskOf = (t: Tcb): TaskName | undefined => {
    const pc = port.readRegister(t.context, PC);
    for (const [name, base] of regions) {
      if (pc >= base && pc < base + 2 ** TASK_REGION_BITS) return name;
    }
    return undefined;
  };

  const faultHandler: HostTask = function* (ctx) {
    const sys = new Sys(ctx);
    for (;;) {
      yield* sys.recv(1, 2);
      const words = Array.from({ length: sys.length }, (_, i) => sys.getMR(i));
      faults.push({ label: sys.label, words, time: kernel?.now ?? 0 });
    }
  };

  const root = (boot: BootInfo): HostTask =>
    function* (ctx) {
      const sys = new Sys(ctx);
      const env = new RootEnv(sys, boot, { minUntypedBits: 16 });
      const ram = kernel!.memory;
      const endpoint = yield* env.retype(ObjectType.Endpoint, 0);
      const park = yield* env.retype(ObjectType.Endpoint, 0);
      const faultEndpoint = yield* env.retype(ObjectType.Endpoint, 0);
      const replies = yield* env.retype(ObjectType.Reply, 0, 2);
      const thumbTask = (
        name: TaskName,
        plan: Omit<ChildPlan, 'regions' | 'beforeStart'>,
        args: number[],
      ) => ({
        ...plan,
        name,
        regions: [{ sizeBits: TASK_REGION_BITS, rights: Rights.ReadWrite }],
        beforeStart: ([base]: readonly number[]) => {
          const size = 2 ** TASK_REGION_BITS;
          const image = loadThumbElf(taskElf(name), base!, size, (a, bytes) =>
            ram.bytes.set(bytes, a - ram.base),
          );
          regions.set(name, base!);
          const regs = new Array<number>(REGISTER_COUNT).fill(0);
          args.forEach((v, i) => {
            regs[i] = v;
          });
          regs[SP] = base! + size;
          regs[PC] = image.entry;
          regs[XPSR] = XPSR_T;
          return regs;
        },
      });
      const plans: { name: TaskName; plan: ChildPlan; budget: number }[] = [
        {
          name: 'server',
          plan: thumbTask(
            'server',
            {
              priority: 150,
              caps: [
                { slot: 1, from: endpoint, rights: Rights.Read },
                { slot: 2, from: replies, rights: Rights.All },
              ],
            },
            [],
          ),
          budget: 0,
        },
        {
          name: 'client',
          plan: thumbTask(
            'client',
            {
              priority: 100,
              caps: [
                {
                  slot: 1,
                  from: endpoint,
                  rights: Rights.Write | Rights.GrantReply,
                  badge: CLIENT_BADGE,
                },
                { slot: 2, from: park, rights: Rights.Read },
              ],
            },
            [rounds, CLIENT_BADGE],
          ),
          budget: 0,
        },
        {
          name: 'faulter',
          // Its target is the first word of the RAM, which no task is granted.
          plan: thumbTask('faulter', { priority: 120, faultEndpoint }, [RAM_BASE]),
          budget: 0,
        },
        {
          name: 'spinner-a',
          plan: thumbTask('spinner-a', { priority: 50 }, [1]),
          budget: spinnerBudget,
        },
        {
          name: 'spinner-b',
          plan: thumbTask('spinner-b', { priority: 50 }, [2]),
          budget: spinnerBudget,
        },
      ];
      const handler = yield* spawn(env, {
        name: 'fault handler',
        entry: boot.programs.faultHandler!,
        priority: 200,
        caps: [
          { slot: 1, from: faultEndpoint, rights: Rights.Read },
          { slot: 2, from: replies + 1, rights: Rights.All },
        ],
      });
      const started = [handler];
      for (const { name, plan, budget } of plans) {
        if (without.has(name)) continue;
        const child = yield* spawn(env, plan);
        if (budget > 0) {
          const code = yield* schedControlConfigureFlags(
            sys,
            boot.caps.schedControl,
            child.schedContext,
            {
              budget,
              period: budget,
            },
          );
          if (code !== 0)
            throw new Error(`configuring ${name}'s scheduling context failed: ${code}`);
        }
        started.push(child);
      }
      for (const child of started) {
        const code = yield* tcbResume(sys, child.tcb);
        if (code !== 0) throw new Error(`resuming a task failed: ${code}`);
      }
    };

  let rootTask: HostTask | undefined;
  const system = bootSystem({
    root: (info) => {
      rootTask = root(info);
      return rootTask;
    },
    programs: { faultHandler },
    port,
    memoryBase: RAM_BASE,
    memorySize: RAM_SIZE,
    onLog: (thread, level, bytes) => {
      const t = system.kernel.object(thread) as Tcb | undefined;
      logs.push({ task: (t && taskOf(t)) ?? 'unknown', level, bytes, time: system.kernel.now });
    },
  });
  kernel = system.kernel;
  words.ram = kernel.memory;
  const hostPrograms = new Map<number, HostTask>();
  for (const [name, entry] of Object.entries(system.executor.entries())) {
    if (name === 'faultHandler') hostPrograms.set(entry, faultHandler);
    else if (rootTask) hostPrograms.set(entry, rootTask);
  }
  const bus = new GuardedBus(mcu.core, kernel.memory);
  const mpu = options.mpu === 'pmsav8' ? new PortMpu(port) : new M0PlusMpu(port);
  const bridge = new CoreBridge(mcu, port, bus, mpu, VECTOR_BASE);
  bridge.boot();
  const runner = new EmbeddedRunner(kernel, port, bridge, hostPrograms, mpu, options.sliceCycles);
  return { mcu, kernel, port, bus, mpu, bridge, runner, regions, faults, logs, taskOf };
}

export { FaultLabel };
