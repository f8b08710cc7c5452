// The ping-pong system: a root task retypes untyped memory into an endpoint, two TCBs, their
// CNodes, scheduling contexts, reply objects and IPC-buffer regions, then starts `pong` (a
// server that answers on the endpoint) and `ping` (a client that calls it). Both log through the
// kernel's Log syscall with defmt frames; the host decodes them with the shared table.
import {
  type BootInfo,
  encodeMessageInfo,
  type HostTask,
  LogLevel,
  ObjectType,
  Rights,
  WORD_BITS,
} from '@k5/abi';
import { FrameDisplay, FrameEncoder, LogFormatter, StreamDecoder } from '@k5/defmt';
import { bootSystem, type HostSystem, type Tcb } from '@k5/kernel';
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
import { LOG_TABLE, Log } from './log-table';

/** Slots of each task's own CNode. */
const SLOT = { endpoint: 1, reply: 2 } as const;
const TASK_RADIX = 4;
/** The badge the root task mints into ping's endpoint capability. */
const PING_BADGE = 0x91;

const encoder = new FrameEncoder(LOG_TABLE);

function* log(sys: Sys, level: number, index: number, args: readonly number[]) {
  yield* sys.log(level, encoder.encode(index, args));
}

const pong: HostTask = function* (ctx) {
  const sys = new Sys(ctx);
  yield* log(sys, LogLevel.Info, Log.serverReady, [SLOT.endpoint]);
  let badge = yield* sys.recv(SLOT.endpoint, SLOT.reply);
  for (;;) {
    const n = sys.getMR(0);
    const answer = (sys.getMR(1) ^ 0xffff) >>> 0;
    yield* sys.work(200);
    yield* log(sys, LogLevel.Debug, Log.pong, [n, badge, answer]);
    sys.setMR(0, answer);
    badge = yield* sys.replyRecv(SLOT.endpoint, encodeMessageInfo(0, 1), SLOT.reply);
  }
};

function makePing(rounds: number): HostTask {
  return function* (ctx) {
    const sys = new Sys(ctx);
    for (let n = 1; n <= rounds; n++) {
      const payload = (0x1000 * n + n) >>> 0;
      yield* log(sys, LogLevel.Info, Log.ping, [n, payload]);
      sys.setMR(0, n);
      sys.setMR(1, payload);
      yield* sys.call(SLOT.endpoint, encodeMessageInfo(0, 2));
      const reply = sys.getMR(0);
      const expected = (payload ^ 0xffff) >>> 0;
      if (reply === expected) yield* log(sys, LogLevel.Info, Log.reply, [n, reply]);
      else yield* log(sys, LogLevel.Error, Log.mismatch, [n, reply, expected]);
      yield* sys.work(500);
    }
    yield* log(sys, LogLevel.Info, Log.done, [rounds]);
  };
}

