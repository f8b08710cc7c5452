// ELF numbers from the System V gABI (and the ARM/AArch64 supplements where they matter), grouped
// by the field they belong to. The values are the specification's; the names drop the prefix
// (`SHT_PROGBITS` is `SectionType.PROGBITS`).

/** `e_ident[EI_CLASS]`. */
export const ElfClass = { ELF32: 1, ELF64: 2 } as const;

/** `e_ident[EI_DATA]`. */
export const ElfData = { LSB: 1, MSB: 2 } as const;

/** `e_type`. */
export const FileType = { NONE: 0, REL: 1, EXEC: 2, DYN: 3, CORE: 4 } as const;

/** A few `e_machine` values the K5 tools meet. */
export const Machine = {
  NONE: 0,
  I386: 3,
  PPC: 20,
  PPC64: 21,
  ARM: 40,
  X86_64: 62,
  AARCH64: 183,
  RISCV: 243,
} as const;

/** `sh_type`. */
export const SectionType = {
  NULL: 0,
  PROGBITS: 1,
  SYMTAB: 2,
  STRTAB: 3,
  RELA: 4,
  HASH: 5,
  DYNAMIC: 6,
  NOTE: 7,
  NOBITS: 8,
  REL: 9,
  SHLIB: 10,
  DYNSYM: 11,
  INIT_ARRAY: 14,
  FINI_ARRAY: 15,
  PREINIT_ARRAY: 16,
  GROUP: 17,
  SYMTAB_SHNDX: 18,
  ARM_ATTRIBUTES: 0x70000003,
} as const;

/** `sh_flags` bits. */
export const SectionFlags = {
  WRITE: 0x1,
  ALLOC: 0x2,
  EXECINSTR: 0x4,
  MERGE: 0x10,
  STRINGS: 0x20,
  INFO_LINK: 0x40,
  LINK_ORDER: 0x80,
  GROUP: 0x200,
  TLS: 0x400,
  COMPRESSED: 0x800,
} as const;

/** Reserved section indices (`st_shndx`, `e_shstrndx`). */
export const SpecialSection = {
  UNDEF: 0,
  LORESERVE: 0xff00,
  ABS: 0xfff1,
  COMMON: 0xfff2,
  XINDEX: 0xffff,
} as const;

/** `e_phnum` value meaning "the real count is in section 0's `sh_info`". */
export const PN_XNUM = 0xffff;

/** `p_type`. */
export const SegmentType = {
  NULL: 0,
  LOAD: 1,
  DYNAMIC: 2,
  INTERP: 3,
  NOTE: 4,
  SHLIB: 5,
  PHDR: 6,
  TLS: 7,
  GNU_STACK: 0x6474e551,
  ARM_EXIDX: 0x70000001,
} as const;

/** `p_flags` bits. */
export const SegmentFlags = { X: 0x1, W: 0x2, R: 0x4 } as const;

/** Symbol binding (`ELF_ST_BIND(st_info)`). */
export const SymbolBinding = { LOCAL: 0, GLOBAL: 1, WEAK: 2, GNU_UNIQUE: 10 } as const;

/** Symbol type (`ELF_ST_TYPE(st_info)`). */
export const SymbolType = {
  NOTYPE: 0,
  OBJECT: 1,
  FUNC: 2,
  SECTION: 3,
  FILE: 4,
  COMMON: 5,
  TLS: 6,
  GNU_IFUNC: 10,
} as const;

/** Symbol visibility (`ELF_ST_VISIBILITY(st_other)`). */
export const SymbolVisibility = { DEFAULT: 0, INTERNAL: 1, HIDDEN: 2, PROTECTED: 3 } as const;

/** Sizes of the fixed structures, by class. */
export const STRUCT_SIZES = {
  32: { header: 52, section: 40, segment: 32, symbol: 16 },
  64: { header: 64, section: 64, segment: 56, symbol: 24 },
} as const;
