// The ELF file header: identification bytes, class and byte order, and where the section and
// program header tables are. Extended numbering (counts that live in section 0) is resolved in
// sections.ts, because it needs section 0; this file only reads what the header says.

import { ByteReader } from '../bytes/byte-reader';
import { ElfError } from '../errors';
import { ElfClass, ElfData, STRUCT_SIZES } from './constants';

/** The ELF file header, as stored (before extended numbering is applied). */
export interface ElfHeader {
  /** 32 for ELFCLASS32, 64 for ELFCLASS64. */
  readonly bits: 32 | 64;
  /** True for ELFDATA2LSB. */
  readonly littleEndian: boolean;
  /** `e_ident[EI_OSABI]`. */
  readonly osAbi: number;
  /** `e_ident[EI_ABIVERSION]`. */
  readonly abiVersion: number;
  /** `e_type` (see `FileType`). */
  readonly type: number;
  /** `e_machine` (see `Machine`). */
  readonly machine: number;
  /** `e_version`. */
  readonly version: number;
  /** `e_entry`. */
  readonly entry: bigint;
  /** `e_phoff`. */
  readonly phoff: bigint;
  /** `e_shoff`. */
  readonly shoff: bigint;
  /** `e_flags`. */
  readonly flags: number;
  /** `e_ehsize`. */
  readonly ehsize: number;
  /** `e_phentsize`. */
  readonly phentsize: number;
  /** `e_phnum` as stored (0xffff means "see section 0"). */
  readonly phnum: number;
  /** `e_shentsize`. */
  readonly shentsize: number;
  /** `e_shnum` as stored (0 with a non-zero `e_shoff` means "see section 0"). */
  readonly shnum: number;
  /** `e_shstrndx` as stored (0xffff means "see section 0"). */
  readonly shstrndx: number;
}

/**
 * Reads and checks the file header.
 *
 * @throws {@link ElfError} `BAD_MAGIC`, `BAD_CLASS`, `BAD_ENDIAN`, `BAD_VERSION` or `TRUNCATED`.
 */
export function parseElfHeader(bytes: Uint8Array): ElfHeader {
  if (bytes.length < 16) {
    throw new ElfError(
      'TRUNCATED',
      `ELF header: the input has ${bytes.length} bytes, fewer than the 16 identification bytes; pass the whole file`,
      0,
    );
  }
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ElfError(
      'BAD_MAGIC',
      'ELF header: the input does not start with 7F 45 4C 46 ("\\x7fELF"); it is not an ELF file (a .bin or .hex image has no symbols: pass the .elf the linker produced)',
      0,
    );
  }
  const cls = bytes[4];
  if (cls !== ElfClass.ELF32 && cls !== ElfClass.ELF64) {
    throw new ElfError(
      'BAD_CLASS',
      `ELF header: class byte is ${cls}, expected 1 (ELF32) or 2 (ELF64); the file is corrupt`,
      4,
    );
  }
  const data = bytes[5];
  if (data !== ElfData.LSB && data !== ElfData.MSB) {
    throw new ElfError(
      'BAD_ENDIAN',
      `ELF header: data encoding byte is ${data}, expected 1 (little endian) or 2 (big endian); the file is corrupt`,
      5,
    );
  }
  if (bytes[6] !== 1) {
    throw new ElfError(
      'BAD_VERSION',
      `ELF header: identification version is ${bytes[6]}, expected 1 (EV_CURRENT); the file is corrupt`,
      6,
    );
  }
  const bits = cls === ElfClass.ELF32 ? 32 : 64;
  const little = data === ElfData.LSB;
  const r = new ByteReader(bytes, little, 'ELF header');
  r.need(STRUCT_SIZES[bits].header, 'the file header');
  r.pos = 16;
  const type = r.u16('e_type');
  const machine = r.u16('e_machine');
  const version = r.u32('e_version');
  const word = () => (bits === 32 ? BigInt(r.u32()) : r.u64());
  const entry = word();
  const phoff = word();
  const shoff = word();
  const flags = r.u32('e_flags');
  const ehsize = r.u16('e_ehsize');
  const phentsize = r.u16('e_phentsize');
  const phnum = r.u16('e_phnum');
  const shentsize = r.u16('e_shentsize');
  const shnum = r.u16('e_shnum');
  const shstrndx = r.u16('e_shstrndx');
  return {
    bits,
    littleEndian: little,
    osAbi: bytes[7]!,
    abiVersion: bytes[8]!,
    type,
    machine,
    version,
    entry,
    phoff,
    shoff,
    flags,
    ehsize,
    phentsize,
    phnum,
    shentsize,
    shnum,
    shstrndx,
  };
}
