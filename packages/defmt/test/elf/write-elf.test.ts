import fc from 'fast-check';
import { parseElf, SectionFlags } from '@k5/elf';
import { describe, expect, it } from 'vitest';
import {
  DefmtElfError,
  formatDefmtSymbol,
  loadDefmtTable,
  parseDefmtSymbol,
  writeDefmtElf,
} from '../../src/elf/index';
import type { DefmtTable, DefmtTag, TableEntry } from '../../src/table/types';
import { fixture } from './fixtures';

const TAGS: DefmtTag[] = [
  'prim',
  'derived',
  'bitflags',
  'write',
  'str',
  'println',
  'trace',
  'debug',
  'info',
  'warn',
  'error',
];

describe('writeDefmtElf', () => {
  it('writes back a firmware table unchanged', () => {
    const table = loadDefmtTable(fixture('thumbv7em-dwarf4'));
    const again = loadDefmtTable(writeDefmtElf(table));
    expect(again).toEqual(table);
  });

  it('writes a non-allocated .defmt section with JSON symbols at the indices', () => {
    const table: DefmtTable = {
      version: '4',
      encoding: 'raw',
      entries: new Map([[7, { tag: 'info', format: 'x={=u8}', rawSymbol: '' }]]),
      bitflags: new Map(),
    };
    const elf = parseElf(writeDefmtElf(table, { bits: 64, machine: 62, package: 'demo' }));
    expect([elf.bits, elf.header.machine]).toEqual([64, 62]);
    const section = elf.sectionByName('.defmt')!;
    expect(section.flags & BigInt(SectionFlags.ALLOC)).toBe(0n);
    const sym = elf.symbols().find((s) => s.value === 7n)!;
    expect(sym.name).toBe(
      '{"package":"demo","tag":"defmt_info","data":"x={=u8}","disambiguator":"7","crate_name":"demo"}',
    );
    expect(elf.symbols().map((s) => s.name)).toContain('_defmt_version_ = 4');
    expect(elf.symbols().map((s) => s.name)).toContain('_defmt_encoding_ = raw');
  });

  it('round-trips random tables', () => {
    const entry = fc.record({
      tag: fc.constantFrom(...TAGS),
      format: fc.string({ maxLength: 40 }),
      rawSymbol: fc.constant(''),
    });
    const flagName = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,8}$/);
    const table = fc.record({
      version: fc.constantFrom('3', '4'),
      encoding: fc.constantFrom('raw' as const, 'rzcobs' as const),
      entries: fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: 5000 }), entry), {
        selector: (e) => e[0],
        maxLength: 20,
      }),
      timestamp: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
      bitflags: fc.uniqueArray(
        fc.tuple(
          fc.stringMatching(/^[A-Z][a-z]{0,6}@[a-z]{1,5}@[0-9]{1,6}(@[a-z]{1,5})?$/),
          fc.array(
            fc.record({ name: flagName, value: fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }) }),
            { minLength: 1, maxLength: 4 },
          ),
        ),
        { selector: (b) => b[0], maxLength: 3 },
      ),
    });
    fc.assert(
      fc.property(table, (t) => {
        const input: DefmtTable = {
          version: t.version,
          encoding: t.encoding,
          entries: new Map(t.entries as [number, TableEntry][]),
          bitflags: new Map(t.bitflags),
          ...(t.timestamp === undefined
            ? {}
            : { timestamp: { tag: 'timestamp', format: t.timestamp, rawSymbol: '' } }),
        };
        const out = loadDefmtTable(writeDefmtElf(input));
        expect(out.version).toBe(input.version);
        expect(out.encoding).toBe(input.encoding);
        expect([...out.entries].map(([i, e]) => [i, e.tag, e.format])).toEqual(
          [...input.entries].sort((a, b) => a[0] - b[0]).map(([i, e]) => [i, e.tag, e.format]),
        );
        expect(out.timestamp?.format).toBe(input.timestamp?.format);
        expect(
          new Map([...out.bitflags].map(([k, v]) => [k, v.map((f) => [f.name, f.value])])),
        ).toEqual(
          new Map([...input.bitflags].map(([k, v]) => [k, v.map((f) => [f.name, f.value])])),
        );
      }),
      { numRuns: 150 },
    );
  });

  it.each([
    [
      'a negative index',
      { entries: new Map([[-1, { tag: 'info' as const, format: '', rawSymbol: '' }]]) },
    ],
    [
      'a fractional index',
      { entries: new Map([[1.5, { tag: 'info' as const, format: '', rawSymbol: '' }]]) },
    ],
    [
      'a bitflags key without package',
      { bitflags: new Map([['Flags', [{ name: 'A', value: 1n }]]]) },
    ],
    ['an unknown encoding', { encoding: 'cobs' as 'raw' }],
  ])('rejects %s', (_name, patch) => {
    const table: DefmtTable = {
      version: '4',
      encoding: 'raw',
      entries: new Map(),
      bitflags: new Map(),
      ...patch,
    };
    expect(() => writeDefmtElf(table)).toThrow(DefmtElfError);
  });
});

describe('defmt symbol names', () => {
  it('escapes what defmt escapes and parses back', () => {
    const sym = {
      package: 'a@b',
      tag: 'defmt_info',
      data: 'q"\\\n\u0001@',
      disambiguator: '1',
      crateName: 'c',
    };
    const name = formatDefmtSymbol(sym);
    expect(name).toBe(
      '{"package":"a\\u0040b","tag":"defmt_info","data":"q\\"\\\\\\n\\u0001\\u0040","disambiguator":"1","crate_name":"c"}',
    );
    expect(name).not.toContain('@');
    expect(parseDefmtSymbol(name)).toEqual(sym);
  });

  it('accepts the positional array form serde accepts', () => {
    expect(parseDefmtSymbol('["p","7","defmt_warn","w"]')).toEqual({
      package: 'p',
      disambiguator: '7',
      tag: 'defmt_warn',
      data: 'w',
      crateName: undefined,
    });
  });
});
