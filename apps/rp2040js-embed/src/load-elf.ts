// Loading a position-independent Thumb task ELF into its region: every PT_LOAD segment is
// copied to base + p_vaddr (bytes past p_filesz read back as zeros from the ELF reader), and
// the entry is base + e_entry (bit 0, the Thumb bit, kept). The image must be a 32-bit
// little-endian ARM ELF that fits the region; anything else is a typed error before a byte is
// written.
import { Machine, parseElf, SegmentType } from '@k5/elf';

/** A task image placed in memory. */
export interface LoadedImage {
  /** Address of the first instruction, with the Thumb bit set. */
  readonly entry: number;
  /** One past the highest byte the image occupies (its stack may start above it). */
  readonly end: number;
}

/** An ELF that cannot be a task image in its region. */
export class TaskImageError extends Error {
  override readonly name = 'TaskImageError';
}

/**
 * Copies the loadable segments of `elf` to `base` + their addresses through `write`.
 * @throws TaskImageError when the ELF is not 32-bit little-endian ARM or does not fit `size`
 */
export function loadThumbElf(
  elf: Uint8Array,
  base: number,
  size: number,
  write: (address: number, bytes: Uint8Array) => void,
): LoadedImage {
  const file = parseElf(elf);
  const h = file.header;
  if (h.machine !== Machine.ARM || h.bits !== 32 || !h.littleEndian) {
    throw new TaskImageError(
      `the task image must be a 32-bit little-endian ARM ELF (machine ${Machine.ARM}); got machine ${h.machine}, ${h.bits}-bit`,
    );
  }
  const loads = file.segments.filter((s) => s.type === SegmentType.LOAD && s.memsz > 0n);
  let end = 0;
  for (const s of loads) end = Math.max(end, Number(s.vaddr + s.memsz));
  const entry = Number(h.entry);
  if (loads.length === 0 || end > size || (entry & ~1) >= end || (entry & 1) === 0) {
    throw new TaskImageError(
      `the task image spans 0x${end.toString(16)} bytes with its entry at 0x${entry.toString(16)} (Thumb bit required); the region holds 0x${size.toString(16)}`,
    );
  }
  for (const s of loads) write(base + Number(s.vaddr), file.readAddress(s.vaddr, Number(s.memsz)));
  return { entry: base + entry, end: base + end };
}
