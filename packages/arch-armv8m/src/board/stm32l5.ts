// The STM32L5-like board of K5's original demo: a Cortex-M33 with 512 KiB of flash at
// 0x0800_0000, 256 KiB of contiguous SRAM (SRAM1 192 KiB + SRAM2 64 KiB) at 0x2000_0000, an
// NVIC with the 109 interrupt lines of RM0438's vector table (positions 0-108) and 3 priority
// bits, and an 8-region PMSAv8 MPU. The kernel counts SysTick at 1 MHz (one tick is 1 µs), the
// reference clock STCALIB describes, so traces read in microseconds whatever the core clock.

import type { ArmV8mBoard } from './board';

/** The STM32L5-like board. */
export const STM32L5_BOARD: ArmV8mBoard = {
  name: 'stm32l5',
  core: 'Cortex-M33',
  flash: { base: 0x0800_0000, size: 512 * 1024 },
  sram: { base: 0x2000_0000, size: 256 * 1024 },
  irqs: 109,
  priorityBits: 3,
  mpuRegions: 8,
  coreClockHz: 110_000_000,
  ticksPerSecond: 1_000_000,
};
