// Property: random frames (random parameter types, values and hints) encoded with the encoder
// decode to the same values, and display as text computed independently here.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameEncoder } from '../src/encode/encoder';
import { TableBuilder } from '../src/encode/table-builder';
import type { Arg } from '../src/frame/types';
import { FrameDisplay } from '../src/print/display';
import { StreamDecoder } from '../src/stream/decoder';

interface Param {
  type: string;
  value: number | bigint | boolean | string | Uint8Array;
  /** Expected text, computed without the code under test. */
  text: string;
  hint?: string;
}

const int = (bits: number, signed: boolean) =>
  (signed
    ? fc.bigInt({ min: -(1n << BigInt(bits - 1)), max: (1n << BigInt(bits - 1)) - 1n })
    : fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n })
  ).map((v) => (v >= -(2n ** 53n) + 1n && v <= 2n ** 53n - 1n ? Number(v) : v));

const intParam = (name: string, bits: number, signed: boolean) =>
  fc.oneof(
    int(bits, signed).map<Param>((v) => ({ type: name, value: v, text: v.toString() })),
    int(bits, signed).map<Param>((v) => {
      const u = BigInt.asUintN(signed ? bits : 128, BigInt(v));
      return {
        type: name,
        value: v,
        hint: 'x',
        text: (signed ? BigInt.asUintN(bits, BigInt(v)) : u).toString(16),
      };
    }),
  );

const escapeDebug = (s: string) =>
  `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r')}"`;

const param: fc.Arbitrary<Param> = fc.oneof(
  intParam('u8', 8, false),
  intParam('u16', 16, false),
  intParam('u32', 32, false),
  intParam('u64', 64, false),
  intParam('u128', 128, false),
  intParam('i8', 8, true),
  intParam('i16', 16, true),
  intParam('i32', 32, true),
  intParam('i64', 64, true),
  intParam('i128', 128, true),
  fc.boolean().map<Param>((v) => ({ type: 'bool', value: v, text: String(v) })),
  fc
    .string({ unit: 'grapheme', maxLength: 20 })
    .map<Param>((v) => ({ type: 'str', value: v, text: v })),
  fc
    .string({ unit: fc.constantFrom('a', 'b', ' ', '"', '\\', '\n', 'é'), maxLength: 10 })
    .map<Param>((v) => ({
      type: 'str',
      hint: '?',
      value: v,
      text: escapeDebug(v),
    })),
  fc
    .uint8Array({ maxLength: 20 })
    .map<Param>((v) => ({ type: '[u8]', value: v, text: `[${Array.from(v).join(', ')}]` })),
  fc
    .uint8Array({ minLength: 3, maxLength: 3 })
    .map<Param>((v) => ({ type: '[u8; 3]', value: v, text: `[${Array.from(v).join(', ')}]` })),
  fc
    .integer({ min: 0x20, max: 0x10ffff })
    .filter((c) => c < 0xd800 || c > 0xdfff)
    .map<Param>((c) => ({
      type: 'char',
      value: String.fromCodePoint(c),
      text: String.fromCodePoint(c),
    })),
  fc.double({ noNaN: true }).map<Param>((v) => ({ type: 'f64', value: v, text: '' })),
  fc.float({ noNaN: true }).map<Param>((v) => ({ type: 'f32', value: v, text: '' })),
);

function sameValue(arg: Arg, p: Param): boolean {
  if (!('value' in arg)) return false;
  const v = arg.value;
  if (v instanceof Uint8Array)
    return p.value instanceof Uint8Array && Array.from(v).join() === Array.from(p.value).join();
  if (typeof v === 'number' && Number.isNaN(v)) return false;
  return Object.is(v, p.value) || (typeof v === 'bigint' && v === p.value);
}

describe('encode → decode round trip', () => {
  it.each(['rzcobs', 'raw'] as const)('returns the same values and text (%s)', (encoding) => {
    fc.assert(
      fc.property(
        fc.array(param, { maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 10 }),
        (params, chunks) => {
          const format = params.map((p) => `{=${p.type}${p.hint ? `:${p.hint}` : ''}}`).join('|');
          const b = new TableBuilder({ encoding });
          const index = b.log('info', `<${format}>`);
          const t = b.build();
          const bytes = new FrameEncoder(t).encode(
            index,
            params.map((p) => p.value),
          );
          const d = new StreamDecoder(t);
          const events = [];
          let pos = 0;
          for (const n of chunks) {
            events.push(...d.decode(bytes.subarray(pos, pos + n)));
            pos += n;
          }
          events.push(...d.decode(bytes.subarray(pos)));
          expect(events.length).toBe(1);
          const e = events[0]!;
          if (e.kind !== 'frame') throw new Error(e.kind);
          for (const [i, p] of params.entries()) expect(sameValue(e.frame.args[i]!, p)).toBe(true);
          if (params.every((p) => p.text !== '')) {
            expect(new FrameDisplay(t, d.frames.formats).message(e.frame)).toBe(
              `<${params.map((p) => p.text).join('|')}>`,
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
