// `.debug_abbrev`: abbreviation tables, which say for each DIE code its tag, whether it has
// children, and the (attribute, form) pairs that follow it in `.debug_info`. Tables are parsed once
// per offset and shared by every unit that points at them.

import { ByteReader } from '../bytes/byte-reader';
import { ElfError } from '../errors';
import { DwForm } from './constants';

/** One attribute specification of an abbreviation. */
export interface AbbrevAttribute {
  /** `DW_AT_*`. */
  readonly name: number;
  /** `DW_FORM_*`. */
  readonly form: number;
  /** The value for DW_FORM_implicit_const (0 otherwise). */
  readonly implicitConst: bigint;
}

/** One abbreviation: the shape of every DIE that uses its code. */
export interface Abbreviation {
  /** The code DIEs refer to it by. */
  readonly code: number;
  /** `DW_TAG_*`. */
  readonly tag: number;
  /** Whether DIEs of this shape are followed by children. */
  readonly hasChildren: boolean;
  /** Attribute specifications, in order. */
  readonly attributes: readonly AbbrevAttribute[];
}

/**
 * Parses the abbreviation table starting at `offset` of `.debug_abbrev`.
 *
 * @throws {@link ElfError} `DWARF_MALFORMED` for duplicate codes, `TRUNCATED` when the table does not
 *   end before the section does.
 */
export function parseAbbreviations(
  data: Uint8Array,
  offset: number,
  little: boolean,
): Map<number, Abbreviation> {
  const r = new ByteReader(data, little, '.debug_abbrev');
  if (offset > data.length) {
    throw new ElfError(
      'DWARF_MALFORMED',
      `.debug_abbrev: a unit points to abbreviation offset ${offset}, past the ${data.length}-byte section`,
      offset,
    );
  }
  r.seek(offset);
  const table = new Map<number, Abbreviation>();
  for (;;) {
    const code = r.uleb('abbreviation code');
    if (code === 0) break;
    const tag = r.uleb('abbreviation tag');
    const hasChildren = r.u8('children flag') !== 0;
    const attributes: AbbrevAttribute[] = [];
    for (;;) {
      const name = r.uleb('attribute name');
      const form = r.uleb('attribute form');
      if (name === 0 && form === 0) break;
      const implicitConst = form === DwForm.implicit_const ? r.slebBig('implicit constant') : 0n;
      attributes.push({ name, form, implicitConst });
    }
    if (table.has(code)) {
      throw new ElfError(
        'DWARF_MALFORMED',
        `.debug_abbrev: abbreviation code ${code} appears twice in the table at offset ${offset}`,
        offset,
      );
    }
    table.set(code, { code, tag, hasChildren, attributes });
  }
  return table;
}
