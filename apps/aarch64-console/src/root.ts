// The root task: builds the console system from untyped memory and then exits.
// - per task (server, supervisor, hello, counter, rogue): TCB, CNode, scheduling context,
//   reply object and a 4 KiB IPC-buffer region;
// - per client: a 4 KiB shared buffer, mapped read/write into the client and (through a copy
//   of the cap) into the server, and registered with the server under the client's badge;
// - the UART region, retyped from the untyped at the UART's address and mapped into the
//   server only (the port maps it as Device-nGnRE memory);
// - console endpoint caps: unbadged with Read for the server, badged Write+GrantReply for
//   clients; fault endpoint caps badged per client, received by the supervisor.
// Relies on board.ts, protocol.ts and @k5/userspace's invocation wrappers.

import {
  type BootInfo,
  encodeMessageInfo,
  type HostTask,
  ObjectType,
  Rights,
  WORD_BITS,
} from '@k5/abi';
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
import { UART_BASE } from './board';
import { Badge, Op, Slot, Status } from './protocol';

const TASK_RADIX = 4;
const PAGE_BITS = 12;

/** A task the root starts. */
interface TaskSpec {
  readonly program: string;
  readonly priority: number;
  /** The client's badge (0 for the server). */
  readonly badge: number;
}

/** Server first (highest priority), then the supervisor, then the clients. */
const TASKS: readonly TaskSpec[] = [
  { program: 'console', priority: 200, badge: 0 },
  { program: 'supervisor', priority: 150, badge: Badge.supervisor },
  { program: 'hello', priority: 100, badge: Badge.hello },
  { program: 'counter', priority: 100, badge: Badge.counter },
  { program: 'rogue', priority: 100, badge: Badge.rogue },
];

