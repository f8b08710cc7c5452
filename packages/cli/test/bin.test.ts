// The real executable, as a user runs it from the repository: `npm run k5 -w @k5/cli -- ...` runs
// in packages/cli, and the app path is resolved from the directory the user was in (INIT_CWD).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './helpers';

function bin(args: string[], env: Record<string, string> = {}) {
  return spawnSync(
    process.execPath,
    [
      '--conditions=@k5/source',
      '--import',
      'tsx',
      join(import.meta.dirname, '..', 'src', 'bin.ts'),
      ...args,
    ],
    {
      cwd: join(REPO, 'packages', 'cli'),
      encoding: 'utf8',
      env: { ...process.env, INIT_CWD: REPO, ...env },
    },
  );
}

describe('k5 executable', () => {
  it('runs an app relative to INIT_CWD and respects NO_COLOR over FORCE_COLOR', () => {
    const r = bin(['run', 'apps/ping-pong', '-o', 'rounds=1'], { NO_COLOR: '1', FORCE_COLOR: '1' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('ping │ 0.000200 INFO  reply 1 is 0xeffe');
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('colours with FORCE_COLOR', () => {
    const r = bin(['run', 'apps/ping-pong', '-o', 'rounds=1'], { FORCE_COLOR: '1', NO_COLOR: '' });
    expect(r.stdout).toContain('\u001b[');
  });

  it('exits 3 for a missing app and 2 for a usage error', () => {
    expect(bin(['mpu', 'apps/none']).status).toBe(3);
    expect(bin(['run', 'apps/ping-pong', '--frobnicate']).status).toBe(2);
  });
});
