/**
 * `@k5/cli`: the `k5` command as a library: build or run the program with your own I/O, load and
 * run app modules, decode log channel streams per task, draw scheduling timelines.
 *
 * @packageDocumentation
 */

export { APP_MODULE_NAMES, loadApp, resolveAppModule } from './app/load-app';
export { bootLoadedApp, runApp } from './app/run-app';
export { checkApp } from './commands/check';
export { mpuLayout } from './commands/mpu';
export { CliError, ExitCode } from './errors';
export { colorsFor, shouldColor } from './io';
export { TaskLogPrinter } from './logs/task-log-printer';
export { createProgram, runCli } from './program';
export { renderTimelineSvg } from './trace/timeline-svg';

export type { AppOptions, K5App } from './app/k5-app';
export type { AppRun, RunAppOptions } from './app/run-app';
export type { CheckReport } from './commands/check';
export type { MpuRow } from './commands/mpu';
export type { CliIo, Colors } from './io';
export type { TaskLogLine, TaskLogPrinterOptions } from './logs/task-log-printer';
export type { LaneBudget, TimelineSvgOptions } from './trace/timeline-svg';
