// The main entry in a real browser: bundled for the browser (which fails on any Node built-in),
// loaded into headless Chromium, used to build a table, encode a stream and print it. Skipped with
// a hint when Chromium is not installed.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(`browser test skipped: ${CHROMIUM} not found (apt-get install chromium)`);
}

const entry = fileURLToPath(new URL('../../src/index.ts', import.meta.url));

describe.skipIf(!haveChromium)('@k5/defmt in headless Chromium', () => {
  it('bundles for the browser and decodes a stream there', { timeout: 60_000 }, async () => {
    const bundle = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      format: 'iife',
      globalName: 'K5Defmt',
      conditions: ['@k5/source'],
      write: false,
      logLevel: 'silent',
    });
    const code = bundle.outputFiles[0]!.text;
    expect(code).not.toMatch(/require\(["']node:/);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
      ],
    });
    try {
      const page = await browser.newPage();
      await page.setContent('<!doctype html><title>defmt</title>');
      await page.addScriptTag({ content: code });
      const out = await page.evaluate(() => {
        const D = (globalThis as unknown as { K5Defmt: typeof import('../../src/index') }).K5Defmt;
        const b = new D.TableBuilder().timestamp('{=u32:us}');
        const hello = b.log('info', 'hello {=str} {=f32} {=u8:#x}');
        const table = b.build();
        const e = new D.FrameEncoder(table);
        const bytes = e.encode(hello, ['browser', 1.5, 255], [7]);
        const lines: string[] = [];
        const p = new D.DefmtPrinter(
          table,
          { stdout: (s: string) => lines.push(s) },
          { json: true, now: () => 1n },
        );
        p.push(bytes.subarray(0, 3));
        p.push(bytes.subarray(3));
        const elf = D.writeDefmtElf(table);
        const reread = D.loadDefmtTable(elf);
        return { lines, entries: reread.entries.size, ua: navigator.userAgent };
      });
      expect(out.ua).toMatch(/Chrome/);
      expect(out.entries).toBe(1);
      expect(out.lines).toEqual([
        '{"schema_version":1}\n',
        '{"data":"hello browser 1.5 0xff","host_timestamp":1,"level":"INFO","location":{"file":null,"line":null,"module_path":null},"target_timestamp":"0.000007"}\n',
      ]);
    } finally {
      await browser.close();
    }
  });
});
