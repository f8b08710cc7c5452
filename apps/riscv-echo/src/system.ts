// The riscv-echo system on RiscvPort: a root task retypes an endpoint, a reply object, two
// TCBs with CNodes, scheduling contexts and IPC buffers, and a 4 KiB region for the C client;
// it loads echo-client.elf into that region and starts the TypeScript server (priority 150)
// and the client (priority 100, badge 0xc1, its own TCB in slot 2 so it can suspend itself).
// The MachineCodeRunner runs the client on the reference hart in U mode under its PMP layout
// and the server as a host task; both log defmt frames through the kernel.
import { readFileSync } from 'node:fs';
import { type BootInfo, type HostTask, ObjectType, Rights, WORD_BITS } from '@k5/abi';
import { bootRiscvSystem, type PmpEntryDescription, type RiscvSystem } from '@k5/arch-riscv';
import { loadDefmtTable } from '@k5/defmt';
import type { Tcb } from '@k5/kernel';
import {
  cnodeCopy,
  cnodeMint,
  regionGetInfo,
  regionMap,
  Sys,
  tcbConfigure,
  tcbResume,
  tcbSetSchedParams,
  tcbWriteRegisters,
  untypedRetype,
} from '@k5/userspace';
import { loadTaskElf } from './load-elf';
import { type EchoLogLine, TaskLogs } from './logs';
import { SERVER_LOG_TABLE } from './log-table';
import { echoServer, SERVER_SLOT } from './server';

/** The committed client image (built by c/build.sh). */
export const CLIENT_ELF = new URL('../c/echo-client.elf', import.meta.url);

const CLIENT_SLOT = { server: 1, self: 2 } as const;
const CLIENT_BADGE = 0xc1;
const TASK_RADIX = 4;
const REGISTERS = 33;
const PC = 32;
const SP = 2;
const A0 = 10;
const CLIENT_REGION_BITS = 12;

/** A task's name, thread and PMP entries. */
export interface TaskLayout {
  readonly name: string;
  readonly thread: number;
  readonly pmp: readonly PmpEntryDescription[];
}

/** Options of {@link runRiscvEcho}. */
export interface EchoOptions {
  /** Echoes the client sends (default 3). */
  readonly rounds?: number;
  /** Called with each decoded line as it arrives. */
  readonly onLine?: (line: EchoLogLine) => void;
  /** Run the invariant checker after every kernel entry. */
  readonly checkInvariants?: boolean;
}

/** What a run did. */
export interface EchoResult {
  readonly system: RiscvSystem;
  readonly lines: readonly EchoLogLine[];
  readonly malformed: number;
  /** PMP layouts of the client and server, read when both had started. */
  readonly layouts: readonly TaskLayout[];
  /** Where the client's image was loaded. */
  readonly clientBase: number;
}

function check(what: string, error: number): void {
  if (error !== 0) throw new Error(`${what} failed with error ${error}`);
}

