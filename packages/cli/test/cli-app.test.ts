// End-to-end tests of the app commands against apps/ping-pong, in-process: output, files written,
// JSON for scripts, and the exit codes each failure maps to.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDefmtElf } from '@k5/defmt';
import { describe, expect, it } from 'vitest';
import { loadApp } from '../src/app/load-app';
import { ExitCode } from '../src/errors';
import { k5, REPO } from './helpers';

const tmp = () => mkdtempSync(join(tmpdir(), 'k5-cli-'));

describe('k5 run', () => {
  it('streams the decoded, task-tagged logs and summarises on stderr', async () => {
    const r = await k5(['run', 'apps/ping-pong', '-o', 'rounds=2']);
    expect(r.code).toBe(ExitCode.Ok);
    expect(r.out.split('\n').slice(0, 3)).toEqual([
      'pong │ 0.000000 INFO  waiting for pings on endpoint slot 1',
      'ping │ 0.000000 INFO  sending ping 1 with payload 0x1001',
      'pong │ 0.000200 DEBUG got ping 1 from badge 0x91, replying 0xeffe',
    ]);
    expect(r.out).toContain(
      'ping │ 0.001600 INFO  2 round trips done, pong counted 2 in shared memory',
    );
    expect(r.err).toContain('ping-pong: 8 log lines, 0 undecodable, 0 dropped, simulated 1.6 ms');
    expect(r.out).not.toContain('\u001b[');
  });

  it('colours only when asked', async () => {
    const r = await k5(['run', 'apps/ping-pong', '-o', 'rounds=1'], { color: true });
    expect(r.out).toContain('\u001b[');
  });

  it('gives one JSON object per line with --json', async () => {
    const r = await k5(['run', 'apps/ping-pong', '-o', 'rounds=1', '--json']);
    const objects = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(objects[0]).toEqual({
      type: 'log',
      taskId: 0,
      task: 'pong',
      text: '0.000000 INFO  waiting for pings on endpoint slot 1',
    });
    expect(objects.at(-1)).toMatchObject({
      type: 'summary',
      app: 'ping-pong',
      lines: 5,
      malformed: 0,
      ticks: 700,
    });
  });

  it("passes defmt-print's --log-format", async () => {
    const r = await k5(['run', 'apps/ping-pong', '-o', 'rounds=1', '--log-format', '{s} @ {t}']);
    expect(r.out.split('\n')[0]).toBe('pong │ waiting for pings on endpoint slot 1 @ 0.000000');
  });

  it('stops at --duration of simulated time', async () => {
    const r = await k5([
      'run',
      'apps/ping-pong',
      '-o',
      'rounds=100',
      '--duration',
      '1ms',
      '--json',
    ]);
    expect(r.code).toBe(ExitCode.Ok);
    const summary = JSON.parse(r.out.trim().split('\n').at(-1)!);
    expect(summary.ticks).toBeGreaterThanOrEqual(1000);
    expect(summary.ticks).toBeLessThan(2000);
  });

  it.each([
    [['run', 'apps/ping-pong', '--duration', 'soon'], ExitCode.Usage, 'is not a duration'],
    [['run', 'apps/ping-pong', '-o', 'rounds'], ExitCode.Usage, 'must be key=value'],
    [['run', 'apps/nowhere'], ExitCode.InvalidApp, 'no app at apps/nowhere'],
    [['run', 'packages'], ExitCode.InvalidApp, 'without an app module'],
    [['run'], ExitCode.Usage, "missing required argument 'app'"],
  ])('%j exits %i', async (argv, code, message) => {
    const r = await k5(argv);
    expect(r.code).toBe(code);
    expect(r.err).toContain(message);
  });
});

