// Property: the NVIC's choice of exception agrees with a reference written as a sort: among pending
// and enabled exceptions, order by (group priority, priority, number); it preempts only when its
// group priority is below the execution priority (active exceptions and BASEPRI/PRIMASK/FAULTMASK).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExceptionNumber, IRQ_BASE, Nvic } from '../src/index';

describe('NVIC selection property', () => {
  it('matches a sort-based reference', () => {
    const irq = fc.record({
      priority: fc.integer({ min: 0, max: 255 }),
      enabled: fc.boolean(),
      pending: fc.boolean(),
      active: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(irq, { minLength: 1, maxLength: 24 }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 2, max: 8 }),
        fc.record({
          primask: fc.integer({ min: 0, max: 1 }),
          basepri: fc.integer({ min: 0, max: 255 }),
          faultmask: fc.integer({ min: 0, max: 1 }),
        }),
        fc.boolean(),
        (irqs, prigroup, bits, masks, nmi) => {
          const nvic = new Nvic({ irqs: irqs.length, priorityBits: bits });
          nvic.write(0xe000ed0c, 0x05fa0000 | (prigroup << 8));
          const implemented = (0xff << (8 - bits)) & 0xff;
          const group = (p: number) => p & implemented & ((0xff << (prigroup + 1)) & 0xff);
          irqs.forEach((s, i) => {
            const e = IRQ_BASE + i;
            nvic.setPriority(e, s.priority);
            nvic.setEnabled(e, s.enabled);
            nvic.setPending(e, s.pending);
            if (s.active) nvic.acknowledge(e);
            if (s.active && s.pending) nvic.setPending(e, true);
          });
          if (nmi) nvic.setPending(ExceptionNumber.NMI, true);
          const candidates = irqs
            .map((s, i) => ({
              e: IRQ_BASE + i,
              g: group(s.priority),
              p: s.priority & implemented,
              s,
            }))
            .filter((c) => c.s.pending && c.s.enabled);
          if (nmi) candidates.push({ e: 2, g: -2, p: -2, s: irqs[0]! });
          candidates.sort((x, y) => x.g - y.g || x.p - y.p || x.e - y.e);
          let exec = 256;
          for (const s of irqs) if (s.active) exec = Math.min(exec, group(s.priority));
          const bp = masks.basepri & implemented;
          if (bp !== 0) exec = Math.min(exec, group(bp));
          if (masks.primask) exec = Math.min(exec, 0);
          if (masks.faultmask) exec = Math.min(exec, -1);
          const best = candidates[0];
          expect(nvic.highestPending()).toBe(best?.e);
          expect(nvic.preemptingException(masks)).toBe(
            best !== undefined && best.g < exec ? best.e : undefined,
          );
        },
      ),
      { numRuns: process.env.K5_SOAK === '1' ? 20_000 : 500 },
    );
  });
});
