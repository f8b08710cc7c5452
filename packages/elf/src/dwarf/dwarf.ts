// The DWARF view of one file: gathers the debug sections, parses units on demand (sharing
// abbreviation tables), gives each unit's line program header and compilation directory, and lists
// variables with their namespace path, address and declaration file and line.

import type { ElfFile } from '../elf/elf-file';
import type { Abbreviation } from './abbrev';
import { DwAt, DwTag } from './constants';
import type { DwarfDie } from './die';
import { expressionAddress } from './expression';
import type { DwarfSectionData } from './forms';
import { type DwarfUnit, type DwarfUnitHeader, parseUnit, parseUnitHeaders } from './info';
import { type LineProgramHeader, lineFilePath, parseLineProgramHeader } from './line';
import { type LineProgramRows, runLineProgram } from './line-program';

/** A variable found in `.debug_info`, with what tools usually need about it. */
export interface DwarfVariable {
  /** `DW_AT_name` (from the declaration when the DIE is a definition with DW_AT_specification). */
  readonly name: string | undefined;
  /** `DW_AT_linkage_name` (or `DW_AT_MIPS_linkage_name`), the symbol name. */
  readonly linkageName: string | undefined;
  /** Names of the enclosing DW_TAG_namespace DIEs, outermost first (unnamed ones left out). */
  readonly namespace: readonly string[];
  /** The static address from `DW_AT_location` (DW_OP_addr or DW_OP_addrx), if any. */
  readonly address: bigint | undefined;
  /** `DW_AT_decl_file` as stored (an index into the unit's line program file table). */
  readonly declFile: number | undefined;
  /** `DW_AT_decl_line`. */
  readonly declLine: number | undefined;
  /** The declaring file's path, resolved through the line program header and comp_dir. */
  readonly file: string | undefined;
  /** The variable's DIE. */
  readonly die: DwarfDie;
  /** The unit it belongs to. */
  readonly unit: DwarfUnit;
}

/** Where an address is in the source, from the line tables. */
export interface SourceLocation {
  /** The file's path (see `lineFilePath`), if the table names it. */
  readonly file: string | undefined;
  /** Source line (0 when unknown). */
  readonly line: number;
  /** Source column (0 when unknown). */
  readonly column: number;
  /** The unit whose line table had the address. */
  readonly unit: DwarfUnit;
}

const EMPTY = new Uint8Array(0);

/**
 * Debug information of one file.
 *
 * @remarks
 * Build it with {@link DwarfInfo.fromElf} or from raw sections. Units are parsed on first use.
 * Every method throws {@link ElfError} (only) for malformed debug information.
 */
export class DwarfInfo {
  /** The debug sections (absent ones empty). */
  readonly sections: DwarfSectionData;
  /** Byte order of the file. */
  readonly little: boolean;
  private readonly abbrevCache = new Map<number, Map<number, Abbreviation>>();
  private parsed: DwarfUnit[] | undefined;
  private readonly lines = new Map<number, LineProgramHeader>();
  private readonly rows = new Map<number, LineProgramRows>();

  /** Debug information from raw section bytes (missing sections count as empty). */
  constructor(sections: Partial<DwarfSectionData>, little: boolean) {
    this.sections = {
      info: sections.info ?? EMPTY,
      abbrev: sections.abbrev ?? EMPTY,
      str: sections.str ?? EMPTY,
      lineStr: sections.lineStr ?? EMPTY,
      strOffsets: sections.strOffsets ?? EMPTY,
      addr: sections.addr ?? EMPTY,
      line: sections.line ?? EMPTY,
    };
    this.little = little;
  }

  /** Collects `.debug_info`, `.debug_abbrev`, `.debug_str`, ... of an ELF file (absent ones empty). */
  static fromElf(elf: ElfFile): DwarfInfo {
    const get = (name: string) => elf.sectionDataIfPresent(name);
    return new DwarfInfo(
      {
        info: get('.debug_info'),
        abbrev: get('.debug_abbrev'),
        str: get('.debug_str'),
        lineStr: get('.debug_line_str'),
        strOffsets: get('.debug_str_offsets'),
        addr: get('.debug_addr'),
        line: get('.debug_line'),
      },
      elf.littleEndian,
    );
  }

  /** True when the file has a `.debug_info` section with content. */
  get hasInfo(): boolean {
    return this.sections.info.length > 0;
  }

  /** Every unit header, without parsing DIEs. */
  unitHeaders(): DwarfUnitHeader[] {
    return parseUnitHeaders(this.sections.info, this.little);
  }

