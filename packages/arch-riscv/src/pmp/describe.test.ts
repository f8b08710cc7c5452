import { describe, expect, it } from 'vitest';
import { describePmp } from './describe';
import { PMP_A_SHIFT, PMP_L, PMP_R, PMP_X, PmpAddressMatching, PmpRegisters } from './registers';

describe('describePmp', () => {
  it('lists active entries with their decoded ranges and permissions, skipping OFF ones', () => {
    const pmp = new PmpRegisters();
    pmp.writeAddr(0, 0x8000_0000 / 4 + (0x400 / 8 - 1));
    pmp.writeEntryConfig(0, (PmpAddressMatching.Napot << PMP_A_SHIFT) | PMP_L);
    pmp.writeAddr(2, 0x2000_0000 / 4);
    pmp.writeAddr(3, 0x2000_0300 / 4);
    pmp.writeEntryConfig(3, (PmpAddressMatching.Tor << PMP_A_SHIFT) | PMP_R | PMP_X);
    expect(describePmp(pmp).map((d) => d.text)).toEqual([
      'entry 0  NAPOT [0x80000000, 0x80000400)  --- L',
      'entry 3  TOR   [0x20000000, 0x20000300)  r-x',
    ]);
  });
});
