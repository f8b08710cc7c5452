// Running `k5` in-process with captured output, from the repository root (where apps/ live).
import { join } from 'node:path';
import { runCli } from '../src/program';

/** The repository root. */
export const REPO = join(import.meta.dirname, '..', '..', '..');

/** Runs k5 with captured output. */
export async function k5(argv: string[], options: { color?: boolean; cwd?: string } = {}) {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    color: options.color ?? false,
    cwd: options.cwd ?? REPO,
  });
  return { code, out, err };
}
