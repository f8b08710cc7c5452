import { describe, expect, it } from 'vitest';
import { createBoardMachine, manifestBoard } from './board';
import { STM32L5_BOARD } from './stm32l5';

describe('STM32L5 board', () => {
  it('builds a port sized like the chip and RAM at the SRAM base', () => {
    let now = 0;
    const m = createBoardMachine(STM32L5_BOARD, { now: () => now });
    expect(m.port.mpu.regionCount).toBe(8);
    expect(m.port.interrupts.lineCount).toBe(109);
    expect(m.memory.contains(0x2000_0000, 4)).toBe(true);
    expect(m.memory.contains(0x2004_0000, 4)).toBe(false);
    // SysTick turns the absolute deadline into a delay from the kernel clock.
    now = 100;
    m.port.setTimer(150);
    expect(m.port.advanceTimer(49)).toBe(false);
    expect(m.port.advanceTimer(1)).toBe(true);
  });

  it('gives the manifest board section', () => {
    expect(manifestBoard(STM32L5_BOARD)).toEqual({
      name: 'stm32l5',
      memory: { base: 0x2000_0000, size: 0x40000 },
      irqs: 109,
      ticksPerSecond: 1_000_000,
    });
  });
});
