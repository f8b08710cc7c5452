// Attribute forms: how each DW_FORM is laid out and what value it yields. String and address
// forms that point into other sections (strp, line_strp, strx*, addrx*) are resolved here, with the
// unit's str_offsets_base / addr_base, so callers always see plain strings and addresses.
// Relies on ByteReader for bounds checks; every problem is an ElfError.

import { ByteReader } from '../bytes/byte-reader';
import { ElfError } from '../errors';
import { readCString } from '../elf/strings';
import { DwForm } from './constants';

/** The decoded value of one attribute. */
export type DwarfValue =
  /** addr, addrx, addrx1-4, GNU_addr_index (indices resolved through `.debug_addr`). */
  | { readonly kind: 'address'; readonly value: bigint }
  /** data1/2/4/8, udata. Whether data forms are signed depends on the attribute; read them here. */
  | { readonly kind: 'unsigned'; readonly value: bigint }
  /** sdata, implicit_const. */
  | { readonly kind: 'signed'; readonly value: bigint }
  /** block, block1/2/4, exprloc, data16. */
  | { readonly kind: 'bytes'; readonly value: Uint8Array }
  /** flag, flag_present. */
  | { readonly kind: 'flag'; readonly value: boolean }
  /** string, strp, line_strp, strx, strx1-4, GNU_str_index (all resolved). */
  | { readonly kind: 'string'; readonly value: string }
  /** ref1/2/4/8, ref_udata (made absolute), ref_addr: an offset in `.debug_info`. */
  | { readonly kind: 'reference'; readonly value: number }
  /** sec_offset: an offset in another section (line table, ranges, ...). */
  | { readonly kind: 'sectionOffset'; readonly value: number }
  /** ref_sig8: a type signature. */
  | { readonly kind: 'signature'; readonly value: bigint }
  /** loclistx, rnglistx: an index into an offsets table. */
  | { readonly kind: 'index'; readonly value: number }
  /** ref_sup4/8, strp_sup, GNU_ref_alt, GNU_strp_alt: an offset in a supplementary file. */
  | { readonly kind: 'supplementary'; readonly value: number };

/** The raw bytes of the DWARF sections a reader may need; absent ones are empty. */
export interface DwarfSectionData {
  /** `.debug_info`. */
  readonly info: Uint8Array;
  /** `.debug_abbrev`. */
  readonly abbrev: Uint8Array;
  /** `.debug_str`. */
  readonly str: Uint8Array;
  /** `.debug_line_str`. */
  readonly lineStr: Uint8Array;
  /** `.debug_str_offsets`. */
  readonly strOffsets: Uint8Array;
  /** `.debug_addr`. */
  readonly addr: Uint8Array;
  /** `.debug_line`. */
  readonly line: Uint8Array;
}

/** What decoding a form depends on: the unit's encoding and bases. */
export interface FormContext {
  /** Where strings and indexed addresses are looked up. */
  readonly sections: DwarfSectionData;
  /** Byte order. */
  readonly little: boolean;
  /** DWARF version of the unit (2-5). */
  readonly version: number;
  /** 4 for 32-bit DWARF, 8 for 64-bit DWARF. */
  readonly offsetSize: 4 | 8;
  /** Size of a target address in bytes. */
  readonly addressSize: number;
  /** Offset of the unit header in `.debug_info` (for unit-relative references). */
  readonly unitOffset: number;
  /** `DW_AT_str_offsets_base` of the unit (0 when absent). */
  readonly strOffsetsBase: number;
  /** `DW_AT_addr_base` of the unit (0 when absent). */
  readonly addrBase: number;
}

function str(sections: DwarfSectionData, which: 'str' | 'lineStr', offset: number): string {
  const data = sections[which];
  const name = which === 'str' ? '.debug_str' : '.debug_line_str';
  if (data.length === 0) {
    throw new ElfError(
      'DWARF_MALFORMED',
      `an attribute points into ${name}, but the file has no ${name} section`,
      offset,
    );
  }
  return readCString(data, offset, name);
}

