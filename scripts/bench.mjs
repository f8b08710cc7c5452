// `npm run bench`: runs every workspace's `bench/index.ts` one after another (benchmarks must not
// compete for the 2 cores), keeping stdout pure JSON lines and the tables on stderr.
// `npm run bench -- kernel defmt` runs only those packages.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const repo = join(import.meta.dirname, '..');
const only = process.argv.slice(2);
const dirs = readdirSync(join(repo, 'packages'))
  .filter((name) => only.length === 0 || only.includes(name))
  .map((name) => join(repo, 'packages', name))
  .filter((dir) => existsSync(join(dir, 'bench', 'index.ts')));

let failed = 0;
for (const dir of dirs) {
  const result = spawnSync(
    process.execPath,
    ['--expose-gc', '--conditions=@k5/source', '--import', 'tsx', 'bench/index.ts'],
    { cwd: dir, stdio: 'inherit' },
  );
  if (result.status !== 0) {
    failed++;
    process.stderr.write(`bench failed in ${dir} (exit ${result.status})\n`);
  }
}
process.exit(failed > 0 ? 1 : 0);
