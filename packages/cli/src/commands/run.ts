// `k5 run <app>`: boots the app on its machine, runs it (until idle or for --duration of
// simulated time) and streams each task's decoded log lines as defmt-print would print them,
// tagged with the task name; `--json` gives one JSON object per line for scripts, `--capture`
// keeps the raw log channel stream for `k5 logs`.

import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { parseAppOptions, parseDuration } from '../app/duration';
import { runApp } from '../app/run-app';
import { CliError, ExitCode } from '../errors';
import { type CliIo, colorsFor } from '../io';
import { progressReporter } from '../progress';
import { collect, formatTicks, loadValidApp, ticksPerSecond } from './shared';

interface RunOptions {
  duration?: string;
  option?: string[];
  json?: boolean;
  capture?: string;
  checkInvariants?: boolean;
  logFormat?: string;
}

/** Adds `k5 run`. */
export function addRunCommand(program: Command, io: CliIo): void {
  program
    .command('run')
    .description('run an app and stream its decoded logs')
    .argument('<app>', 'app module, or a directory with k5.app.ts (see docs/cli.md)')
    .option(
      '-d, --duration <time>',
      'simulated time to run (250ms, 1s, 800us, or ticks); default: until idle',
    )
    .option('-o, --option <key=value>', "an option for the app's programs (repeatable)", collect)
    .option('--json', 'one JSON object per log line, then a summary object')
    .option(
      '--capture <file>',
      'also write the raw log channel stream to a file (decode it with k5 logs)',
    )
    .option('--check-invariants', "run the kernel's invariant checker after every kernel entry")
    .option(
      '--log-format <format>',
      "defmt-print's --log-format (default, oneline or a custom format)",
    )
    .action(async (spec: string, o: RunOptions) => {
      const app = await loadValidApp(io, spec);
      const perSecond = ticksPerSecond(app);
      const until = o.duration !== undefined ? parseDuration(o.duration, perSecond) : undefined;
      const c = colorsFor(io);
      const width = Math.max(...app.manifest.tasks.map((t) => t.name.length));
      const captured: Uint8Array[] = [];
      const progress = progressReporter(io, `k5 run ${spec}`, until ?? 0);
      const run = runApp(app, {
        ...(until !== undefined ? { until } : {}),
        options: parseAppOptions(o.option ?? []),
        colored: io.color && !o.json,
        checkInvariants: o.checkInvariants ?? false,
        ...(o.logFormat !== undefined ? { logFormat: o.logFormat } : {}),
        onProgress: (now) => progress.update(now),
        ...(o.capture ? { onChannelBytes: (b: Uint8Array) => captured.push(b) } : {}),
        onLine: (line) => {
          if (o.json)
            io.out(
              `${JSON.stringify({ type: 'log', taskId: line.taskId, task: line.task, text: line.text })}\n`,
            );
          else io.out(`${c.cyan(line.task.padEnd(width))} │ ${line.text}\n`);
        },
      });
      progress.done();
      if (o.capture)
        writeFileSync(resolve(io.cwd ?? process.cwd(), o.capture), Buffer.concat(captured));
      const k = run.system.kernel;
      const summary = {
        type: 'summary',
        app: app.manifest.name,
        ticks: k.now,
        lines: run.lines,
        malformed: run.malformed,
        dropped: run.dropped,
        stopped: run.result?.reason ?? 'idle',
      };
      if (o.json) io.out(`${JSON.stringify(summary)}\n`);
      else {
        io.err(
          `${c.dim(`${app.manifest.name}: ${run.lines} log lines, ${run.malformed} undecodable, ${run.dropped} dropped, simulated ${formatTicks(k.now, perSecond)}`)}\n`,
        );
      }
      if (run.result?.reason === 'step-limit')
        throw new CliError(
          ExitCode.Failure,
          'the run hit its step limit before the requested time',
        );
      if (run.malformed > 0 || run.dropped > 0)
        throw new CliError(ExitCode.Failure, 'some log frames were lost or could not be decoded');
    });
}
