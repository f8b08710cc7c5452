// `npm start` as a user runs it: both real ports by default, exit code 0, every claim printed,
// and the same text on every run except key and signature fingerprints.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const main = join(import.meta.dirname, '..', 'src', 'main.ts');
const run = (...args: string[]) =>
  execFileSync(process.execPath, ['--conditions=@k5/source', '--import', 'tsx', main, ...args], {
    encoding: 'utf8',
    stdio: 'pipe',
  });
/** The output with the per-run fingerprints (keys, signatures) blanked. */
const stable = (text: string) => text.replace(/[0-9a-f]{12}…/g, '<fingerprint>');

describe('npm start', () => {
  it('runs the signer on ARMv8-M and RISC-V and prints every claim', () => {
    const out = run();
    for (const title of ['== ARMv8-M', '== RISC-V']) expect(out).toContain(title);
    expect(out.match(/attestation {2}verified/g)).toHaveLength(2);
    expect(out.match(/1024 refused, 0 read/g)).toHaveLength(2);
    expect(out.match(/same: yes/g)).toHaveLength(2);
    expect(out.match(/unseal refused: sealed-for-other-key/g)).toHaveLength(2);
    expect(out).not.toMatch(/\bNO\b|ACCEPTED|INVALID|REFUSED/);
  });

  it('prints the same report on every run but for the fingerprints', () => {
    expect(stable(run('--board', 'generic'))).toBe(stable(run('--board', 'generic')));
  });

  it('explains its options when given a wrong one', () => {
    expect(() => run('--board', 'z80')).toThrow(/usage: npm start/);
  });
});
