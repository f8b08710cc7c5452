import { describe, expect, it } from 'vitest';
import { ElfError } from '../errors';
import { writeElf } from '../writer/elf-writer';
import { parseElfHeader } from './header';

function errorOf(bytes: Uint8Array): ElfError {
  try {
    parseElfHeader(bytes);
  } catch (e) {
    if (e instanceof ElfError) return e;
    throw e;
  }
  throw new Error('expected an ElfError');
}

describe('parseElfHeader', () => {
  const good = writeElf({ sections: [], entry: 0x1234, machine: 183, flags: 0x5000200 });

  it('reads the fields of a valid header', () => {
    const h = parseElfHeader(good);
    expect(h).toMatchObject({
      bits: 32,
      littleEndian: true,
      type: 2,
      machine: 183,
      version: 1,
      entry: 0x1234n,
      flags: 0x5000200,
      ehsize: 52,
      shentsize: 40,
    });
  });

  it.each([
    ['empty input', [], 'TRUNCATED'],
    ['not ELF', [0x7f, 0x45, 0x4c, 0x47, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0], 'BAD_MAGIC'],
    ['class 3', [0x7f, 0x45, 0x4c, 0x46, 3, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0], 'BAD_CLASS'],
    ['data 0', [0x7f, 0x45, 0x4c, 0x46, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0], 'BAD_ENDIAN'],
    ['version 2', [0x7f, 0x45, 0x4c, 0x46, 1, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0], 'BAD_VERSION'],
    [
      'identification only',
      [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      'TRUNCATED',
    ],
  ])('rejects %s', (_name, bytes, code) => {
    const e = errorOf(new Uint8Array(bytes));
    expect(e.code).toBe(code);
    expect(e.message.length).toBeGreaterThan(20);
  });

  it('says what to pass instead of a raw binary', () => {
    expect(errorOf(new Uint8Array(64)).message).toMatch(/not an ELF file/);
  });
});
