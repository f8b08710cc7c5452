// Shared by the ELF tests of @k5/defmt: the committed fixtures (built by
// scripts/make-fixtures.sh from scripts/fixture-src/app.cpp) and what that source declares.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SymbolType, writeElf, type ElfWriterSection, type ElfWriterSymbol } from '@k5/elf';

const DIR = fileURLToPath(new URL('../../fixtures/', import.meta.url));
export const fixture = (name: string) => new Uint8Array(readFileSync(`${DIR}${name}.elf`));

/** Fixtures linked with the defmt-style linker script. */
export const LINKED = [
  'thumbv7em-dwarf4',
  'thumbv8m-dwarf5',
  'thumbv7em-v3',
  'aarch64-dwarf5',
  'ppc-dwarf4',
  'ppc64-dwarf5',
  'thumbv7em-zdebug',
  'aarch64-zdebug',
] as const;

/** The entries app.cpp declares, with the indices lld gives them under the linker script. */
export const APP_ENTRIES: [number, string, string][] = [
  [1, 'prim', '{=u8}'],
  [2, 'prim', '{=str}'],
  [3, 'trace', 'tick'],
  [4, 'debug', 'calibrating {=u8} samples'],
  [5, 'info', 'temperature: {=i16} (raw {=u16:#x})'],
  [6, 'info', 'outside'],
  [7, 'warn', 'retry {=u32}'],
  [8, 'error', 'link down: {=?}'],
  [80, 'println', 'quote " and at @ sign'],
  [81, 'derived', 'Point {{ x: {=i32}, y: {=i32} }}'],
  [82, 'write', 'State::{=u8}'],
  [83, 'str', 'hello'],
  [84, 'bitflags', '{=u8:__internal_bitflags_Flags@app@10@app}'],
];

/** Where app.cpp's log statements are: index, module path, line. */
export const APP_LOCATIONS: [number, string, number][] = [
  [3, 'app::main::tick', 67],
  [4, 'app::sensor::calibrate', 61],
  [5, 'app::sensor::read', 58],
  // Declared outside any namespace after `app::net::fail` closed: defmt-decoder keeps the last
  // module it entered.
  [6, 'app::net::fail', 101],
  [7, 'app::net::send', 76],
  [8, 'app::net::fail', 79],
  [80, 'app::main::report', 70],
];

export const json = (tag: string, data: string, dis = '1', extra = ',"crate_name":"t"') =>
  `{"package":"t","tag":"${tag}","data":${JSON.stringify(data)},"disambiguator":"${dis}"${extra}}`;

/** A small ELF with a `.defmt` section of `size` bytes and the given symbols in it. */
export function defmtElf(
  symbols: (ElfWriterSymbol | [name: string, value: number, size?: number])[],
  options: { sections?: ElfWriterSection[]; data?: Uint8Array; withVersion?: boolean } = {},
): Uint8Array {
  const data = options.data ?? new Uint8Array(64);
  const base: ElfWriterSymbol[] =
    options.withVersion === false
      ? []
      : [
          { name: '_defmt_version_ = 4', section: '.defmt', value: 60, size: 1 },
          { name: '_defmt_encoding_ = rzcobs', section: '.defmt', value: 61, size: 1 },
        ];
  return writeElf({
    sections: options.sections ?? [{ name: '.defmt', data }],
    symbols: [
      ...base,
      ...symbols.map((s) =>
        Array.isArray(s)
          ? { name: s[0], value: s[1], size: s[2] ?? 1, section: '.defmt', type: SymbolType.OBJECT }
          : s,
      ),
    ],
  });
}
