// `.debug_info` units: unit headers of DWARF 2 to 5 (32-bit and 64-bit DWARF, every DWARF 5
// unit_type) and the DIE tree of each unit. The root DIE is read twice: once to learn the unit's
// str_offsets_base / addr_base (which indexed forms in the root itself may need), then for real.

import { ByteReader } from '../bytes/byte-reader';
import { ElfError } from '../errors';
import { type Abbreviation, parseAbbreviations } from './abbrev';
import { DwAt, DwForm, DwUt } from './constants';
import { type DwarfAttribute, DwarfDie } from './die';
import { type DwarfSectionData, type FormContext, readFormValue } from './forms';

/** A unit header as stored. */
export interface DwarfUnitHeader {
  /** Offset of the header in `.debug_info`. */
  readonly offset: number;
  /** Offset just past the unit. */
  readonly end: number;
  /** 2 to 5. */
  readonly version: number;
  /** `DW_UT_*`; DWARF 2-4 compile units report `DW_UT_compile`. */
  readonly unitType: number;
  /** 4 for 32-bit DWARF, 8 for 64-bit DWARF. */
  readonly offsetSize: 4 | 8;
  /** Size of a target address in bytes. */
  readonly addressSize: number;
  /** Offset of the unit's abbreviation table in `.debug_abbrev`. */
  readonly abbrevOffset: number;
  /** Offset of the first DIE. */
  readonly diesOffset: number;
  /** `dwo_id` of skeleton and split units, `type_signature` of type units. */
  readonly id: bigint | undefined;
  /** `type_offset` of type units (relative to the unit). */
  readonly typeOffset: number | undefined;
}

/** A parsed unit: its header, encoding context and DIE tree. */
export interface DwarfUnit {
  /** The unit header. */
  readonly header: DwarfUnitHeader;
  /** The unit's root DIE (DW_TAG_compile_unit, partial_unit, type_unit, ...). */
  readonly root: DwarfDie;
  /** What forms in this unit were decoded with (bases included). */
  readonly context: FormContext;
}

/**
 * Reads the unit header at `offset` of `.debug_info`.
 *
 * @throws {@link ElfError} `DWARF_UNSUPPORTED` for versions outside 2-5, `TRUNCATED`/`DWARF_MALFORMED`
 *   for inconsistent lengths.
 */
export function parseUnitHeader(
  info: Uint8Array,
  offset: number,
  little: boolean,
): DwarfUnitHeader {
  const r = new ByteReader(info, little, '.debug_info');
  r.seek(offset);
  let length = r.u32('unit_length');
  let offsetSize: 4 | 8 = 4;
  if (length === 0xffffffff) {
    offsetSize = 8;
    length = r.offset(8, 'unit_length (64-bit DWARF)');
  } else if (length >= 0xfffffff0) {
    throw new ElfError(
      'DWARF_MALFORMED',
      `.debug_info: unit at offset ${offset} has reserved unit_length 0x${length.toString(16)}`,
      offset,
    );
  }
  const end = r.pos + length;
  if (end > info.length) {
    throw new ElfError(
      'TRUNCATED',
      `.debug_info: unit at offset ${offset} claims ${length} bytes but the section ends at ${info.length}; the file is truncated or corrupt`,
      offset,
    );
  }
  const u = r.sub(r.pos, length, '.debug_info unit header');
  const version = u.u16('unit version');
  if (version < 2 || version > 5) {
    throw new ElfError(
      'DWARF_UNSUPPORTED',
      `.debug_info: unit at offset ${offset} has DWARF version ${version}; versions 2 to 5 are supported`,
      offset,
    );
  }
  let unitType: number = DwUt.compile;
  let addressSize: number;
  let abbrevOffset: number;
  let id: bigint | undefined;
  let typeOffset: number | undefined;
  if (version >= 5) {
    unitType = u.u8('unit_type');
    addressSize = u.u8('address_size');
    abbrevOffset = u.offset(offsetSize, 'debug_abbrev_offset');
    if (unitType === DwUt.skeleton || unitType === DwUt.split_compile) {
      id = u.u64('dwo_id');
    } else if (unitType === DwUt.type || unitType === DwUt.split_type) {
      id = u.u64('type_signature');
      typeOffset = u.offset(offsetSize, 'type_offset');
    } else if (unitType !== DwUt.compile && unitType !== DwUt.partial) {
      throw new ElfError(
        'DWARF_UNSUPPORTED',
        `.debug_info: unit at offset ${offset} has unknown unit_type 0x${unitType.toString(16)}`,
        offset,
      );
    }
  } else {
    abbrevOffset = u.offset(offsetSize, 'debug_abbrev_offset');
    addressSize = u.u8('address_size');
  }
  if (addressSize !== 1 && addressSize !== 2 && addressSize !== 4 && addressSize !== 8) {
    throw new ElfError(
      'DWARF_UNSUPPORTED',
      `.debug_info: unit at offset ${offset} has address size ${addressSize}; 1, 2, 4 and 8 are supported`,
      offset,
    );
  }
  return {
    offset,
    end,
    version,
    unitType,
    offsetSize,
    addressSize,
    abbrevOffset,
    diesOffset: u.pos,
    id,
    typeOffset,
  };
}

