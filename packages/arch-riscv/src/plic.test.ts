import { describe, expect, it } from 'vitest';
import type { InterruptTarget } from './clint';
import { RiscvError } from './errors';
import {
  PLIC_CLAIM,
  PLIC_CONTEXT_STRIDE,
  PLIC_ENABLE,
  PLIC_ENABLE_STRIDE,
  PLIC_PENDING,
  PLIC_PRIORITY,
  PLIC_THRESHOLD,
  Plic,
} from './plic';
import { InterruptCause } from './trap';

class Line implements InterruptTarget {
  meip = false;
  setInterruptLine(cause: InterruptCause, level: boolean): void {
    if (cause === InterruptCause.MachineExternal) this.meip = level;
  }
}

function make(edgeTriggered: number[] = []) {
  const h0 = new Line();
  const h1 = new Line();
  const plic = new Plic({ sources: 40, contexts: [{ target: h0 }, { target: h1 }], edgeTriggered });
  const w = (offset: number, value: number) => expect(plic.write(offset, 4, value)).toBe(true);
  const r = (offset: number) => plic.read(offset, 4);
  const claim = (ctx: number) => r(PLIC_CLAIM + ctx * PLIC_CONTEXT_STRIDE);
  const complete = (ctx: number, id: number) => w(PLIC_CLAIM + ctx * PLIC_CONTEXT_STRIDE, id);
  return { plic, h0, h1, w, r, claim, complete };
}

describe('Plic registers', () => {
  it('priorities are WARL to the implemented bits; source 0 has none', () => {
    const { w, r } = make();
    w(PLIC_PRIORITY + 4 * 5, 0xff);
    expect(r(PLIC_PRIORITY + 4 * 5)).toBe(7);
    w(PLIC_PRIORITY, 3);
    expect(r(PLIC_PRIORITY)).toBe(0);
  });

  it('enable bits: 32 sources per word, per context; source 0 hardwired to 0', () => {
    const { w, r } = make();
    w(PLIC_ENABLE, 0xffff_ffff);
    w(PLIC_ENABLE + 4, 0xffff_ffff);
    expect(r(PLIC_ENABLE)).toBe(0xffff_fffe);
    expect(r(PLIC_ENABLE + 4)).toBe(0x1ff); // sources 32..40
    expect(r(PLIC_ENABLE + PLIC_ENABLE_STRIDE)).toBe(0);
  });

  it('pending bits are read-only and show gateway requests', () => {
    const { plic, w, r } = make();
    plic.setLine(33, true);
    expect(r(PLIC_PENDING + 4)).toBe(1 << 1);
    w(PLIC_PENDING + 4, 0);
    expect(r(PLIC_PENDING + 4)).toBe(1 << 1);
  });
});

describe('Plic claim / complete', () => {
  function ready() {
    const m = make();
    for (const id of [3, 4, 9]) m.w(PLIC_PRIORITY + 4 * id, id === 9 ? 2 : 5);
    m.w(PLIC_ENABLE, (1 << 3) | (1 << 4) | (1 << 9));
    return m;
  }

  it('claims the highest priority, lowest id on ties; 0 when nothing is claimable', () => {
    const { plic, claim, h0 } = ready();
    plic.setLine(9, true);
    plic.setLine(4, true);
    plic.setLine(3, true);
    expect(h0.meip).toBe(true);
    expect(claim(0)).toBe(3);
    expect(claim(0)).toBe(4);
    expect(claim(0)).toBe(9);
    expect(claim(0)).toBe(0);
    expect(h0.meip).toBe(false);
  });

  it('threshold masks priorities ≤ threshold for MEIP and for claim', () => {
    const { plic, w, claim, h0 } = ready();
    w(PLIC_THRESHOLD, 2);
    plic.setLine(9, true);
    expect(h0.meip).toBe(false);
    expect(claim(0)).toBe(0);
    w(PLIC_THRESHOLD, 1);
    expect(h0.meip).toBe(true);
    expect(claim(0)).toBe(9);
  });

  it('priority 0 never interrupts; disabled sources do not reach a context', () => {
    const { plic, claim, h0, h1 } = ready();
    plic.setLine(5, true); // enabled nowhere, priority 0
    plic.setLine(3, true);
    expect(h1.meip).toBe(false);
    expect(claim(1)).toBe(0);
    expect(h0.meip).toBe(true);
  });

  it('level gateway: no new request until completion, then again while the line is high', () => {
    const { plic, claim, complete, h0 } = ready();
    plic.setLine(3, true);
    expect(claim(0)).toBe(3);
    expect(plic.isPending(3)).toBe(false);
    plic.setLine(3, true);
    expect(plic.isPending(3)).toBe(false);
    expect(h0.meip).toBe(false);
    complete(0, 3);
    expect(plic.isPending(3)).toBe(true);
    expect(claim(0)).toBe(3);
    plic.setLine(3, false);
    complete(0, 3);
    expect(plic.isPending(3)).toBe(false);
  });

  it('edge gateway: remembers one edge seen while in service', () => {
    const m = make([3]);
    m.w(PLIC_PRIORITY + 12, 1);
    m.w(PLIC_ENABLE, 1 << 3);
    m.plic.pulse(3);
    expect(m.claim(0)).toBe(3);
    m.plic.pulse(3);
    m.plic.pulse(3);
    expect(m.plic.isPending(3)).toBe(false);
    m.complete(0, 3);
    expect(m.claim(0)).toBe(3);
    m.complete(0, 3);
    expect(m.plic.isPending(3)).toBe(false);
  });

  it('completion for a source not enabled in that context is ignored', () => {
    const { plic, claim, complete, w } = ready();
    plic.setLine(3, true);
    expect(claim(0)).toBe(3);
    w(PLIC_ENABLE, 0);
    complete(0, 3);
    w(PLIC_ENABLE, 1 << 3);
    expect(plic.isPending(3)).toBe(false);
    complete(0, 3);
    expect(plic.isPending(3)).toBe(true);
  });

  it('typed errors for bad sources and contexts; sub-word accesses refused', () => {
    const { plic } = make();
    expect(() => plic.setLine(0, true)).toThrow(RiscvError);
    expect(() => plic.setLine(41, true)).toThrow(RiscvError);
    expect(() => plic.claim(2)).toThrow(RiscvError);
    expect(plic.read(PLIC_PRIORITY, 1)).toBeUndefined();
    expect(() => new Plic({ sources: 0, contexts: [] })).toThrow(RiscvError);
  });
});
