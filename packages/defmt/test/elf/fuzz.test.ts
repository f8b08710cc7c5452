// Fuzzing table and location loading with mutated firmware: the result is a table or a typed
// error (DefmtElfError or @k5/elf's ElfError), never another exception or a hang.
import fc from 'fast-check';
import { ElfError } from '@k5/elf';
import { describe, expect, it } from 'vitest';
import {
  DefmtElfError,
  findDefmtTable,
  loadDefmtLocations,
  loadDefmtTable,
} from '../../src/elf/index';
import { defmtElf, fixture, LINKED } from './fixtures';

const SOAK = typeof process !== 'undefined' && process.env.K5_SOAK === '1';
const runs = (n: number) => (SOAK ? n * 20 : n);
const TIMEOUT = SOAK ? 900_000 : 20_000;
const seeds = [...LINKED, 'aarch64-unmerged', 'aarch64-shared'].map((n) => fixture(n));

function load(bytes: Uint8Array): 'ok' | 'error' {
  try {
    const table = findDefmtTable(bytes);
    if (table !== undefined) loadDefmtLocations(bytes, table);
    return 'ok';
  } catch (e) {
    if (e instanceof DefmtElfError || e instanceof ElfError) return 'error';
    throw e;
  }
}

describe('fuzzing defmt table and location loading', () => {
  it(
    'survives bit flips',
    () => {
      fc.assert(
        fc.property(
          fc.nat(seeds.length - 1),
          fc.array(fc.tuple(fc.nat(), fc.nat(7)), { minLength: 1, maxLength: 6 }),
          (which, flips) => {
            const bytes = seeds[which]!.slice();
            for (const [at, bit] of flips) bytes[at % bytes.length]! ^= 1 << bit;
            expect(['ok', 'error']).toContain(load(bytes));
          },
        ),
        { numRuns: runs(800) },
      );
    },
    TIMEOUT,
  );

  it(
    'survives overwritten bytes and truncation',
    () => {
      fc.assert(
        fc.property(
          fc.nat(seeds.length - 1),
          fc.nat(),
          fc.uint8Array({ minLength: 1, maxLength: 8 }),
          fc.double({ min: 0.05, max: 1, noNaN: true }),
          (which, at, patch, keep) => {
            const src = seeds[which]!;
            const bytes = src.slice(0, Math.max(1, Math.floor(src.length * keep)));
            bytes.set(
              patch.subarray(0, Math.max(0, bytes.length - (at % bytes.length))),
              at % bytes.length,
            );
            expect(['ok', 'error']).toContain(load(bytes));
          },
        ),
        { numRuns: runs(800) },
      );
    },
    TIMEOUT,
  );

  it(
    'survives random bytes',
    () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
          expect(['ok', 'error']).toContain(load(bytes));
        }),
        { numRuns: runs(300) },
      );
    },
    TIMEOUT,
  );
});

describe('fuzzing defmt symbol names', () => {
  it(
    'turns any name in .defmt into an entry or a BAD_SYMBOL error',
    () => {
      const name = fc.oneof(
        fc.string({ maxLength: 60 }),
        fc.json().map((j) => j.replace(/\0/g, '')),
        fc
          .record({
            package: fc.oneof(fc.string(), fc.integer()),
            tag: fc.constantFrom(
              'defmt_info',
              'defmt_prim',
              'defmt_timestamp',
              'x',
              'defmt_bitflags_value',
            ),
            data: fc.string(),
            disambiguator: fc.string(),
          })
          .map((o) => JSON.stringify(o)),
      );
      fc.assert(
        fc.property(
          name.filter(
            (n) => !n.includes('\0') && n !== '' && !n.startsWith('_defmt') && !n.startsWith('$d'),
          ),
          (n) => {
            const bytes = defmtElf([[n, 1, 16]]);
            try {
              loadDefmtTable(bytes);
            } catch (e) {
              expect(e).toBeInstanceOf(DefmtElfError);
              expect(['BAD_SYMBOL', 'BAD_BITFLAGS_VALUE']).toContain((e as DefmtElfError).code);
            }
          },
        ),
        { numRuns: runs(300) },
      );
    },
    TIMEOUT,
  );
});
