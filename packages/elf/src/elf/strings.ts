// String tables (SHT_STRTAB): NUL-terminated names found by byte offset. Used for section names
// (.shstrtab), symbol names (.strtab/.dynstr) and DWARF string sections.

import { decodeUtf8 } from '../bytes/byte-reader';
import { ElfError } from '../errors';

/** A view of one string table with checked lookups. */
export class StringTable {
  /** The table's bytes (a view into the file). */
  readonly data: Uint8Array;
  /** What the table is, for error messages (for example `.strtab`). */
  readonly name: string;

  /** Wraps the bytes of one string table. */
  constructor(data: Uint8Array, name: string) {
    this.data = data;
    this.name = name;
  }

  /**
   * The string starting at `offset`.
   *
   * @throws {@link ElfError} `BAD_STRING` when the offset is outside the table or no NUL ends it.
   */
  get(offset: number): string {
    return readCString(this.data, offset, this.name);
  }
}

/**
 * Reads the NUL-terminated string at `offset` of `data`.
 *
 * @throws {@link ElfError} `BAD_STRING` when the offset is outside `data` or no NUL ends the string.
 */
export function readCString(data: Uint8Array, offset: number, what: string): string {
  if (!Number.isInteger(offset) || offset < 0 || offset >= data.length) {
    throw new ElfError(
      'BAD_STRING',
      `${what}: string offset ${offset} is outside the ${data.length}-byte table; the file is corrupt`,
      offset,
    );
  }
  const nul = data.indexOf(0, offset);
  if (nul < 0) {
    throw new ElfError(
      'BAD_STRING',
      `${what}: the string at offset ${offset} has no terminating NUL; the table is truncated`,
      offset,
    );
  }
  return decodeUtf8(data.subarray(offset, nul));
}
