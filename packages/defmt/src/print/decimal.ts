// Integer → decimal text for the display hot path, without `Number.prototype.toString`: V8 only
// caches a few recent conversions, and every miss is a call into the runtime. Small integers come
// from a table; larger ones are glued from three-digit groups (short concatenations, which V8
// copies into a fresh flat string inline). Relies on nothing.
//
// Why the text is identical: for an integer `x` with |x| < 1e21, `String(x)` is its plain decimal
// digits with a `-` for negatives and no leading zeros — exactly what the groups build (the
// leading group unpadded, the others zero-padded to three digits). `-0` prints as `0` both ways.
// Everything else (bigint, |x| ≥ 1e9, fractions) still goes through `toString`.

import type { IntValue } from '../frame/types';

/** `'0'`..`'1023'`. */
const SMALL = Array.from({ length: 1024 }, (_, i) => String(i));
/** `'000'`..`'999'`. */
const GROUP = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

function positive(x: number): string {
  if (x < 1024) return SMALL[x]!;
  if (x < 1_000_000) {
    const lo = x % 1000;
    return SMALL[(x - lo) / 1000]! + GROUP[lo]!;
  }
  const lo = x % 1000;
  const rest = (x - lo) / 1000;
  const mid = rest % 1000;
  return SMALL[(rest - mid) / 1000]! + GROUP[mid]! + GROUP[lo]!;
}

/** `n` (an integer in 0..999) as exactly three digits, zero-padded: `'007'`. */
export function threeDigits(n: number): string {
  return GROUP[n]!;
}

/** `x.toString()` (base 10), faster for integers below a billion in magnitude. */
export function decimal(x: IntValue): string {
  if (typeof x === 'number' && Number.isInteger(x) && x > -1e9 && x < 1e9)
    return x < 0 ? `-${positive(-x)}` : positive(x);
  return x.toString();
}
