// Booting a mixed RISC-V system: `@k5/kernel`'s bootSystem with a RiscvPort, the kernel's RAM
// put on the hart's bus, and a MachineCodeRunner that knows the host programs' entry addresses,
// so one system runs TypeScript tasks and machine code side by side. Relies on the kernel's
// boot path, riscv-port.ts and machine-code-runner.ts.

import type { HostTask } from '@k5/abi';
import { type BootOptions, bootSystem, type HostSystem } from '@k5/kernel';
import { MachineCodeRunner, type MachineCodeRunnerOptions } from './machine-code-runner';
import { RiscvPort } from './riscv-port';

/** Options of {@link bootRiscvSystem}: the kernel's boot options with a RISC-V port. */
export interface RiscvBootOptions extends Omit<BootOptions, 'port'> {
  /** The port (default a new RiscvPort with 16 PMP entries). */
  port?: RiscvPort;
  /** Runner options other than the host programs (taken from `programs` and `root`). */
  runner?: Omit<MachineCodeRunnerOptions, 'hostPrograms'>;
}

/** A booted RISC-V system: `run` drives host tasks and machine code. */
export interface RiscvSystem extends HostSystem {
  /** The port. */
  readonly port: RiscvPort;
  /** The runner `run` uses. */
  readonly runner: MachineCodeRunner;
}

/**
 * Boots a kernel on a RiscvPort with a root host task; other threads may run host programs
 * (by their entry addresses in BootInfo) or machine code loaded into RAM with
 * `runner.load`.
 */
export function bootRiscvSystem(options: RiscvBootOptions): RiscvSystem {
  const port = options.port ?? new RiscvPort();
  let rootTask: HostTask | undefined;
  const { runner: runnerOptions, ...boot } = options;
  const system = bootSystem({
    ...boot,
    port,
    root: (info) => {
      rootTask = options.root(info);
      return rootTask;
    },
  });
  port.attachMemory(system.kernel.memory);
  const byName = new Map<string, HostTask>(Object.entries(options.programs ?? {}));
  if (rootTask) byName.set('<root>', rootTask);
  const hostPrograms = new Map<number, HostTask>();
  for (const [name, entry] of Object.entries(system.executor.entries())) {
    const task = byName.get(name);
    if (task) hostPrograms.set(entry, task);
  }
  const runner = new MachineCodeRunner(system.kernel, port, {
    ...runnerOptions,
    hostPrograms,
    enclavePrograms: system.executor.enclavePrograms,
  });
  return { ...system, port, runner, run: (o) => runner.run(o) };
}
