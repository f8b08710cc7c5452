// A property over scheduling parameters: whatever the spinners' round-robin budget and the
// adapter's PendSV slice, every resumption finds the thread's registers as it left them, both
// spinners run, and kernel time follows the cycles the core executed.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { bootEmbedded } from '../src/system';

it('switches preserve registers and time for any budget and slice', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 500, max: 20_000 }),
      fc.integer({ min: 1_000, max: 60_000 }),
      (budget, slice) => {
        const s = bootEmbedded({
          spinnerBudget: budget,
          sliceCycles: slice,
          without: ['server', 'client', 'faulter'],
        });
        const start = s.kernel.now;
        // Long enough for each spinner to be switched out and back at least twice.
        s.runner.run({ until: start + 5 * budget + 10_000 });
        const checks = s.runner.registerChecks;
        expect(checks.filter((c) => c.changed.length > 0)).toEqual([]);
        expect(new Set(checks.map((c) => c.thread)).size).toBe(2);
        // Ticks handed back at a deadline are the only time not yet charged.
        const ran = s.kernel.now - start;
        expect(s.runner.stats.cycles - ran).toBeGreaterThanOrEqual(0);
        expect(s.runner.stats.cycles - ran).toBeLessThanOrEqual(8);
        // Below the budget, PendSV ends slices; otherwise SysTick ends every budget.
        expect(s.runner.stats.sliceEnds > 0).toBe(slice < budget);
        if (slice >= budget) {
          expect(s.runner.stats.timerExceptions).toBeGreaterThanOrEqual(
            Math.floor(ran / budget) - 1,
          );
        }
      },
    ),
    {
      numRuns: 12,
      examples: [
        [4000, 4000],
        [4000, 3999],
        [500, 1000],
      ],
    },
  );
});