/** The root task of the console system. */
export function consoleRoot(boot: BootInfo): HostTask {
  return function* (ctx) {
    const sys = new Sys(ctx);
    const root = boot.caps.rootCNode;
    const depth = boot.rootCNodeDepth;
    const uartUntyped = boot.untyped.find((u) => u.base === UART_BASE);
    if (uartUntyped === undefined)
      throw new Error(`no untyped at the UART's address 0x${UART_BASE.toString(16)}`);
    const memory = [...boot.untyped]
      .filter((u) => u !== uartUntyped)
      .sort((a, b) => b.sizeBits - a.sizeBits)[0]!;
    let free = boot.emptySlots[0];
    const ok = (what: string, error: number) => {
      if (error !== 0) throw new Error(`${what} failed with error ${error}`);
    };
    const retype = function* (type: number, bits: number, n: number, from = memory.cptr) {
      const at = free;
      free += n;
      ok(
        `retyping object type ${type}`,
        yield* untypedRetype(sys, from, type, bits, root, 0, 0, at, n),
      );
      return at;
    };
    const copy = function* (src: number) {
      const at = free++;
      ok('copying a cap', yield* cnodeCopy(sys, root, at, depth, root, src, depth, Rights.All));
      return at;
    };
    const n = TASKS.length;
    const consoleEp = yield* retype(ObjectType.Endpoint, 0, 1);
    const faultEp = yield* retype(ObjectType.Endpoint, 0, 1);
    const tcbs = yield* retype(ObjectType.Tcb, 0, n);
    const cnodes = yield* retype(ObjectType.CNode, TASK_RADIX, n);
    const scs = yield* retype(ObjectType.SchedContext, 8, n);
    const replies = yield* retype(ObjectType.Reply, 0, n);
    const ipcBuffers = yield* retype(ObjectType.Region, PAGE_BITS, n);
    const shared = yield* retype(ObjectType.Region, PAGE_BITS, n - 1);
    const uart = yield* retype(ObjectType.Region, PAGE_BITS, 1, uartUntyped.cptr);

    const baseOf = function* (region: number) {
      ok('reading a region', yield* regionGetInfo(sys, region));
      return sys.getMR(0);
    };
    const server = tcbs;
    const registrations: { badge: number; base: number }[] = [];
    for (const [i, task] of TASKS.entries()) {
      const cn = cnodes + i;
      const tcb = tcbs + i;
      const registers: Record<number, number> = {};
      if (task.badge === 0) {
        ok(
          'the server endpoint cap',
          yield* cnodeCopy(sys, cn, Slot.console, TASK_RADIX, root, consoleEp, depth, Rights.Read),
        );
      } else {
        ok(
          'a client endpoint cap',
          yield* cnodeMint(
            sys,
            cn,
            Slot.console,
            TASK_RADIX,
            root,
            consoleEp,
            depth,
            Rights.Write | Rights.GrantReply,
            task.badge,
          ),
        );
      }
      ok(
        'the reply cap',
        yield* cnodeCopy(sys, cn, Slot.reply, TASK_RADIX, root, replies + i, depth, Rights.All),
      );
      const ipcBase = yield* baseOf(ipcBuffers + i);
      ok('mapping the IPC buffer', yield* regionMap(sys, ipcBuffers + i, tcb, Rights.ReadWrite));
      ok(
        'configuring',
        yield* tcbConfigure(sys, tcb, cn, WORD_BITS - TASK_RADIX, ipcBuffers + i, ipcBase),
      );
      let faultCap = 0;
      if (task.program === 'supervisor') {
        ok(
          'the fault endpoint (receive)',
          yield* cnodeCopy(sys, cn, Slot.faults, TASK_RADIX, root, faultEp, depth, Rights.Read),
        );
      }
      if (task.badge === 0) {
        ok('mapping the UART', yield* regionMap(sys, uart, tcb, Rights.ReadWrite));
        registers[9] = UART_BASE;
      } else {
        const buffer = shared + i - 1;
        const base = yield* baseOf(buffer);
        ok(
          'mapping a shared buffer (client)',
          yield* regionMap(sys, buffer, tcb, Rights.ReadWrite),
        );
        const serverCopy = yield* copy(buffer);
        ok(
          'mapping a shared buffer (server)',
          yield* regionMap(sys, serverCopy, server, Rights.ReadWrite),
        );
        registers[9] = base;
        registers[10] = 1 << PAGE_BITS;
        registers[11] = UART_BASE; // only the rogue uses it
        if (task.program !== 'supervisor') {
          faultCap = free++;
          ok(
            'a badged fault endpoint',
            yield* cnodeMint(
              sys,
              root,
              faultCap,
              depth,
              root,
              faultEp,
              depth,
              Rights.Write | Rights.GrantReply,
              task.badge,
            ),
          );
        }
        // Registered with the server once it runs (below).
        registrations.push({ badge: task.badge, base });
      }
      const values = new Array<number>(ctx.convention.pcRegister + 1).fill(0);
      for (const [r, v] of Object.entries(registers)) values[Number(r)] = v;
      values[ctx.convention.pcRegister] = boot.programs[task.program]!;
      ok('writing registers', yield* tcbWriteRegisters(sys, tcb, false, values));
      ok(
        'scheduling parameters',
        yield* tcbSetSchedParams(
          sys,
          tcb,
          boot.caps.rootTcb,
          task.priority,
          task.priority,
          scs + i,
          faultCap,
        ),
      );
    }
    // The server first: it must be waiting before the root tells it which buffer belongs to
    // which badge (the root's endpoint cap is the unbadged original).
    ok('resuming the server', yield* tcbResume(sys, server));
    for (const p of registrations) {
      sys.setMR(0, p.badge);
      sys.setMR(1, p.base);
      sys.setMR(2, 1 << PAGE_BITS);
      yield* sys.call(consoleEp, encodeMessageInfo(Op.Register, 3));
      if (sys.label !== Status.Ok)
        throw new Error(`registering badge ${p.badge}: status ${sys.label}`);
    }
    for (let i = 1; i < n; i++) ok('resuming a client', yield* tcbResume(sys, tcbs + i));
  };
}
