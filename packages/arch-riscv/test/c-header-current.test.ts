// The committed c/k5.h is exactly what @k5/abi generates today: C tasks never build against
// stale numbers (regenerate with `npm run -s k5 -- abi header > packages/arch-riscv/c/k5.h`).
import { readFileSync } from 'node:fs';
import { generateCHeader } from '@k5/abi';
import { expect, it } from 'vitest';

it('c/k5.h matches generateCHeader()', () => {
  const committed = readFileSync(new URL('../c/k5.h', import.meta.url), 'utf8');
  expect(committed).toBe(generateCHeader());
});
