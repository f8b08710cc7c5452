// Supervision (Hubris style, own scenarios): a supervisor is signalled when a task panics or
// faults without a fault endpoint, reads the fault and the panic message, and restarts the task:
// its generation grows, its registers and stack (a host task's generator) are reset, callers
// blocked on it get the dead-peer code, and a delayed restart waits in simulated time.
import { encodeMessageInfo, FaultLabel, KernelError, PEER_DEAD_LABEL, Rights } from '@k5/abi';
import {
  type FaultReport,
  panicText,
  readFault,
  tcbRestart,
  tcbSetSupervisor,
  tcbSuspend,
} from '@k5/userspace';
import { describe, expect, it } from 'vitest';
import { Cap } from '../src/cspace/cap';
import { placeCap } from '../src/cspace/cdt';
import type { KObject } from '../src/objects/kobject';
import { ThreadState } from '../src/objects/kobject';
import { unbindTcb } from '../src/objects/schedcontext';
import { nextRestartDeadline } from '../src/supervision/restart-queue';
import { deleteCap } from '../src/cspace/delete';
import { C, digest, type Fixture, makeFixture, type ThreadSpec } from './fixture';

const WORKER = C.free; // the supervisor's cap to the worker's TCB
const EVENTS = C.free + 1; // notification cap (badge 0b10) the worker's faults signal
const SP0 = 0x2000_9000;

function giveCap(f: Fixture, to: number, slot: number, obj: KObject, badge = 0): void {
  placeCap(f.cnodes[to]!.slots[slot]!, new Cap(obj.type, obj, Rights.All, badge));
}

/** A supervisor (priority 200) that registers itself for thread 1 and handles `rounds` faults. */
function supervisor(
  rounds: number,
  reports: FaultReport[],
  generations: number[],
  delay = 0,
): ThreadSpec {
  return {
    name: 'supervisor',
    priority: 200,
    *body(s) {
      expect(yield* tcbSetSupervisor(s, WORKER, EVENTS)).toBe(0);
      for (let i = 0; i < rounds; i++) {
        expect(yield* s.wait(C.ntfn(0))).toBe(0b10);
        const report = yield* readFault(s, WORKER);
        reports.push(report!);
        expect(yield* tcbRestart(s, WORKER, delay)).toBe(0);
        generations.push(s.getMR(0));
      }
    },
  };
}

function setUp(specs: ThreadSpec[]): Fixture {
  const f = makeFixture(specs, { trace: true });
  giveCap(f, 0, WORKER, f.threads[1]!);
  giveCap(f, 0, EVENTS, f.notifications[0]!, 0b10);
  f.kernel.port.writeRegister(f.threads[1]!.context, f.kernel.port.convention.spRegister, SP0);
  return f;
}

describe('restart after a panic', () => {
  it('the supervisor reads the panic message; the restarted task starts with reset registers', () => {
    const reports: FaultReport[] = [];
    const generations: number[] = [];
    const incarnations: { r5: number; sp: number }[] = [];
    const f = setUp([
      supervisor(1, reports, generations),
      {
        name: 'worker',
        *body(s, ctx) {
          incarnations.push({
            r5: ctx.getRegister(5),
            sp: ctx.getRegister(ctx.convention.spRegister),
          });
          if (incarnations.length === 1) {
            ctx.setRegister(5, 0xdead);
            ctx.setRegister(ctx.convention.spRegister, 0x2000_8123);
            yield* s.panic('sensor lost');
          }
        },
      },
    ]);
    f.run();
    expect(reports).toHaveLength(1);
    expect(reports[0]!.label).toBe(FaultLabel.Panic);
    expect(reports[0]!.generation).toBe(0);
    expect(panicText(reports[0]!)).toBe('sensor lost');
    expect(generations).toEqual([1]);
    expect(incarnations).toEqual([
      { r5: 0, sp: SP0 },
      { r5: 0, sp: SP0 },
    ]);
    expect(f.threads[1]!.generation).toBe(1);
    expect(f.threads[1]!.lastFaultLabel).toBe(FaultLabel.NullFault);
  });

  it('the generation grows with every restart; other faults reach the supervisor too', () => {
    const reports: FaultReport[] = [];
    const generations: number[] = [];
    let runs = 0;
    const f = setUp([
      supervisor(3, reports, generations),
      {
        name: 'worker',
        *body(s) {
          runs++;
          if (runs === 1) yield* s.panic('one');
          if (runs === 2) yield* s.wait(C.free + 9); // cap fault, no fault endpoint
          if (runs === 3) throw new Error('user exception');
        },
      },
    ]);
    f.run();
    expect(reports.map((r) => [r.label, r.generation])).toEqual([
      [FaultLabel.Panic, 0],
      [FaultLabel.CapFault, 1],
      [FaultLabel.UserException, 2],
    ]);
    expect(generations).toEqual([1, 2, 3]);
    expect(runs).toBe(4);
  });
});

