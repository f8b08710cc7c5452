// `npm run lock:complete` (after any dependency change) and `--check` in npm test.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { completeLock, type Lockfile } from './lock';

const file = join(import.meta.dirname, '..', '..', '..', 'package-lock.json');
const lock = JSON.parse(readFileSync(file, 'utf8')) as Lockfile;
const added = completeLock(lock);
if (process.argv.includes('--check')) {
  if (added.length > 0) {
    console.error(
      `package-lock.json lacks ${added.length} optional platform package(s) (${added.slice(0, 3).join(', ')}...), so npm ci would fail: run npm run lock:complete`,
    );
    process.exit(1);
  }
  console.log('package-lock.json: complete for every platform');
} else {
  writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`package-lock.json: added ${added.length} optional platform package(s)`);
}