/** The string at `.debug_str_offsets[base + index * offsetSize]`. */
export function indexedString(ctx: FormContext, index: number): string {
  const r = new ByteReader(ctx.sections.strOffsets, ctx.little, '.debug_str_offsets');
  const at = ctx.strOffsetsBase + index * ctx.offsetSize;
  if (at > r.end) {
    throw new ElfError(
      'DWARF_MALFORMED',
      `.debug_str_offsets: string index ${index} (base ${ctx.strOffsetsBase}) lies past the end of the section`,
      at,
    );
  }
  r.seek(at);
  return str(ctx.sections, 'str', r.offset(ctx.offsetSize, 'string offset'));
}

/** The address at `.debug_addr[base + index * addressSize]`. */
export function indexedAddress(ctx: FormContext, index: number): bigint {
  const r = new ByteReader(ctx.sections.addr, ctx.little, '.debug_addr');
  const at = ctx.addrBase + index * ctx.addressSize;
  if (at > r.end) {
    throw new ElfError(
      'DWARF_MALFORMED',
      `.debug_addr: address index ${index} (base ${ctx.addrBase}) lies past the end of the section`,
      at,
    );
  }
  r.seek(at);
  return r.uSized(ctx.addressSize, 'indexed address');
}

function u24(r: ByteReader): number {
  const a = r.u8('strx3/addrx3');
  const b = r.u8('strx3/addrx3');
  const c = r.u8('strx3/addrx3');
  return r.little ? a | (b << 8) | (c << 16) : (a << 16) | (b << 8) | c;
}

/**
 * Reads one attribute value of form `form` at the reader's position.
 *
 * @param implicitConst - the value stored in the abbreviation for DW_FORM_implicit_const.
 * @param depth - DW_FORM_indirect nesting so far (bounded, so crafted input cannot recurse deeply).
 * @throws {@link ElfError} `DWARF_MALFORMED` for unknown forms or bad indices, `TRUNCATED` when the
 *   value runs past the unit.
 */
