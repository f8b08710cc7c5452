// Fuzzing: random and mutated ELF files (bit flips, truncations, overwritten fields, huge counts)
// must give a result or an ElfError, never another exception and never a hang. K5_SOAK=1 runs
// many more cases.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DwarfInfo, ElfError, parseElf, writeElf } from '../src/index';
import { FIXTURE_NAMES, fixtureBytes } from './oracles';

const SOAK = typeof process !== 'undefined' && process.env.K5_SOAK === '1';
const runs = (n: number) => (SOAK ? n * 20 : n);
const TIMEOUT = SOAK ? 900_000 : 20_000;

/** Everything a tool might do with a file; returns how far it got. */
function exercise(bytes: Uint8Array): 'ok' | 'error' {
  try {
    const elf = parseElf(bytes);
    elf.symbols();
    elf.dynamicSymbols();
    for (const s of elf.sections) {
      try {
        elf.sectionData(s);
      } catch (e) {
        if (!(e instanceof ElfError)) throw e;
      }
    }
    for (const seg of elf.segments) {
      try {
        elf.readAddress(seg.vaddr, 4);
      } catch (e) {
        if (!(e instanceof ElfError)) throw e;
      }
    }
    const dwarf = DwarfInfo.fromElf(elf);
    for (const unit of dwarf.units()) dwarf.lineRows(unit);
    dwarf.variables();
    dwarf.lineForAddress(elf.header.entry);
    return 'ok';
  } catch (e) {
    if (e instanceof ElfError) return 'error';
    throw e;
  }
}

const fixtures = FIXTURE_NAMES.map((n) => fixtureBytes(n));
const small = writeElf({
  bits: 64,
  sections: [{ name: '.text', flags: 6, addr: 0x1000, data: new Uint8Array(16) }],
  symbols: [{ name: 'main', section: '.text', value: 0x1000 }],
  segments: [{ section: '.text' }],
});
const seeds = [...fixtures, small];

describe('fuzzing the ELF and DWARF readers', () => {
  it(
    'gives a result or an ElfError for random bytes',
    () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
          expect(['ok', 'error']).toContain(exercise(bytes));
        }),
        { numRuns: runs(600) },
      );
    },
    TIMEOUT,
  );

  it(
    'gives a result or an ElfError for random bytes behind a valid identification',
    () => {
      fc.assert(
        fc.property(
          fc.constantFrom(1, 2),
          fc.constantFrom(1, 2),
          fc.uint8Array({ minLength: 48, maxLength: 400 }),
          (cls, data, rest) => {
            const bytes = new Uint8Array([
              0x7f,
              0x45,
              0x4c,
              0x46,
              cls,
              data,
              1,
              ...new Array(9).fill(0),
              ...rest,
            ]);
            expect(['ok', 'error']).toContain(exercise(bytes));
          },
        ),
        { numRuns: runs(600) },
      );
    },
    TIMEOUT,
  );

  it(
    'survives bit flips in real files',
    () => {
      fc.assert(
        fc.property(
          fc.nat(seeds.length - 1),
          fc.array(fc.tuple(fc.nat(), fc.nat(7)), { minLength: 1, maxLength: 8 }),
          (which, flips) => {
            const bytes = seeds[which]!.slice();
            for (const [at, bit] of flips) bytes[at % bytes.length]! ^= 1 << bit;
            expect(['ok', 'error']).toContain(exercise(bytes));
          },
        ),
        { numRuns: runs(1500) },
      );
    },
    TIMEOUT,
  );

  it(
    'survives truncation anywhere',
    () => {
      fc.assert(
        fc.property(
          fc.nat(seeds.length - 1),
          fc.double({ min: 0, max: 1, noNaN: true }),
          (which, cut) => {
            const src = seeds[which]!;
            expect(['ok', 'error']).toContain(
              exercise(src.subarray(0, Math.floor(src.length * cut))),
            );
          },
        ),
        { numRuns: runs(500) },
      );
    },
    TIMEOUT,
  );

  it(
    'survives huge values written over header and table fields',
    () => {
      fc.assert(
        fc.property(
          fc.nat(seeds.length - 1),
          fc.nat(),
          fc.constantFrom(0xff, 0x7f, 0x80, 0x00),
          fc.integer({ min: 1, max: 8 }),
          (which, at, fill, width) => {
            const bytes = seeds[which]!.slice();
            const start = at % bytes.length;
            bytes.fill(fill, start, Math.min(bytes.length, start + width));
            expect(['ok', 'error']).toContain(exercise(bytes));
          },
        ),
        { numRuns: runs(1500) },
      );
    },
    TIMEOUT,
  );

  it.each([
    ['e_shnum', 0x30, [0xff, 0xff]],
    ['e_phnum', 0x2c, [0xfe, 0xff]],
    ['e_shoff', 0x20, [0xff, 0xff, 0xff, 0x7f]],
    ['e_shstrndx', 0x32, [0xfe, 0xff]],
  ])('reports a typed error when %s is absurd', (_field, at, value) => {
    const bytes = fixtures[0]!.slice();
    bytes.set(value, at);
    expect(() => {
      const elf = parseElf(bytes);
      elf.symbols();
    }).toThrow(ElfError);
  });
});
