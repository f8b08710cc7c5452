// `k5 trace <app>`: runs the app with the kernel's trace on and writes what happened as a
// Chrome/Perfetto trace (`--out`, open it in ui.perfetto.dev or chrome://tracing) and/or as a
// scheduling timeline picture (`--svg`).

import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildTimeline, toChromeTrace } from '@k5/kernel';
import type { Command } from 'commander';
import { parseAppOptions, parseDuration } from '../app/duration';
import { runApp } from '../app/run-app';
import { CliError, ExitCode } from '../errors';
import { type CliIo, colorsFor } from '../io';
import { progressReporter } from '../progress';
import { type LaneBudget, renderTimelineSvg } from '../trace/timeline-svg';
import { collect, formatTicks, loadValidApp, ticksPerSecond } from './shared';

interface TraceOptions {
  out?: string;
  svg?: string;
  duration?: string;
  option?: string[];
  syscalls?: boolean;
  json?: boolean;
}

/** Adds `k5 trace`. */
export function addTraceCommand(program: Command, io: CliIo): void {
  program
    .command('trace')
    .description('run an app and export its kernel trace (Chrome/Perfetto JSON, SVG timeline)')
    .argument('<app>', 'app module, or a directory with k5.app.ts')
    .option('--out <file>', 'write a Chrome/Perfetto trace (JSON Trace Event Format)')
    .option('--svg <file>', 'write the scheduling timeline as an SVG picture')
    .option('-d, --duration <time>', 'simulated time to run; default: until idle')
    .option('-o, --option <key=value>', "an option for the app's programs (repeatable)", collect)
    .option('--no-syscalls', 'leave syscall instants out of the trace')
    .option('--json', 'print a JSON summary')
    .action(async (spec: string, o: TraceOptions) => {
      if (!o.out && !o.svg)
        throw new CliError(ExitCode.Usage, 'k5 trace needs --out <file> and/or --svg <file>');
      const app = await loadValidApp(io, spec);
      const perSecond = ticksPerSecond(app);
      const until = o.duration !== undefined ? parseDuration(o.duration, perSecond) : undefined;
      const progress = progressReporter(io, `k5 trace ${spec}`, until ?? 0);
      const run = runApp(app, {
        ...(until !== undefined ? { until } : {}),
        options: parseAppOptions(o.option ?? []),
        trace: true,
        onProgress: (now) => progress.update(now),
      });
      progress.done();
      const sys = run.system;
      const threadName = (id: number) => sys.taskOfThread(id)?.name;
      const end = sys.kernel.now;
      const cwd = io.cwd ?? process.cwd();
      const written: string[] = [];
      const budgets = new Map<number, LaneBudget>();
      for (const t of sys.tasks)
        if (t.spec.budget !== undefined && t.spec.period !== undefined)
          budgets.set(t.tcb.id, { budget: t.spec.budget, period: t.spec.period });
      if (o.out) {
        const trace = toChromeTrace(run.events, {
          threadName,
          end,
          ticksPerSecond: perSecond,
          processName: app.manifest.name,
          omitSyscalls: o.syscalls === false,
          budgets,
        });
        writeFileSync(resolve(cwd, o.out), `${JSON.stringify(trace)}\n`);
        written.push(o.out);
      }
      if (o.svg) {
        const svg = renderTimelineSvg(buildTimeline(run.events, { threadName, end }), {
          title: `${app.manifest.name} on ${app.manifest.board.name}: ${formatTicks(end, perSecond)} simulated`,
          ticksPerSecond: perSecond,
          budgets,
        });
        writeFileSync(resolve(cwd, o.svg), svg);
        written.push(o.svg);
      }
      if (o.json) {
        io.out(
          `${JSON.stringify({ app: app.manifest.name, ticks: end, events: run.events.length, written })}\n`,
        );
      } else {
        const c = colorsFor(io);
        io.out(
          `${c.green('wrote')} ${written.join(' and ')}: ${run.events.length} kernel events over ${formatTicks(end, perSecond)}\n`,
        );
        if (o.out) io.out(`open ${o.out} in https://ui.perfetto.dev or chrome://tracing\n`);
        if (o.svg) io.out(`open ${o.svg} in a browser\n`);
      }
    });
}
