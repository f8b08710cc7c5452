// End-to-end: the demo's system runs to completion, every frame decodes, the lines come in the
// order Call/ReplyRecv imposes, replies are what pong computed, and the invariants hold.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPingPong } from '../src/system';

describe('ping-pong', () => {
  it('exchanges every round trip in order with invariants checked after each kernel entry', () => {
    const { lines, malformed, system } = runPingPong({ rounds: 3, checkInvariants: true });
    expect(malformed).toBe(0);
    expect(lines.map((l) => `${l.task}: ${l.text}`)).toEqual([
      'pong: INFO  pong: waiting for pings on endpoint slot 1',
      'ping: INFO  ping: sending ping 1 with payload 0x1001',
      'pong: DEBUG pong: got ping 1 from badge 0x91, replying 0xeffe',
      'ping: INFO  ping: reply 1 is 0xeffe',
      'ping: INFO  ping: sending ping 2 with payload 0x2002',
      'pong: DEBUG pong: got ping 2 from badge 0x91, replying 0xdffd',
      'ping: INFO  ping: reply 2 is 0xdffd',
      'ping: INFO  ping: sending ping 3 with payload 0x3003',
      'pong: DEBUG pong: got ping 3 from badge 0x91, replying 0xcffc',
      'ping: INFO  ping: reply 3 is 0xcffc',
      'ping: INFO  ping: 3 round trips done',
    ]);
    expect(system.kernel.checkInvariants()).toEqual([]);
  });

  it('advances simulated time only by the work the tasks declare', () => {
    // Each round: pong works 200 cycles, ping 500 afterwards.
    const { lines, system } = runPingPong({ rounds: 4 });
    expect(system.kernel.now).toBe(4 * 700);
    expect(lines.find((l) => l.text.includes('reply 2'))?.time).toBe(700 + 200);
  });

  it('is deterministic: two runs give the same lines at the same times', () => {
    const a = runPingPong({ rounds: 6 }).lines;
    const b = runPingPong({ rounds: 6 }).lines;
    expect(b).toEqual(a);
  });

  it('runs as `npm run demo` and exits 0', () => {
    const out = execFileSync(
      process.execPath,
      [
        '--conditions=@k5/source',
        '--import',
        'tsx',
        join(import.meta.dirname, '..', 'src', 'main.ts'),
        '2',
      ],
      { encoding: 'utf8' },
    );
    expect(out).toContain('ping: 2 round trips done');
    expect(out).toMatch(
      /8 log lines, 0 undecodable, 3 threads, simulated time 1400 ticks, invariants: hold/,
    );
  });
});
