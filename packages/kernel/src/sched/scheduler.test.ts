import { describe, expect, it } from 'vitest';
import { GenericPort } from '../arch/generic-port';
import { PhysicalMemory } from '../memory';
import { SchedContext, Tcb, ThreadState } from '../objects/kobject';
import { KernelState } from '../state';
import {
  highestReadyPriority,
  possibleSwitchTo,
  schedAppend,
  schedDequeue,
  schedEnqueue,
  schedule,
} from './scheduler';

function setup(prios: number[]) {
  const port = new GenericPort();
  const k = new KernelState(port, new PhysicalMemory(0, new Uint8Array(16)), null, 8);
  const ts = prios.map((p, i) => {
    const t = new Tcb(i + 1, 0, null, port.createContext());
    t.priority = p;
    t.state = ThreadState.Running;
    t.sc = new SchedContext(100 + i, 0, 8, null);
    t.sc.tcb = t;
    return t;
  });
  return { k, ts };
}

describe('ready queues', () => {
  it('enqueue puts at the head, append at the tail; the bitmap finds the highest priority', () => {
    const { k, ts } = setup([10, 10, 10, 200]);
    schedAppend(k, ts[0]!);
    schedAppend(k, ts[1]!);
    schedEnqueue(k, ts[2]!);
    expect(highestReadyPriority(k)).toBe(10);
    schedAppend(k, ts[3]!);
    expect(highestReadyPriority(k)).toBe(200);
    schedDequeue(k, ts[3]!);
    const order: number[] = [];
    for (let t = k.readyHead[10] ?? null; t; t = t.schedNext) order.push(t.id);
    expect(order).toEqual([3, 1, 2]);
  });

  it.each([
    // current prio, woken prio, other ready prio, expected running after schedule
    [100, 150, -1, 'woken'],
    [100, 100, -1, 'current'],
    [100, 50, -1, 'current'],
    // The current thread blocked (a Call): a lower woken thread runs only if nothing ready beats it.
    [-100, 90, 95, 'other'],
    [-100, 90, 80, 'woken'],
  ])('current %i (negative: blocked) wakes %i (ready: %i): %s runs', (cur, woken, other, want) => {
    const { k, ts } = setup([Math.abs(cur), woken, Math.max(other, 0)]);
    k.current = ts[0]!;
    if (cur < 0) ts[0]!.state = ThreadState.BlockedOnReply;
    if (other >= 0) schedAppend(k, ts[2]!);
    possibleSwitchTo(k, ts[1]!);
    schedule(k);
    const expected = { woken: ts[1], current: ts[0], other: ts[2] }[want];
    expect(k.current).toBe(expected);
  });

  it('a preempted thread keeps its place at the head of its queue', () => {
    const { k, ts } = setup([10, 10, 50]);
    k.current = ts[0]!;
    schedAppend(k, ts[1]!);
    possibleSwitchTo(k, ts[2]!);
    schedule(k);
    expect(k.current).toBe(ts[2]);
    expect(k.readyHead[10]).toBe(ts[0]);
  });
});
