// Program headers (segments): what a loader maps where. Used to turn a virtual address into file
// bytes (elf-file.ts readAddress) and by the kernel's task-image loader.

import { ByteReader, toSafeNumber } from '../bytes/byte-reader';
import { ElfError } from '../errors';
import { STRUCT_SIZES } from './constants';
import type { ElfHeader } from './header';

/** One program header. */
export interface ElfSegment {
  /** Position in the program header table. */
  readonly index: number;
  /** `p_type` (see `SegmentType`). */
  readonly type: number;
  /** `p_flags` (see `SegmentFlags`). */
  readonly flags: number;
  /** `p_offset`. */
  readonly offset: bigint;
  /** `p_vaddr`. */
  readonly vaddr: bigint;
  /** `p_paddr`. */
  readonly paddr: bigint;
  /** `p_filesz`. */
  readonly filesz: bigint;
  /** `p_memsz`. */
  readonly memsz: bigint;
  /** `p_align`. */
  readonly align: bigint;
}

/**
 * Reads the program header table (`phnum` already resolved for extended numbering).
 *
 * @throws {@link ElfError} when the table does not fit in the file or its entry size is too small.
 */
export function parseSegments(bytes: Uint8Array, header: ElfHeader, phnum: number): ElfSegment[] {
  if (phnum === 0) return [];
  const { bits } = header;
  const minSize = STRUCT_SIZES[bits].segment;
  if (header.phentsize < minSize) {
    throw new ElfError(
      'BAD_HEADER',
      `ELF header: e_phentsize is ${header.phentsize}, smaller than the ${minSize} bytes of an ELF${bits} program header; the file is corrupt`,
    );
  }
  const phoff = toSafeNumber(header.phoff, 'ELF header: e_phoff');
  if (phoff > bytes.length || phnum * header.phentsize > bytes.length - phoff) {
    throw new ElfError(
      'TOO_MANY',
      `program header table: ${phnum} entries of ${header.phentsize} bytes at offset ${phoff} do not fit in the ${bytes.length}-byte file; it is truncated or corrupt`,
      phoff,
    );
  }
  const r = new ByteReader(bytes, header.littleEndian, 'program header table');
  const segments: ElfSegment[] = [];
  for (let index = 0; index < phnum; index++) {
    r.seek(phoff + index * header.phentsize);
    const what = `program header ${index}`;
    if (bits === 32) {
      const type = r.u32(what);
      const offset = BigInt(r.u32(what));
      const vaddr = BigInt(r.u32(what));
      const paddr = BigInt(r.u32(what));
      const filesz = BigInt(r.u32(what));
      const memsz = BigInt(r.u32(what));
      const flags = r.u32(what);
      const align = BigInt(r.u32(what));
      segments.push({ index, type, flags, offset, vaddr, paddr, filesz, memsz, align });
    } else {
      const type = r.u32(what);
      const flags = r.u32(what);
      const offset = r.u64(what);
      const vaddr = r.u64(what);
      const paddr = r.u64(what);
      const filesz = r.u64(what);
      const memsz = r.u64(what);
      const align = r.u64(what);
      segments.push({ index, type, flags, offset, vaddr, paddr, filesz, memsz, align });
    }
  }
  return segments;
}

/**
 * The bytes a segment has in the file (a view).
 *
 * @throws {@link ElfError} `TRUNCATED` when `p_offset + p_filesz` lies past the end of the file.
 */
export function segmentBytes(bytes: Uint8Array, segment: ElfSegment): Uint8Array {
  if (segment.offset + segment.filesz > BigInt(bytes.length)) {
    throw new ElfError(
      'TRUNCATED',
      `program header ${segment.index}: ${segment.filesz} bytes at offset ${segment.offset} run past the end of the ${bytes.length}-byte file; it is truncated or corrupt`,
    );
  }
  const start = Number(segment.offset);
  return bytes.subarray(start, start + Number(segment.filesz));
}
