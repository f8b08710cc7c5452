// End to end: the demo's log and summary show the periodic budget, the donation to the passive
// server, the interrupt and the supervised restarts with growing delays; the run is
// deterministic and the kernel invariants hold after every kernel entry.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarize } from '../src/summary';
import { contextReports, PERIOD, runMcsDemo, TASKS } from '../src/system';
import { BACKOFF } from '../src/tasks';

describe('mcs-demo', () => {
  const result = runMcsDemo({ horizon: 12_000 });
  const { lines } = result;
  const of = (task: string) => lines.filter((l) => l.task === task);

  it('the control task runs once per period within its budget', () => {
    const periods = of('control');
    expect(periods).toHaveLength(12);
    periods.forEach((l, i) => {
      expect(l.text).toMatch(new RegExp(`^period ${i}: actuate ${i * 10 + 7}, used (\\d+) ticks`));
      expect(l.time).toBeGreaterThanOrEqual(i * PERIOD);
      expect(l.time).toBeLessThan(i * PERIOD + TASKS.control.budget);
      const used = Number(/used (\d+)/.exec(l.text)![1]);
      expect(used).toBeLessThanOrEqual(TASKS.control.budget);
    });
  });

  it('the passive server has no scheduling context and runs on donated budgets', () => {
    const reports = contextReports(result.system.kernel, result.system);
    expect(reports.map((r) => r.task)).not.toContain('server');
    expect(reports.find((r) => r.task === 'control')).toMatchObject({
      budget: 200,
      period: PERIOD,
    });
    expect(of('server')).toHaveLength(12);
    for (const l of of('server')) expect(l.text).toMatch(/from badge 0xc1 on a donated budget$/);
  });

  it('each device interrupt is handled once by the driver', () => {
    const irq = of('driver');
    expect(irq.map((l) => l.text)).toEqual([
      'IRQ 5 (signal 0x20): device serviced, ack',
      'IRQ 5 (signal 0x20): device serviced, ack',
    ]);
    // Raised between task steps (at most 10 ticks late), then 30 ticks of driver work.
    expect(irq[0]!.time - 2_500 - 30).toBeGreaterThanOrEqual(0);
    expect(irq[0]!.time - 2_500 - 30).toBeLessThanOrEqual(10);
    expect(irq[1]!.time - 7_300 - 30).toBeGreaterThanOrEqual(0);
    expect(irq[1]!.time - 7_300 - 30).toBeLessThanOrEqual(10);
    // The passive driver's context is back on the IRQ notification between interrupts.
    const lent = contextReports(result.system.kernel, result.system).find(
      (r) => r.task === 'driver*',
    );
    expect(lent).toMatchObject({ budget: TASKS.driver.budget, period: PERIOD });
    expect(result.stats.interruptsHandled).toBe(2);
  });

  it('the supervisor restarts the crashing sensor with exponentially growing delays', () => {
    const restarts = of('supervisor').map((l) => /restart in (\d+) ticks/.exec(l.text)![1]);
    expect(restarts.slice(0, 4).map(Number)).toEqual([
      BACKOFF.initialDelay,
      BACKOFF.initialDelay * 2,
      BACKOFF.initialDelay * 4,
      BACKOFF.maxDelay,
    ]);
    of('supervisor').forEach((l, i) => {
      expect(l.text).toContain(`("sensor timeout") in generation ${i}`);
    });
    // Each restart starts the sensor again exactly its delay later (in simulated time).
    const starts = of('sensor').map((l) => l.time);
    of('supervisor').forEach((l, i) => {
      const delay = Number(/restart in (\d+) ticks/.exec(l.text)![1]);
      if (l.time + delay < 12_000) expect(starts[i + 1]).toBe(l.time + delay);
    });
    expect(starts.length).toBeGreaterThanOrEqual(5);
  });

  it('the background task gets most of the CPU despite the crash loop', () => {
    expect(result.stats.backgroundWork).toBeGreaterThan(8_000);
  });

  it('the summary names budgets, refills, donation, the IRQ and the restarts', () => {
    const text = summarize(result).join('\n');
    expect(text).toMatch(/control +200 \/ 1000 +ran +\d+ ticks +refills \[/);
    expect(text).toContain('passive server: 12 requests');
    expect(text).toContain('interrupts: 2 handled');
    expect(text).toMatch(/supervision: \d+ panics, \d+ restarts with back-off/);
    expect(text).toContain('invariants: hold');
  });

  it('is deterministic: a second run logs the same lines', () => {
    const again = runMcsDemo({ horizon: 12_000 });
    expect(again.lines).toEqual(lines);
  });

  it('`npm start` prints the log and the summary and exits 0', () => {
    const out = execFileSync(
      process.execPath,
      [
        '--conditions=@k5/source',
        '--import',
        'tsx',
        join(import.meta.dirname, '..', 'src', 'main.ts'),
        '6000',
      ],
      { encoding: 'utf8', stdio: 'pipe' },
    );
    expect(out).toContain('   110  control    │ period 0: actuate 7, used 110 ticks of its budget');
    expect(out).toContain(
      '   150  supervisor │ sensor panicked ("sensor timeout") in generation 0: restart in 500 ticks',
    );
    expect(out).toMatch(/driver +│ IRQ 5 \(signal 0x20\): device serviced, ack/);
    expect(out).toMatch(/^ {2}control +200 \/ 1000 +ran/m);
    expect(out).toContain('simulated time 6000 ticks, invariants: hold');
  });
});
