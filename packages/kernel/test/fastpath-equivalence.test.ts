// The IPC fastpath must be invisible: random multi-thread scenarios (Call, ReplyRecv, Send,
// Recv, NBRecv and Yield with random message lengths, labels, badges, rights, priorities and
// start orders) run step by step on two kernels, one with the fastpath and one without, and
// every thread's registers and IPC buffer, thread states, endpoint queues, reply links, ready
// queues and scheduler state must match after every step, with the invariant checker green.
// A second group checks that the fastpath really fires in the simple case.
import { encodeMessageInfo, IPC_BUFFER_BYTES, Rights } from '@k5/abi';
import type { Sys } from '@k5/userspace';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GenericPort } from '../src/arch/generic-port';
import type { FastpathStats } from '../src/ipc/fastpath';
import { createKernel, type Kernel } from '../src/kernel';
import { configureSchedContext } from '../src/sched/configure';
import { C, digest, type Fixture, makeFixture, type ThreadSpec } from './fixture';

const SOAK = typeof process !== 'undefined' && process.env.K5_SOAK === '1';
const MAX_STEPS = 400;

type Op =
  | { kind: 'call'; ep: number; length: number; label: number }
  | { kind: 'replyRecv'; ep: number; length: number; label: number }
  | { kind: 'send'; ep: number; length: number; label: number }
  | { kind: 'recv'; ep: number; withReply: boolean }
  | { kind: 'nbRecv'; ep: number }
  | { kind: 'yield' }
  | { kind: 'work'; ticks: number };

interface ThreadPlan {
  priority: number;
  badge: number;
  rights: number;
  start: boolean;
  /** A configured budget (MCS), or null for K5's unlimited default. */
  budget: { budget: number; period: number; sporadic: boolean } | null;
  rounds: number;
  ops: Op[];
}

/** The fastpath counters of a kernel (a private, test-only field). */
function stats(kernel: Kernel): FastpathStats | null {
  return (kernel as unknown as { fastpath: FastpathStats | null }).fastpath;
}

function disableFastpath(kernel: Kernel): void {
  (kernel as unknown as { fastpath: FastpathStats | null }).fastpath = null;
}

/** Sets MRs 0..length-1 from a running value, so that received data flows into later sends. */
function fill(sys: Sys, length: number, seed: number): void {
  for (let i = 0; i < length; i++) sys.setMR(i, (seed * 31 + i * 7) >>> 0);
}

/** Folds what the last receive delivered into the running value. */
function absorb(sys: Sys, acc: number): number {
  let v = (acc * 17 + sys.badge + sys.info) >>> 0;
  const n = Math.min(sys.length, 6);
  for (let i = 0; i < n; i++) v = (v * 13 + sys.getMR(i)) >>> 0;
  return v;
}

function body(plan: ThreadPlan): ThreadSpec['body'] {
  return function* (sys) {
    let acc = plan.badge + 1;
    for (let round = 0; round < plan.rounds; round++) {
      for (const op of plan.ops) {
        switch (op.kind) {
          case 'call':
            fill(sys, op.length, acc);
            yield* sys.call(C.ep(op.ep), encodeMessageInfo(op.label, op.length));
            acc = absorb(sys, acc);
            break;
          case 'replyRecv':
            fill(sys, op.length, acc);
            yield* sys.replyRecv(C.ep(op.ep), encodeMessageInfo(op.label, op.length), C.reply);
            acc = absorb(sys, acc);
            break;
          case 'send':
            fill(sys, op.length, acc);
            yield* sys.send(C.ep(op.ep), encodeMessageInfo(op.label, op.length));
            break;
          case 'recv':
            yield* sys.recv(C.ep(op.ep), op.withReply ? C.reply : 0);
            acc = absorb(sys, acc);
            break;
          case 'nbRecv':
            yield* sys.nbRecv(C.ep(op.ep), C.reply);
            acc = absorb(sys, acc);
            break;
          case 'yield':
            yield* sys.yield();
            break;
          case 'work':
            yield* sys.work(op.ticks);
            break;
        }
      }
    }
  };
}

