// Consumer proof: pack every published package with `npm pack`, install the tarballs into fresh
// projects outside the workspace (no registry needed beyond npm's cache), and use them the way
// users do: ESM import, CJS require, and @k5/defmt on its own. Also lints each tarball's package
// metadata with publint. Exit code 1 on any failure.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = join(import.meta.dirname, '..');
const PACKAGES = [
  'abi',
  'elf',
  'defmt',
  'kernel',
  'arch-armv8m',
  'arch-riscv',
  'arch-aarch64',
  'userspace',
  'cli',
];

// What each consumer project installs and runs. Each script must call real functions and
// print "ok" only when their results are right.
const PROJECTS = [
  {
    name: 'kernel-esm',
    install: ['abi', 'elf', 'kernel'],
    type: 'module',
    file: 'main.mjs',
    code: `
import * as kernel from '@k5/kernel';
import * as abi from '@k5/abi';
const checks = await import('./checks.mjs');
checks.kernel(kernel, abi);
console.log('ok');
`,
  },
  {
    name: 'kernel-cjs',
    install: ['abi', 'elf', 'kernel'],
    type: 'commonjs',
    file: 'main.cjs',
    code: `
const kernel = require('@k5/kernel');
const abi = require('@k5/abi');
import('./checks.mjs').then((checks) => { checks.kernel(kernel, abi); console.log('ok'); })
  .catch((e) => { console.error(e); process.exit(1); });
`,
  },
  {
    name: 'defmt-alone',
    install: ['elf', 'defmt'],
    type: 'module',
    file: 'main.mjs',
    code: `
import * as defmt from '@k5/defmt';
const checks = await import('./checks.mjs');
checks.defmt(defmt);
console.log('ok');
`,
  },
];

function run(cmd, args, cwd) {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const work = mkdtempSync(join(tmpdir(), 'k5-consumer-'));
let failed = 0;
try {
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  const packArgs = ['pack', '--silent', '--pack-destination', tarballs];
  for (const p of PACKAGES) packArgs.push('-w', `@k5/${p}`);
  run('npm', packArgs, repo);
  const files = readdirSync(tarballs);
  const tarballOf = (p) => {
    const file = files.find((f) => f.startsWith(`k5-${p}-`) && f.endsWith('.tgz'));
    if (!file) throw new Error(`npm pack produced no tarball for @k5/${p}`);
    return join(tarballs, file);
  };

  for (const p of PACKAGES) {
    try {
      run(join(repo, 'node_modules', '.bin', 'publint'), ['--strict', tarballOf(p)], repo);
    } catch (e) {
      failed++;
      console.error(`publint @k5/${p}: ${e.stdout ?? ''}${e.stderr ?? e.message}`);
    }
  }

  const checks = join(repo, 'scripts', 'consumer-checks.mjs');
  for (const project of PROJECTS) {
    const dir = join(work, project.name);
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: project.name, private: true, type: project.type }),
    );
    writeFileSync(join(dir, project.file), project.code);
    copyFileSync(checks, join(dir, 'checks.mjs'));
    try {
      run(
        'npm',
        [
          'install',
          '--prefer-offline',
          '--no-audit',
          '--no-fund',
          '--ignore-scripts',
          ...project.install.map(tarballOf),
        ],
        dir,
      );
      const out = run('node', [project.file], dir).trim();
      if (out.split('\n').at(-1) !== 'ok') throw new Error(`unexpected output: ${out}`);
      console.log(
        `consumer ${project.name}: ok (${project.install.map((p) => `@k5/${p}`).join(', ')})`,
      );
    } catch (e) {
      failed++;
      console.error(`consumer ${project.name}: FAILED\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (failed > 0) {
  console.error(`consumer test: ${failed} failure(s)`);
  process.exit(1);
}
console.log('consumer test: every package packs, installs and runs outside the workspace');
