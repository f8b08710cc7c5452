// End to end: the K5 kernel on rp2040js's Cortex-M0+ core, running the committed Thumb ELFs.
// IPC between two machine-code tasks, preemption by SysTick at the kernel's deadlines, register
// preservation across real exception entry/return on the PSP, and an MPU fault delivered to
// the fault handler task.
import { FaultLabel } from '@k5/abi';
import type { Tcb } from '@k5/kernel';
import { describe, expect, it } from 'vitest';
import type { M0PlusMpu } from '../src/thread-mpu';
import { Exception } from '../src/vector-table';
import { bootEmbedded, type EmbeddedSystem, type TaskName } from '../src/system';

const RAM_BASE = 0x2000_0000;

function threadOf(s: EmbeddedSystem, name: TaskName): Tcb {
  const t = s.kernel.threads().find((x) => s.taskOf(x) === name);
  if (!t) throw new Error(`no thread runs ${name}`);
  return t;
}

describe('IPC between two machine-code tasks', () => {
  it('the client gets every answer from the server and logs the tally', () => {
    const s = bootEmbedded({ rounds: 12, without: ['spinner-a', 'spinner-b', 'faulter'] });
    expect(s.runner.run({ maxSteps: 10_000 })).toBe('idle');
    const log = s.logs.find((l) => l.task === 'client');
    expect(log).toBeDefined();
    const bytes = log!.bytes;
    expect(String.fromCharCode(bytes[0]!, bytes[1]!)).toBe('ok');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(view.getUint32(2, true)).toBe(12); // rounds whose answer was a * b + badge
    expect(view.getUint32(6, true)).toBe(12); // rounds run
    // One Recv, twelve Call/ReplyRecv pairs, the Log and the final Recv.
    expect(s.runner.stats.syscalls).toBe(1 + 2 * 12 + 2);
    expect(s.kernel.checkInvariants()).toEqual([]);
  });
});

describe('preemption by SysTick', () => {
  it('round-robin spinners are switched at each budget expiry, never by the slice', () => {
    const budget = 5000;
    const s = bootEmbedded({ spinnerBudget: budget, without: ['server', 'client', 'faulter'] });
    expect(s.runner.run({ until: 200_000 })).toBe('time-limit');
    const { stats } = s.runner;
    expect(stats.sliceEnds).toBe(0);
    expect(stats.syscalls).toBe(0);
    // Every switch between the spinners is a SysTick exception at a budget expiry.
    expect(stats.timerExceptions).toBeGreaterThanOrEqual(Math.floor(190_000 / budget));
    expect(stats.timerExceptions).toBeLessThanOrEqual(Math.ceil(200_000 / budget) + 1);
    expect(stats.switches).toBeGreaterThanOrEqual(stats.timerExceptions - 2);
    const a = threadOf(s, 'spinner-a');
    const b = threadOf(s, 'spinner-b');
    const runs = (t: Tcb) => s.runner.registerChecks.filter((c) => c.thread === t.id).length;
    expect(Math.abs(runs(a) - runs(b))).toBeLessThanOrEqual(1);
  });

  it('a slice longer than the budget is cut by PendSV when no deadline is armed first', () => {
    const s = bootEmbedded({
      spinnerBudget: 40_000,
      sliceCycles: 10_000,
      without: ['server', 'client', 'faulter'],
    });
    s.runner.run({ until: 100_000 });
    expect(s.runner.stats.sliceEnds).toBeGreaterThan(0);
    expect(s.runner.stats.timerExceptions).toBeGreaterThan(0);
  });
});

