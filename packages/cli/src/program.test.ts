import { ERROR_TABLE, SYSCALL_TABLE } from '@k5/abi';
import { describe, expect, it } from 'vitest';
import { ExitCode } from './errors';
import { runCli } from './program';
import { shouldColor } from './io';

async function run(argv: string[], color = false) {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    color,
  });
  return { code, out, err };
}

describe('k5', () => {
  it('prints help and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(ExitCode.Ok);
    expect(r.out).toContain('Usage: k5');
    expect(r.out).toContain('abi');
  });

  it('rejects an unknown command with a usage error', async () => {
    const r = await run(['frobnicate']);
    expect(r.code).toBe(ExitCode.Usage);
    expect(r.err).toContain("unknown command 'frobnicate'");
  });

  it('prints the C header with the syscall numbers of @k5/abi', async () => {
    const r = await run(['abi', 'header']);
    expect(r.code).toBe(ExitCode.Ok);
    const call = SYSCALL_TABLE.find((s) => s.name === 'Call')!;
    expect(r.out).toMatch(new RegExp(`#define K5_SYS_CALL\\s+${call.number}u?\\b`));
  });

  it('lists syscalls as JSON', async () => {
    const r = await run(['abi', 'syscalls', '--json']);
    const parsed = JSON.parse(r.out) as Array<{ name: string; number: number }>;
    expect(parsed).toHaveLength(SYSCALL_TABLE.length);
    expect(parsed[0]).toEqual({ name: SYSCALL_TABLE[0]!.name, number: SYSCALL_TABLE[0]!.number });
  });

  it('lists errors as a table without colour codes when colour is off', async () => {
    const r = await run(['abi', 'errors']);
    expect(r.out.split('\n')[0]).toMatch(/^code\s+error$/);
    expect(r.out).toContain(`${ERROR_TABLE.at(-1)!.code}`);
    expect(r.out).not.toContain('\u001b[');
  });

  it('colours the table header when colour is on', async () => {
    const r = await run(['abi', 'errors'], true);
    expect(r.out).toContain('\u001b[1mcode');
  });
});

describe('shouldColor', () => {
  it.each([
    [{}, true, true],
    [{}, false, false],
    [{ NO_COLOR: '1' }, true, false],
    [{ NO_COLOR: '' }, true, true],
    [{ FORCE_COLOR: '1' }, false, true],
    [{ FORCE_COLOR: '0' }, true, false],
    [{ NO_COLOR: '1', FORCE_COLOR: '1' }, true, false],
  ])('%j on a tty=%s -> %s', (env, tty, expected) => {
    expect(shouldColor(env, tty)).toBe(expected);
  });
});

describe('k5 --version', () => {
  it('prints the package version', async () => {
    const { version } = (await import('../package.json')).default;
    const r = await run(['--version']);
    expect(r.code).toBe(ExitCode.Ok);
    expect(r.out.trim()).toBe(version);
  });
});
