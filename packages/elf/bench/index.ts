// Benchmarks of @k5/elf: symbol-table parsing (symbols per second, against a loop that only reads
// the fixed fields), whole-file parsing, and DWARF variable extraction on real fixtures (one with
// zlib-compressed debug sections).
import { readFileSync } from 'node:fs';
import { runBenchmarks } from '@k5/bench';
import { DwarfInfo, parseElf, SymbolType, writeElf } from '../src/index';

const COUNT = 20_000;
const names = Array.from(
  { length: COUNT },
  (_, i) =>
    `{"package":"app","tag":"defmt_info","data":"message ${i} x={=u32}","disambiguator":"${i}","crate_name":"app"}`,
);
const big = writeElf({
  sections: [{ name: '.defmt', data: new Uint8Array(COUNT + 1) }],
  symbols: names.map((name, i) => ({
    name,
    value: i + 1,
    size: 1,
    type: SymbolType.OBJECT,
    section: '.defmt',
  })),
});

// The simplest way: walk the fixed-size entries and read name offset and value, no names decoded.
const symtab = parseElf(big).sectionByName('.symtab')!;
function rawWalk(): number {
  const view = new DataView(
    big.buffer,
    big.byteOffset + Number(symtab.offset),
    Number(symtab.size),
  );
  let sum = 0;
  for (let at = 16; at + 16 <= view.byteLength; at += 16)
    sum += view.getUint32(at, true) + view.getUint32(at + 4, true);
  return sum;
}

const fixtureBytes = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../defmt/fixtures/${name}.elf`, import.meta.url)));
const fixture = fixtureBytes('thumbv7em-dwarf4');
const compressed = fixtureBytes('aarch64-zdebug');

await runBenchmarks('@k5/elf', [
  {
    name: 'symtab/parse-symbols',
    unit: 'ops/s',
    perCall: COUNT,
    run: () => {
      parseElf(big).symbols();
    },
    baseline: () => {
      rawWalk();
    },
  },
  {
    name: 'fixture/parse-headers',
    unit: 'ns',
    run: () => {
      parseElf(fixture);
    },
  },
  {
    name: 'fixture/dwarf-variables',
    unit: 'ms',
    run: () => {
      DwarfInfo.fromElf(parseElf(fixture)).variables();
    },
  },
  {
    // Includes inflating the zlib-compressed debug sections.
    name: 'fixture/dwarf-variables-zlib',
    unit: 'ms',
    run: () => {
      DwarfInfo.fromElf(parseElf(compressed)).variables();
    },
  },
]);
