// Model-based test: random syscalls and CNode invocations from several threads, issued through
// the port's registers exactly as host tasks do, against a small reference model of endpoint
// queues, notification words and caps; the invariant checker runs after every step.
import { encodeMessageInfo, InvocationLabel, IpcBufferWord, Rights, Syscall } from '@k5/abi';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Kernel } from '../src/kernel';
import { type Tcb, ThreadState } from '../src/objects/kobject';
import { sendSignal } from '../src/objects/notification';
import { schedule } from '../src/sched/scheduler';
import { C, DEPTH, makeFixture } from './fixture';

const SOAK = typeof process !== 'undefined' && process.env.K5_SOAK === '1';
const THREADS = 4;

interface Waiter {
  readonly t: number;
  readonly value: number;
}

interface Model {
  /** Per endpoint: queued senders (with value) or receivers. */
  eps: { senders: Waiter[]; receivers: Waiter[] }[];
  ntfnWords: number[];
  ntfnWaiters: number[][];
  /** Per thread: which free slots hold a copy of which endpoint. */
  copies: (number | null)[][];
  prio: number[];
}

interface Real {
  kernel: Kernel;
  threads: Tcb[];
}

function insertByPrio(q: Waiter[], w: Waiter, prio: number[]): void {
  let i = q.length;
  while (i > 0 && prio[q[i - 1]!.t]! < prio[w.t]!) i--;
  q.splice(i, 0, w);
}

let executed = 0;
function actorOf(r: Real): number {
  const cur = r.kernel.current;
  if (cur !== null) executed++;
  return cur === null ? -1 : r.threads.indexOf(cur);
}

function syscall(r: Real, n: number, slots: number[]): void {
  const t = r.kernel.current!;
  const port = r.kernel.port;
  slots.forEach((v, i) => {
    port.writeRegister(t.context, port.convention.argumentRegisters[i]!, v);
  });
  port.writeRegister(t.context, port.convention.numberRegister, n);
  r.kernel.syscall(t);
  r.kernel.assertInvariants();
}

const result = (r: Real, t: number, slot: number) =>
  r.kernel.port.readRegister(r.threads[t]!.context, slot);

class SendCmd implements fc.Command<Model, Real> {
  constructor(
    readonly ep: number,
    readonly value: number,
    readonly blocking: boolean,
  ) {}
  check = () => true;
  run(m: Model, r: Real): void {
    const a = actorOf(r);
    if (a < 0) return;
    syscall(r, this.blocking ? Syscall.Send : Syscall.NBSend, [
      C.ep(this.ep),
      encodeMessageInfo(9, 1),
      this.value,
    ]);
    const q = m.eps[this.ep]!;
    const rx = q.receivers.shift();
    if (rx) {
      expect(r.threads[rx.t]!.state).toBe(ThreadState.Running);
      expect(result(r, rx.t, 2)).toBe(this.value);
      expect(result(r, rx.t, 0)).toBe(a + 1);
    } else if (this.blocking) {
      insertByPrio(q.senders, { t: a, value: this.value }, m.prio);
      expect(r.threads[a]!.state).toBe(ThreadState.BlockedOnSend);
    }
  }
  toString = () => `Send(ep${this.ep}, ${this.value}, ${this.blocking})`;
}

class RecvCmd implements fc.Command<Model, Real> {
  constructor(
    readonly ep: number,
    readonly blocking: boolean,
  ) {}
  check = () => true;
  run(m: Model, r: Real): void {
    const a = actorOf(r);
    if (a < 0) return;
    syscall(r, this.blocking ? Syscall.Recv : Syscall.NBRecv, [C.ep(this.ep), 0, 0, 0, 0, 0, 0]);
    const q = m.eps[this.ep]!;
    const tx = q.senders.shift();
    if (tx) {
      expect(result(r, a, 2)).toBe(tx.value);
      expect(result(r, a, 0)).toBe(tx.t + 1);
      expect(r.threads[tx.t]!.state).toBe(ThreadState.Running);
    } else if (this.blocking) {
      insertByPrio(q.receivers, { t: a, value: 0 }, m.prio);
      expect(r.threads[a]!.state).toBe(ThreadState.BlockedOnReceive);
    } else expect(result(r, a, 0)).toBe(0);
  }
  toString = () => `Recv(ep${this.ep}, ${this.blocking})`;
}

