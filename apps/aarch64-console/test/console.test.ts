// End-to-end: the console system boots on the AArch64 port, every client's text comes out of
// the UART in request order, the UART is device memory in the server's tables only, the shared
// buffers are in both tables, the rogue's direct store is a translation fault reported by the
// supervisor, and context switches never flush the TLB.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ATTR_DEVICE } from '@k5/arch-aarch64';
import { AccessKind } from '@k5/kernel';
import { describe, expect, it } from 'vitest';
import { UART_BASE } from '../src/board';
import { Pl011 } from '../src/pl011';
import { runConsole } from '../src/system';

const EXPECTED = [
  'rogue: writing to the UART myself',
  'supervisor: rogue stopped by a VM fault: write at 0x09000000, pc 0x08004000',
  'counter: 1',
  'counter: 2',
  'counter: 3',
  'hello: hello from EL0, through the console server',
  'hello: my text travelled in a shared page, not in registers',
  '',
].join('\n');

describe('the AArch64 console system', () => {
  it('prints every client line through the UART, with invariants checked at every entry', () => {
    const run = runConsole({ checkInvariants: true });
    expect(run.output).toBe(EXPECTED);
    expect(run.uart.counters.transmitted).toBe(new TextEncoder().encode(EXPECTED).length);
    expect(run.output).not.toContain('never printed');
    expect(run.system.kernel.checkInvariants()).toEqual([]);
  });

  it('maps the UART as device memory into the server only, and each shared page into both', () => {
    const run = runConsole();
    const ctx = (p: string) => run.task(p)!.context;
    const server = run.port.mappingsOf(ctx('console'));
    expect(server.filter((m) => m.device)).toEqual([
      {
        va: UART_BASE,
        size: 0x1000,
        access: AccessKind.Read | AccessKind.Write | AccessKind.Execute,
        device: true,
      },
    ]);
    for (const client of ['supervisor', 'hello', 'counter', 'rogue']) {
      const own = run.port.mappingsOf(ctx(client));
      expect(own.some((m) => m.device)).toBe(false);
      // Its shared page (x9) is mapped in the server's tables too.
      const shared = run.port.readRegister(ctx(client), 9);
      const covers = (m: { va: number; size: number }) => m.va <= shared && shared < m.va + m.size;
      expect(own.some(covers)).toBe(true);
      expect(server.some(covers)).toBe(true);
    }
    // The server's translation of UARTDR carries the Device-nGnRE attribute index.
    run.port.switchTo(ctx('console'));
    const t = run.port.mmu.translate(UART_BASE + Pl011.DR, 1, 0);
    expect(t.ok && t.entry.attrIndx).toBe(ATTR_DEVICE);
  });

  it('refuses the rogue’s direct store with a level-2 translation fault and reports it', () => {
    const run = runConsole();
    const rogue = run.task('rogue')!;
    expect(run.fault).toEqual({
      context: rogue.context,
      address: UART_BASE + Pl011.DR,
      access: AccessKind.Write,
      fault: { kind: 'translation', level: 2, statusCode: 0x06 },
      // EC 0x24 (data abort from EL0), IL, WnR (bit 6), DFSC 0x06.
      esr: 0x9200_0046,
    });
    expect(run.output).toContain(
      `supervisor: rogue stopped by a VM fault: write at 0x09000000, pc 0x${run.system.boot.programs.rogue!.toString(16).padStart(8, '0')}`,
    );
    // Blocked on its fault endpoint: it never runs again.
    expect(run.uart.counters.dropped).toBe(0);
  });

  it('switches address spaces by ASID without a single TLB flush', () => {
    const run = runConsole();
    const c = run.port.mmu.tlb.counters;
    expect(run.port.counters.switches).toBeGreaterThan(10);
    expect(c.flushes.VMALLE1).toBe(0);
    expect(c.flushes.ASIDE1).toBe(0);
    expect(c.hits).toBeGreaterThan(c.misses);
  });

  it('is deterministic', () => {
    expect(runConsole().output).toBe(runConsole().output);
  });

  it('runs as `npm start` and exits 0', () => {
    const out = execFileSync(
      process.execPath,
      [
        '--conditions=@k5/source',
        '--import',
        'tsx',
        join(import.meta.dirname, '..', 'src', 'main.ts'),
      ],
      { encoding: 'utf8' },
    );
    expect(out).toContain(EXPECTED);
    expect(out).toContain(
      'translation fault at level 2 (DFSC 0x06), FAR_EL1 0x9000000, ESR_EL1 0x92000046',
    );
    expect(out).toMatch(/full TLB flushes: 0, invariants: hold/);
  });
});
