// defmt-decoder's location rules on hand-made DWARF: which variables count, how the module path
// is kept, how files are named, and which inconsistencies are errors.
import { describe, expect, it } from 'vitest';
import { DefmtElfError, loadDefmtLocations } from '../../src/elf/index';
import { type Die, elfWithDwarf } from './dwarf-builder';
import { json } from './fixtures';

const A = json('defmt_info', 'a', '1');
const B = json('defmt_warn', 'b', '2');
const C = json('defmt_error', 'c', '3');
const lines = {
  dirs: ['src', '/abs'],
  files: [
    ['main.rs', 1],
    ['lib.rs', 2],
    ['/abs/x.rs', 0],
  ] as [string, number][],
};
const stmt = (linkage: string, line = 10, file = 1): Die => ({
  variable: 'DEFMT_LOG_STATEMENT',
  file,
  line,
  linkage,
});

function locations(tree: Die[], extra: Partial<Parameters<typeof elfWithDwarf>[0]> = {}) {
  const bytes = elfWithDwarf({
    tree,
    lines,
    symbols: [
      [A, 1],
      [B, 2],
      [C, 3],
    ],
    ...extra,
  });
  return [...loadDefmtLocations(bytes)].map(([i, l]) => [i, l.module, l.file, l.line]);
}

function errorOf(tree: Die[], extra: Partial<Parameters<typeof elfWithDwarf>[0]> = {}): string {
  try {
    locations(tree, extra);
  } catch (e) {
    if (e instanceof DefmtElfError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'no error';
}

describe('loadDefmtLocations rules', () => {
  it('names files through the line table and the compilation directory', () => {
    expect(
      locations([{ ns: 'app', children: [stmt(A, 5, 1), stmt(B, 6, 2), stmt(C, 7, 3)] }]),
    ).toEqual([
      [1, 'app', '/work/src/main.rs', 5],
      [2, 'app', '/abs/lib.rs', 6],
      [3, 'app', '/abs/x.rs', 7],
    ]);
  });

  it('keeps the module of the last namespace entered, as defmt-decoder does', () => {
    const tree: Die[] = [
      { ns: 'a', children: [{ ns: 'b', children: [stmt(A)] }] },
      // Back at the top level, but no namespace was entered since: still a::b.
      stmt(B),
      // A namespace under a structure, after `s`: defmt-decoder only drops deeper segments.
      { ns: 's', children: [] },
      { struct: true, children: [{ ns: 'u', children: [stmt(C)] }] },
    ];
    expect(locations(tree).map(([i, m]) => [i, m])).toEqual([
      [1, 'a::b'],
      [2, 'a::b'],
      [3, 's::u'],
    ]);
  });

  it('skips variables with another name, a missing attribute, or a symbol the linker dropped', () => {
    const tree: Die[] = [
      {
        ns: 'm',
        children: [
          { variable: 'OTHER', file: 1, line: 1, linkage: A },
          { variable: 'DEFMT_LOG_STATEMENT', line: 1, linkage: A },
          { variable: 'DEFMT_LOG_STATEMENT', file: 1, linkage: A },
          { variable: 'DEFMT_LOG_STATEMENT', file: 1, line: 1 },
          stmt(json('defmt_info', 'dropped', '99')),
          stmt(B, 42),
        ],
      },
    ];
    expect(locations(tree)).toEqual([[2, 'm', '/work/src/main.rs', 42]]);
  });

  it.each<[string, Die[], Partial<Parameters<typeof elfWithDwarf>[0]>, RegExp]>([
    ['file index 0 before DWARF 5', [stmt(A, 1, 0)], {}, /FileIndex` was zero/],
    ['a file index past the table', [stmt(A, 1, 9)], {}, /no `FileEntry` for index 9/],
    ['no line table', [stmt(A)], { lines: undefined }, /no `LineProgram`/],
    [
      'two statements for one symbol',
      [stmt(A, 1), stmt(A, 2)],
      {},
      /index collision for frame index 0x1/,
    ],
  ])('fails with BAD_LOCATION for %s', (_name, tree, extra, message) => {
    const e = errorOf(tree, extra);
    expect(e).toMatch(/^BAD_LOCATION: /);
    expect(e).toMatch(message);
  });
});