describe('peers of a restarted task', () => {
  it('a caller blocked on the dead server gets the dead-peer code with the new generation', () => {
    const reports: FaultReport[] = [];
    const generations: number[] = [];
    const answers: { label: number; mr0: number }[] = [];
    let serverRuns = 0;
    const f = setUp([
      supervisor(1, reports, generations),
      {
        name: 'server',
        priority: 150,
        *body(s) {
          serverRuns++;
          yield* s.recv(C.ep(2), C.reply);
          if (serverRuns === 1) yield* s.panic('bad request');
          s.setMR(0, 77);
          yield* s.send(C.reply, encodeMessageInfo(0, 1));
        },
      },
      {
        name: 'client',
        priority: 100,
        *body(s) {
          for (let i = 0; i < 2; i++) {
            s.setMR(0, i);
            yield* s.call(C.ep(2), encodeMessageInfo(5, 1));
            answers.push({ label: s.label, mr0: s.getMR(0) });
          }
        },
      },
    ]);
    f.run();
    expect(answers).toEqual([
      { label: PEER_DEAD_LABEL, mr0: 1 },
      { label: 0, mr0: 77 },
    ]);
    expect(f.threads[2]!.state).toBe(ThreadState.Inactive);
  });
});

describe('a passive server that dies', () => {
  it('returns the donated scheduling context to its caller with the dead-peer code', () => {
    const answers: number[] = [];
    const f = setUp([
      supervisor(1, [], []),
      {
        name: 'server',
        priority: 150,
        *body(s) {
          yield* s.recv(C.ep(2), C.reply);
          yield* s.panic('bad request');
        },
      },
      {
        name: 'client',
        priority: 100,
        *body(s) {
          yield* s.call(C.ep(2), encodeMessageInfo(5, 0));
          answers.push(s.label);
        },
      },
    ]);
    const server = f.threads[1]!;
    const client = f.threads[2]!;
    const clientSc = client.sc!;
    // Let the server reach its receive, then make it passive (no context of its own).
    f.executor.run({ maxSteps: 3, checkInvariants: true });
    expect(server.state).toBe(ThreadState.BlockedOnReceive);
    unbindTcb(f.kernel.state, server.sc!);
    f.run();
    expect(answers).toEqual([PEER_DEAD_LABEL]);
    expect(client.sc).toBe(clientSc);
    expect(server.sc).toBeNull();
    // Restarted without a context, the passive server waits to be given one.
    expect(server.state).toBe(ThreadState.Restart);
    expect(server.generation).toBe(1);
  });
});

describe('TCB_SetSupervisor and TCB_GetFault', () => {
  it('rejects a cap that is not a notification with Write and changes nothing', () => {
    const out: { code: number; same: boolean }[] = [];
    const f = makeFixture([
      {
        name: 'root',
        priority: 200,
        *body(s) {
          for (const cptr of [C.ep(0), C.free + 2]) {
            const before = digest(f.kernel);
            const code = yield* tcbSetSupervisor(s, WORKER, cptr);
            out.push({ code, same: digest(f.kernel) === before });
          }
        },
      },
      { name: 'worker', start: false, *body() {} },
    ]);
    giveCap(f, 0, WORKER, f.threads[1]!);
    placeCap(
      f.cnodes[0]!.slots[C.free + 2]!,
      new Cap(f.notifications[0]!.type, f.notifications[0]!, Rights.Read),
    );
    f.run();
    const invalid = { code: KernelError.InvalidCapability, same: true };
    expect(out).toEqual([invalid, invalid]);
    expect(f.threads[1]!.supervisorSlot.cap).toBeNull();
  });

  it('reports no fault for a thread that has not faulted', () => {
    let report: FaultReport | null = null;
    const f = setUp([
      {
        name: 'root',
        priority: 200,
        *body(s) {
          report = yield* readFault(s, WORKER);
        },
      },
      { name: 'worker', start: false, *body() {} },
    ]);
    f.run();
    expect(report).toEqual({ label: FaultLabel.NullFault, generation: 0, time: 0, words: [] });
  });
});

