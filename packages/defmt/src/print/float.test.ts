import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatF32, formatF64 } from './float';

describe('formatF64 (ryu layout)', () => {
  it.each<[number, string]>([
    [1, '1.0'],
    [0, '0.0'],
    [-0, '-0.0'],
    [1.5, '1.5'],
    [-2.25, '-2.25'],
    [0.3, '0.3'],
    [1e15, '1000000000000000.0'],
    [1e16, '1e16'],
    [1.5e16, '1.5e16'],
    [123456789012345.6, '123456789012345.6'],
    [0.0001, '0.0001'],
    [0.00001, '0.00001'],
    [0.000001, '1e-6'],
    [1.25e-7, '1.25e-7'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e308'],
    [Number.NaN, 'NaN'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
  ])('%s → %s', (x, s) => {
    expect(formatF64(x)).toBe(s);
  });

  it('round-trips and never has more digits than the shortest form (property)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const s = formatF64(x);
        expect(Object.is(Number(s), x) || (x === 0 && Number(s) === 0)).toBe(true);
        const digits = s
          .replace(/^-/, '')
          .replace(/e.*$/, '')
          .replace('.', '')
          .replace(/^0+/, '')
          .replace(/0+$/, '');
        const shortest = Math.abs(x).toExponential().replace(/e.*$/, '').replace('.', '');
        expect(digits.length).toBeLessThanOrEqual(Math.max(1, shortest.length));
      }),
    );
  });
});

describe('formatF32 (ryu layout at f32 precision)', () => {
  const f = Math.fround;
  it.each<[number, string]>([
    [f(0.1), '0.1'],
    [f(1 / 3), '0.33333334'],
    [f(3.4028234663852886e38), '3.4028235e38'],
    [f(1.401298464324817e-45), '1e-45'],
    [f(1e12), '1000000000000.0'],
    [f(1e13), '1e13'],
    [f(1.5e-5), '0.000015'],
    [f(1e-6), '0.000001'],
    [f(1e-7), '1e-7'],
    [f(16777216), '16777216.0'],
    [f(-7.5), '-7.5'],
  ])('%s → %s', (x, s) => {
    expect(formatF32(x)).toBe(s);
  });

  it('round-trips at f32 precision (property)', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(Math.fround(Number(formatF32(x)))).toBe(x);
      }),
    );
  });
});
