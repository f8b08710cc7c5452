import { describe, expect, it } from 'vitest';
import { Aarch64Port } from './aarch64-port';
import type { KernelClock } from './clock';

/** A kernel clock that stops at its deadline, handles it and re-arms the port 500 ticks on. */
function fakeKernel(port: Aarch64Port, deadline: number): KernelClock & { handled: number[] } {
  const k = {
    now: 0,
    deadline: deadline as number | null,
    handled: [] as number[],
    advance(ticks: number) {
      const d = k.deadline;
      if (d === null || k.now + ticks < d) {
        k.now += ticks;
        return 0;
      }
      const left = k.now + ticks - d;
      k.now = d;
      k.handled.push(d);
      k.deadline = d + 500;
      port.setTimer(k.deadline);
      return left;
    },
  };
  port.setTimer(deadline);
  return k;
}

describe('Aarch64Port clock: CNTPCT_EL0 follows kernel.now', () => {
  it('advances both clocks and returns what the kernel left unspent', () => {
    const port = new Aarch64Port();
    const k = fakeKernel(port, 300);
    expect(port.advanceClock(k, 200)).toBe(0);
    expect(port.timer.cntpct).toBe(200n);
    expect(port.advanceClock(k, 250)).toBe(150); // stopped at 300
    expect(port.timer.cntpct).toBe(300n);
    expect(k.handled).toEqual([300]);
    expect(port.timerDeadline).toBe(800);
    expect(port.gic.cpu.irqPending).toBe(false); // the handled deadline is not pending
  });

  it('syncs the counter forward only', () => {
    const port = new Aarch64Port();
    port.syncCounter(1000);
    port.syncCounter(400);
    expect(port.timer.cntpct).toBe(1000n);
  });
});