class SignalCmd implements fc.Command<Model, Real> {
  constructor(readonly n: number) {}
  check = () => true;
  run(m: Model, r: Real): void {
    const a = actorOf(r);
    if (a < 0) return;
    syscall(r, Syscall.Send, [C.ntfn(this.n), 0]);
    const w = m.ntfnWaiters[this.n]!.shift();
    if (w !== undefined) expect(result(r, w, 0)).toBe(a + 1);
    else m.ntfnWords[this.n] = m.ntfnWords[this.n]! | (a + 1);
  }
  toString = () => `Signal(n${this.n})`;
}

class WaitCmd implements fc.Command<Model, Real> {
  constructor(readonly n: number) {}
  check = () => true;
  run(m: Model, r: Real): void {
    const a = actorOf(r);
    if (a < 0) return;
    syscall(r, Syscall.Wait, [C.ntfn(this.n)]);
    if (m.ntfnWords[this.n] !== 0) {
      expect(result(r, a, 0)).toBe(m.ntfnWords[this.n]);
      m.ntfnWords[this.n] = 0;
    } else {
      const q = m.ntfnWaiters[this.n]!;
      let i = q.length;
      while (i > 0 && m.prio[q[i - 1]!]! < m.prio[a]!) i--;
      q.splice(i, 0, a);
      expect(r.threads[a]!.state).toBe(ThreadState.BlockedOnNotification);
    }
  }
  toString = () => `Wait(n${this.n})`;
}

/** An interrupt-like signal from outside any thread (so that idle systems can wake). */
class ExternalSignalCmd implements fc.Command<Model, Real> {
  constructor(readonly n: number) {}
  check = () => true;
  run(m: Model, r: Real): void {
    const k = r.kernel.state;
    const ntfn = r.kernel.objects().filter((o) => o.type === 3)[this.n] as Parameters<
      typeof sendSignal
    >[1];
    sendSignal(k, ntfn, 0x100);
    schedule(k);
    r.kernel.assertInvariants();
    const w = m.ntfnWaiters[this.n]!.shift();
    if (w !== undefined) expect(result(r, w, 0)).toBe(0x100);
    else m.ntfnWords[this.n] = m.ntfnWords[this.n]! | 0x100;
  }
  toString = () => `ExternalSignal(n${this.n})`;
}

class YieldCmd implements fc.Command<Model, Real> {
  check = () => true;
  run(_m: Model, r: Real): void {
    if (actorOf(r) < 0) return;
    syscall(r, Syscall.Yield, []);
  }
  toString = () => 'Yield';
}

