import { describe, expect, it } from 'vitest';
import { formatCbor } from './cbor';

const hex = (s: string) => Uint8Array.from((s.match(/../g) ?? []).map((b) => parseInt(b, 16)));

describe('formatCbor (RFC 8949 appendix A examples)', () => {
  it.each<[string, string]>([
    ['00', '0'],
    ['17', '23'],
    ['1818', '24'],
    ['1903e8', '1000'],
    ['1bffffffffffffffff', '18446744073709551615'],
    ['20', '-1'],
    ['3903e7', '-1000'],
    ['f90000', '0.0'],
    ['f93c00', '1.0'],
    ['fb3ff199999999999a', '1.1'],
    ['f97c00', 'Infinity'],
    ['f4', 'false'],
    ['f5', 'true'],
    ['f6', 'null'],
    ['f7', 'undefined'],
    ['f0', 'simple(16)'],
    ['f8ff', 'simple(255)'],
    ['c074323031332d30332d32315432303a30343a30305a', '0("2013-03-21T20:04:00Z")'],
    ['4401020304', "h'01020304'"],
    ['6449455446', '"IETF"'],
    ['62225c', '"\\"\\\\"'],
    ['83010203', '[1, 2, 3]'],
    ['a201020304', '{1: 2, 3: 4}'],
    ['9f018202039f0405ffff', '[_ 1, [2, 3], [_ 4, 5]]'],
    ['5f42010243030405ff', "(_ h'0102', h'030405')"],
    ['1801', '1_0'],
    ['0102', '1, 2'],
  ])('%s → %s', (input, expected) => {
    expect(formatCbor(hex(input))).toBe(expected);
  });

  it('reports invalid input with the bytes in hex', () => {
    expect(formatCbor(hex('1a01'))).toBe(
      'invalid CBOR (error: unexpected end of input, bytes: [1a, 01])',
    );
  });
});
