// Reads the published packages and the apps from disk and reports dependency-rule violations; exit code 1
// when there are any. Run by `npm run check:deps`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { checkWorkspace, type PackageInfo, type SourceFile } from './check';

function walk(dir: string, root: string, out: SourceFile[]): void {
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) walk(full, root, out);
    else if (/\.(ts|mts|cts|js|mjs)$/.test(entry)) {
      out.push({ path: relative(root, full), text: readFileSync(full, 'utf8') });
    }
  }
}

const repo = join(import.meta.dirname, '..', '..', '..');
// Published packages and the runnable apps (which must declare what they import too).
const dirs = ['packages', 'apps'].flatMap((group) =>
  readdirSync(join(repo, group))
    .map((name) => join(repo, group, name))
    .filter((dir) => {
      try {
        return statSync(join(dir, 'package.json')).isFile();
      } catch {
        return false;
      }
    }),
);
const packages: PackageInfo[] = dirs.map((dir) => {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const files: SourceFile[] = [];
  for (const sub of ['src', 'test', 'bench']) {
    try {
      walk(join(dir, sub), dir, files);
    } catch {
      // the folder does not exist: nothing to check there
    }
  }
  return {
    name: manifest.name,
    dependencies: manifest.dependencies ?? {},
    devDependencies: manifest.devDependencies ?? {},
    files,
  };
});

const violations = checkWorkspace(packages, new Set(builtinModules));
for (const v of violations) {
  console.error(`${v.pkg}${v.file ? ` (${v.file})` : ''}: ${v.message}`);
}
const fileCount = packages.reduce((n, p) => n + p.files.length, 0);
if (violations.length > 0) {
  console.error(`dependency rules: ${violations.length} violation(s)`);
  process.exit(1);
}
console.log(`dependency rules: ${packages.length} packages, ${fileCount} files, no violations`);
