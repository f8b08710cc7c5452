import { describe, expect, it } from 'vitest';
import * as entry from './index';

describe('@k5/arch-riscv entry', () => {
  it('names its package', () => {
    expect(entry.PACKAGE_NAME).toBe('@k5/arch-riscv');
  });

  it('exports the hardware models by name', () => {
    for (const name of [
      'Hart',
      'MemoryBus',
      'PmpRegisters',
      'PmpChecker',
      'solvePmp',
      'Clint',
      'Plic',
      'RiscvError',
    ]) {
      expect(entry, name).toHaveProperty(name);
    }
  });
});
