// Builds small firmware-like ELFs with hand-made DWARF 4 for the location tests: a DIE tree of
// namespaces, structures and variables (names as DW_FORM_string) and a line table, next to a
// `.defmt` section with the given symbols. Field layouts follow the DWARF 4 standard.
import { writeElf } from '@k5/elf';

export type Die =
  | { ns: string; children: Die[] }
  | { struct: true; children: Die[] }
  | { variable: string; file?: number; line?: number; linkage?: string };

const uleb = (v: number): number[] => {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
};
const u16 = (v: number) => [v & 0xff, (v >> 8) & 0xff];
const u32 = (v: number) => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff];
const cstr = (s: string) => [...new TextEncoder().encode(s), 0];

// Abbreviation codes.
const CU = 1;
const CU_NO_LINES = 2;
const NS = 3;
const STRUCT = 4;
const VAR_BASE = 8; // + bit mask of present attributes: 1 file, 2 line, 4 linkage

function abbrevs(): number[] {
  const out: number[] = [];
  // DW_TAG_compile_unit with DW_AT_stmt_list (data4) and DW_AT_comp_dir (string).
  out.push(...uleb(CU), 0x11, 1, 0x10, 0x06, 0x1b, 0x08, 0, 0);
  out.push(...uleb(CU_NO_LINES), 0x11, 1, 0x1b, 0x08, 0, 0);
  out.push(...uleb(NS), 0x39, 1, 0x03, 0x08, 0, 0);
  out.push(...uleb(STRUCT), 0x13, 1, 0, 0);
  for (let mask = 0; mask < 8; mask++) {
    out.push(...uleb(VAR_BASE + mask), 0x34, 0, 0x03, 0x08);
    if (mask & 1) out.push(0x3a, 0x0b);
    if (mask & 2) out.push(0x3b, 0x0b);
    if (mask & 4) out.push(0x6e, 0x08);
    out.push(0, 0);
  }
  out.push(0);
  return out;
}

function dies(list: Die[], out: number[]): void {
  for (const d of list) {
    if ('ns' in d) {
      out.push(NS, ...cstr(d.ns));
      dies(d.children, out);
      out.push(0);
    } else if ('struct' in d) {
      out.push(STRUCT);
      dies(d.children, out);
      out.push(0);
    } else {
      const mask =
        (d.file !== undefined ? 1 : 0) |
        (d.line !== undefined ? 2 : 0) |
        (d.linkage !== undefined ? 4 : 0);
      out.push(VAR_BASE + mask, ...cstr(d.variable));
      if (d.file !== undefined) out.push(d.file);
      if (d.line !== undefined) out.push(d.line);
      if (d.linkage !== undefined) out.push(...cstr(d.linkage));
    }
  }
}

/** A DWARF 4 line program header with these include directories and (name, dir) files. */
function lineTable(dirs: string[], files: [string, number][]): number[] {
  const tables = [
    ...dirs.flatMap(cstr),
    0,
    ...files.flatMap(([name, dir]) => [...cstr(name), ...uleb(dir), 0, 0]),
    0,
  ];
  const afterHeaderLength = [1, 1, 1, 0xfb, 14, 13, 0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1, ...tables];
  const body = [...u16(4), ...u32(afterHeaderLength.length), ...afterHeaderLength];
  return [...u32(body.length), ...body];
}

export interface DwarfElf {
  tree: Die[];
  /** Include directories and files of the line table; no line table when absent. */
  lines?: { dirs: string[]; files: [string, number][] };
  compDir?: string;
  /** `.defmt` symbols: name and index. */
  symbols: [string, number][];
}

export function elfWithDwarf(spec: DwarfElf): Uint8Array {
  const info: number[] = [];
  const compDir = cstr(spec.compDir ?? '/work');
  const root = spec.lines ? [CU, ...u32(0), ...compDir] : [CU_NO_LINES, ...compDir];
  dies(spec.tree, root);
  root.push(0);
  const body = [...u16(4), ...u32(0), 4, ...root];
  info.push(...u32(body.length), ...body);
  const sections = [
    { name: '.defmt', data: new Uint8Array(64) },
    { name: '.debug_abbrev', data: new Uint8Array(abbrevs()) },
    { name: '.debug_info', data: new Uint8Array(info) },
  ];
  if (spec.lines) {
    sections.push({
      name: '.debug_line',
      data: new Uint8Array(lineTable(spec.lines.dirs, spec.lines.files)),
    });
  }
  return writeElf({
    sections,
    symbols: [
      { name: '_defmt_version_ = 4', section: '.defmt', value: 62 },
      { name: '_defmt_encoding_ = raw', section: '.defmt', value: 63 },
      ...spec.symbols.map(([name, value]) => ({ name, value, size: 1, section: '.defmt' })),
    ],
  });
}
