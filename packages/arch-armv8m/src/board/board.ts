// An ARMv8-M board as data (memory map, NVIC size, MPU size, clocks) and the factory that builds
// what the kernel needs from it: an ArmV8mPort sized like the chip and the RAM the kernel boots
// in. Apps name a board; tools read its numbers. Relies on the port and @k5/kernel's memory and
// manifest types.

import { type ManifestBoard, PhysicalMemory } from '@k5/kernel';
import { ArmV8mPort, type ArmV8mPortOptions } from '../port/armv8m-port';

/** A memory range. */
export interface BoardMemoryRange {
  readonly base: number;
  readonly size: number;
}

/** What a Cortex-M board looks like to K5. */
export interface ArmV8mBoard {
  /** Board name, as apps' manifests name it. */
  readonly name: string;
  /** Core, for people (`Cortex-M33`). */
  readonly core: string;
  /** Code memory (tasks' programs live here on hardware; host tasks get fake entry addresses in it). */
  readonly flash: BoardMemoryRange;
  /** RAM the kernel places objects, stacks and regions in. */
  readonly sram: BoardMemoryRange;
  /** External interrupt lines of the NVIC. */
  readonly irqs: number;
  /** Implemented NVIC priority bits. */
  readonly priorityBits: number;
  /** MPU regions (MPU_TYPE.DREGION). */
  readonly mpuRegions: number;
  /** Core clock in Hz, for people. */
  readonly coreClockHz: number;
  /** Kernel ticks per second: the SysTick clock the kernel counts in. */
  readonly ticksPerSecond: number;
}

/** What {@link createBoardMachine} builds. */
export interface BoardMachine {
  readonly board: ArmV8mBoard;
  readonly port: ArmV8mPort;
  /** The board's SRAM as kernel memory. */
  readonly memory: PhysicalMemory;
}

/** The port options a board implies (its MPU and NVIC), with the kernel clock. */
export function boardPortOptions(board: ArmV8mBoard, now: () => number): ArmV8mPortOptions {
  return { mpuRegions: board.mpuRegions, irqs: board.irqs, priorityBits: board.priorityBits, now };
}

/**
 * Builds the port and RAM of a board. `now` is the kernel's clock (SysTick turns absolute
 * deadlines into delays with it); `port` overrides port options such as kernel regions.
 */
export function createBoardMachine(
  board: ArmV8mBoard,
  options: { readonly now: () => number; readonly port?: ArmV8mPortOptions },
): BoardMachine {
  const port = new ArmV8mPort({ ...boardPortOptions(board, options.now), ...options.port });
  const memory = new PhysicalMemory(board.sram.base, new Uint8Array(board.sram.size));
  return { board, port, memory };
}

/** The `board` section of an app manifest for this board. */
export function manifestBoard(board: ArmV8mBoard): ManifestBoard {
  return {
    name: board.name,
    memory: { base: board.sram.base, size: board.sram.size },
    irqs: board.irqs,
    ticksPerSecond: board.ticksPerSecond,
  };
}
