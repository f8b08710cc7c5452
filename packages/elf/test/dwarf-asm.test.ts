import { describe, expect, it } from 'vitest';
import { cstr, num, sleb, uleb, withLength } from './dwarf-asm';

describe('the test DWARF assembler', () => {
  it.each([
    [0, [0]],
    [127, [0x7f]],
    [128, [0x80, 1]],
    [624485, [0xe5, 0x8e, 0x26]],
  ])('encodes ULEB128 %s', (v, expected) => expect(uleb(v)).toEqual(expected));

  it.each([
    [0, [0]],
    [-1, [0x7f]],
    [63, [0x3f]],
    [64, [0xc0, 0]],
    [-123456, [0xc0, 0xbb, 0x78]],
  ])('encodes SLEB128 %s', (v, expected) => expect(sleb(v)).toEqual(expected));

  it('writes fixed-size numbers in either byte order', () => {
    expect(num(0x0102, 2)).toEqual([2, 1]);
    expect(num(0x0102, 2, false)).toEqual([1, 2]);
    expect(num(-1, 4)).toEqual([0xff, 0xff, 0xff, 0xff]);
  });

  it('terminates strings and prefixes unit lengths', () => {
    expect(cstr('ab')).toEqual([0x61, 0x62, 0]);
    expect(withLength([9, 9])).toEqual([2, 0, 0, 0, 9, 9]);
    expect(withLength([9], 8)).toEqual([0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0, 0, 0, 0, 0, 9]);
  });
});
