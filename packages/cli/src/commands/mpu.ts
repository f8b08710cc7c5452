// `k5 mpu <app>`: the memory-protection layout of every task as the port programs it: for the
// ARMv8-M port, the PMSAv8 regions its solver chose (number, range, access), each named after
// the manifest block it covers; for other ports, the kernel's grants.

import { ArmV8mPort } from '@k5/arch-armv8m';
import { AccessKind, type AppSystem } from '@k5/kernel';
import type { Command } from 'commander';
import { bootLoadedApp } from '../app/run-app';
import { CliError, ExitCode } from '../errors';
import { type CliIo, colorsFor } from '../io';
import { textTable } from '../text-table';
import { loadValidApp } from './shared';

/** One row of the layout. */
export interface MpuRow {
  readonly task: string;
  /** MPU region number, or null when the port has no region solver. */
  readonly region: number | null;
  readonly base: number;
  /** One past the last byte. */
  readonly end: number;
  /** `rwx`-style access for the task (unprivileged). */
  readonly access: string;
  /** Manifest blocks inside the range (`ping.stack`, `region:stats`). */
  readonly covers: readonly string[];
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
const rwx = (r: boolean, w: boolean, x: boolean) =>
  `${r ? 'r' : '-'}${w ? 'w' : '-'}${x ? 'x' : '-'}`;

/** The protection layout of a booted system. */
export function mpuLayout(system: AppSystem): MpuRow[] {
  const port = system.kernel.port;
  const covers = (base: number, end: number) =>
    system.plan.blocks
      .filter((b) => b.base >= base && b.base + 2 ** b.sizeBits <= end)
      .map((b) =>
        b.name.startsWith(`${b.task === null ? '' : system.tasks[b.task]!.name}.`)
          ? b.name.split('.').pop()!
          : b.name,
      );
  const rows: MpuRow[] = [];
  for (const t of system.tasks) {
    const ctx = t.tcb.context;
    if (port instanceof ArmV8mPort) {
      const error = port.mapError(ctx);
      if (error) throw new CliError(ExitCode.Failure, `${t.name}: ${error.message}`);
      const solution = port.solution(ctx)!;
      solution.ranges.forEach((r, i) => {
        rows.push({
          task: t.name,
          region: port.reservedRegions + i,
          base: r.base,
          end: r.end,
          access: rwx(r.read, r.write, r.execute),
          covers: covers(r.base, r.end),
        });
      });
    } else {
      for (const m of t.tcb.mappings) {
        const base = m.region.base;
        const end = base + 2 ** m.region.sizeBits;
        rows.push({
          task: t.name,
          region: null,
          base,
          end,
          access: rwx(
            (m.access & AccessKind.Read) !== 0,
            (m.access & AccessKind.Write) !== 0,
            (m.access & AccessKind.Execute) !== 0,
          ),
          covers: covers(base, end),
        });
      }
    }
  }
  return rows;
}

/** Adds `k5 mpu`. */
export function addMpuCommand(program: Command, io: CliIo): void {
  program
    .command('mpu')
    .description("show each task's memory-protection layout as the port's solver programs it")
    .argument('<app>', 'app module, or a directory with k5.app.ts')
    .option('--json', 'print JSON instead of a table')
    .action(async (spec: string, o: { json?: boolean }) => {
      const app = await loadValidApp(io, spec);
      const system = bootLoadedApp(app);
      const rows = mpuLayout(system);
      if (o.json) {
        io.out(`${JSON.stringify(rows)}\n`);
        return;
      }
      const c = colorsFor(io);
      const port = system.kernel.port;
      io.out(
        port instanceof ArmV8mPort
          ? `${app.manifest.name}: PMSAv8 MPU, ${port.mpu.regionCount} regions (${port.reservedRegions} kept by the kernel), unprivileged access\n`
          : `${app.manifest.name}: memory grants per task (the port has no region solver)\n`,
      );
      io.out(
        textTable([
          ['task', 'region', 'base', 'limit', 'size', 'access', 'covers'].map((h) => c.bold(h)),
          ...rows.map((r) => [
            r.task,
            r.region === null ? '-' : String(r.region),
            hex(r.base),
            hex(r.end - 1),
            String(r.end - r.base),
            r.access,
            r.covers.join(', '),
          ]),
        ]),
      );
    });
}