describe('k5 logs', () => {
  it('decodes a captured channel stream exactly as the live run printed it', async () => {
    const dir = tmp();
    const live = await k5([
      'run',
      'apps/ping-pong',
      '-o',
      'rounds=3',
      '--capture',
      join(dir, 'log.bin'),
    ]);
    const decoded = await k5(['logs', join(dir, 'log.bin'), '--app', 'apps/ping-pong']);
    expect(decoded.code).toBe(ExitCode.Ok);
    expect(decoded.out).toBe(live.out);
  });

  it('reports a stream cut inside a frame with exit code 1', async () => {
    const dir = tmp();
    await k5(['run', 'apps/ping-pong', '-o', 'rounds=1', '--capture', join(dir, 'log.bin')]);
    const bytes = readFileSync(join(dir, 'log.bin'));
    writeFileSync(join(dir, 'cut.bin'), bytes.subarray(0, bytes.length - 2));
    const r = await k5(['logs', join(dir, 'cut.bin'), '--app', 'apps/ping-pong']);
    expect(r.code).toBe(ExitCode.Failure);
    expect(r.err).toMatch(/ends 2 bytes into an unfinished frame|ends .* into an unfinished frame/);
  });

  it('rejects a frame naming a task the app does not have', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'bad.bin'), Uint8Array.of(1, 0, 9, 0, 0));
    const r = await k5(['logs', join(dir, 'bad.bin'), '--app', 'apps/ping-pong', '--json']);
    expect(r.code).toBe(ExitCode.Failure);
    expect(r.err).toContain('names task 9 but the app has 2 tasks');
  });

  it("decodes with the tasks' firmware ELFs instead of an app module", async () => {
    const dir = tmp();
    const live = await k5([
      'run',
      'apps/ping-pong',
      '-o',
      'rounds=2',
      '--capture',
      join(dir, 'log.bin'),
    ]);
    // The ELFs ping and pong would be built into, carrying their defmt tables.
    const tables = (await loadApp('apps/ping-pong', REPO)).logTables!;
    writeFileSync(join(dir, 'ping.elf'), writeDefmtElf(tables.ping!));
    writeFileSync(join(dir, 'pong.elf'), writeDefmtElf(tables.pong!));
    const r = await k5([
      'logs',
      join(dir, 'log.bin'),
      '--tasks',
      'pong,ping',
      '--elf',
      `ping=${join(dir, 'ping.elf')}`,
      '--elf',
      `pong=${join(dir, 'pong.elf')}`,
    ]);
    expect(r.code).toBe(ExitCode.Ok);
    expect(r.out).toBe(live.out);
  });

  it('says which task has no table', async () => {
    const dir = tmp();
    await k5(['run', 'apps/ping-pong', '-o', 'rounds=1', '--capture', join(dir, 'log.bin')]);
    const r = await k5(['logs', join(dir, 'log.bin'), '--tasks', 'pong,ping']);
    expect(r.out.split('\n')[0]).toMatch(
      /^pong │ \(HOST\) \d+ log bytes; no defmt table was given for this task$/,
    );
  });

  it('needs --app or --tasks, and well-formed --elf', async () => {
    expect((await k5(['logs', 'x.bin'])).code).toBe(ExitCode.Usage);
    const r = await k5(['logs', 'x.bin', '--tasks', 'a', '--elf', 'b=x.elf']);
    expect(r.code).toBe(ExitCode.Usage);
    expect(r.err).toContain('expected <task>=<file> with a task among a');
  });
});

describe('k5 trace', () => {
  it('writes a Chrome/Perfetto trace with a named track per task', async () => {
    const dir = tmp();
    const r = await k5(['trace', 'apps/ping-pong', '-o', 'rounds=2', '--out', join(dir, 't.json')]);
    expect(r.code).toBe(ExitCode.Ok);
    expect(r.out).toContain('ui.perfetto.dev');
    const trace = JSON.parse(readFileSync(join(dir, 't.json'), 'utf8'));
    const names = trace.traceEvents.filter((e: { name: string }) => e.name === 'thread_name');
    expect(names.map((e: { args: { name: string } }) => e.args.name)).toEqual(['pong', 'ping']);
    const runs = trace.traceEvents.filter((e: { ph: string }) => e.ph === 'X');
    // The run slices add up to the work the tasks declare: 2 × (200 + 500) µs.
    expect(runs.reduce((n: number, e: { dur: number }) => n + e.dur, 0)).toBe(1400);
    expect(
      trace.traceEvents.some(
        (e: { cat?: string; name: string }) => e.cat === 'syscall' && e.name === 'Call',
      ),
    ).toBe(true);
  });

  it('writes the SVG timeline', async () => {
    const dir = tmp();
    const r = await k5(['trace', 'apps/ping-pong', '--svg', join(dir, 't.svg'), '--json']);
    expect(JSON.parse(r.out)).toMatchObject({ app: 'ping-pong', ticks: 4300 });
    const svg = readFileSync(join(dir, 't.svg'), 'utf8');
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('data-name="ping"');
  });

  it('is deterministic: two runs write the same trace, byte for byte', async () => {
    const dir = tmp();
    await k5([
      'trace',
      'apps/ping-pong',
      '--out',
      join(dir, 'a.json'),
      '--svg',
      join(dir, 'a.svg'),
    ]);
    await k5([
      'trace',
      'apps/ping-pong',
      '--out',
      join(dir, 'b.json'),
      '--svg',
      join(dir, 'b.svg'),
    ]);
    expect(readFileSync(join(dir, 'b.json'))).toEqual(readFileSync(join(dir, 'a.json')));
    expect(readFileSync(join(dir, 'b.svg'))).toEqual(readFileSync(join(dir, 'a.svg')));
  });

  it('needs an output', async () => {
    const r = await k5(['trace', 'apps/ping-pong']);
    expect(r.code).toBe(ExitCode.Usage);
    expect(r.err).toContain('needs --out');
  });
});

