import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RzcobsEncoder, rzcobsDecode, rzcobsEncode } from './rzcobs';

const hex = (s: string) =>
  Uint8Array.from((s.replace(/\s+/g, '').match(/../g) ?? []).map((b) => parseInt(b, 16)));
const seq = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => (from + i).toString(16).padStart(2, '0')).join(
    '',
  );

// The rzcobs crate's own test vectors (decoded, encoded), written out by hand.
const VECTORS: [string, string][] = [
  ['', ''],
  ['00', '7f'],
  ['0000', '7f'],
  ['00000000000000', '7f'],
  ['0000000000000000', '7f7f'],
  ['01', '017e'],
  ['0100', '017e'],
  ['0001', '017d'],
  ['0102', '01027c'],
  ['11223344556600', '11223344556640'],
  ['11223344556677', '1122334455667780'],
  ['1122334455667700', '1122334455667780'],
  ['1122334455667788', '112233445566778881'],
  ['00000000000000 000000000000ff', '7f ff3f'],
  ['00000000004400 000000000000ff', '445f ff3f'],
  [seq(1, 0x85), `${seq(1, 0x85)}fe`],
  [`${seq(1, 0x85)}00`, `${seq(1, 0x85)}fe`],
  [seq(1, 0x86), `${seq(1, 0x86)}ff`],
  [`${seq(1, 0x86)}00`, `${seq(1, 0x86)}ff7f`],
];

describe('rzcobs', () => {
  it.each(VECTORS)('decodes %s from %s plus only phantom zeros', (dec, enc) => {
    const d = hex(dec);
    const got = rzcobsDecode(hex(enc))!;
    expect(got).toBeDefined();
    expect(Array.from(got.subarray(0, d.length))).toEqual(Array.from(d));
    expect(got.subarray(d.length).every((b) => b === 0)).toBe(true);
    expect(got.length - d.length).toBeLessThan(7);
  });

  it.each(VECTORS)('the encoder writes exactly the reference encoding of %s', (dec, enc) => {
    expect(Array.from(rzcobsEncode(hex(dec)))).toEqual(Array.from(hex(enc)));
  });

  it.each([
    ['a zero inside', '0100'],
    ['a literal group missing its bytes', '7e'],
    ['a run code with too few bytes', '0102fe'],
    ['a 0xff code with too few bytes', 'ff'],
  ])('rejects %s', (_name, enc) => {
    expect(rzcobsDecode(hex(enc))).toBeUndefined();
  });

  it('round-trips any message (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (msg) => {
        const enc = rzcobsEncode(msg);
        expect(enc.includes(0)).toBe(false);
        const dec = rzcobsDecode(enc)!;
        expect(Array.from(dec.subarray(0, msg.length))).toEqual(Array.from(msg));
        expect(dec.subarray(msg.length).every((b) => b === 0)).toBe(true);
      }),
    );
  });

  it('streams several messages through one encoder with manual separators', () => {
    const enc = new RzcobsEncoder();
    for (const b of [1, 2]) enc.write(b);
    enc.end();
    enc.writeRaw(0);
    enc.write(0);
    enc.end();
    enc.writeRaw(0);
    expect(Array.from(enc.take())).toEqual([0x01, 0x02, 0x7c, 0x00, 0x7f, 0x00]);
  });
});
