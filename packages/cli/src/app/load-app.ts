// Finding and importing an app module. `<app>` is a path (relative to the working directory) to
// either a module file exporting `app`, or a directory holding `k5.app.ts`, `k5.app.mts`,
// `k5.app.js` or `k5.app.mjs`. TypeScript modules need a TypeScript-aware Node (tsx), which is
// how the repository runs the CLI; a clear error says so otherwise.

import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CliError, ExitCode } from '../errors';
import type { K5App } from './k5-app';

/** File names looked up in an app directory, in order. @public */
export const APP_MODULE_NAMES = ['k5.app.ts', 'k5.app.mts', 'k5.app.js', 'k5.app.mjs'] as const;

/** Resolves `<app>` to a module file. */
export function resolveAppModule(spec: string, cwd: string): string {
  const path = resolve(cwd, spec);
  if (!existsSync(path))
    throw new CliError(ExitCode.InvalidApp, `no app at ${spec} (${path} does not exist)`);
  if (!statSync(path).isDirectory()) return path;
  for (const name of APP_MODULE_NAMES) if (existsSync(join(path, name))) return join(path, name);
  throw new CliError(
    ExitCode.InvalidApp,
    `${spec} is a directory without an app module (looked for ${APP_MODULE_NAMES.join(', ')})`,
  );
}

function isK5App(v: unknown): v is K5App {
  const a = v as Partial<K5App> | null;
  return (
    typeof a === 'object' &&
    a !== null &&
    typeof a.manifest === 'object' &&
    typeof a.programs === 'function'
  );
}

/** Imports `<app>` and returns its `app` export (its manifest is not validated here). */
export async function loadApp(spec: string, cwd: string): Promise<K5App> {
  const file = resolveAppModule(spec, cwd);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_UNKNOWN_FILE_EXTENSION') {
      throw new CliError(
        ExitCode.InvalidApp,
        `${file} is TypeScript: run k5 under a TypeScript-aware Node (for example \`node --import tsx\`), or point it at a built .js app module`,
      );
    }
    throw new CliError(
      ExitCode.InvalidApp,
      `could not import ${file}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  if (!isK5App(mod.app)) {
    throw new CliError(
      ExitCode.InvalidApp,
      `${file} must export \`app\` with a manifest object and a programs function (see docs/cli.md)`,
    );
  }
  return mod.app;
}
