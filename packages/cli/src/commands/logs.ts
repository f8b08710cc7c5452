// `k5 logs <file>`: decodes a captured kernel log channel stream (`k5 run --capture`, or bytes
// read from a device's RTT up channel) with each task's defmt table. Task names and tables come
// from an app module (`--app`), or from `--tasks` and each task's firmware ELF (`--elf`), as for
// a real device.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type DefmtTable, DefmtElfError, DefmtError, loadDefmtTable } from '@k5/defmt';
import { LogChannelError } from '@k5/kernel';
import type { Command } from 'commander';
import { CliError, ExitCode } from '../errors';
import { type CliIo, colorsFor } from '../io';
import { TaskLogPrinter } from '../logs/task-log-printer';
import { collect, loadValidApp } from './shared';

interface LogsOptions {
  app?: string;
  tasks?: string;
  elf?: string[];
  json?: boolean;
  logFormat?: string;
}

/** Task names and tables from `--app`, `--tasks` and `--elf`. */
async function sources(io: CliIo, o: LogsOptions) {
  if (!o.app && !o.tasks)
    throw new CliError(
      ExitCode.Usage,
      'k5 logs needs --app <app> or --tasks <names> to name the task ids',
    );
  const app = o.app ? await loadValidApp(io, o.app) : undefined;
  const tasks = o.tasks
    ? o.tasks.split(',').map((t) => t.trim())
    : app!.manifest.tasks.map((t) => t.name);
  const tables: Record<string, DefmtTable> = { ...(app?.logTables ?? {}) };
  for (const pair of o.elf ?? []) {
    const i = pair.indexOf('=');
    const task = pair.slice(0, i);
    if (i <= 0 || !tasks.includes(task))
      throw new CliError(
        ExitCode.Usage,
        `--elf ${pair}: expected <task>=<file> with a task among ${tasks.join(', ')}`,
      );
    const file = pair.slice(i + 1);
    try {
      tables[task] = loadDefmtTable(readFileSync(resolve(io.cwd ?? process.cwd(), file)));
    } catch (e) {
      if (e instanceof DefmtElfError || (e as { code?: string }).code === 'ENOENT')
        throw new CliError(ExitCode.Failure, `--elf ${pair}: ${(e as Error).message}`);
      throw e;
    }
  }
  return { tasks, tables };
}

/** Adds `k5 logs`. */
export function addLogsCommand(program: Command, io: CliIo): void {
  program
    .command('logs')
    .description("decode a captured log channel stream with the tasks' defmt tables")
    .argument('<file>', 'the stream: [u16 length][u16 task id][defmt bytes] frames')
    .option('--app <app>', 'the app whose manifest names the tasks and gives their tables')
    .option('--tasks <names>', 'task names by task id, comma-separated (instead of --app)')
    .option(
      '--elf <task=file>',
      "a task's firmware ELF to read its defmt table from (repeatable)",
      collect,
    )
    .option('--json', 'one JSON object per line')
    .option(
      '--log-format <format>',
      "defmt-print's --log-format (default, oneline or a custom format)",
    )
    .action(async (file: string, o: LogsOptions) => {
      const { tasks, tables } = await sources(io, o);
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(resolve(io.cwd ?? process.cwd(), file));
      } catch (e) {
        throw new CliError(ExitCode.Failure, `cannot read ${file}: ${(e as Error).message}`);
      }
      const c = colorsFor(io);
      const width = Math.max(...tasks.map((t) => t.length));
      const printer = new TaskLogPrinter({
        tasks,
        tables,
        colored: io.color && !o.json,
        ...(o.logFormat !== undefined ? { logFormat: o.logFormat } : {}),
        onLine: (line) =>
          io.out(
            o.json
              ? `${JSON.stringify({ taskId: line.taskId, task: line.task, text: line.text })}\n`
              : `${c.cyan(line.task.padEnd(width))} │ ${line.text}\n`,
          ),
      });
      try {
        printer.push(bytes);
        printer.finish();
      } catch (e) {
        if (e instanceof LogChannelError || e instanceof DefmtError)
          throw new CliError(ExitCode.Failure, `${file}: ${e.message}`);
        throw e;
      }
      if (printer.malformedFrames > 0)
        throw new CliError(
          ExitCode.Failure,
          `${printer.malformedFrames} malformed defmt frame(s) skipped`,
        );
    });
}
