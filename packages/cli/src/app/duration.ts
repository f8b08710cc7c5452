// Durations on the command line: `250ms`, `1.5s`, `800us` (or `µs`), `2000` (kernel ticks).

import { CliError, ExitCode } from '../errors';

const UNITS: Record<string, number> = { s: 1, ms: 1e-3, us: 1e-6, µs: 1e-6, ns: 1e-9 };

/** Parses a duration into kernel ticks. @throws CliError (usage) when it is not one. */
export function parseDuration(text: string, ticksPerSecond: number): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|ms|us|µs|ns|ticks)?$/.exec(text.trim());
  if (!m) {
    throw new CliError(
      ExitCode.Usage,
      `"${text}" is not a duration (examples: 250ms, 1.5s, 800us, 2000 ticks)`,
    );
  }
  const value = Number(m[1]);
  const unit = m[2];
  const ticks =
    unit === undefined || unit === 'ticks' ? value : value * UNITS[unit]! * ticksPerSecond;
  if (!Number.isFinite(ticks) || ticks < 1)
    throw new CliError(ExitCode.Usage, `duration "${text}" is shorter than one tick`);
  return Math.round(ticks);
}

/** Parses `key=value` app options; numbers and booleans are converted. */
export function parseAppOptions(
  pairs: readonly string[],
): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new CliError(ExitCode.Usage, `option "${p}" must be key=value`);
    const v = p.slice(i + 1);
    out[p.slice(0, i)] =
      v === 'true'
        ? true
        : v === 'false'
          ? false
          : v !== '' && Number.isFinite(Number(v))
            ? Number(v)
            : v;
  }
  return out;
}
