import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMessageInfo, encodeMessageInfo } from './message-info';

describe('message-info word', () => {
  it.each([
    // label, length, extraCaps, unwrapped, word (hand-computed from the seL4 layout)
    [0, 0, 0, 0, 0x0000_0000],
    [1, 0, 0, 0, 0x0000_1000],
    [0, 120, 0, 0, 0x0000_0078],
    [0, 0, 3, 0, 0x0000_0180],
    [0, 0, 0, 7, 0x0000_0e00],
    [0xfffff, 127, 3, 7, 0xffff_ffff],
    [0x12345, 5, 2, 1, 0x1234_5305],
  ])(
    'label %i length %i caps %i unwrapped %i packs to %i',
    (label, length, caps, unwrapped, word) => {
      expect(encodeMessageInfo(label, length, caps, unwrapped)).toBe(word);
      expect(decodeMessageInfo(word)).toEqual({
        label,
        length,
        extraCaps: caps,
        capsUnwrapped: unwrapped,
      });
    },
  );

  it('round-trips every in-range field combination', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xfffff }),
        fc.integer({ min: 0, max: 127 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 7 }),
        (label, length, caps, unwrapped) => {
          const w = encodeMessageInfo(label, length, caps, unwrapped);
          expect(w).toBeGreaterThanOrEqual(0);
          expect(w).toBeLessThan(2 ** 32);
          expect(decodeMessageInfo(w)).toEqual({
            label,
            length,
            extraCaps: caps,
            capsUnwrapped: unwrapped,
          });
        },
      ),
    );
  });

  it('masks out-of-range fields instead of spilling into neighbours', () => {
    expect(decodeMessageInfo(encodeMessageInfo(0, 128, 4, 8))).toEqual({
      label: 0,
      length: 0,
      extraCaps: 0,
      capsUnwrapped: 0,
    });
  });
});
