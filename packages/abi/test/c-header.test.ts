import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cHeaderConstants, generateCHeader } from '../src/c-header';

function findCompiler(): string | undefined {
  for (const cc of ['cc', 'gcc', 'clang']) {
    if (spawnSync(cc, ['--version']).status === 0) return cc;
  }
  return undefined;
}

const compiler = findCompiler();

describe('generateCHeader', () => {
  it('defines each constant exactly once', () => {
    const names = cHeaderConstants().map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('names the numbers a C programmer expects', () => {
    const header = generateCHeader();
    expect(header).toContain('#define K5_SYS_CALL 0u');
    expect(header).toContain('#define K5_SYS_LOG 16u');
    expect(header).toContain('#define K5_ERR_NOT_ENOUGH_MEMORY 10u');
    expect(header).toContain('#define K5_LABEL_UNTYPED_RETYPE 1u');
    expect(header).toContain('#define K5_ARMV8M_NUMBER_REG 11u');
    expect(header).toContain('#define K5_RISCV_ARG0_REG 10u');
  });

  it.skipIf(!compiler)(
    'compiles with a C compiler and prints the same values as the TS tables',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'k5-abi-'));
      try {
        const constants = cHeaderConstants();
        writeFileSync(join(dir, 'k5.h'), generateCHeader());
        const body = constants.map(
          (c) => `  printf("%s %lu\\n", "${c.name}", (unsigned long)${c.name});`,
        );
        const info =
          '  printf("INFO %lu\\n", (unsigned long)k5_msginfo_new(0x12345u, 1u, 2u, 5u));';
        writeFileSync(
          join(dir, 'main.c'),
          [
            '#include <stdio.h>',
            '#include "k5.h"',
            'int main(void) {',
            ...body,
            info,
            '  return 0;',
            '}',
            '',
          ].join('\n'),
        );
        execFileSync(compiler!, [
          '-std=c99',
          '-Wall',
          '-Werror',
          '-o',
          join(dir, 'main'),
          join(dir, 'main.c'),
        ]);
        const out = execFileSync(join(dir, 'main'), { encoding: 'utf8' }).trim().split('\n');
        const printed = new Map(out.map((l) => l.split(' ') as [string, string]));
        for (const c of constants)
          expect([c.name, Number(printed.get(c.name))]).toEqual([c.name, c.value]);
        // Hand-computed from the layout: label 0x12345 << 12 | 1 << 9 | 2 << 7 | 5.
        expect(Number(printed.get('INFO'))).toBe(0x1234_5305);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it.runIf(!compiler)('is skipped: no C compiler (cc, gcc or clang) on PATH', () => {
    expect(compiler).toBeUndefined();
  });
});
