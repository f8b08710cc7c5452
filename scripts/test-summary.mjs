// Sums the vitest JSON reports that each workspace's `test` task leaves (turbo restores them from
// its cache too) and prints one closing line for the whole repository. Fails if any report is
// missing, so a package whose tests silently did not run cannot pass.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const repo = join(import.meta.dirname, '..');
let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const group of ['packages', 'apps', 'tools', '.']) {
  const base = join(repo, group);
  const dirs = group === '.' ? ['docs'] : readdirSync(base);
  for (const name of dirs) {
    const dir = join(base, name);
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    if (!JSON.parse(readFileSync(manifest, 'utf8')).scripts?.test) continue;
    const report = join(dir, '.vitest-results.json');
    if (!existsSync(report)) {
      missing.push(`${group}/${name}`);
      continue;
    }
    const r = JSON.parse(readFileSync(report, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  }
}
if (missing.length > 0) {
  console.error(`no test report for: ${missing.join(', ')}`);
  process.exit(1);
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
