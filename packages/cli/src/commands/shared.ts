// Helpers every app command shares: loading and validating the app named on the command line,
// and the kernel tick rate to show times with.

import { checkManifest } from '@k5/kernel';
import type { K5App } from '../app/k5-app';
import { loadApp } from '../app/load-app';
import { CliError, ExitCode } from '../errors';
import type { CliIo } from '../io';

/** Loads `<app>` and validates its manifest, or fails with every problem listed. */
export async function loadValidApp(io: CliIo, spec: string): Promise<K5App> {
  const app = await loadApp(spec, io.cwd ?? process.cwd());
  const problems = checkManifest(app.manifest);
  if (problems.length > 0) {
    throw new CliError(
      ExitCode.InvalidApp,
      `the manifest of ${spec} has ${problems.length} problem(s):\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`,
    );
  }
  return app;
}

/** Kernel ticks per second of an app (its board's, default 1 MHz). */
export function ticksPerSecond(app: K5App): number {
  return app.manifest.board.ticksPerSecond ?? 1_000_000;
}

/** A tick count as a human time (`1.5 ms`). */
export function formatTicks(ticks: number, perSecond: number): string {
  const s = ticks / perSecond;
  if (s >= 1) return `${+s.toFixed(6)} s`;
  if (s >= 1e-3) return `${+(s * 1e3).toFixed(3)} ms`;
  return `${+(s * 1e6).toFixed(3)} µs`;
}

/** Collects a repeatable option's values. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];