describe('TCB_Restart', () => {
  it('a thread cannot restart itself', () => {
    let code = -1;
    const f = makeFixture([
      {
        name: 'self',
        *body(s) {
          code = yield* tcbRestart(s, C.self, 0);
        },
      },
    ]);
    f.run();
    expect(code).toBe(KernelError.IllegalOperation);
  });

  it('with a delay the task stays stopped until the delay has passed in simulated time', () => {
    const reports: FaultReport[] = [];
    const generations: number[] = [];
    const starts: number[] = [];
    const f = setUp([
      supervisor(1, reports, generations, 50),
      {
        name: 'worker',
        *body(s) {
          starts.push(f.kernel.now);
          if (starts.length === 1) {
            yield* s.work(5);
            yield* s.panic('late');
          }
        },
      },
    ]);
    const k = f.kernel.state;
    f.run();
    expect(reports[0]!.time).toBe(5);
    expect(f.threads[1]!.state).toBe(ThreadState.Inactive);
    expect(nextRestartDeadline(k)).toBe(55);
    const idleFor = (ticks: number) => {
      f.kernel.advance(ticks); // the kernel timer releases the restart when it is due
      f.run();
    };
    idleFor(49);
    expect(starts).toEqual([0]);
    idleFor(1);
    expect(starts).toEqual([0, 55]);
    expect(nextRestartDeadline(k)).toBeNull();
    expect(f.trace.ofKind('restart')).toEqual([
      { kind: 'restart', time: 5, thread: f.threads[1]!.id, generation: 1, at: 55 },
    ]);
  });

  it('suspending a task cancels its pending restart', () => {
    let starts = 0;
    const f = setUp([
      {
        name: 'supervisor',
        priority: 200,
        *body(s) {
          expect(yield* tcbSetSupervisor(s, WORKER, EVENTS)).toBe(0);
          yield* s.wait(C.ntfn(0));
          expect(yield* tcbRestart(s, WORKER, 50)).toBe(0);
          expect(nextRestartDeadline(f.kernel.state)).toBe(50);
          expect(yield* tcbSuspend(s, WORKER)).toBe(0);
        },
      },
      {
        name: 'worker',
        *body(s) {
          starts++;
          yield* s.panic('x');
        },
      },
    ]);
    f.run();
    expect(nextRestartDeadline(f.kernel.state)).toBeNull();
    f.kernel.advance(200);
    f.run();
    expect(starts).toBe(1);
    expect(f.threads[1]!.state).toBe(ThreadState.Inactive);
  });

  it('destroying a task drops its pending restart', () => {
    const f = setUp([
      {
        name: 'supervisor',
        priority: 200,
        *body(s) {
          expect(yield* tcbSetSupervisor(s, WORKER, EVENTS)).toBe(0);
          yield* s.wait(C.ntfn(0));
          expect(yield* tcbRestart(s, WORKER, 50)).toBe(0);
        },
      },
      {
        name: 'worker',
        *body(s) {
          yield* s.panic('x');
        },
      },
    ]);
    f.run();
    const k = f.kernel.state;
    const worker = f.threads[1]!;
    expect(nextRestartDeadline(k)).toBe(50);
    // Delete every cap to the worker: its TCB is destroyed.
    for (const cnode of f.cnodes)
      for (const slot of cnode.slots) if (slot.cap?.obj === worker) deleteCap(k, slot);
    expect(worker.live).toBe(false);
    expect(k.pendingRestarts).toEqual([]);
    expect(nextRestartDeadline(k)).toBeNull();
    f.kernel.assertInvariants();
  });
});
