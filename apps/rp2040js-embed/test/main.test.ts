// `npm start` end to end: the run log names every task, the client's tally, the fault and the
// counters, with no wrong register check.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('npm start prints the run log', () => {
  const app = fileURLToPath(new URL('..', import.meta.url));
  const run = spawnSync(
    process.execPath,
    ['--conditions=@k5/source', '--import', 'tsx', 'src/main.ts'],
    { cwd: app, encoding: 'utf8' },
  );
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const out = run.stdout;
  for (const task of ['server', 'client', 'faulter', 'spinner-a', 'spinner-b']) {
    expect(out).toMatch(new RegExp(`^  ${task} +0x200[0-3][0-9a-f]{4}$`, 'm'));
  }
  expect(out).toContain('client: ok: 8 of 8 answers right');
  expect(out).toMatch(/fault handler: VM fault, pc 0x200[0-9a-f]{5}, address 0x20000000/);
  expect(out).toMatch(/SysTick preemptions [1-9]\d*/);
  expect(out).toMatch(/register checks at resumption: \d+ \(\d+ after SysTick\), 0 wrong/);
});
