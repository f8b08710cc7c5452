import { describe, expect, it } from 'vitest';
import {
  DefmtElfError,
  hasCompleteLocations,
  loadDefmtLocations,
  loadDefmtTable,
} from '../../src/elf/index';
import type { DefmtTable } from '../../src/table/types';
import { APP_LOCATIONS, defmtElf, fixture, json, LINKED } from './fixtures';

describe('loadDefmtLocations on clang/lld fixtures', () => {
  it.each(LINKED)('%s: file, line and module of every log statement', (name) => {
    const bytes = fixture(name);
    const locations = loadDefmtLocations(bytes);
    expect([...locations].map(([i, l]) => [i, l.module, l.line])).toEqual(APP_LOCATIONS);
    for (const l of locations.values()) expect(l.file).toBe('/build/app/app.cpp');
    expect(hasCompleteLocations(loadDefmtTable(bytes), locations)).toBe(true);
  });

  it.each(['aarch64-unmerged', 'aarch64-shared'])(
    '%s: matches statements by symbol name, so unmerged sections get their real indices',
    (name) => {
      const bytes = fixture(name);
      const table = loadDefmtTable(bytes);
      const locations = loadDefmtLocations(bytes, table);
      expect(locations.size).toBe(APP_LOCATIONS.length);
      for (const [index, loc] of locations) {
        const entry = table.entries.get(index)!;
        const expected = APP_LOCATIONS.find(
          ([i]) =>
            loadDefmtTable(fixture('thumbv7em-dwarf4')).entries.get(i)!.format === entry.format,
        )!;
        expect([loc.module, loc.line]).toEqual([expected[1], expected[2]]);
      }
    },
  );

  it('finds no locations in firmware built without -g, and calls them incomplete', () => {
    const bytes = fixture('thumbv7em-nodebug');
    const table = loadDefmtTable(bytes);
    expect(table.entries.size).toBe(13);
    const locations = loadDefmtLocations(bytes, table);
    expect(locations.size).toBe(0);
    expect(hasCompleteLocations(table, locations)).toBe(false);
  });

  it('gives no locations for an ELF without debug information', () => {
    const bytes = defmtElf([[json('defmt_info', 'x'), 1]]);
    const locations = loadDefmtLocations(bytes);
    expect(locations.size).toBe(0);
    expect(hasCompleteLocations(loadDefmtTable(bytes), locations)).toBe(false);
  });
});

describe('hasCompleteLocations', () => {
  const entry = (tag: 'info' | 'println' | 'str' | 'prim') => ({ tag, format: '', rawSymbol: '' });
  const table: DefmtTable = {
    version: '4',
    encoding: 'raw',
    entries: new Map([
      [1, entry('prim')],
      [2, entry('info')],
      [3, entry('println')],
      [4, entry('str')],
    ]),
    bitflags: new Map(),
  };
  const at = { file: 'a.rs', line: 1, module: 'a' };
  it.each([
    ['every statement located', [2, 3], true],
    ['a println without a location', [2], false],
    ['a log statement without a location', [3], false],
    ['only non-statements unlocated', [2, 3], true],
  ])('%s', (_name, located, complete) => {
    const locations = new Map(located.map((i) => [i, at]));
    expect(hasCompleteLocations(table, locations)).toBe(complete);
  });
});

describe('location errors', () => {
  it('is a DefmtElfError with a code when two statements claim one index', () => {
    const e = new DefmtElfError('BAD_LOCATION', 'x');
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe('BAD_LOCATION');
    expect(e.name).toBe('DefmtElfError');
  });
});
