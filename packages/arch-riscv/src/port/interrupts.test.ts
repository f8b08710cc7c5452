import { describe, expect, it } from 'vitest';
import { Plic } from '../plic';
import { PlicInterruptController } from './interrupts';

function controller() {
  const lines: boolean[] = [];
  const plic = new Plic({
    sources: 8,
    contexts: [{ target: { setInterruptLine: (_c, l) => lines.push(l) } }],
  });
  return { plic, ic: new PlicInterruptController(plic), lines };
}

describe('PlicInterruptController', () => {
  it('keeps a claim in service until unmask, so a level line held during handling fires once', () => {
    const { plic, ic } = controller();
    ic.unmask(3);
    plic.setLine(3, true);
    expect(ic.claim()).toBe(3);
    ic.mask(3);
    expect(ic.isInService(3)).toBe(true);
    plic.setLine(3, false); // the driver quietens the device
    ic.unmask(3);
    expect(ic.isInService(3)).toBe(false);
    expect(ic.claim()).toBe(0);
  });

  it('a line still high at unmask requests again', () => {
    const { plic, ic } = controller();
    ic.unmask(2);
    plic.setLine(2, true);
    expect(ic.claim()).toBe(2);
    ic.mask(2);
    ic.unmask(2);
    expect(ic.claim()).toBe(2);
  });

  it('refuses IRQ 0 and lines past the sources', () => {
    const { ic } = controller();
    expect(ic.lineCount).toBe(9);
    expect(() => ic.unmask(0)).toThrow(/not a PLIC source/);
    expect(() => ic.mask(9)).toThrow(/not a PLIC source/);
  });
});
