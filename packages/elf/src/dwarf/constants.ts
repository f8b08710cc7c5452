// DWARF numbers (DWARF 5 standard, section 7, plus the GNU extensions compilers still emit) that
// this package reads. Names drop the `DW_TAG_`/`DW_AT_`/`DW_FORM_` prefixes; values are the
// standard's.

/** `DW_TAG_*` values used by the readers (other tags are kept as numbers). */
export const DwTag = {
  formal_parameter: 0x05,
  lexical_block: 0x0b,
  member: 0x0d,
  structure_type: 0x13,
  compile_unit: 0x11,
  base_type: 0x24,
  subprogram: 0x2e,
  variable: 0x34,
  namespace: 0x39,
  partial_unit: 0x3c,
  type_unit: 0x41,
  skeleton_unit: 0x4a,
} as const;

/** `DW_AT_*` values used by the readers. */
export const DwAt = {
  sibling: 0x01,
  location: 0x02,
  name: 0x03,
  byte_size: 0x0b,
  stmt_list: 0x10,
  low_pc: 0x11,
  high_pc: 0x12,
  language: 0x13,
  comp_dir: 0x1b,
  const_value: 0x1c,
  producer: 0x25,
  decl_column: 0x39,
  decl_file: 0x3a,
  decl_line: 0x3b,
  declaration: 0x3c,
  external: 0x3f,
  specification: 0x47,
  type: 0x49,
  linkage_name: 0x6e,
  str_offsets_base: 0x72,
  addr_base: 0x73,
  rnglists_base: 0x74,
  loclists_base: 0x8c,
  MIPS_linkage_name: 0x2007,
  GNU_addr_base: 0x2133,
} as const;

/** `DW_FORM_*` values (every form of DWARF 2 to 5 plus the GNU split-DWARF ones). */
export const DwForm = {
  addr: 0x01,
  block2: 0x03,
  block4: 0x04,
  data2: 0x05,
  data4: 0x06,
  data8: 0x07,
  string: 0x08,
  block: 0x09,
  block1: 0x0a,
  data1: 0x0b,
  flag: 0x0c,
  sdata: 0x0d,
  strp: 0x0e,
  udata: 0x0f,
  ref_addr: 0x10,
  ref1: 0x11,
  ref2: 0x12,
  ref4: 0x13,
  ref8: 0x14,
  ref_udata: 0x15,
  indirect: 0x16,
  sec_offset: 0x17,
  exprloc: 0x18,
  flag_present: 0x19,
  strx: 0x1a,
  addrx: 0x1b,
  ref_sup4: 0x1c,
  strp_sup: 0x1d,
  data16: 0x1e,
  line_strp: 0x1f,
  ref_sig8: 0x20,
  implicit_const: 0x21,
  loclistx: 0x22,
  rnglistx: 0x23,
  ref_sup8: 0x24,
  strx1: 0x25,
  strx2: 0x26,
  strx3: 0x27,
  strx4: 0x28,
  addrx1: 0x29,
  addrx2: 0x2a,
  addrx3: 0x2b,
  addrx4: 0x2c,
  GNU_addr_index: 0x1f01,
  GNU_str_index: 0x1f02,
  GNU_ref_alt: 0x1f20,
  GNU_strp_alt: 0x1f21,
} as const;

/** `DW_UT_*` unit types of DWARF 5 unit headers. */
export const DwUt = {
  compile: 0x01,
  type: 0x02,
  partial: 0x03,
  skeleton: 0x04,
  split_compile: 0x05,
  split_type: 0x06,
} as const;

/** `DW_LNCT_*` content types of DWARF 5 line-table entry formats. */
export const DwLnct = { path: 1, directory_index: 2, timestamp: 3, size: 4, MD5: 5 } as const;

/** The `DW_OP_*` values the address finder acts on. */
export const DwOp = { addr: 0x03, addrx: 0xa1, constx: 0xa2, GNU_addr_index: 0xfb } as const;
