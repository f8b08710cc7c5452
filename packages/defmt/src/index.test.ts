import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as entry from './index';
import { DEFMT_VERSIONS, PACKAGE_NAME } from './index';

const srcDir = import.meta.dirname;

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) sources(full, out);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

describe('@k5/defmt entry', () => {
  it('names its package and the wire-format versions it reads', () => {
    expect(PACKAGE_NAME).toBe('@k5/defmt');
    expect(DEFMT_VERSIONS).toEqual(['3', '4']);
  });

  it('exports the decoder, printer and encoder', () => {
    for (const name of [
      'StreamDecoder',
      'FrameDecoder',
      'FrameDisplay',
      'DefmtPrinter',
      'LogFormatter',
      'FrameEncoder',
      'TableBuilder',
      'rzcobsDecode',
      'rzcobsEncode',
      'loadDefmtTable',
      'writeDefmtElf',
    ]) {
      expect(entry).toHaveProperty(name);
    }
  });

  it('is browser-safe: no Node built-ins outside src/node/', () => {
    const offenders = sources(srcDir)
      .filter((f) => !relative(srcDir, f).startsWith('node'))
      .filter((f) =>
        /from ['"]node:|\bprocess\.|\bBuffer\.(from|alloc|concat|isBuffer)|require\(/.test(
          readFileSync(f, 'utf8'),
        ),
      )
      .map((f) => relative(srcDir, f));
    expect(offenders).toEqual([]);
  });
});
