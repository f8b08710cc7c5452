// Benchmarks of the ELF side of @k5/defmt, run by bench/index.ts: loadDefmtTable and
// loadDefmtLocations on a clang/lld fixture, and loadDefmtTable on a synthetic table of 10,000
// entries.
import { readFileSync } from 'node:fs';
import type { BenchCase } from '@k5/bench';
import { loadDefmtLocations, loadDefmtTable, writeDefmtElf } from '../src/elf/index';
import type { DefmtTable, TableEntry } from '../src/table/types';

const fixture = new Uint8Array(
  readFileSync(new URL('../fixtures/thumbv7em-dwarf4.elf', import.meta.url)),
);
const large: DefmtTable = {
  version: '4',
  encoding: 'rzcobs',
  entries: new Map(
    Array.from({ length: 10_000 }, (_, i): [number, TableEntry] => [
      i + 1,
      { tag: 'info', format: `message ${i}: x={=u32} y={=i16}`, rawSymbol: '' },
    ]),
  ),
  bitflags: new Map(),
};
const largeElf = writeDefmtElf(large);

/** The cases, for bench/index.ts to include. */
export const defmtElfBenchCases: BenchCase[] = [
  { name: 'elf/load-table-fixture', unit: 'ms', run: () => void loadDefmtTable(fixture) },
  { name: 'elf/load-locations-fixture', unit: 'ms', run: () => void loadDefmtLocations(fixture) },
  {
    name: 'elf/load-table-10k-entries',
    unit: 'ms',
    run: () => void loadDefmtTable(largeElf),
  },
];
