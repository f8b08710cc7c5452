import { builtinModules } from 'node:module';
import { describe, expect, it } from 'vitest';
import { checkWorkspace, type PackageInfo } from './check';
import { importSpecifiers, packageOf } from './imports';

const builtins = new Set(builtinModules);

function pkg(name: string, files: Record<string, string>, deps: string[] = []): PackageInfo {
  return {
    name,
    dependencies: Object.fromEntries(deps.map((d) => [d, '0.0.0'])),
    devDependencies: {},
    files: Object.entries(files).map(([path, text]) => ({ path, text })),
  };
}

describe('importSpecifiers', () => {
  it.each([
    ["import { a } from '@k5/abi';", ['@k5/abi']],
    ["import type { A } from '@k5/abi';", ['@k5/abi']],
    ["export { x } from './x';", ['./x']],
    ["import './side-effect';", ['./side-effect']],
    ["const m = await import('node:fs');", ['node:fs']],
    ["const m = require('fs');", ['fs']],
    ["// import { a } from '@k5/cli';\nconst x = 1;", []],
    ["/* import { a } from '@k5/cli'; */", []],
    ["import {\n  a,\n  b,\n} from '@k5/elf';", ['@k5/elf']],
  ])('%s', (source, expected) => {
    expect(importSpecifiers(source)).toEqual(expected);
  });

  it.each([
    ['@k5/kernel/node', '@k5/kernel'],
    ['fast-check', 'fast-check'],
    ['vitest/config', 'vitest'],
    ['./local', undefined],
  ])('packageOf(%s)', (spec, expected) => {
    expect(packageOf(spec)).toBe(expected);
  });
});

describe('checkWorkspace', () => {
  it('accepts an allowed, declared import', () => {
    const p = pkg('@k5/kernel', { 'src/a.ts': "import { X } from '@k5/abi';" }, ['@k5/abi']);
    expect(checkWorkspace([p], builtins)).toEqual([]);
  });

  it('rejects an import against the arrows', () => {
    const p = pkg('@k5/abi', { 'src/a.ts': "import { K } from '@k5/kernel';" });
    expect(checkWorkspace([p], builtins)).toEqual([
      {
        pkg: '@k5/abi',
        file: 'src/a.ts',
        message: 'imports @k5/kernel, which DESIGN.md does not allow',
      },
    ]);
  });

  it('rejects a declared dependency against the arrows', () => {
    const p = pkg('@k5/defmt', {}, ['@k5/kernel']);
    expect(checkWorkspace([p], builtins)[0]?.message).toBe('may not depend on @k5/kernel');
  });

  it('rejects an allowed but undeclared import', () => {
    const p = pkg('@k5/kernel', { 'src/a.ts': "import { X } from '@k5/elf';" }, ['@k5/abi']);
    expect(checkWorkspace([p], builtins)[0]?.message).toContain('without declaring it');
  });

  it('rejects Node built-ins in browser-safe sources but not in tests or node entries', () => {
    const kernel = pkg('@k5/kernel', {
      'src/a.ts': "import { readFileSync } from 'node:fs';",
      'src/b.ts': "import { EventEmitter } from 'events';",
      'src/a.test.ts': "import { readFileSync } from 'node:fs';",
    });
    const defmt = pkg('@k5/defmt', { 'src/node/cli.ts': "import { parseArgs } from 'node:util';" });
    const messages = checkWorkspace([kernel, defmt], builtins).map((v) => v.file);
    expect(messages).toEqual(['src/a.ts', 'src/b.ts']);
  });

  it('lets tests import dev-only workspace helpers but not src', () => {
    const p = pkg('@k5/elf', {
      'bench/index.ts': "import { runBenchmarks } from '@k5/bench';",
      'src/x.ts': "import { runBenchmarks } from '@k5/bench';",
    });
    expect(checkWorkspace([p], builtins).map((v) => v.file)).toEqual(['src/x.ts']);
  });

  it('rejects undeclared third-party imports in src', () => {
    const p = pkg('@k5/cli', { 'src/main.ts': "import { Command } from 'commander';" });
    expect(checkWorkspace([p], builtins)[0]?.message).toContain("'commander'");
  });

  it('lets apps import any published package and Node, if declared', () => {
    const app = pkg(
      '@k5/app-demo',
      {
        'src/main.ts':
          "import { readFileSync } from 'node:fs';\nimport { bootApp } from '@k5/kernel';\nimport { ArmV8mPort } from '@k5/arch-armv8m';",
      },
      ['@k5/kernel'],
    );
    expect(checkWorkspace([app], builtins).map((v) => v.message)).toEqual([
      'imports @k5/arch-armv8m without declaring it in dependencies',
    ]);
    expect(
      checkWorkspace(
        [{ ...app, dependencies: { '@k5/kernel': '0', '@k5/arch-armv8m': '0' } }],
        builtins,
      ),
    ).toEqual([]);
  });

  it('reports packages missing from the table', () => {
    expect(checkWorkspace([pkg('@k5/unknown', {})], builtins)[0]?.message).toContain(
      'not in the dependency table',
    );
  });
});