function rootTask(boot: BootInfo): HostTask {
  return function* (ctx) {
    const sys = new Sys(ctx);
    const root = boot.caps.rootCNode;
    const depth = boot.rootCNodeDepth;
    const untyped = boot.untyped.find((u) => u.sizeBits >= 14);
    if (!untyped) throw new Error('ping-pong needs 16 KiB of untyped memory');
    let free = boot.emptySlots[0];
    const retype = function* (type: number, sizeBits: number, count: number) {
      const at = free;
      free += count;
      const error = yield* untypedRetype(sys, untyped.cptr, type, sizeBits, root, 0, 0, at, count);
      if (error !== 0) throw new Error(`retype of object type ${type} failed with error ${error}`);
      return at;
    };
    const endpoint = yield* retype(ObjectType.Endpoint, 0, 1);
    const tcbs = yield* retype(ObjectType.Tcb, 0, 2);
    const cnodes = yield* retype(ObjectType.CNode, TASK_RADIX, 2);
    const scs = yield* retype(ObjectType.SchedContext, 8, 2);
    const replies = yield* retype(ObjectType.Reply, 0, 2);
    const buffers = yield* retype(ObjectType.Region, 10, 2);
    // Task 0 is pong (the server, higher priority), task 1 is ping.
    const tasks = [
      { program: boot.programs.pong!, priority: 150, rights: Rights.Read | Rights.Write, badge: 0 },
      {
        program: boot.programs.ping!,
        priority: 100,
        // Call needs GrantReply (or Grant), or seL4 makes the caller inactive instead.
        rights: Rights.Write | Rights.GrantReply,
        badge: PING_BADGE,
      },
    ];
    for (const [i, task] of tasks.entries()) {
      const cnode = cnodes + i;
      const check = (what: string, error: number) => {
        if (error !== 0) throw new Error(`${what} for task ${i} failed with error ${error}`);
      };
      if (task.badge === 0) {
        check(
          'copying the endpoint',
          yield* cnodeCopy(
            sys,
            cnode,
            SLOT.endpoint,
            TASK_RADIX,
            root,
            endpoint,
            depth,
            task.rights,
          ),
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
            task.rights,
            task.badge,
          ),
        );
      }
      check(
        'copying the reply object',
        yield* cnodeCopy(sys, cnode, SLOT.reply, TASK_RADIX, root, replies + i, depth, Rights.All),
      );
      check('reading the buffer region', yield* regionGetInfo(sys, buffers + i));
      const bufferBase = sys.getMR(0);
      check(
        'mapping the IPC buffer',
        yield* regionMap(sys, buffers + i, tcbs + i, Rights.ReadWrite),
      );
      check(
        'configuring the TCB',
        yield* tcbConfigure(sys, tcbs + i, cnode, WORD_BITS - TASK_RADIX, buffers + i, bufferBase),
      );
      const registers = new Array<number>(16).fill(0);
      registers[ctx.convention.pcRegister] = task.program;
      check('writing registers', yield* tcbWriteRegisters(sys, tcbs + i, false, registers));
      check(
        'setting scheduling parameters',
        yield* tcbSetSchedParams(sys, tcbs + i, boot.caps.rootTcb, 200, task.priority, scs + i, 0),
      );
    }
    for (let i = 0; i < tasks.length; i++) {
      const error = yield* tcbResume(sys, tcbs + i);
      if (error !== 0) throw new Error(`resuming task ${i} failed with error ${error}`);
    }
  };
}

/** One decoded log line and who wrote it. */
export interface DemoLogLine {
  readonly task: string;
  readonly time: number;
  readonly text: string;
}

/** What a run of the demo did. */
export interface DemoResult {
  readonly system: HostSystem;
  readonly lines: readonly DemoLogLine[];
  /** Frames the host could not decode (should be 0). */
  readonly malformed: number;
}

/** Options of {@link runPingPong}. */
export interface DemoOptions {
  /** Round trips ping makes (default 5). */
  readonly rounds?: number;
  /** Called with each decoded log line as it arrives. */
  readonly onLine?: (line: DemoLogLine) => void;
  /** Run the kernel's invariant checker after every kernel entry. */
  readonly checkInvariants?: boolean;
}

/** Boots the system, runs it until nothing is runnable, and returns the decoded logs. */
export function runPingPong(options: DemoOptions = {}): DemoResult {
  const lines: DemoLogLine[] = [];
  const decoder = new StreamDecoder(LOG_TABLE);
  const display = new FrameDisplay(LOG_TABLE, decoder.frames.formats);
  const formatter = new LogFormatter({ format: '{L} {s}' });
  let malformed = 0;
  let system: HostSystem | undefined;
  // Host programs keep their entry address in the PC register, so the PC names the task.
  const taskName = (thread: number): string => {
    const k = system!.kernel;
    const tcb = k.object(thread) as Tcb | undefined;
    if (!tcb || tcb === system!.rootThread) return 'root';
    const pc = k.port.readRegister(tcb.context, k.port.convention.pcRegister);
    const entry = Object.entries(system!.boot.programs).find(([, at]) => at === pc);
    return entry?.[0] ?? `thread ${thread}`;
  };
  system = bootSystem({
    root: rootTask,
    programs: { pong, ping: makePing(options.rounds ?? 5) },
    onLog: (thread, _level, bytes) => {
      decoder.push(bytes);
      for (let e = decoder.next(); e !== undefined; e = decoder.next()) {
        if (e.kind !== 'frame') {
          malformed++;
          continue;
        }
        const line: DemoLogLine = {
          task: taskName(thread),
          time: system!.kernel.now,
          text: formatter.format({
            level: e.frame.level,
            timestamp: '',
            message: display.message(e.frame),
          }),
        };
        lines.push(line);
        options.onLine?.(line);
      }
    },
  });
  system.run({ checkInvariants: options.checkInvariants ?? false });
  return { system, lines, malformed };
}
