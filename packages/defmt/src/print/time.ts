// Time-like display hints: `:us`/`:ms` (seconds with a fraction), `:tus`/`:tms`/`:ts`
// (`[days:]hh:mm:ss[.frac]`) and `:iso8601ms`/`:iso8601s` (UTC date-time), computed on BigInt so
// that u64 and u128 values stay exact. Relies on nothing.

import type { TimePrecision } from '../format/hint';
import type { IntValue } from '../frame/types';
import { decimal, threeDigits } from './decimal';

const two = (n: bigint) => n.toString().padStart(2, '0');

/** `'.000'`..`'.999'`: the point and first three fraction digits in one piece. */
const POINT_GROUP = Array.from({ length: 1000 }, (_, i) => `.${threeDigits(i)}`);

/** `:us` → `S.ffffff`, `:ms` → `S.fff`. */
export function formatSeconds(v: IntValue, precision: TimePrecision): string {
  if (typeof v === 'number') {
    // `v` is a non-negative safe integer (unsigned arguments above 2^53 arrive as bigint), so the
    // divisions are exact and the fraction is built from zero-padded three-digit groups, with no
    // number-to-string conversion at run time.
    if (precision === 'us') {
      const frac = v % 1_000_000;
      const low = frac % 1000;
      return decimal((v - frac) / 1_000_000) + POINT_GROUP[(frac - low) / 1000]! + threeDigits(low);
    }
    const frac = v % 1_000;
    return decimal((v - frac) / 1_000) + POINT_GROUP[frac]!;
  }
  const d = precision === 'us' ? 1_000_000n : 1_000n;
  return `${v / d}.${(v % d).toString().padStart(precision === 'us' ? 6 : 3, '0')}`;
}

/** `:tus` / `:tms` / `:ts`: hours, minutes, seconds, with days in front when there are any. */
export function formatTime(value: IntValue, precision: TimePrecision): string {
  let t = BigInt(value);
  let decimals = 0n;
  if (precision === 'us') {
    decimals = t % 1_000_000n;
    t /= 1_000_000n;
  } else if (precision === 'ms') {
    decimals = t % 1_000n;
    t /= 1_000n;
  }
  const seconds = t % 60n;
  t /= 60n;
  const minutes = t % 60n;
  t /= 60n;
  const hours = t % 24n;
  const days = t / 24n;
  let s = `${two(hours)}:${two(minutes)}:${two(seconds)}`;
  if (precision === 'us') s += `.${decimals.toString().padStart(6, '0')}`;
  else if (precision === 'ms') s += `.${decimals.toString().padStart(3, '0')}`;
  return days === 0n ? s : `${days}:${s}`;
}

/** Days since 1970-01-01 to a proleptic Gregorian civil date (Howard Hinnant's algorithm). */
function civil(days: bigint): { y: bigint; m: bigint; d: bigint } {
  const z = days + 719468n;
  const era = (z >= 0n ? z : z - 146096n) / 146097n;
  const doe = z - era * 146097n;
  const yoe = (doe - doe / 1460n + doe / 36524n - doe / 146096n) / 365n;
  const y = yoe + era * 400n;
  const doy = doe - (365n * yoe + yoe / 4n - yoe / 100n);
  const mp = (5n * doy + 2n) / 153n;
  const d = doy - (153n * mp + 2n) / 5n + 1n;
  const m = mp < 10n ? mp + 3n : mp - 9n;
  return { y: m <= 2n ? y + 1n : y, m, d };
}

/** Largest year the reference's date library (the `time` crate with large dates) can show. */
const MAX_YEAR = 999_999n;

/**
 * `:iso8601ms` / `:iso8601s`: a Unix timestamp (truncated to 64 bits, as the reference does) as
 * `YYYY-MM-DDThh:mm:ss[.fff]Z`. Years past 9999 get a `+` sign; beyond year 999999 (where the
 * reference panics) the plain integer is shown instead.
 */
export function formatIso8601(value: IntValue, precision: TimePrecision): string {
  const ts = BigInt.asUintN(64, BigInt(value));
  const perSecond = precision === 'ms' ? 1000n : precision === 'us' ? 1_000_000n : 1n;
  const secs = ts / perSecond;
  const frac = ts % perSecond;
  const days = secs / 86400n;
  const rem = secs % 86400n;
  const { y, m, d } = civil(days);
  if (y > MAX_YEAR) return ts.toString();
  const year = y > 9999n ? `+${y}` : y.toString().padStart(4, '0');
  let s = `${year}-${two(m)}-${two(d)}T${two(rem / 3600n)}:${two((rem / 60n) % 60n)}:${two(rem % 60n)}`;
  if (precision === 'ms') s += `.${frac.toString().padStart(3, '0')}`;
  else if (precision === 'us') s += `.${frac.toString().padStart(6, '0')}`;
  return `${s}Z`;
}
