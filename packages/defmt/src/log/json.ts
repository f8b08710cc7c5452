// defmt-print's `--json` output: a schema-version line first, then one JSON object per frame with
// the fields (and field order) of defmt-json-schema v1. Relies on the record shape of
// `formatter.ts`.

import type { LogRecord } from './formatter';

/** The first line of `--json` output. */
export const JSON_SCHEMA_LINE = '{"schema_version":1}';

/** The module path split as defmt-json-schema does: crate, modules, function (at least two parts). */
function modulePathJson(path: string | undefined): unknown {
  if (path === undefined) return null;
  const parts = path.split('::');
  if (parts.length < 2) return null;
  const fn = parts.pop()!;
  const crate = parts.shift()!;
  return { crate_name: crate, modules: parts, function: fn };
}

/**
 * One frame as a `--json` line (without the newline).
 *
 * @param hostTimestampNs - the host's clock in nanoseconds since the Unix epoch.
 */
export function jsonFrameLine(record: LogRecord, hostTimestampNs: bigint): string {
  const level = record.level === undefined ? null : record.level.toUpperCase();
  const max = (1n << 63n) - 1n;
  const ts = hostTimestampNs > max ? max : hostTimestampNs;
  return (
    `{"data":${JSON.stringify(record.message)},"host_timestamp":${ts},"level":${JSON.stringify(level)},` +
    `"location":{"file":${JSON.stringify(record.file ?? null)},"line":${JSON.stringify(record.line ?? null)},` +
    `"module_path":${JSON.stringify(modulePathJson(record.modulePath))}},` +
    `"target_timestamp":${JSON.stringify(record.timestamp)}}`
  );
}
