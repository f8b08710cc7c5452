// The ping-pong app as a K5 app module (what `k5 run|trace|mpu|check apps/ping-pong` load): the
// manifest, the board machine, the programs and each task's defmt table.
import { createBoardMachine, STM32L5_BOARD } from '@k5/arch-armv8m';
import type { AppSystem } from '@k5/kernel';
import { LOG_TABLES } from './log-tables';
import { PING_PONG } from './manifest';
import { pingPongPrograms } from './tasks';

/** Options of the ping-pong programs. */
export interface PingPongOptions {
  /** Round trips ping makes (default 5). */
  readonly rounds?: number;
}

/** The app module's `app` export. */
export const app = {
  manifest: PING_PONG,
  /** The STM32L5-like machine: an ArmV8mPort with the chip's MPU and NVIC, and its SRAM. */
  machine: (now: () => number) => createBoardMachine(STM32L5_BOARD, { now }),
  /** The programs; `system()` is the booted system (valid once tasks run). */
  programs: (system: () => AppSystem, options: PingPongOptions = {}) =>
    pingPongPrograms(
      {
        now: () => system().kernel.now,
        region: (name) => {
          const block = system().plan.blocks.find((b) => b.name === `region:${name}`);
          if (!block) throw new Error(`ping-pong has no region ${name}`);
          return { base: block.base, size: 2 ** block.sizeBits };
        },
      },
      options.rounds,
    ),
  logTables: LOG_TABLES,
};
