// Boards: chips described as data, and the machine factory.
export { boardPortOptions, createBoardMachine, manifestBoard } from './board';
export type { ArmV8mBoard, BoardMachine, BoardMemoryRange } from './board';
export { STM32L5_BOARD } from './stm32l5';
