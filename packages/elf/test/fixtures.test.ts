// The reader against real clang/lld output, checked with LLVM's own tools' view of the same files.
import { describe, expect, it } from 'vitest';
import { DwarfInfo, parseElf, SpecialSection, SymbolBinding } from '../src/index';
import {
  dwarfdumpLineRows,
  dwarfdumpVariables,
  FIXTURE_NAMES,
  fixtureBytes,
  objdumpSymbols,
} from './oracles';

const CLASS: Record<string, [32 | 64, boolean, number]> = {
  'thumbv7em-dwarf4': [32, true, 40],
  'thumbv8m-dwarf5': [32, true, 40],
  'thumbv7em-v3': [32, true, 40],
  'aarch64-dwarf5': [64, true, 183],
  'aarch64-unmerged': [64, true, 183],
  'aarch64-shared': [64, true, 183],
  'thumbv7em-zdebug': [32, true, 40],
  'aarch64-zdebug': [64, true, 183],
  'ppc-dwarf4': [32, false, 20],
  'ppc64-dwarf5': [64, false, 21],
};

describe.each(FIXTURE_NAMES)('fixture %s', (name) => {
  const elf = parseElf(fixtureBytes(name));

  it('has the class, byte order and machine it was built for', () => {
    const [bits, little, machine] = CLASS[name]!;
    expect(elf.bits).toBe(bits);
    expect(elf.littleEndian).toBe(little);
    expect(elf.header.machine).toBe(machine);
  });

  it('lists the symbols llvm-objdump lists', () => {
    const oracle = objdumpSymbols(name);
    // llvm-objdump leaves out the null symbol and section symbols.
    const ours = elf.symbols().filter((s) => s.index !== 0 && s.type !== 3);
    expect(ours.map((s) => s.name)).toEqual(oracle.map((o) => o.name));
    ours.forEach((s, i) => {
      const o = oracle[i]!;
      // llvm-objdump shows ARM Thumb functions without the Thumb bit (bit 0) of st_value.
      const thumb = elf.header.machine === 40 && s.type === 2;
      expect(thumb ? s.value & ~1n : s.value).toBe(o.value);
      expect(s.size).toBe(o.size);
      const section =
        s.shndx === SpecialSection.ABS
          ? '*ABS*'
          : s.sectionIndex === undefined
            ? '*UND*'
            : elf.sections[s.sectionIndex]!.name;
      expect(section).toBe(o.section);
      const binding =
        s.binding === SymbolBinding.LOCAL ? 'l' : s.binding === SymbolBinding.GLOBAL ? 'g' : 'w';
      expect(binding).toBe(o.binding);
    });
  });

  it('finds every variable llvm-dwarfdump finds, with the same name, file, line and namespaces', () => {
    const oracle = dwarfdumpVariables(name);
    const ours = DwarfInfo.fromElf(elf).variables();
    expect(oracle.length).toBeGreaterThan(10);
    expect(
      ours.map((v) => ({
        name: v.name,
        file: v.file,
        line: v.declLine,
        linkage: v.linkageName,
        namespace: v.namespace,
      })),
    ).toEqual(
      oracle.map((o) => ({
        name: o.name,
        file: o.file,
        line: o.line,
        linkage: o.linkage,
        namespace: o.namespace,
      })),
    );
  });

  it('gives each variable the address of its symbol', () => {
    const ours = DwarfInfo.fromElf(elf).variables();
    const oracle = dwarfdumpVariables(name);
    const symbols = new Map(objdumpSymbols(name).map((s) => [s.name, s.value]));
    ours.forEach((v, i) => {
      if (oracle[i]!.address !== undefined) expect(v.address).toBe(oracle[i]!.address);
      if (v.linkageName !== undefined && symbols.has(v.linkageName))
        expect(v.address).toBe(symbols.get(v.linkageName));
    });
    expect(ours.filter((v) => v.address !== undefined).length).toBeGreaterThan(10);
  });

  it('runs the line program to the rows llvm-dwarfdump prints', () => {
    const dwarf = DwarfInfo.fromElf(elf);
    const rows = dwarf.units().flatMap((u) => dwarf.lineRows(u).rows);
    const oracle = dwarfdumpLineRows(name);
    expect(oracle.length).toBeGreaterThan(3);
    expect(
      rows.map((r) => {
        const flags = [
          r.isStmt && 'is_stmt',
          r.basicBlock && 'basic_block',
          r.prologueEnd && 'prologue_end',
          r.epilogueBegin && 'epilogue_begin',
          r.endSequence && 'end_sequence',
        ].filter((f): f is string => f !== false);
        return {
          address: r.address,
          line: r.line,
          column: r.column,
          file: r.file,
          isa: r.isa,
          discriminator: r.discriminator,
          flags,
        };
      }),
    ).toEqual(oracle);
    // The entry point's instruction maps to a line of app.cpp.
    const start = elf.symbols().find((s) => s.name === '_start' && s.type === 2)!;
    const at = elf.header.machine === 40 ? start.value & ~1n : start.value;
    if (name !== 'ppc64-dwarf5') {
      expect(dwarf.lineForAddress(at)).toMatchObject({
        file: '/build/app/app.cpp',
        line: oracle[0]!.line,
      });
    }
  });

  it('reads the .defmt section bytes where the section headers say they are', () => {
    const defmt = elf.sectionByName('.defmt');
    if (defmt === undefined) {
      expect(['aarch64-unmerged', 'aarch64-shared']).toContain(name);
      expect(elf.sections.some((s) => s.name.startsWith('.defmt.'))).toBe(true);
      return;
    }
    expect(elf.sectionData(defmt).length).toBe(Number(defmt.size));
  });
});

describe('a shared object', () => {
  it('has the dynamic symbols llvm-objdump -T lists', () => {
    const elf = parseElf(fixtureBytes('aarch64-shared'));
    const oracle = objdumpSymbols('aarch64-shared', 'dynsyms');
    const ours = elf.dynamicSymbols().filter((s) => s.index !== 0);
    expect(oracle.length).toBeGreaterThan(10);
    expect(ours.map((s) => [s.name, s.value, s.size, elf.sections[s.sectionIndex!]!.name])).toEqual(
      oracle.map((o) => [o.name, o.value, o.size, o.section]),
    );
  });
});
