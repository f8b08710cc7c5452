// End to end: the C client (committed ELF) and the TypeScript server exchange every echo in
// Call/ReplyRecv order on RiscvPort, every defmt frame of both decodes (the client's against
// the table in its ELF), each task runs under its own PMP layout, and `npm start` prints it all.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTaskElf, TaskImageError } from '../src/load-elf';
import { CLIENT_ELF, runRiscvEcho } from '../src/system';

describe('riscv-echo', () => {
  it('exchanges every echo in order with decoded logs from the C client and the server', () => {
    const { lines, malformed, system } = runRiscvEcho({ rounds: 2, checkInvariants: true });
    expect(malformed).toBe(0);
    expect(lines.map((l) => `${l.task}: ${l.text}`)).toEqual([
      'server: INFO  server: waiting for echoes on endpoint slot 1',
      'client: INFO  client: running on the reference hart, 2 echoes to send',
      'client: DEBUG client: echo 1 sends 0x6b350111',
      'server: DEBUG server: echo 1 from badge 0xc1, checksum 0xb449a527',
      'client: INFO  client: echo 1 came back as 0x6b350111, checksum 0xb449a527 ok',
      'client: DEBUG client: echo 2 sends 0x6b350222',
      'server: DEBUG server: echo 2 from badge 0xc1, checksum 0xc555e825',
      'client: INFO  client: echo 2 came back as 0x6b350222, checksum 0xc555e825 ok',
      'client: INFO  client: 2 of 2 echoes verified, suspending',
    ]);
    expect(system.kernel.checkInvariants()).toEqual([]);
    // Kernel time is the hart's cycles (the host server spends none).
    expect(system.kernel.now).toBe(system.runner.stats.cycles);
  });

  it('runs each task under its own PMP layout: the client sees its code region and buffer only', () => {
    const { layouts, clientBase } = runRiscvEcho({ rounds: 1 });
    expect(layouts.map((l) => l.name)).toEqual(['client', 'server']);
    const [client, server] = layouts;
    expect(client!.pmp.some((e) => e.start === clientBase && e.end === clientBase + 0x1000)).toBe(
      true,
    );
    for (const e of server!.pmp) {
      expect(e.end <= clientBase || e.start >= clientBase + 0x1000).toBe(true);
    }
  });

  it('is deterministic: two runs give the same lines at the same kernel times', () => {
    expect(runRiscvEcho({ rounds: 3 }).lines).toEqual(runRiscvEcho({ rounds: 3 }).lines);
  });

  it('refuses an image that is not RV32 or does not fit its region, writing nothing', () => {
    const elf = new Uint8Array(readFileSync(CLIENT_ELF));
    const writes: number[] = [];
    expect(() => loadTaskElf(elf, 0x2000_0000, 0x100, (a) => writes.push(a))).toThrow(
      TaskImageError,
    );
    const wrongMachine = elf.slice();
    wrongMachine[18] = 40; // EM_ARM
    expect(() => loadTaskElf(wrongMachine, 0x2000_0000, 0x1000, (a) => writes.push(a))).toThrow(
      /RV32/,
    );
    expect(writes).toEqual([]);
  });

  it('runs as `npm start`, prints the PMP layouts and exits 0', () => {
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
    expect(out).toMatch(
      /PMP of client \(thread \d+\):\n {2}entry 0 +NAPOT \[0x[0-9a-f]{8}, 0x[0-9a-f]{8}\) {2}rwx/,
    );
    expect(out).toContain('[client] INFO  client: 2 of 2 echoes verified, suspending');
    expect(out).toMatch(
      /9 log lines, 0 undecodable, \d+ ecalls from machine code, \d+ hart cycles, kernel time \d+, invariants: hold/,
    );
  });
});