export function readFormValue(
  r: ByteReader,
  form: number,
  ctx: FormContext,
  implicitConst = 0n,
  depth = 0,
): DwarfValue {
  switch (form) {
    case DwForm.addr:
      return { kind: 'address', value: r.uSized(ctx.addressSize, 'DW_FORM_addr') };
    case DwForm.data1:
      return { kind: 'unsigned', value: BigInt(r.u8()) };
    case DwForm.data2:
      return { kind: 'unsigned', value: BigInt(r.u16()) };
    case DwForm.data4:
      return { kind: 'unsigned', value: BigInt(r.u32()) };
    case DwForm.data8:
      return { kind: 'unsigned', value: r.u64() };
    case DwForm.data16:
      return { kind: 'bytes', value: r.bytesView(16, 'DW_FORM_data16') };
    case DwForm.udata:
      return { kind: 'unsigned', value: r.ulebBig('DW_FORM_udata') };
    case DwForm.sdata:
      return { kind: 'signed', value: r.slebBig('DW_FORM_sdata') };
    case DwForm.implicit_const:
      return { kind: 'signed', value: implicitConst };
    case DwForm.flag:
      return { kind: 'flag', value: r.u8('DW_FORM_flag') !== 0 };
    case DwForm.flag_present:
      return { kind: 'flag', value: true };
    case DwForm.block1:
      return { kind: 'bytes', value: r.bytesView(r.u8(), 'DW_FORM_block1') };
    case DwForm.block2:
      return { kind: 'bytes', value: r.bytesView(r.u16(), 'DW_FORM_block2') };
    case DwForm.block4:
      return { kind: 'bytes', value: r.bytesView(r.u32(), 'DW_FORM_block4') };
    case DwForm.block:
    case DwForm.exprloc:
      return { kind: 'bytes', value: r.bytesView(r.uleb('block length'), 'block') };
    case DwForm.string:
      return { kind: 'string', value: r.cstring('DW_FORM_string') };
    case DwForm.strp:
      return {
        kind: 'string',
        value: str(ctx.sections, 'str', r.offset(ctx.offsetSize, 'DW_FORM_strp')),
      };
    case DwForm.line_strp:
      return {
        kind: 'string',
        value: str(ctx.sections, 'lineStr', r.offset(ctx.offsetSize, 'DW_FORM_line_strp')),
      };
    case DwForm.strx:
    case DwForm.GNU_str_index:
      return { kind: 'string', value: indexedString(ctx, r.uleb('DW_FORM_strx')) };
    case DwForm.strx1:
      return { kind: 'string', value: indexedString(ctx, r.u8()) };
    case DwForm.strx2:
      return { kind: 'string', value: indexedString(ctx, r.u16()) };
    case DwForm.strx3:
      return { kind: 'string', value: indexedString(ctx, u24(r)) };
    case DwForm.strx4:
      return { kind: 'string', value: indexedString(ctx, r.u32()) };
    case DwForm.addrx:
    case DwForm.GNU_addr_index:
      return { kind: 'address', value: indexedAddress(ctx, r.uleb('DW_FORM_addrx')) };
    case DwForm.addrx1:
      return { kind: 'address', value: indexedAddress(ctx, r.u8()) };
    case DwForm.addrx2:
      return { kind: 'address', value: indexedAddress(ctx, r.u16()) };
    case DwForm.addrx3:
      return { kind: 'address', value: indexedAddress(ctx, u24(r)) };
    case DwForm.addrx4:
      return { kind: 'address', value: indexedAddress(ctx, r.u32()) };
    case DwForm.ref1:
      return { kind: 'reference', value: ctx.unitOffset + r.u8() };
    case DwForm.ref2:
      return { kind: 'reference', value: ctx.unitOffset + r.u16() };
    case DwForm.ref4:
      return { kind: 'reference', value: ctx.unitOffset + r.u32() };
    case DwForm.ref8:
      return { kind: 'reference', value: ctx.unitOffset + r.offset(8, 'DW_FORM_ref8') };
    case DwForm.ref_udata:
      return { kind: 'reference', value: ctx.unitOffset + r.uleb('DW_FORM_ref_udata') };
    case DwForm.ref_addr:
      // DWARF 2 sized ref_addr like an address; later versions like an offset.
      return {
        kind: 'reference',
        value:
          ctx.version <= 2
            ? Number(r.uSized(ctx.addressSize, 'DW_FORM_ref_addr'))
            : r.offset(ctx.offsetSize, 'DW_FORM_ref_addr'),
      };
    case DwForm.ref_sig8:
      return { kind: 'signature', value: r.u64('DW_FORM_ref_sig8') };
    case DwForm.sec_offset:
      return { kind: 'sectionOffset', value: r.offset(ctx.offsetSize, 'DW_FORM_sec_offset') };
    case DwForm.loclistx:
    case DwForm.rnglistx:
      return { kind: 'index', value: r.uleb('list index') };
    case DwForm.ref_sup4:
      return { kind: 'supplementary', value: r.u32() };
    case DwForm.ref_sup8:
      return { kind: 'supplementary', value: r.offset(8) };
    case DwForm.strp_sup:
    case DwForm.GNU_ref_alt:
    case DwForm.GNU_strp_alt:
      return { kind: 'supplementary', value: r.offset(ctx.offsetSize) };
    case DwForm.indirect: {
      if (depth >= 4) {
        throw new ElfError(
          'DWARF_MALFORMED',
          `${r.context}: DW_FORM_indirect nested too deeply`,
          r.pos,
        );
      }
      const actual = r.uleb('DW_FORM_indirect form');
      return readFormValue(r, actual, ctx, implicitConst, depth + 1);
    }
    default:
      throw new ElfError(
        'DWARF_MALFORMED',
        `${r.context}: unknown attribute form 0x${form.toString(16)} at offset ${r.pos}; the debug information is corrupt or uses a vendor extension`,
        r.pos,
      );
  }
}