  /** Every unit with its DIE tree (parsed once, then cached). */
  units(): readonly DwarfUnit[] {
    if (this.parsed === undefined) {
      this.parsed = this.unitHeaders().map((h) =>
        parseUnit(this.sections, h, this.little, this.abbrevCache),
      );
    }
    return this.parsed;
  }

  /** The unit's `DW_AT_comp_dir`, if any. */
  compDir(unit: DwarfUnit): string | undefined {
    return unit.root.string(DwAt.comp_dir);
  }

  /** The line program header the unit's `DW_AT_stmt_list` points at, if it has one. */
  lineProgram(unit: DwarfUnit): LineProgramHeader | undefined {
    const v = unit.root.get(DwAt.stmt_list);
    if (v === undefined || (v.kind !== 'sectionOffset' && v.kind !== 'unsigned')) return undefined;
    const offset = Number(v.value);
    let header = this.lines.get(offset);
    if (header === undefined) {
      header = parseLineProgramHeader(offset, unit.context);
      this.lines.set(offset, header);
    }
    return header;
  }

  /** The rows of the unit's line-number program (run once, then cached); empty without one. */
  lineRows(unit: DwarfUnit): LineProgramRows {
    const header = this.lineProgram(unit);
    if (header === undefined) return { rows: [], definedFiles: [] };
    let rows = this.rows.get(header.offset);
    if (rows === undefined) {
      rows = runLineProgram(header, unit.context);
      this.rows.set(header.offset, rows);
    }
    return rows;
  }

  /**
   * The source line of the instruction at `address`: the row of a sequence whose address is the
   * greatest one not above `address`, provided the sequence goes past `address`.
   */
  lineForAddress(address: bigint): SourceLocation | undefined {
    for (const unit of this.units()) {
      const { rows } = this.lineRows(unit);
      for (let i = 0; i + 1 < rows.length; i++) {
        const row = rows[i]!;
        if (row.endSequence) continue;
        const next = rows[i + 1]!;
        if (row.address <= address && address < next.address) {
          return { file: this.filePath(unit, row.file), line: row.line, column: row.column, unit };
        }
      }
    }
    return undefined;
  }

  /** The path of file `index` of the unit's line table, or `undefined`. */
  filePath(unit: DwarfUnit, index: number): string | undefined {
    const header = this.lineProgram(unit);
    return header === undefined ? undefined : lineFilePath(header, index, this.compDir(unit));
  }

  /** Every DW_TAG_variable of every unit, in DIE order. */
  variables(): DwarfVariable[] {
    const out: DwarfVariable[] = [];
    const byOffset = new Map<number, DwarfDie>();
    for (const unit of this.units())
      for (const die of unit.root.walk()) byOffset.set(die.offset, die);
    for (const unit of this.units()) {
      for (const die of unit.root.walk()) {
        if (die.tag !== DwTag.variable) continue;
        const spec = die.get(DwAt.specification);
        const decl = spec?.kind === 'reference' ? byOffset.get(spec.value) : undefined;
        const pick = <T>(f: (d: DwarfDie) => T | undefined): T | undefined =>
          f(die) ?? (decl ? f(decl) : undefined);
        const declFile = pick((d) => d.unsigned(DwAt.decl_file));
        const declLine = pick((d) => d.unsigned(DwAt.decl_line));
        const location = die.bytes(DwAt.location);
        const fileIndex = declFile === undefined ? undefined : Number(declFile);
        out.push({
          name: pick((d) => d.string(DwAt.name)),
          linkageName: pick((d) => d.string(DwAt.linkage_name) ?? d.string(DwAt.MIPS_linkage_name)),
          namespace: namespacePath(decl ?? die),
          address: location === undefined ? undefined : expressionAddress(location, unit.context),
          declFile: fileIndex,
          declLine: declLine === undefined ? undefined : Number(declLine),
          file: fileIndex === undefined ? undefined : this.filePath(unit, fileIndex),
          die,
          unit,
        });
      }
    }
    return out;
  }
}

/** Names of the DW_TAG_namespace DIEs enclosing `die`, outermost first. */
export function namespacePath(die: DwarfDie): string[] {
  const names: string[] = [];
  for (let d = die.parent; d !== undefined; d = d.parent) {
    if (d.tag !== DwTag.namespace) continue;
    const name = d.string(DwAt.name);
    if (name !== undefined) names.push(name);
  }
  return names.reverse();
}