/** Removes the port's optional bulk register copy, so that the fastpath copies one by one. */
function withoutBulkCopy(f: Fixture): void {
  (f.kernel.port as { copyRegisters?: unknown }).copyRegisters = undefined;
}

function build(plans: readonly ThreadPlan[], fastpath: boolean, trace = false): Fixture {
  const f = makeFixture(
    plans.map((p, i) => ({
      name: `t${i}`,
      priority: p.priority,
      badge: p.badge,
      rights: p.rights,
      start: p.start,
      body: body(p),
    })),
    { trace },
  );
  plans.forEach((p, i) => {
    const sc = f.threads[i]!.sc!;
    if (p.budget === null) return;
    const error = configureSchedContext(f.kernel.state, sc, {
      ...p.budget,
      extraRefills: 2,
      badge: i,
    });
    if (error) throw new Error(`bad test budget: ${error.message}`);
  });
  if (!fastpath) disableFastpath(f.kernel);
  recordPortCalls(f);
  return f;
}

const portCalls = new WeakMap<Fixture, string[]>();

/** Logs every context switch and timer setting the kernel tells the port about. */
function recordPortCalls(f: Fixture): void {
  const port = f.kernel.port as GenericPort;
  const log: string[] = [];
  portCalls.set(f, log);
  const switchTo = port.switchTo.bind(port);
  const setTimer = port.setTimer.bind(port);
  port.switchTo = (ctx) => {
    log.push(`switch ${ctx}`);
    switchTo(ctx);
  };
  port.setTimer = (deadline) => {
    log.push(`timer ${deadline}`);
    setTimer(deadline);
  };
}