/** The headers of every unit in `.debug_info`, in order. */
export function parseUnitHeaders(info: Uint8Array, little: boolean): DwarfUnitHeader[] {
  const headers: DwarfUnitHeader[] = [];
  let offset = 0;
  while (offset < info.length) {
    const h = parseUnitHeader(info, offset, little);
    headers.push(h);
    offset = h.end;
  }
  return headers;
}

function readAttributes(r: ByteReader, abbrev: Abbreviation, ctx: FormContext): DwarfAttribute[] {
  const attributes: DwarfAttribute[] = new Array(abbrev.attributes.length);
  for (let i = 0; i < abbrev.attributes.length; i++) {
    const spec = abbrev.attributes[i]!;
    let form = spec.form;
    // Record the form actually used when the abbreviation defers it to the DIE.
    if (form === DwForm.indirect) {
      const at = r.pos;
      form = r.uleb('DW_FORM_indirect form');
      r.pos = at;
    }
    attributes[i] = {
      name: spec.name,
      form,
      value: readFormValue(r, spec.form, ctx, spec.implicitConst),
    };
  }
  return attributes;
}

/**
 * Parses a unit's DIE tree.
 *
 * @param abbrevCache - tables already parsed, by offset (shared between units).
 * @throws {@link ElfError} for unknown abbreviation codes, bad forms or truncated data.
 */
export function parseUnit(
  sections: DwarfSectionData,
  header: DwarfUnitHeader,
  little: boolean,
  abbrevCache: Map<number, Map<number, Abbreviation>> = new Map(),
): DwarfUnit {
  let abbrevs = abbrevCache.get(header.abbrevOffset);
  if (abbrevs === undefined) {
    abbrevs = parseAbbreviations(sections.abbrev, header.abbrevOffset, little);
    abbrevCache.set(header.abbrevOffset, abbrevs);
  }
  const r = new ByteReader(sections.info, little, '.debug_info', 0, header.end);
  r.seek(header.diesOffset);
  const lookup = (code: number): Abbreviation => {
    const a = abbrevs.get(code);
    if (a === undefined) {
      throw new ElfError(
        'DWARF_MALFORMED',
        `.debug_info: DIE at offset ${r.pos} uses abbreviation code ${code}, which the unit's table (at .debug_abbrev offset ${header.abbrevOffset}) does not define`,
        r.pos,
      );
    }
    return a;
  };

  // Root DIE, first pass: only to find the bases. Indexed forms cannot be resolved yet, so their
  // indices are skipped.
  const rootOffset = r.pos;
  const rootCode = r.uleb('root abbreviation code');
  if (rootCode === 0) {
    throw new ElfError(
      'DWARF_MALFORMED',
      `.debug_info: unit at offset ${header.offset} has no root DIE`,
      rootOffset,
    );
  }
  const rootAbbrev = lookup(rootCode);
  const bare: FormContext = {
    sections: { ...sections, strOffsets: new Uint8Array(0), addr: new Uint8Array(0) },
    little,
    version: header.version,
    offsetSize: header.offsetSize,
    addressSize: header.addressSize,
    unitOffset: header.offset,
    strOffsetsBase: 0,
    addrBase: 0,
  };
  let strOffsetsBase = 0;
  let addrBase = 0;
  const scan = new ByteReader(sections.info, little, '.debug_info', 0, header.end);
  scan.seek(r.pos);
  for (const spec of rootAbbrev.attributes) {
    const isIndexed =
      (spec.form >= DwForm.strx1 && spec.form <= DwForm.addrx4) ||
      spec.form === DwForm.strx ||
      spec.form === DwForm.addrx ||
      spec.form === DwForm.GNU_str_index ||
      spec.form === DwForm.GNU_addr_index;
    if (isIndexed) {
      // Skip the index without resolving it.
      if (spec.form === DwForm.strx1 || spec.form === DwForm.addrx1) scan.skip(1);
      else if (spec.form === DwForm.strx2 || spec.form === DwForm.addrx2) scan.skip(2);
      else if (spec.form === DwForm.strx3 || spec.form === DwForm.addrx3) scan.skip(3);
      else if (spec.form === DwForm.strx4 || spec.form === DwForm.addrx4) scan.skip(4);
      else scan.uleb();
      continue;
    }
    const value = readFormValue(scan, spec.form, bare, spec.implicitConst);
    if (value.kind === 'sectionOffset' || value.kind === 'unsigned') {
      if (spec.name === DwAt.str_offsets_base) strOffsetsBase = Number(value.value);
      if (spec.name === DwAt.addr_base || spec.name === DwAt.GNU_addr_base) {
        addrBase = Number(value.value);
      }
    }
  }
  const ctx: FormContext = { ...bare, sections, strOffsetsBase, addrBase };
  const root = new DwarfDie(
    rootOffset,
    rootAbbrev.tag,
    readAttributes(r, rootAbbrev, ctx),
    undefined,
  );

  // The rest of the tree: children follow their parent; a 0 code closes the current parent.
  const stack: DwarfDie[] = rootAbbrev.hasChildren ? [root] : [];
  while (r.pos < header.end && stack.length > 0) {
    const offset = r.pos;
    const code = r.uleb('abbreviation code');
    if (code === 0) {
      stack.pop();
      continue;
    }
    const abbrev = lookup(code);
    const parent = stack[stack.length - 1]!;
    const die = new DwarfDie(offset, abbrev.tag, readAttributes(r, abbrev, ctx), parent);
    parent.children.push(die);
    if (abbrev.hasChildren) stack.push(die);
  }
  return { header, root, context: ctx };
}