/** Boots the system, runs it until nothing is runnable, and returns the decoded logs. */
export function runRiscvEcho(options: EchoOptions = {}): EchoResult {
  const rounds = options.rounds ?? 3;
  const elf = new Uint8Array(readFileSync(CLIENT_ELF));
  const clientTable = loadDefmtTable(elf);
  let system!: RiscvSystem;
  let clientBase = 0;
  // Host programs keep their entry in the pc; the client's pc is inside its code region.
  const taskOf = (thread: number): 'server' | 'client' | undefined => {
    const t = system.kernel.object(thread) as Tcb | undefined;
    if (!t || t === system.rootThread) return undefined;
    const pc = system.port.readRegister(t.context, PC);
    if (pc === system.boot.programs.server) return 'server';
    if (pc >= clientBase && pc < clientBase + 2 ** CLIENT_REGION_BITS) return 'client';
    return undefined;
  };
  const logs = new TaskLogs((thread) => {
    const name = taskOf(thread);
    if (name === undefined) return undefined;
    return { name, table: name === 'server' ? SERVER_LOG_TABLE : clientTable };
  }, options.onLine);

  const root = (boot: BootInfo): HostTask =>
    function* (ctx) {
      const sys = new Sys(ctx);
      const rootCNode = boot.caps.rootCNode;
      const depth = boot.rootCNodeDepth;
      const untyped = boot.untyped.find((u) => u.sizeBits >= 14);
      if (!untyped) throw new Error('riscv-echo needs 16 KiB of untyped memory');
      let free = boot.emptySlots[0];
      const retype = function* (type: number, sizeBits: number, count = 1) {
        const at = free;
        free += count;
        check(
          `retype of object type ${type}`,
          yield* untypedRetype(sys, untyped.cptr, type, sizeBits, rootCNode, 0, 0, at, count),
        );
        return at;
      };
      const endpoint = yield* retype(ObjectType.Endpoint, 0);
      const reply = yield* retype(ObjectType.Reply, 0);
      const tcbs = yield* retype(ObjectType.Tcb, 0, 2);
      const cnodes = yield* retype(ObjectType.CNode, TASK_RADIX, 2);
      const scs = yield* retype(ObjectType.SchedContext, 8, 2);
      const buffers = yield* retype(ObjectType.Region, 10, 2);
      const code = yield* retype(ObjectType.Region, CLIENT_REGION_BITS);
      const [server, client] = [0, 1];
      const copy = function* (i: number, slot: number, from: number, rights: number) {
        check(
          'copy',
          yield* cnodeCopy(sys, cnodes + i, slot, TASK_RADIX, rootCNode, from, depth, rights),
        );
      };
      yield* copy(server, SERVER_SLOT.endpoint, endpoint, Rights.Read);
      yield* copy(server, SERVER_SLOT.reply, reply, Rights.All);
      check(
        'mint',
        yield* cnodeMint(
          sys,
          cnodes + client,
          CLIENT_SLOT.server,
          TASK_RADIX,
          rootCNode,
          endpoint,
          depth,
          Rights.Write | Rights.GrantReply,
          CLIENT_BADGE,
        ),
      );
      yield* copy(client, CLIENT_SLOT.self, tcbs + client, Rights.All);

      // The client's code region: the ELF goes in, its stack grows down from the top.
      check('code region info', yield* regionGetInfo(sys, code));
      clientBase = sys.getMR(0);
      const image = loadTaskElf(elf, clientBase, 2 ** CLIENT_REGION_BITS, (a, b) =>
        system.runner.load(a, b),
      );
      check('code map', yield* regionMap(sys, code, tcbs + client, Rights.ReadWrite));

      for (const i of [server, client]) {
        check('buffer info', yield* regionGetInfo(sys, buffers + i));
        const bufferBase = sys.getMR(0);
        check('buffer map', yield* regionMap(sys, buffers + i, tcbs + i, Rights.ReadWrite));
        check(
          'configure',
          yield* tcbConfigure(
            sys,
            tcbs + i,
            cnodes + i,
            WORD_BITS - TASK_RADIX,
            buffers + i,
            bufferBase,
          ),
        );
        const regs = new Array<number>(REGISTERS).fill(0);
        if (i === server) regs[PC] = boot.programs.server!;
        else {
          regs[PC] = image.entry;
          regs[SP] = clientBase + 2 ** CLIENT_REGION_BITS;
          regs[A0] = rounds;
        }
        check('registers', yield* tcbWriteRegisters(sys, tcbs + i, false, regs));
        check(
          'sched params',
          yield* tcbSetSchedParams(
            sys,
            tcbs + i,
            boot.caps.rootTcb,
            200,
            i === server ? 150 : 100,
            scs + i,
            0,
          ),
        );
      }
      for (const i of [server, client]) check('resume', yield* tcbResume(sys, tcbs + i));
    };

  system = bootRiscvSystem({
    root,
    programs: { server: echoServer },
    onLog: (thread, _level, bytes) => logs.push(thread, system.kernel.now, bytes),
  });
  system.run({ checkInvariants: options.checkInvariants ?? false });
  const layouts: TaskLayout[] = [];
  for (const t of system.kernel.threads()) {
    const name = taskOf(t.id);
    if (name) layouts.push({ name, thread: t.id, pmp: system.port.describePmp(t.context) });
  }
  layouts.sort((a, b) => a.name.localeCompare(b.name));
  return {
    system,
    lines: logs.lines,
    malformed: logs.malformed + logs.unknown,
    layouts,
    clientBase,
  };
}
