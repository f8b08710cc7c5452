import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SerialPart, SerialFramer } from './serial';

const enc = new TextEncoder();
const show = (parts: SerialPart[]) =>
  parts.map((p) =>
    p.kind === 'text'
      ? `T:${new TextDecoder().decode(p.bytes)}`
      : `D:${Array.from(p.bytes).join(',')}`,
  );
/** Merges adjacent text parts, which chunking may split. */
const merge = (parts: string[]) =>
  parts.reduce<string[]>((acc, p) => {
    const last = acc[acc.length - 1];
    if (last?.startsWith('T:') && p.startsWith('T:')) acc[acc.length - 1] = last + p.slice(2);
    else acc.push(p);
    return acc;
  }, []);

describe('SerialFramer', () => {
  it('separates FF 00 ... 00 frames from text', () => {
    const input = Uint8Array.from([
      ...enc.encode('boot\n'),
      0xff,
      0x00,
      1,
      2,
      3,
      0x00,
      ...enc.encode('ok'),
      0xff,
      0x00,
      9,
      0,
    ]);
    expect(show(new SerialFramer().push(input))).toEqual(['T:boot\n', 'D:1,2,3', 'T:ok', 'D:9']);
  });

  it('keeps a lone FF in the text', () => {
    const f = new SerialFramer();
    expect(show(f.push(Uint8Array.of(0x41, 0xff)))).toEqual(['T:A']);
    expect(show(f.push(Uint8Array.of(0x42)))).toEqual(['T:\ufffdB']);
  });

  it('gives the same parts for every chunking (property)', () => {
    const input = Uint8Array.from([
      ...enc.encode('ab'),
      0xff,
      0x00,
      5,
      6,
      0,
      0xff,
      0x00,
      7,
      0,
      ...enc.encode('c'),
    ]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 20 }), (sizes) => {
        const f = new SerialFramer();
        const out: SerialPart[] = [];
        let pos = 0;
        for (const n of sizes) {
          out.push(...f.push(input.subarray(pos, pos + n)));
          pos += n;
        }
        out.push(...f.push(input.subarray(pos)));
        expect(merge(show(out))).toEqual(['T:ab', 'D:5,6', 'D:7', 'T:c']);
      }),
    );
  });
});
