// Test machine: one RAM region, a hart with `stopOnTrap`, and helpers to load a program,
// preset registers and run until the first trap (programs end with `ebreak`).

import { Hart, type HartOptions } from '../src/hart/hart';
import { MemoryBus } from '../src/hart/memory';
import { assemble, ebreak } from './asm';

/** Base of the test RAM. */
export const RAM_BASE = 0x8000_0000;
/** Size of the test RAM. */
export const RAM_SIZE = 0x1_0000;

export interface TestMachine {
  hart: Hart;
  bus: MemoryBus;
}

export function makeMachine(options: Partial<HartOptions> = {}): TestMachine {
  const bus = options.bus ?? new MemoryBus();
  if (options.bus === undefined) bus.addRam(RAM_BASE, RAM_SIZE);
  const hart = new Hart({ resetVector: RAM_BASE, stopOnTrap: true, ...options, bus });
  return { hart, bus };
}

/**
 * Runs `program` (with an `ebreak` appended) from RAM_BASE with the given registers; returns
 * the machine after the first trap or after `maxCycles`.
 */
export function runProgram(
  program: readonly number[],
  registers: Record<number, number> = {},
  options: Partial<HartOptions> & { maxCycles?: number; setup?: (bus: MemoryBus) => void } = {},
): TestMachine {
  const m = makeMachine(options);
  m.bus.load(RAM_BASE, assemble([...program, ebreak()]));
  options.setup?.(m.bus);
  for (const [r, v] of Object.entries(registers)) m.hart.setRegister(Number(r), v);
  m.hart.run(options.maxCycles ?? 10_000);
  return m;
}
