// The C library in c/ restates a few @k5/abi values that the generated k5.h does not carry
// (the Log syscall's levels); they must stay equal to the ABI's.
import { readFileSync } from 'node:fs';
import { LogLevel } from '@k5/abi';
import { describe, expect, it } from 'vitest';

const header = readFileSync(new URL('../c/k5-defmt.h', import.meta.url), 'utf8');

describe('c/k5-defmt.h', () => {
  it("defines K5_LOG_* as @k5/abi's LogLevel", () => {
    const defined = Object.fromEntries(
      [...header.matchAll(/#define K5_LOG_([A-Z]+) (\d+)u/g)].map((m) => [m[1]!, Number(m[2])]),
    );
    expect(defined).toEqual(
      Object.fromEntries(Object.entries(LogLevel).map(([k, v]) => [k.toUpperCase(), v])),
    );
  });
});