describe('register preservation across switches', () => {
  it('every thread comes back with r0-r12, SP, LR, PC and xPSR as it left them', () => {
    const s = bootEmbedded({ spinnerBudget: 3000 });
    s.runner.run({ until: 400_000 });
    const checks = s.runner.registerChecks;
    const preempted = checks.filter((c) => c.exception === Exception.SysTick);
    const syscalls = checks.filter((c) => c.exception === Exception.SVCall);
    expect(preempted.length).toBeGreaterThan(100);
    expect(syscalls.length).toBeGreaterThan(10);
    expect(checks.filter((c) => c.changed.length > 0)).toEqual([]);
    expect(s.runner.stats.switches).toBeGreaterThan(100);
  });

  it('notices a register the switch path got wrong', () => {
    const s = bootEmbedded({ spinnerBudget: 3000, without: ['server', 'client', 'faulter'] });
    s.runner.run({ until: 20_000 });
    // Corrupt r12 of the spinner that is switched out, as a buggy context save would.
    const waiting = [threadOf(s, 'spinner-a'), threadOf(s, 'spinner-b')].find(
      (t) => t !== s.kernel.current,
    )!;
    const r12 = s.port.readRegister(waiting.context, 12);
    s.port.writeRegister(waiting.context, 12, r12 ^ 0x10);
    s.runner.run({ until: 40_000 });
    const bad = s.runner.registerChecks.filter((c) => c.changed.length > 0);
    expect(bad).toEqual([expect.objectContaining({ thread: waiting.id, changed: [12] })]);
  });
});

describe.each(['pmsav7', 'pmsav8'] as const)('memory protection (%s)', (mpu) => {
  it('a store outside the task regions is aborted and reported to the fault handler', () => {
    const s = bootEmbedded({ mpu, without: ['spinner-a', 'spinner-b'] });
    const before = s.kernel.memory.read32(RAM_BASE);
    expect(s.runner.run({ maxSteps: 10_000 })).toBe('idle');
    expect(s.faults).toHaveLength(1);
    const [fault] = s.faults;
    expect(fault!.label).toBe(FaultLabel.VmFault);
    const [pc, address, fetch] = fault!.words;
    const faulterBase = s.regions.get('faulter')!;
    expect(pc).toBeGreaterThanOrEqual(faulterBase);
    expect(pc).toBeLessThan(faulterBase + 1024);
    expect(address).toBe(RAM_BASE);
    expect(fetch).toBe(0);
    // The store never happened, and the faulter never ran past it.
    expect(s.kernel.memory.read32(RAM_BASE)).toBe(before);
    expect(s.logs.filter((l) => l.task === 'faulter')).toEqual([]);
    expect(s.bus.counts.refused).toBe(1);
    expect(s.runner.stats.faults).toBe(1);
    // The other tasks ran on: the client still finished its rounds.
    expect(s.logs.some((l) => l.task === 'client')).toBe(true);
  });

  it('every access of a running thread goes through the MPU check', () => {
    const s = bootEmbedded({ mpu, without: ['spinner-a', 'spinner-b', 'faulter'] });
    s.runner.run({ maxSteps: 10_000 });
    // At least one instruction fetch per cycle-counted instruction of the client and server.
    expect(s.bus.counts.checked).toBeGreaterThan(s.runner.stats.cycles / 4);
    expect(s.bus.counts.refused).toBe(0);
  });
});

describe('the M0+ PMSAv7 MPU', () => {
  it("grants the running thread its own regions and nothing of the other tasks'", () => {
    const s = bootEmbedded({ spinnerBudget: 3000, without: ['faulter'] });
    s.runner.run({ until: 30_000 });
    expect(s.mpu.kind).toBe('pmsav7');
    const m0 = s.mpu as M0PlusMpu;
    expect(m0.unsolvable.size).toBe(0);
    const last = s.runner.registerChecks.at(-1)!;
    const running = s.taskOf(s.kernel.threads().find((x) => x.id === last.thread)!)!;
    const allowed = (address: number, access: 'read' | 'write' | 'execute') =>
      m0.mpu.check(address, 4, access, false).allowed;
    for (const [name, base] of s.regions) {
      const own = name === running;
      expect(allowed(base, 'execute')).toBe(own);
      expect(allowed(base + 1020, 'write')).toBe(own);
    }
    expect(allowed(RAM_BASE, 'read')).toBe(false);
    // Privileged code (the kernel, the adapter's handlers) keeps the default map.
    expect(m0.mpu.check(RAM_BASE, 4, 'write', true).allowed).toBe(true);
  });
});
