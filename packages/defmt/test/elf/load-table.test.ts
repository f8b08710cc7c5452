import { parseElf, SymbolBinding } from '@k5/elf';
import { describe, expect, it } from 'vitest';
import { DefmtElfError, defmtVersionOf, findDefmtTable, loadDefmtTable } from '../../src/elf/index';
import { APP_ENTRIES, defmtElf, fixture, json, LINKED } from './fixtures';

const entriesOf = (bytes: Uint8Array) =>
  [...loadDefmtTable(bytes).entries].map(([i, e]) => [i, e.tag, e.format]);

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof DefmtElfError) return e.code;
    throw e;
  }
  return 'no error';
}

describe('loadDefmtTable on clang/lld fixtures', () => {
  it.each(LINKED)('%s: every entry at its address, in index order', (name) => {
    expect(entriesOf(fixture(name))).toEqual(APP_ENTRIES);
  });

  it.each(LINKED)('%s: version, encoding, timestamp and bitflags', (name) => {
    const t = loadDefmtTable(fixture(name));
    expect(t.version).toBe(name === 'thumbv7em-v3' ? '3' : '4');
    expect(t.encoding).toBe(name === 'thumbv8m-dwarf5' ? 'raw' : 'rzcobs');
    expect(t.timestamp).toEqual({
      tag: 'timestamp',
      format: '{=u64:us}',
      rawSymbol:
        '{"package":"app","tag":"defmt_timestamp","data":"{=u64:us}","disambiguator":"11","crate_name":"app"}',
    });
    // Stored C, A, B in the binary; restored to definition order A, B, C. The u128 is read
    // little endian even on the big-endian PowerPC targets, as the reference decoder does.
    expect([...t.bitflags]).toEqual([
      [
        'Flags@app@10@app',
        [
          { name: 'A', value: 1n },
          { name: 'B', value: 2n },
          { name: 'C', value: 1n << 127n },
        ],
      ],
    ]);
  });

  it('keeps the raw JSON symbol of each entry', () => {
    const t = loadDefmtTable(fixture('thumbv7em-dwarf4'));
    expect(t.entries.get(80)!.rawSymbol).toBe(
      '{"package":"app","tag":"defmt_println","data":"quote \\" and at \\u0040 sign","disambiguator":"4","crate_name":"app"}',
    );
  });

  it('skips AArch64 $d.N mapping symbols inside .defmt', () => {
    const elf = parseElf(fixture('aarch64-dwarf5'));
    expect(elf.symbols().filter((s) => s.name.startsWith('$d.')).length).toBeGreaterThan(10);
    expect(entriesOf(fixture('aarch64-dwarf5'))).toEqual(APP_ENTRIES);
  });

  it.each(['aarch64-unmerged', 'aarch64-shared'])(
    '%s: reads the unmerged .defmt.* sections of a binary linked without the defmt script',
    (name) => {
      const t = loadDefmtTable(fixture(name));
      const elf = parseElf(fixture(name));
      expect(elf.sectionByName('.defmt')).toBeUndefined();
      // Indices are the symbols' real addresses now; the contents are the same.
      const byFormat = [...t.entries].map(([, e]) => [e.tag, e.format]).sort();
      expect(byFormat).toEqual(APP_ENTRIES.map(([, tag, format]) => [tag, format]).sort());
      for (const [index, entry] of t.entries) {
        const sym = elf.symbols().find((s) => s.name === entry.rawSymbol)!;
        expect(BigInt(index)).toBe(sym.value);
        expect(elf.sections[sym.sectionIndex!]!.name.startsWith('.defmt.')).toBe(true);
      }
      expect(t.bitflags.get('Flags@app@10@app')!.map((f) => f.name)).toEqual(['A', 'B', 'C']);
    },
  );

  it('rejects a wire version it does not support, unless asked not to check', () => {
    expect(codeOf(() => loadDefmtTable(fixture('thumbv7em-v5')))).toBe('UNSUPPORTED_VERSION');
    expect(() => loadDefmtTable(fixture('thumbv7em-v5'))).toThrow(
      /firmware is using 5, this tool supports 3, 4/,
    );
    expect(loadDefmtTable(fixture('thumbv7em-v5'), { checkVersion: false }).version).toBe('5');
  });
});