/** Everything a thread or tool could observe, in a comparable form. */
function snapshot(f: Fixture): string {
  const kernel = f.kernel;
  const k = kernel.state;
  const port = kernel.port;
  const id = (o: { id: number } | null | undefined) => (o ? o.id : '-');
  const parts: string[] = [
    `now=${k.now} current=${id(k.current)} action=${k.action} candidate=${id(k.candidate)}`,
    `consumed=${k.consumed} curSc=${id(k.curSc)} deadline=${k.timerDeadline} reprogram=${k.reprogram}`,
    `release=${k.releaseQueue.map((t) => t.id).join(',')}`,
  ];
  for (const t of f.threads) {
    const regs: number[] = [];
    for (let r = 0; r < port.registerCount; r++) regs.push(port.readRegister(t.context, r));
    const buffer: number[] = [];
    if (t.live && t.ipcBuffer !== 0) {
      for (let a = 0; a < IPC_BUFFER_BYTES; a += 4)
        buffer.push(kernel.memory.read32(t.ipcBuffer + a));
    }
    parts.push(
      `t${t.id} state=${t.state} regs=${regs.join(',')} buf=${buffer.join(',')} ` +
        `on=${id(t.blockedOn)} reply=${id(t.replyObject)} recvReply=${id(t.recvReply)} ` +
        `ready=${t.inReadyQueue} call=${t.sendIsCall} fastMrs=${t.fastMrs} sc=${id(t.sc)} ` +
        `scConsumed=${t.sc?.consumed} refills=${JSON.stringify(t.sc?.refills ?? null)}`,
    );
  }
  for (const ep of f.endpoints)
    parts.push(`ep${ep.id} state=${ep.state} queue=${ep.queue.map((t) => t.id).join(',')}`);
  for (const r of f.replies)
    parts.push(
      `reply${r.id} caller=${id(r.caller)} receiver=${id(r.receiver)} grant=${r.canGrant} leases=${r.leases.length}`,
    );
  for (let p = k.readyHead.length - 1; p >= 0; p--) {
    const q: number[] = [];
    for (let t = k.readyHead[p] ?? null; t !== null; t = t.schedNext) q.push(t.id);
    if (q.length > 0) parts.push(`ready${p}=${q.join(',')}`);
  }
  parts.push(`port: ${portCalls.get(f)?.join('; ')}`);
  parts.push(digest(kernel));
  return parts.join('\n');
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('call' as const),
      ep: fc.integer({ min: 0, max: 1 }),
      length: fc.integer({ min: 0, max: 6 }),
      label: fc.integer({ min: 0, max: 0xfffff }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('replyRecv' as const),
      ep: fc.integer({ min: 0, max: 1 }),
      length: fc.integer({ min: 0, max: 6 }),
      label: fc.integer({ min: 0, max: 0xfffff }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('send' as const),
      ep: fc.integer({ min: 0, max: 1 }),
      length: fc.integer({ min: 0, max: 6 }),
      label: fc.integer({ min: 0, max: 0xfffff }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('recv' as const),
      ep: fc.integer({ min: 0, max: 1 }),
      withReply: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('nbRecv' as const),
      ep: fc.integer({ min: 0, max: 1 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'yield' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('work' as const),
      ticks: fc.integer({ min: 0, max: 40 }),
    }),
  },
);

const planArb: fc.Arbitrary<ThreadPlan> = fc.record({
  priority: fc.constantFrom(90, 100, 100, 110),
  badge: fc.integer({ min: 0, max: 0xffff }),
  rights: fc.constantFrom(
    Rights.All,
    Rights.All,
    Rights.All,
    Rights.ReadWrite | Rights.GrantReply,
    Rights.ReadWrite,
    Rights.Write | Rights.GrantReply,
  ),
  start: fc.constant(true),
  budget: fc.option(
    fc.record({
      budget: fc.integer({ min: 10, max: 60 }),
      period: fc.integer({ min: 60, max: 120 }),
      sporadic: fc.boolean(),
    }),
    { freq: 3 },
  ),
  rounds: fc.integer({ min: 1, max: 4 }),
  ops: fc.array(opArb, { minLength: 1, maxLength: 5 }),
});

/** A server on endpoint 0 (Recv, then ReplyRecv in a loop) among clients that mostly Call it. */
const serverScenarioArb: fc.Arbitrary<ThreadPlan[]> = fc
  .tuple(
    planArb,
    fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 4 }),
    fc.array(
      fc.record({
        plan: planArb,
        ops: fc.array(
          fc.oneof(
            {
              weight: 6,
              arbitrary: fc.record({
                kind: fc.constant('call' as const),
                ep: fc.constant(0),
                length: fc.integer({ min: 0, max: 5 }),
                label: fc.integer({ min: 0, max: 0xfffff }),
              }),
            },
            { weight: 3, arbitrary: opArb },
          ),
          { minLength: 1, maxLength: 4 },
        ),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  )
  .map(([server, replyLengths, clients]) => [
    {
      ...server,
      rounds: 1,
      ops: [
        { kind: 'recv' as const, ep: 0, withReply: true },
        ...Array.from({ length: 12 }, (_, i) => ({
          kind: 'replyRecv' as const,
          ep: 0,
          length: replyLengths[i % replyLengths.length]!,
          label: i,
        })),
      ],
    },
    ...clients.map((c) => ({ ...c.plan, ops: c.ops })),
  ]);

/** Runs both kernels in lock step, comparing after every step; returns the fastpath hits. */
function runBoth(plans: readonly ThreadPlan[], bulkCopy = true): number {
  const fast = build(plans, true);
  const slow = build(plans, false);
  if (!bulkCopy) withoutBulkCopy(fast);
  expect(snapshot(fast)).toBe(snapshot(slow));
  for (let step = 0; step < MAX_STEPS; step++) {
    const a = fast.executor.run({ maxSteps: 1, checkInvariants: true });
    const b = slow.executor.run({ maxSteps: 1, checkInvariants: true });
    expect(a).toEqual(b);
    expect(snapshot(fast)).toBe(snapshot(slow));
    if (a.reason === 'idle') break;
  }
  const s = stats(fast.kernel)!;
  return s.calls + s.replyRecvs;
}

/** A client calling a server that loops on ReplyRecv. */
function clientServer(
  clientPriority: number,
  serverPriority: number,
  length: number,
): ThreadPlan[] {
  return [
    {
      priority: serverPriority,
      badge: 0,
      rights: Rights.All,
      start: true,
      budget: null,
      rounds: 1,
      ops: [
        { kind: 'recv', ep: 0, withReply: true },
        ...Array.from({ length: 8 }, () => ({
          kind: 'replyRecv' as const,
          ep: 0,
          length,
          label: 3,
        })),
      ],
    },
    {
      priority: clientPriority,
      badge: 0x55,
      rights: Rights.All,
      start: true,
      budget: null,
      rounds: 8,
      ops: [{ kind: 'call', ep: 0, length, label: 9 }],
    },
  ];
}

describe('IPC fastpath equivalence', () => {
  it('gives the same registers, memory, states, queues and schedule as the slow path', () => {
    let hits = 0;
    fc.assert(
      fc.property(fc.array(planArb, { minLength: 2, maxLength: 4 }), (plans) => {
        hits += runBoth(plans);
      }),
      { numRuns: SOAK ? 5000 : 300 },
    );
    // Even fully random scenarios must exercise the fastpath, not only its bail-outs.
    expect(hits).toBeGreaterThan(0);
  });

  it('gives the same results in random client/server mixes (where the fastpath mostly fires)', () => {
    let hits = 0;
    fc.assert(
      fc.property(serverScenarioArb, (plans) => {
        hits += runBoth(plans);
      }),
      { numRuns: SOAK ? 5000 : 300 },
    );
    expect(hits).toBeGreaterThan(300);
  });

  it('matches the slow path for every message length and priority order of a client/server', () => {
    for (const length of [0, 1, 2, 3, 4, 5, 6]) {
      for (const [client, server] of [
        [100, 120],
        [120, 100],
        [100, 100],
      ] as const) {
        runBoth(clientServer(client, server, length));
      }
    }
  });

  it('matches the slow path on a port without the bulk register copy', () => {
    let hits = 0;
    for (const length of [0, 1, 3, 4, 5]) {
      for (const [client, server] of [
        [100, 120],
        [120, 100],
      ] as const) {
        hits += runBoth(clientServer(client, server, length), false);
      }
    }
    expect(hits).toBeGreaterThan(0);
  });

  it('emits the same trace with the fastpath enabled (a trace sink makes it bail)', () => {
    const plans = clientServer(100, 120, 4);
    const fast = build(plans, true, true);
    const slow = build(plans, false, true);
    fast.run();
    slow.run();
    expect(fast.trace.events).toEqual(slow.trace.events);
    expect(stats(fast.kernel)).toEqual({ calls: 0, replyRecvs: 0 });
  });
});

describe('IPC fastpath coverage', () => {
  it('rejects a fastpath option that is not a boolean', () => {
    expect(() => createKernel({ fastpath: 'no' as unknown as boolean })).toThrow(
      /fastpath must be true or false/,
    );
    expect(stats(createKernel({ fastpath: false }))).toBeNull();
    expect(stats(createKernel())).toEqual({ calls: 0, replyRecvs: 0 });
  });

  it('takes the fastpath for every Call and ReplyRecv of a simple client/server', () => {
    const f = build(clientServer(100, 120, 4), true);
    f.run();
    // 8 calls; the server's 8 ReplyRecvs each reply to one of them.
    expect(stats(f.kernel)).toEqual({ calls: 8, replyRecvs: 8 });
  });

  it('works for a higher-priority client calling a lower-priority server too', () => {
    const f = build(clientServer(120, 100, 2), true);
    f.run();
    // The client runs first, so its first Call finds no server waiting yet (slow path: it blocks).
    expect(stats(f.kernel)).toEqual({ calls: 7, replyRecvs: 8 });
  });

  it('bails out for long messages and for calls without a reply right', () => {
    const long = build(clientServer(100, 120, 5), true);
    long.run();
    expect(stats(long.kernel)).toEqual({ calls: 0, replyRecvs: 0 });
    const plans = clientServer(100, 120, 1);
    plans[1]!.rights = Rights.ReadWrite;
    const noReply = build(plans, true);
    noReply.run();
    expect(stats(noReply.kernel)!.calls).toBe(0);
  });
});
