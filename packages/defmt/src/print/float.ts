// Float formatting as defmt-decoder prints floats: through the `ryu` crate's `Buffer::format`,
// which writes the shortest digits that round-trip (computed separately at f32 and f64 precision)
// in ryu's own layout: `1.0`, `0.001`, `1e16`, `1.5e-7`, `inf`, `-inf`, `NaN`, `-0.0`.
// Relies on the JavaScript engine's shortest round-trip digits for f64 (ECMAScript requires them).

/** Shortest digits and decimal exponent: value = 0.d1d2... × 10^(point) (digits without zeros). */
interface Decimal {
  digits: string;
  /** Power of ten of the first digit (1.5 → 0, 150 → 2). */
  exp: number;
}

function decimalOf(text: string): Decimal {
  // `text` is `d[.ddd]e±x` from toExponential.
  const e = text.indexOf('e');
  const digits = (text.slice(0, e) as string).replace('.', '').replace(/0+$/, '') || '0';
  return { digits, exp: Number(text.slice(e + 1)) };
}

function shortestF64(x: number): Decimal {
  return decimalOf(x.toExponential());
}

/** Shortest decimal that reads back as the same f32 (ryu's f2s), choosing the nearest on ties. */
function shortestF32(x: number): Decimal {
  for (let p = 1; p <= 9; p++) {
    const nearest = x.toExponential(p - 1);
    if (Math.fround(Number(nearest)) === x) return decimalOf(nearest);
    // The nearest p-digit decimal may fall just outside the (asymmetric) rounding interval while
    // its neighbour on the other side is inside; try both neighbours.
    const d = decimalOf(nearest);
    const scaled = BigInt(d.digits.padEnd(p, '0'));
    for (const step of [1n, -1n]) {
      const n = scaled + step;
      if (n <= 0n) continue;
      const s = n.toString();
      const candidate = Number(`${s[0]}.${s.slice(1)}e${d.exp + (s.length - p)}`);
      if (Math.fround(candidate) === x) return decimalOf(candidate.toExponential(p - 1));
    }
  }
  return decimalOf(x.toExponential());
}

function layout(negative: boolean, d: Decimal, maxInt: number, minFrac: number): string {
  const sign = negative ? '-' : '';
  const length = d.digits.length;
  const kk = d.exp + 1; // 10^(kk-1) <= v < 10^kk
  const k = kk - length;
  let body: string;
  if (k >= 0 && kk <= maxInt) {
    body = `${d.digits}${'0'.repeat(k)}.0`;
  } else if (kk > 0 && kk <= maxInt) {
    body = `${d.digits.slice(0, kk)}.${d.digits.slice(kk)}`;
  } else if (kk > minFrac && kk <= 0) {
    body = `0.${'0'.repeat(-kk)}${d.digits}`;
  } else if (length === 1) {
    body = `${d.digits}e${kk - 1}`;
  } else {
    body = `${d.digits[0]}.${d.digits.slice(1)}e${kk - 1}`;
  }
  return sign + body;
}

function nonFinite(x: number): string | undefined {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return undefined;
}

/** Formats an f64 as `ryu::Buffer::format` does. */
export function formatF64(x: number): string {
  const special = nonFinite(x);
  if (special !== undefined) return special;
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  return layout(x < 0, shortestF64(Math.abs(x)), 16, -5);
}

/** Formats an f32 (given as the number it widens to) as `ryu::Buffer::format` does. */
export function formatF32(x: number): string {
  const special = nonFinite(x);
  if (special !== undefined) return special;
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  return layout(x < 0, shortestF32(Math.abs(x)), 13, -6);
}