describe('k5 mpu', () => {
  it("prints each task's PMSAv8 regions from the port's solver", async () => {
    const r = await k5(['mpu', 'apps/ping-pong']);
    expect(r.code).toBe(ExitCode.Ok);
    expect(r.out).toContain('PMSAv8 MPU, 8 regions');
    expect(r.out).toMatch(/ping\s+1\s+0x[0-9a-f]{8}\s+0x[0-9a-f]{8}\s+256\s+r-x\s+region:stats/);
    expect(r.out).toMatch(/pong\s+1\s+0x[0-9a-f]{8}\s+0x[0-9a-f]{8}\s+256\s+rwx\s+region:stats/);
  });

  it('gives JSON rows', async () => {
    const rows = JSON.parse((await k5(['mpu', 'apps/ping-pong', '--json'])).out);
    expect(
      rows
        .filter((r: { task: string }) => r.task === 'ping')
        .map((r: { covers: string[] }) => r.covers),
    ).toEqual([['stack', 'ipc-buffer'], ['region:stats']]);
  });
});

describe('k5 mpu on a port without a region solver', () => {
  it('lists the kernel grants per task', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'k5.app.mjs'),
      `export const app = { manifest: { name: 'g', board: { name: 'b', memory: { base: 0x20000000, size: 65536 } }, regions: [{ name: 'io', size: 64 }], tasks: [{ name: 'a', priority: 1, stack: 256, regions: [{ region: 'io', access: 'read' }] }] }, programs: () => ({ a: function* () {} }) };\n`,
    );
    const r = await k5(['mpu', dir]);
    expect(r.code).toBe(ExitCode.Ok);
    expect(r.out).toContain('memory grants per task');
    expect(r.out).toMatch(/a\s+-\s+0x[0-9a-f]{8}\s+0x[0-9a-f]{8}\s+64\s+r-x\s+region:io/);
    expect(r.out).toMatch(/a\s+-\s+0x[0-9a-f]{8}\s+0x[0-9a-f]{8}\s+256\s+rwx\s+stack/);
  });
});

describe('k5 check', () => {
  it('passes ping-pong: valid, fits, schedulable', async () => {
    const r = await k5(['check', 'apps/ping-pong']);
    expect(r.code).toBe(ExitCode.Ok);
    expect(r.out).toContain('✓ ping-pong: manifest valid');
    expect(r.out).toContain('every task meets its deadline');
    expect(r.out).toMatch(/ping\s+100\s+1000\s+1000\s+yes/);
  });

  it('reports every manifest problem with its path and exits 3', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'k5.app.mjs'),
      `export const app = { manifest: { name: 'bad', board: { name: 'b', memory: { base: 0, size: 4096 } }, tasks: [{ name: 'a', priority: 300, stack: 100 }] }, programs: () => ({}) };\n`,
    );
    const r = await k5(['check', dir, '--json']);
    expect(r.code).toBe(ExitCode.InvalidApp);
    expect(JSON.parse(r.out).problems.map((p: { path: string }) => p.path)).toEqual([
      'tasks[0].priority',
      'tasks[0].stack',
    ]);
  });

  it('exits 4 for a valid but unschedulable task set', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'app.mjs'),
      `const t = (name, priority) => ({ name, priority, stack: 256, budget: 600, period: 1000 });
export const app = { manifest: { name: 'over', board: { name: 'b', memory: { base: 0x20000000, size: 65536 } }, tasks: [t('a', 10), t('b', 5)] }, programs: () => ({ a: function* () {}, b: function* () {} }) };\n`,
    );
    const r = await k5(['check', join(dir, 'app.mjs')]);
    expect(r.code).toBe(ExitCode.Unschedulable);
    expect(r.out).toContain('some task can miss its deadline');
  });
});

describe('help', () => {
  it.each([['run'], ['logs'], ['trace'], ['mpu'], ['check'], ['abi']])(
    'k5 %s --help exits 0',
    async (cmd) => {
      const r = await k5([cmd, '--help']);
      expect(r.code).toBe(ExitCode.Ok);
      expect(r.out).toContain(`Usage: k5 ${cmd}`);
    },
  );

  it('lists the exit codes', async () => {
    expect((await k5(['--help'])).out).toContain('3 invalid app, 4 unschedulable');
  });
});
