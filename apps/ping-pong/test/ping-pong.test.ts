// End-to-end: the demo's system runs to completion on the ARMv8-M port, every frame decodes with
// its task's table, the lines come in the order Call/ReplyRecv imposes with defmt-print's
// formatting, each task's MPU regions are what the manifest maps, and `npm run demo` prints it.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ArmV8mPort } from '@k5/arch-armv8m';
import { describe, expect, it } from 'vitest';
import { runPingPong } from '../src/system';

describe('ping-pong', () => {
  it('exchanges every round trip in order, decoded per task, with invariants checked', () => {
    const { lines, malformed, dropped, system } = runPingPong({ rounds: 3, checkInvariants: true });
    expect(malformed).toBe(0);
    expect(dropped).toBe(0);
    expect(lines.map((l) => `${l.task}: ${l.text}`)).toEqual([
      'pong: 0.000000 INFO  waiting for pings on endpoint slot 1',
      'ping: 0.000000 INFO  sending ping 1 with payload 0x1001',
      'pong: 0.000200 DEBUG got ping 1 from badge 0x91, replying 0xeffe',
      'ping: 0.000200 INFO  reply 1 is 0xeffe',
      'ping: 0.000700 INFO  sending ping 2 with payload 0x2002',
      'pong: 0.001100 DEBUG got ping 2 from badge 0x91, replying 0xdffd',
      'ping: 0.001100 INFO  reply 2 is 0xdffd',
      'ping: 0.001600 INFO  sending ping 3 with payload 0x3003',
      'pong: 0.002000 DEBUG got ping 3 from badge 0x91, replying 0xcffc',
      'ping: 0.002000 INFO  reply 3 is 0xcffc',
      'ping: 0.002500 INFO  3 round trips done, pong counted 3 in shared memory',
    ]);
    expect(system.kernel.checkInvariants()).toEqual([]);
  });

  it('runs on the ARMv8-M port with one MPU region per mapping of each task', () => {
    const { system } = runPingPong({ rounds: 1 });
    const port = system.kernel.port;
    expect(port).toBeInstanceOf(ArmV8mPort);
    const armPort = port as ArmV8mPort;
    for (const task of system.tasks) {
      expect(armPort.mapError(task.tcb.context)).toBeNull();
      const grants = armPort.grants(task.tcb.context);
      // Stack, IPC buffer and the stats region.
      expect(grants).toHaveLength(3);
    }
    const stats = system.plan.blocks.find((b) => b.name === 'region:stats')!;
    const ping = system.tasks.find((t) => t.name === 'ping')!;
    expect(armPort.checkAccess(ping.tcb.context, stats.base, 4, 1)).toBe(true);
    // ping maps stats read-only: the MPU refuses its writes.
    expect(armPort.checkAccess(ping.tcb.context, stats.base, 4, 2)).toBe(false);
  });

  it('enforces the manifest budgets: pong waits for its refill', () => {
    // Round 1: pong works 200 µs of its 300 µs budget, ping 500. In round 2 (from 700 µs) pong
    // runs out of budget part-way, waits for its refill at 1000 µs and answers at 1100 µs.
    const { lines, system } = runPingPong({ rounds: 4 });
    const pong = system.tasks.find((t) => t.name === 'pong')!.tcb.sc!;
    expect([pong.budget, pong.period]).toEqual([300, 1000]);
    expect(lines.find((l) => l.text.includes('reply 1 '))?.text).toMatch(/^0\.000200 /);
    expect(lines.find((l) => l.text.includes('reply 2 '))?.text).toMatch(/^0\.001100 /);
    expect(system.kernel.now).toBe(3400);
  });

  it('is deterministic: two runs give the same lines', () => {
    expect(runPingPong({ rounds: 6 }).lines).toEqual(runPingPong({ rounds: 6 }).lines);
  });

  it('colours levels as defmt-print does when asked', () => {
    const { lines } = runPingPong({ rounds: 1, colored: true });
    expect(lines[0]!.text).toContain('\u001b[');
  });

  it('runs as `npm run demo`, prints task-tagged defmt-print lines and exits 0', () => {
    const out = execFileSync(
      process.execPath,
      [
        '--conditions=@k5/source',
        '--import',
        'tsx',
        join(import.meta.dirname, '..', 'src', 'main.ts'),
        '2',
      ],
      { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
    );
    expect(out).toContain('ping │ 0.000200 INFO  reply 1 is 0xeffe');
    expect(out).toContain('pong │ 0.001100 DEBUG got ping 2 from badge 0x91, replying 0xdffd');
    expect(out).toMatch(
      /8 log lines, 0 undecodable, 0 dropped, 2 tasks, simulated time 1600 µs, invariants: hold/,
    );
    expect(out).not.toContain('\u001b[');
  });

  it('rejects a bad round count with exit code 2', () => {
    let status = 0;
    try {
      execFileSync(
        process.execPath,
        [
          '--conditions=@k5/source',
          '--import',
          'tsx',
          join(import.meta.dirname, '..', 'src', 'main.ts'),
          'x',
        ],
        { encoding: 'utf8', stdio: 'pipe' },
      );
    } catch (e) {
      status = (e as { status: number }).status;
    }
    expect(status).toBe(2);
  });
});
