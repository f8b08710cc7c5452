// `k5 check <app>`: the manifest's problems (every one, with its path), whether the system fits
// in the board's memory, that the kernel accepts it at boot, and response-time analysis of the
// tasks that have budgets (the kernel's analyseSchedulability).

import {
  AnalysisError,
  AppBootError,
  analyseSchedulability,
  checkManifest,
  planAppMemory,
  type SchedulabilityReport,
} from '@k5/kernel';
import type { Command } from 'commander';
import type { K5App } from '../app/k5-app';
import { loadApp } from '../app/load-app';
import { bootLoadedApp } from '../app/run-app';
import { CliError, ExitCode } from '../errors';
import { type CliIo, colorsFor } from '../io';
import { textTable } from '../text-table';

/** What `k5 check` found. */
export interface CheckReport {
  readonly app: string;
  readonly problems: readonly { path: string; message: string }[];
  readonly memory: { readonly used: number; readonly free: number } | null;
  /** Tasks without budget and period are not analysed. */
  readonly unanalysed: readonly string[];
  readonly schedulability: SchedulabilityReport | null;
}

/** Runs every check on an app. */
export function checkApp(app: K5App): CheckReport {
  const m = app.manifest;
  const problems = [...checkManifest(m)];
  const name = typeof m?.name === 'string' ? m.name : '(unnamed)';
  if (problems.length > 0)
    return { app: name, problems, memory: null, unanalysed: [], schedulability: null };
  let memory: CheckReport['memory'] = null;
  try {
    const plan = planAppMemory(m);
    memory = { used: m.board.memory.size - plan.free, free: plan.free };
  } catch (e) {
    if (!(e instanceof AppBootError)) throw e;
    problems.push({ path: 'board.memory.size', message: e.message });
    return { app: name, problems, memory, unanalysed: [], schedulability: null };
  }
  // Booting catches what only the kernel checks (its minimum budget, the port's IRQ lines).
  try {
    bootLoadedApp(app);
  } catch (e) {
    if (!(e instanceof AppBootError)) throw e;
    problems.push({ path: 'tasks', message: e.message });
  }
  const timed = m.tasks.filter((t) => t.budget !== undefined && t.period !== undefined);
  let schedulability: SchedulabilityReport | null = null;
  if (timed.length > 0) {
    try {
      schedulability = analyseSchedulability({
        tasks: timed.map((t) => ({
          name: t.name,
          priority: t.priority,
          budget: t.budget!,
          period: t.period!,
        })),
      });
    } catch (e) {
      if (!(e instanceof AnalysisError)) throw e;
      problems.push({ path: 'tasks', message: e.message });
    }
  }
  return {
    app: name,
    problems,
    memory,
    unanalysed: m.tasks.filter((t) => !timed.includes(t)).map((t) => t.name),
    schedulability,
  };
}

/** Adds `k5 check`. */
export function addCheckCommand(program: Command, io: CliIo): void {
  program
    .command('check')
    .description("validate an app's manifest and analyse its schedulability")
    .argument('<app>', 'app module, or a directory with k5.app.ts')
    .option('--json', 'print the report as JSON')
    .action(async (spec: string, o: { json?: boolean }) => {
      const report = checkApp(await loadApp(spec, io.cwd ?? process.cwd()));
      const s = report.schedulability;
      if (o.json) io.out(`${JSON.stringify(report)}\n`);
      else {
        const c = colorsFor(io);
        if (report.problems.length > 0) {
          io.out(`${c.red('✗')} ${report.app}: ${report.problems.length} problem(s)\n`);
          for (const p of report.problems) io.out(`  ${c.bold(p.path)}: ${p.message}\n`);
        } else io.out(`${c.green('✓')} ${report.app}: manifest valid\n`);
        if (report.memory)
          io.out(
            `${c.green('✓')} memory: ${report.memory.used} bytes placed, ${report.memory.free} free\n`,
          );
        if (s) {
          io.out(
            `${s.schedulable ? c.green('✓') : c.red('✗')} schedulability: ${s.schedulable ? 'every task meets its deadline' : 'some task can miss its deadline'} (utilisation ${(s.utilisation * 100).toFixed(1)}%)\n`,
          );
          io.out(
            textTable([
              ['task', 'priority', 'deadline', 'response', 'met'].map((h) => c.bold(h)),
              ...s.tasks.map((t) => [
                t.name,
                String(t.priority),
                String(t.deadline),
                t.responseTime === null ? '> deadline' : String(t.responseTime),
                t.deadlineMet ? 'yes' : c.red('no'),
              ]),
            ]),
          );
        }
        if (report.unanalysed.length > 0)
          io.out(`${c.dim(`not analysed (no budget/period): ${report.unanalysed.join(', ')}`)}\n`);
      }
      if (report.problems.length > 0) throw new CliError(ExitCode.InvalidApp, '');
      if (s && !s.schedulable) throw new CliError(ExitCode.Unschedulable, '');
    });
}
