import { constants, deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SectionFlags } from '../src/elf/constants';
import { parseElf } from '../src/elf/elf-file';
import { ElfError } from '../src/errors';
import { writeElf } from '../src/writer/elf-writer';
import { inflateZlib } from '../src/bytes/inflate';

// Node's zlib is the oracle: every strategy it has, so that stored, fixed and dynamic blocks occur.
const STRATEGIES = [
  ['stored (level 0)', { level: 0 }],
  ['fixed Huffman', { strategy: constants.Z_FIXED }],
  ['dynamic Huffman', { level: 9 }],
  ['Huffman only', { strategy: constants.Z_HUFFMAN_ONLY }],
  ['run-length', { strategy: constants.Z_RLE }],
] as const;

const text = new TextEncoder().encode(`${'DEFMT_LOG_STATEMENT '.repeat(300)}the end`);

describe('inflateZlib', () => {
  it.each(STRATEGIES)('decodes %s streams', (_name, options) => {
    const z = new Uint8Array(deflateSync(text, options));
    expect(inflateZlib(z, text.length)).toEqual(text);
  });

  it('decodes whatever zlib encodes', () => {
    const data = fc.oneof(
      fc.uint8Array({ maxLength: 3000 }),
      fc.array(fc.constantFrom(0, 1, 2, 0x41), { maxLength: 5000 }).map((a) => new Uint8Array(a)),
    );
    fc.assert(
      fc.property(data, fc.constantFrom(...STRATEGIES), (bytes, [, options]) => {
        const z = new Uint8Array(deflateSync(bytes, options));
        expect(inflateZlib(z, bytes.length)).toEqual(bytes);
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['a wrong announced size', (z: Uint8Array) => inflateZlib(z, text.length - 1)],
    ['a larger announced size', (z: Uint8Array) => inflateZlib(z, text.length + 1)],
    [
      'a bad header',
      (z: Uint8Array) => inflateZlib(Uint8Array.of(0x79, ...z.subarray(1)), text.length),
    ],
    [
      'a bad checksum',
      (z: Uint8Array) =>
        inflateZlib(Uint8Array.of(...z.subarray(0, -1), z.at(-1)! ^ 1), text.length),
    ],
    [
      'a truncated stream',
      (z: Uint8Array) => inflateZlib(z.subarray(0, z.length >> 1), text.length),
    ],
  ])('rejects %s with an ElfError', (_name, run) => {
    const z = new Uint8Array(deflateSync(text, { level: 9 }));
    expect(() => run(z)).toThrow(ElfError);
  });

  it('never throws anything but ElfError on corrupt streams', () => {
    const z = new Uint8Array(deflateSync(text, { level: 9 }));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(z.length - 1), fc.nat(7)), { minLength: 1, maxLength: 4 }),
        (flips) => {
          const bad = z.slice();
          for (const [at, bit] of flips) bad[at]! ^= 1 << bit;
          try {
            inflateZlib(bad, text.length);
          } catch (e) {
            expect(e).toBeInstanceOf(ElfError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('SHF_COMPRESSED sections', () => {
  const chdr = (bits: 32 | 64, type: number, size: number) => {
    const h = new DataView(new ArrayBuffer(bits === 32 ? 12 : 24));
    h.setUint32(0, type, true);
    if (bits === 32) h.setUint32(4, size, true);
    else h.setBigUint64(8, BigInt(size), true);
    return new Uint8Array(h.buffer);
  };
  const elfWith = (bits: 32 | 64, header: Uint8Array, payload: Uint8Array) =>
    parseElf(
      writeElf({
        bits,
        sections: [
          {
            name: '.debug_str',
            flags: SectionFlags.COMPRESSED,
            data: Uint8Array.of(...header, ...payload),
          },
        ],
      }),
    );
  const z = new Uint8Array(deflateSync(text));

  it.each([32, 64] as const)('are decompressed in ELF%s', (bits) => {
    const elf = elfWith(bits, chdr(bits, 1, text.length), z);
    expect(elf.sectionData('.debug_str')).toEqual(text);
    // Cached: the same bytes come back.
    expect(elf.sectionData('.debug_str')).toBe(elf.sectionData('.debug_str'));
  });

  it('reports zstd as unsupported', () => {
    expect(() => elfWith(32, chdr(32, 2, text.length), z).sectionData('.debug_str')).toThrow(
      /zstd/,
    );
  });

  it('refuses an impossible uncompressed size before allocating it', () => {
    expect(() => elfWith(64, chdr(64, 1, 2 ** 40), z).sectionData('.debug_str')).toThrow(
      expect.objectContaining({ code: 'TOO_MANY' }),
    );
  });
});
