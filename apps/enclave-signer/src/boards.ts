// The boards the signer runs on. ARMv8-M: the STM32L5-like Cortex-M33 board of @k5/arch-armv8m
// (TrustZone-M: the enclave runs Secure unprivileged behind SAU attribution and NSC gateways).
// RISC-V: @k5/arch-riscv's port with its Keystone-like security monitor (locked PMP guard
// entries). Generic: the kernel's own host port, which models isolation by access checks only.
// Each board boots the same root task and runs host tasks under `runAsync` (WebCrypto).

import type { HostTask } from '@k5/abi';
import { createBoardMachine, STM32L5_BOARD } from '@k5/arch-armv8m';
import { bootRiscvSystem } from '@k5/arch-riscv';
import {
  type ArchPort,
  type BootOptions,
  bootSystem,
  type HostSystem,
  type RunOptions,
  type RunResult,
} from '@k5/kernel';

/** A board name. */
export type BoardName = 'armv8m' | 'riscv' | 'generic';

/** Every board, the real ports first. */
export const BOARDS: readonly BoardName[] = ['armv8m', 'riscv', 'generic'];

/** What each board is, for the output. */
export const BOARD_TITLES: Readonly<Record<BoardName, string>> = {
  armv8m: 'ARMv8-M (STM32L5-like Cortex-M33, TrustZone-M SAU)',
  riscv: 'RISC-V (RV32 hart, PMP and security monitor)',
  generic: "generic host port (the kernel's reference model)",
};

/** A booted system and how to run it with promises settled. */
export interface BoardSystem {
  readonly system: HostSystem;
  /** Registers the entry tasks of a host-task enclave with whatever runs the tasks. */
  addEnclaveProgram(name: string, entries: readonly HostTask[]): void;
  runAsync(options: RunOptions): Promise<RunResult>;
}

/** Boots `options` on `board`. */
export function bootOnBoard(board: BoardName, options: Omit<BootOptions, 'port'>): BoardSystem {
  if (board === 'riscv') {
    const system = bootRiscvSystem(options);
    // The machine-code runner runs every task (host tasks too) on this board.
    return {
      system,
      addEnclaveProgram: (name, entries) => system.runner.addEnclaveProgram(name, entries),
      runAsync: (o) => system.runner.runAsync(o),
    };
  }
  if (board === 'armv8m') {
    let system: HostSystem | undefined;
    const machine = createBoardMachine(STM32L5_BOARD, { now: () => system?.kernel.now ?? 0 });
    system = bootSystem({
      ...options,
      port: machine.port,
      memoryBase: machine.memory.base,
      memorySize: machine.memory.bytes.length,
    });
    return onExecutor(system);
  }
  return onExecutor(bootSystem(options));
}

/** A system whose host tasks the kernel's HostExecutor runs. */
function onExecutor(system: HostSystem): BoardSystem {
  return {
    system,
    addEnclaveProgram: (name, entries) => system.executor.addEnclaveProgram(name, entries),
    runAsync: (o) => system.executor.runAsync(o),
  };
}

/** The port a board's system would use, for asking what it supports. */
function portOf(board: BoardName): ArchPort {
  if (board === 'armv8m') return createBoardMachine(STM32L5_BOARD, { now: () => 0 }).port;
  return bootOnBoard(board, { root: () => function* () {} }).system.kernel.port;
}

/**
 * Whether the board's port supports enclaves: it declares its enclave architecture and
 * implements the kernel's enclave hooks (without them the kernel refuses Enclave_Load).
 */
export function supportsEnclaves(board: BoardName): boolean {
  const port = portOf(board);
  return port.enclaveArch !== undefined && typeof port.addEnclave === 'function';
}

/** The boards that support enclaves now. */
export function enclaveBoards(): BoardName[] {
  return BOARDS.filter(supportsEnclaves);
}
