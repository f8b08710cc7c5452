// Timeout faults end to end (modelled on the seL4 test suite's timeout-fault tests, own
// scenario): a thread whose scheduling context runs out of budget while it has a timeout
// endpoint blocks in a Timeout fault carrying the context's badge and consumed time; the
// handler's reply lets it continue at its next refill. Without a timeout endpoint it is just
// throttled to its budget. Simulated time only.
import { encodeMessageInfo, FaultLabel, ObjectType, Rights } from '@k5/abi';
import { describe, expect, it } from 'vitest';
import { Cap } from '../src/cspace/cap';
import { cdtInsert, placeCap } from '../src/cspace/cdt';
import { ThreadState } from '../src/objects/kobject';
import { configureSchedContext } from '../src/sched/configure';
import { C, type Fixture, makeFixture } from './fixture';

const BUDGET = 10;
const PERIOD = 100;

interface Fault {
  time: number;
  badge: number;
  label: number;
  words: number[];
}

function system(withTimeoutEndpoint: boolean) {
  const faults: Fault[] = [];
  let finishedAt = -1;
  const f: Fixture = makeFixture([
    {
      name: 'handler',
      priority: 200,
      *body(s) {
        for (;;) {
          const badge = yield* s.recv(C.ep(1), C.reply);
          const words: number[] = [];
          for (let i = 0; i < s.length; i++) words.push(s.getMR(i));
          faults.push({ time: f.kernel.now, badge, label: s.label, words });
          yield* s.send(C.reply, encodeMessageInfo(0, 0));
        }
      },
    },
    {
      name: 'worker',
      priority: 100,
      *body(s) {
        yield* s.work(35);
        finishedAt = f.kernel.now;
      },
    },
  ]);
  const worker = f.threads[1]!;
  const k = f.kernel.state;
  const error = configureSchedContext(k, worker.sc!, {
    budget: BUDGET,
    period: PERIOD,
    extraRefills: 0,
    badge: 0x5a,
    sporadic: false,
  });
  expect(error).toBeNull();
  if (withTimeoutEndpoint) {
    const original = f.cnodes[0]!.slots[C.ep(1)]!.cap!;
    const copy = new Cap(ObjectType.Endpoint, original.obj, Rights.All, 0x77);
    cdtInsert(original, copy);
    placeCap(worker.timeoutSlot, copy);
  }
  while (worker.state !== ThreadState.Inactive && f.kernel.now < 10 * PERIOD) {
    const r = f.executor.run({ maxSteps: 10_000, checkInvariants: true });
    if (r.reason === 'idle') {
      const d = f.kernel.deadline;
      f.kernel.advance(d === null ? PERIOD : Math.max(d - f.kernel.now, 1));
      f.kernel.assertInvariants();
    }
  }
  return { faults, finishedAt, worker };
}

describe('timeout faults', () => {
  it('each budget expiry sends the badge and the consumed budget; the reply lets it go on', () => {
    const { faults, finishedAt } = system(true);
    expect(faults.length).toBe(3);
    for (const fault of faults) {
      expect(fault.label).toBe(FaultLabel.Timeout);
      expect(fault.badge).toBe(0x77);
      expect(fault.words[0]).toBe(0x5a);
      expect(fault.words[1]).toBe(BUDGET);
      expect(fault.words[2]).toBe(0);
    }
    // 35 ticks at 10 per 100-tick period: the last 5 run in the fourth period.
    expect(finishedAt).toBe(3 * PERIOD + 5);
  });

  it('without a timeout endpoint the thread is only throttled to its budget', () => {
    const { faults, finishedAt, worker } = system(false);
    expect(faults).toEqual([]);
    expect(finishedAt).toBe(3 * PERIOD + 5);
    expect(worker.lastFaultLabel).toBe(FaultLabel.NullFault);
  });
});
