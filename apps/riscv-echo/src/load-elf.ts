// Loading a position-independent task ELF into the task's region: every PT_LOAD segment is
// copied to base + p_vaddr (the bytes past p_filesz zero-filled), and the entry is base +
// e_entry. The image must be RV32 little-endian and fit the region; anything else is a typed
// error before a byte is written.
import { Machine, parseElf, SegmentType } from '@k5/elf';

/** A task image placed in memory. */
export interface LoadedImage {
  /** Address of the first instruction. */
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
 * @throws TaskImageError when the ELF is not RV32 little-endian or does not fit `size` bytes
 */
export function loadTaskElf(
  elf: Uint8Array,
  base: number,
  size: number,
  write: (address: number, bytes: Uint8Array) => void,
): LoadedImage {
  const file = parseElf(elf);
  const h = file.header;
  if (h.machine !== Machine.RISCV || h.bits !== 32 || !h.littleEndian) {
    throw new TaskImageError(
      `the task image must be an RV32 little-endian ELF (machine ${Machine.RISCV}); got machine ${h.machine}, ${h.bits}-bit`,
    );
  }
  const loads = file.segments.filter((s) => s.type === SegmentType.LOAD && s.memsz > 0n);
  let end = 0;
  for (const s of loads) end = Math.max(end, Number(s.vaddr + s.memsz));
  const entry = Number(h.entry);
  if (end > size || entry >= end) {
    throw new TaskImageError(
      `the task image spans 0x${end.toString(16)} bytes with its entry at 0x${entry.toString(16)}; the region holds 0x${size.toString(16)}`,
    );
  }
  for (const s of loads) write(base + Number(s.vaddr), file.readAddress(s.vaddr, Number(s.memsz)));
  return { entry: base + entry, end: base + end };
}