/** CNode_Copy/Delete/Revoke of endpoint caps through the actor's own CNode. */
class CapCmd implements fc.Command<Model, Real> {
  constructor(
    readonly op: 'copy' | 'delete' | 'revoke',
    readonly ep: number,
    readonly slot: number,
  ) {}
  check = () => true;
  run(m: Model, r: Real): void {
    const a = actorOf(r);
    if (a < 0) return;
    const t = r.threads[a]!;
    const buf = t.ipcBuffer;
    const mem = r.kernel.memory;
    const dest = C.free + this.slot;
    let label: number;
    let args: number[];
    if (this.op === 'copy') {
      label = InvocationLabel.CNodeCopy;
      args = [dest, DEPTH, C.ep(this.ep), DEPTH, Rights.All];
      mem.write32(buf + IpcBufferWord.CapsOrBadges * 4, C.cnode);
    } else if (this.op === 'delete') {
      label = InvocationLabel.CNodeDelete;
      args = [dest, DEPTH];
    } else {
      label = InvocationLabel.CNodeRevoke;
      args = [C.ep(this.ep), DEPTH];
    }
    args.forEach((v, i) => {
      if (i >= 4) mem.write32(buf + (IpcBufferWord.Msg + i) * 4, v);
    });
    const regs = [
      C.cnode,
      encodeMessageInfo(label, args.length, this.op === 'copy' ? 1 : 0),
      ...args.slice(0, 4),
    ];
    syscall(r, Syscall.Call, regs);
    // Revoke may be preempted: run it to completion as the executor would.
    while (r.kernel.current === t && t.state === ThreadState.Restart) r.kernel.syscall(t);
    const copies = m.copies[a]!;
    const error = (result(r, a, 1) >>> 12) & 0xfffff;
    if (this.op === 'copy') {
      expect(error).toBe(copies[this.slot] === null ? 0 : 8);
      if (copies[this.slot] === null) copies[this.slot] = this.ep;
    } else if (this.op === 'delete') {
      expect(error).toBe(0);
      copies[this.slot] = null;
    } else {
      expect(error).toBe(0);
      for (let i = 0; i < copies.length; i++) if (copies[i] === this.ep) copies[i] = null;
    }
    const slots = r.kernel.object(t.cspaceSlot.cap!.obj.id) as unknown as {
      slots: { cap: { obj: unknown } | null }[];
    };
    copies.forEach((e, i) => {
      const cap = slots.slots[C.free + i]!.cap;
      expect(cap === null ? null : e).toBe(e);
    });
  }
  toString = () => `Cap(${this.op}, ep${this.ep}, slot${this.slot})`;
}

const commands = [
  fc
    .tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 1, max: 1000 }), fc.boolean())
    .map(([e, v, b]) => new SendCmd(e, v, b)),
  fc.tuple(fc.integer({ min: 0, max: 1 }), fc.boolean()).map(([e, b]) => new RecvCmd(e, b)),
  fc.integer({ min: 0, max: 1 }).map((n) => new SignalCmd(n)),
  fc.integer({ min: 0, max: 1 }).map((n) => new WaitCmd(n)),
  fc.constant(new YieldCmd()),
  fc.integer({ min: 0, max: 1 }).map((n) => new ExternalSignalCmd(n)),
  fc.integer({ min: 0, max: 1 }).map((n) => new ExternalSignalCmd(n)),
  fc
    .tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 1, max: 1000 }))
    .map(([e, v]) => new SendCmd(e, v, false)),
  fc.integer({ min: 0, max: 1 }).map((e) => new RecvCmd(e, false)),
  fc
    .tuple(
      fc.constantFrom<'copy' | 'delete' | 'revoke'>('copy', 'delete', 'revoke'),
      fc.integer({ min: 0, max: 1 }),
      fc.integer({ min: 0, max: 5 }),
    )
    .map(([o, e, s]) => new CapCmd(o, e, s)),
];

describe('model-based: random syscalls from several threads', () => {
  it(
    'agree with the reference model, with invariants after every step',
    () => {
      fc.assert(
        fc.property(
          fc.array(fc.constantFrom(80, 100, 120), { minLength: THREADS, maxLength: THREADS }),
          fc.commands(commands, { maxCommands: 60, size: 'max' }),
          (prio, cmds) => {
            const f = makeFixture(
              prio.map((p, i) => ({ name: `m${i}`, priority: p, badge: i + 1, *body() {} })),
            );
            // Threads are driven directly through their registers: mark them running with no program.
            for (const t of f.threads) t.host = {};
            const model: Model = {
              eps: [0, 1].map(() => ({ senders: [], receivers: [] })),
              ntfnWords: [0, 0],
              ntfnWaiters: [[], []],
              copies: prio.map(() => new Array<number | null>(6).fill(null)),
              prio,
            };
            fc.modelRun(() => ({ model, real: { kernel: f.kernel, threads: f.threads } }), cmds);
          },
        ),
        { numRuns: SOAK ? 20_000 : 1_500 },
      );
      // The runs really exercised the kernel (commands with a running actor).
      expect(executed).toBeGreaterThan(15_000);
    },
    SOAK ? 900_000 : 60_000,
  );
});
