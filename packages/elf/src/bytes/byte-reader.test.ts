import { describe, expect, it } from 'vitest';
import { ElfError } from '../errors';
import { ByteReader, toSafeNumber } from './byte-reader';

const reader = (bytes: number[], little = true) =>
  new ByteReader(new Uint8Array(bytes), little, 'test');

describe('ByteReader', () => {
  it.each([
    // value, encoding (DWARF 5 standard, figure 7.3 examples)
    [2n, [2]],
    [127n, [0x7f]],
    [128n, [0x80, 1]],
    [129n, [0x81, 1]],
    [130n, [0x82, 1]],
    [12857n, [0xb9, 0x64]],
    [0xffffffffffffffffn, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]],
  ])('reads ULEB128 %s', (value, bytes) => {
    expect(reader(bytes).ulebBig()).toBe(value);
    if (value <= BigInt(Number.MAX_SAFE_INTEGER)) expect(reader(bytes).uleb()).toBe(Number(value));
  });

  it.each([
    [2n, [2]],
    [-2n, [0x7e]],
    [127n, [0xff, 0]],
    [-127n, [0x81, 0x7f]],
    [128n, [0x80, 1]],
    [-128n, [0x80, 0x7f]],
    [129n, [0x81, 1]],
    [-129n, [0xff, 0x7e]],
  ])('reads SLEB128 %s', (value, bytes) => {
    expect(reader(bytes).slebBig()).toBe(value);
  });

  it.each([
    [true, 0x0201, 0x04030201, 0x0807060504030201n],
    [false, 0x0102, 0x01020304, 0x0102030405060708n],
  ])('reads numbers in either byte order (little=%s)', (little, u16, u32, u64) => {
    const bytes = [1, 2, 3, 4, 5, 6, 7, 8];
    expect(reader(bytes, little).u16()).toBe(u16);
    expect(reader(bytes, little).u32()).toBe(u32);
    expect(reader(bytes, little).u64()).toBe(u64);
  });

  it('reads NUL-terminated UTF-8 strings', () => {
    const r = reader([0x68, 0xc3, 0xa9, 0, 0x41, 0]);
    expect(r.cstring()).toBe('hé');
    expect(r.cstring()).toBe('A');
    expect(r.remaining).toBe(0);
  });

  it.each([
    ['u32 past the end', (r: ByteReader) => r.u32(), 'TRUNCATED'],
    ['unterminated LEB128', () => reader([0x80, 0x80]).uleb(), 'TRUNCATED'],
    ['string without NUL', (r: ByteReader) => r.cstring(), 'BAD_STRING'],
    ['seek outside', (r: ByteReader) => r.seek(10), 'TRUNCATED'],
    ['sub range outside', (r: ByteReader) => r.sub(1, 5), 'TRUNCATED'],
    [
      'overlong ULEB as number',
      () => reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 1]).uleb(),
      'DWARF_MALFORMED',
    ],
    [
      'ULEB above 2^53 as number',
      () => reader([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]).uleb(),
      'DWARF_UNSUPPORTED',
    ],
    ['odd value size', (r: ByteReader) => r.uSized(3), 'DWARF_UNSUPPORTED'],
  ])('throws a typed error: %s', (_name, read, code) => {
    const r = reader([1, 2, 3]);
    let error: unknown;
    try {
      read(r);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ElfError);
    expect((error as ElfError).code).toBe(code);
  });

  it('bounds a run of continuation bytes instead of looping', () => {
    const bytes = new Uint8Array(1000).fill(0x80);
    expect(() => new ByteReader(bytes, true, 't').ulebBig()).toThrow(ElfError);
  });

  it('refuses 64-bit values that would lose precision', () => {
    expect(toSafeNumber(123n, 'x')).toBe(123);
    expect(() => toSafeNumber(1n << 60n, 'x')).toThrow(/larger than any input/);
  });
});
