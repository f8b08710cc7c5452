// The runnable example: a root task retypes untyped memory into endpoints, TCBs, CNodes,
// scheduling contexts, reply objects and regions, builds a client and a server, starts them,
// and they exchange messages and a capability while the invariant checker runs after every step.
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
import { describe, expect, it } from 'vitest';
import { bootSystem } from '../src/boot';
import { TraceRecorder } from '../src/trace';

// Child CSpace layout (radix 4, guard 28 so CPtrs resolve at depth 32).
const CHILD = { ep: 1, reply: 2, ntfn: 3, received: 4 } as const;
const CHILD_RADIX = 4;

const server: HostTask = function* (ctx) {
  const sys = new Sys(ctx);
  sys.setReceiveSlot(0, CHILD.received, WORD_BITS);
  let badge = yield* sys.recv(CHILD.ep, CHILD.reply);
  for (;;) {
    // Echo the sum of the MRs, the badge and how many caps came along.
    let sum = 0;
    for (let i = 0; i < sys.length; i++) sum += sys.getMR(i);
    sys.setMR(0, sum);
    sys.setMR(1, badge);
    sys.setMR(2, sys.extraCaps);
    if (sys.extraCaps > 0) yield* sys.signal(CHILD.received);
    badge = yield* sys.replyRecv(CHILD.ep, encodeMessageInfo(0, 3), CHILD.reply);
  }
};

const answers: number[][] = [];
let signalled = -1;
const client: HostTask = function* (ctx) {
  const sys = new Sys(ctx);
  for (let round = 1; round <= 3; round++) {
    for (let i = 0; i < 6; i++) sys.setMR(i, round * 10 + i);
    if (round === 3) sys.setCap(0, CHILD.ntfn);
    yield* sys.call(CHILD.ep, encodeMessageInfo(1, 6, round === 3 ? 1 : 0));
    answers.push([sys.getMR(0), sys.getMR(1), sys.getMR(2)]);
  }
  signalled = yield* sys.wait(CHILD.ntfn);
};

function rootTask(boot: BootInfo): HostTask {
  return function* (ctx) {
    const sys = new Sys(ctx);
    const root = boot.caps.rootCNode;
    const D = boot.rootCNodeDepth;
    const ut = boot.untyped.find((u) => u.sizeBits >= 14)!.cptr;
    let free = boot.emptySlots[0];
    const alloc = (n: number) => {
      const at = free;
      free += n;
      return at;
    };
    const retype = function* (type: number, bits: number, n: number) {
      const at = alloc(n);
      const e = yield* untypedRetype(sys, ut, type, bits, root, 0, 0, at, n);
      if (e !== 0) throw new Error(`retype ${type} failed with ${e}`);
      return at;
    };
    const ep = yield* retype(ObjectType.Endpoint, 0, 1);
    const ntfn = yield* retype(ObjectType.Notification, 0, 1);
    const tcbs = yield* retype(ObjectType.Tcb, 0, 2);
    const cnodes = yield* retype(ObjectType.CNode, CHILD_RADIX, 2);
    const scs = yield* retype(ObjectType.SchedContext, 8, 2);
    const replies = yield* retype(ObjectType.Reply, 0, 2);
    const regions = yield* retype(ObjectType.Region, 10, 2);
    const programs = [boot.programs.server!, boot.programs.client!];
    for (let i = 0; i < 2; i++) {
      const cn = cnodes + i;
      // The server gets a badge-less endpoint cap with Read; the client a badged one with Grant.
      if (i === 0)
        yield* cnodeCopy(
          sys,
          cn,
          CHILD.ep,
          CHILD_RADIX,
          root,
          ep,
          D,
          Rights.Read | Rights.Write | Rights.Grant,
        );
      else
        yield* cnodeMint(
          sys,
          cn,
          CHILD.ep,
          CHILD_RADIX,
          root,
          ep,
          D,
          Rights.Write | Rights.Grant,
          0xc1,
        );
      yield* cnodeCopy(sys, cn, CHILD.reply, CHILD_RADIX, root, replies + i, D, Rights.All);
      if (i === 1)
        yield* cnodeMint(sys, cn, CHILD.ntfn, CHILD_RADIX, root, ntfn, D, Rights.All, 0x4);
      expect(yield* regionGetInfo(sys, regions + i)).toBe(0);
      const bufferBase = sys.getMR(0);
      expect(yield* regionMap(sys, regions + i, tcbs + i, Rights.ReadWrite)).toBe(0);
      expect(
        yield* tcbConfigure(sys, tcbs + i, cn, WORD_BITS - CHILD_RADIX, regions + i, bufferBase),
      ).toBe(0);
      const regs = new Array<number>(16).fill(0);
      regs[ctx.convention.pcRegister] = programs[i]!;
      expect(yield* tcbWriteRegisters(sys, tcbs + i, false, regs)).toBe(0);
      expect(
        yield* tcbSetSchedParams(
          sys,
          tcbs + i,
          boot.caps.rootTcb,
          200,
          i === 0 ? 150 : 100,
          scs + i,
          0,
        ),
      ).toBe(0);
    }
    expect(yield* tcbResume(sys, tcbs)).toBe(0);
    expect(yield* tcbResume(sys, tcbs + 1)).toBe(0);
  };
}

describe('example: a root task builds a client and a server', () => {
  it('retypes, configures, starts them, and they exchange messages and a cap with invariants green', () => {
    const trace = new TraceRecorder();
    const system = bootSystem({ root: rootTask, programs: { server, client }, trace: trace.sink });
    const result = system.run({ checkInvariants: true });
    expect(result.reason).toBe('idle');
    // sum of 10..15, 20..25, 30..35; badge 0xc1; caps 0, 0, 1.
    expect(answers).toEqual([
      [75, 0xc1, 0],
      [135, 0xc1, 0],
      [195, 0xc1, 1],
    ]);
    expect(signalled).toBe(0x4);
    expect(system.kernel.checkInvariants()).toEqual([]);
    expect(trace.ofKind('ipc').length).toBeGreaterThanOrEqual(6);
    expect(trace.ofKind('fault')).toEqual([]);
  });

  it('is deterministic: two runs give the same trace, event for event', () => {
    const run = () => {
      const trace = new TraceRecorder();
      bootSystem({ root: rootTask, programs: { server, client }, trace: trace.sink }).run();
      return JSON.stringify(trace.events);
    };
    const a = run();
    expect(a.length).toBeGreaterThan(1000);
    expect(run()).toBe(a);
  });
});
