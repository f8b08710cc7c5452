import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIso8601, formatSeconds, formatTime } from './time';

describe('time hints', () => {
  it.each<[number | bigint, 'us' | 'ms', string]>([
    [0, 'us', '0.000000'],
    [1_000_001, 'us', '1.000001'],
    [999, 'ms', '0.999'],
    [(1n << 64n) - 1n, 'us', '18446744073709.551615'],
  ])('seconds %s %s', (v, p, s) => {
    expect(formatSeconds(v, p)).toBe(s);
  });

  it('shows seconds of numbers exactly as of the same bigint (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.nat(), fc.maxSafeNat(), fc.integer({ min: 0, max: 2_000_000 })),
        fc.constantFrom<'us' | 'ms'>('us', 'ms'),
        (v, p) => {
          expect(formatSeconds(v, p)).toBe(formatSeconds(BigInt(v), p));
        },
      ),
    );
  });

  it.each<[number | bigint, 'us' | 'ms' | 's', string]>([
    [0, 's', '00:00:00'],
    [86_399, 's', '23:59:59'],
    [86_400, 's', '1:00:00:00'],
    [1_500, 'ms', '00:00:01.500'],
    [3_600_000_001, 'us', '01:00:00.000001'],
    [864_000_000_000n, 'us', '10:00:00:00.000000'],
  ])('time %s %s', (v, p, s) => {
    expect(formatTime(v, p)).toBe(s);
  });

  it.each<[number | bigint, 'ms' | 's', string]>([
    [1618910624804, 'ms', '2021-04-20T09:23:44.804Z'],
    [951782400, 's', '2000-02-29T00:00:00Z'],
    [4107542400, 's', '2100-03-01T00:00:00Z'],
    [253402300799, 's', '9999-12-31T23:59:59Z'],
    [(1n << 64n) - 1n, 's', '18446744073709551615'],
  ])('iso8601 %s %s', (v, p, s) => {
    expect(formatIso8601(v, p)).toBe(s);
  });
});