describe('loadDefmtTable rules', () => {
  it.each([
    ['_defmt_version_ = 4', '4'],
    ['"_defmt_version_ = 4"', '4'],
    ['"_defmt_version_ = 3""', '3'],
    ['_defmt_version_ = _defmt_version_ = 1', '1'],
    ['_defmt_version_ =4', undefined],
    ['x_defmt_version_ = 4', undefined],
  ])('reads the version of symbol %j as %j', (name, version) => {
    expect(defmtVersionOf(name)).toBe(version);
  });

  it('accepts the quoted version symbol LLD leaves from linker scripts', () => {
    const bytes = defmtElf(
      [
        { name: '"_defmt_version_ = 3"', section: '*ABS*', value: 1 },
        { name: '_defmt_encoding_ = raw', section: '.defmt', value: 9 },
        [json('defmt_info', 'hi'), 1],
      ],
      { withVersion: false },
    );
    const t = loadDefmtTable(bytes);
    expect([t.version, t.encoding]).toEqual(['3', 'raw']);
  });

  it.each([
    [
      'no .defmt section and no version',
      defmtElf([], { withVersion: false, sections: [{ name: '.text', data: new Uint8Array(4) }] }),
      'NO_DEFMT_DATA',
    ],
    [
      'a version but no .defmt section',
      defmtElf([{ name: '_defmt_version_ = 4', section: '.text' }], {
        withVersion: false,
        sections: [{ name: '.text', data: new Uint8Array(4) }],
      }),
      'MISSING_SECTION',
    ],
    [
      'a .defmt section but no version',
      defmtElf([[json('defmt_info', 'a'), 1]], { withVersion: false }),
      'MISSING_VERSION',
    ],
    [
      'two versions',
      defmtElf([{ name: '_defmt_version_ = 3', section: '*ABS*' }]),
      'DUPLICATE_VERSION',
    ],
    [
      'two encodings',
      defmtElf([{ name: '_defmt_encoding_ = raw', section: '*ABS*' }]),
      'DUPLICATE_ENCODING',
    ],
    [
      'no encoding',
      defmtElf([{ name: '_defmt_version_ = 4', section: '*ABS*' }], { withVersion: false }),
      'MISSING_ENCODING',
    ],
    [
      'an unknown encoding',
      defmtElf(
        [
          { name: '_defmt_version_ = 4', section: '*ABS*' },
          { name: '_defmt_encoding_ = cobs', section: '*ABS*' },
        ],
        { withVersion: false },
      ),
      'UNKNOWN_ENCODING',
    ],
    [
      'an unsupported version',
      defmtElf(
        [
          { name: '_defmt_version_ = 2', section: '*ABS*' },
          { name: '_defmt_encoding_ = raw', section: '*ABS*' },
        ],
        { withVersion: false },
      ),
      'UNSUPPORTED_VERSION',
    ],
    ['a symbol that is not JSON', defmtElf([['not json', 1]]), 'BAD_SYMBOL'],
    [
      'a symbol without data',
      defmtElf([['{"package":"p","tag":"defmt_info","disambiguator":"1"}', 1]]),
      'BAD_SYMBOL',
    ],
    [
      'a symbol whose tag is a number',
      defmtElf([['{"package":"p","tag":5,"data":"","disambiguator":"1"}', 1]]),
      'BAD_SYMBOL',
    ],
    [
      'two timestamps',
      defmtElf([
        [json('defmt_timestamp', '{=u32}', '1'), 1],
        [json('defmt_timestamp', '{=u64}', '2'), 2],
      ]),
      'DUPLICATE_TIMESTAMP',
    ],
    [
      'a bitflags value of 8 bytes',
      defmtElf([[json('defmt_bitflags_value', 'F::0::A'), 16, 8]]),
      'BAD_BITFLAGS_VALUE',
    ],
    [
      'a bitflags value past the section',
      defmtElf([[json('defmt_bitflags_value', 'F::0::A'), 56, 16]]),
      'BAD_BITFLAGS_VALUE',
    ],
    [
      'a bitflags value with two parts',
      defmtElf([[json('defmt_bitflags_value', 'F::A'), 16, 16]]),
      'BAD_BITFLAGS_VALUE',
    ],
    [
      'a bitflags value with a non-numeric index',
      defmtElf([[json('defmt_bitflags_value', 'F::x::A'), 16, 16]]),
      'BAD_BITFLAGS_VALUE',
    ],
  ])('fails with a typed error for %s', (_name, bytes, code) => {
    expect(codeOf(() => loadDefmtTable(bytes))).toBe(code);
  });

  it('reports "defmt not used" as undefined from findDefmtTable', () => {
    const bytes = defmtElf([], {
      withVersion: false,
      sections: [{ name: '.text', data: new Uint8Array(4) }],
    });
    expect(findDefmtTable(bytes)).toBeUndefined();
  });

  it('skips markers, mapping symbols, empty names, custom tags and symbols of other sections', () => {
    const bytes = defmtElf(
      [
        ['__DEFMT_MARKER_INFO_START', 1, 0],
        ['_defmt_something', 2],
        ['$d', 3, 0],
        ['$d.17', 4, 0],
        ['', 5],
        [json('acme_trace', 'not defmt'), 6],
        { name: json('defmt_info', 'elsewhere'), section: '.text', value: 7 },
        { name: json('defmt_info', 'undefined') },
        [json('defmt_warn', 'kept'), 8],
      ],
      {
        sections: [
          { name: '.defmt', data: new Uint8Array(64) },
          { name: '.text', data: new Uint8Array(16) },
        ],
      },
    );
    expect(entriesOf(bytes)).toEqual([[8, 'warn', 'kept']]);
  });

  it('ignores unknown JSON fields and accepts a missing or null crate_name', () => {
    const bytes = defmtElf([
      [json('defmt_info', 'a', '1', ''), 1],
      [json('defmt_info', 'b', '2', ',"crate_name":null,"extra":[1]'), 2],
    ]);
    expect(entriesOf(bytes)).toEqual([
      [1, 'info', 'a'],
      [2, 'info', 'b'],
    ]);
  });

  it('keeps the later symbol when two share an address', () => {
    const bytes = defmtElf([
      [json('defmt_info', 'first'), 3],
      [json('defmt_info', 'second', '2'), 3],
    ]);
    expect(entriesOf(bytes)).toEqual([[3, 'info', 'second']]);
  });

  it('groups bitflags values per type and orders them by their index', () => {
    const value = (v: bigint) => {
      const out = new Uint8Array(16);
      for (let i = 0; i < 16; i++) out[i] = Number((v >> BigInt(8 * i)) & 0xffn);
      return out;
    };
    const data = new Uint8Array(128);
    data.set(value(4n), 16);
    data.set(value(1n), 32);
    data.set(value(0xffn), 48);
    const bytes = defmtElf(
      [
        [json('defmt_bitflags_value', 'F::2::C', '9', ''), 16, 16],
        [json('defmt_bitflags_value', 'F::0::A', '9', ''), 32, 16],
        [json('defmt_bitflags_value', 'G::0::ALL', '5'), 48, 16],
      ],
      { data },
    );
    const t = loadDefmtTable(bytes);
    expect([...t.bitflags]).toEqual([
      [
        'F@t@9',
        [
          { name: 'A', value: 1n },
          { name: 'C', value: 4n },
        ],
      ],
      ['G@t@5@t', [{ name: 'ALL', value: 0xffn }]],
    ]);
    expect(t.entries.size).toBe(0);
  });

  it('reads local symbols too (binding does not matter)', () => {
    const bytes = defmtElf([
      {
        name: json('defmt_error', 'local'),
        section: '.defmt',
        value: 2,
        binding: SymbolBinding.LOCAL,
      },
    ]);
    expect(entriesOf(bytes)).toEqual([[2, 'error', 'local']]);
  });
});
