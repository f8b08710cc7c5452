// The text path must print exactly what the general path (decoded arguments + FrameDisplay)
// prints, for every frame: random formats, hints and values, and random truncations and byte
// flips, which must fail the same way.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameEncoder } from '../encode/encoder';
import { TableBuilder } from '../encode/table-builder';
import { FrameDecoder } from '../frame/decoder';
import { StreamDecoder } from '../stream/decoder';
import type { DefmtTable } from '../table/types';
import { FrameDisplay } from './display';
import { type TextDecodeOutcome, TextFrameDecoder } from './text-decoder';

type Value = number | bigint | boolean | string;

const bigint = (bits: number, signed: boolean) =>
  (signed
    ? fc.bigInt({ min: -(1n << BigInt(bits - 1)), max: (1n << BigInt(bits - 1)) - 1n })
    : fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n })
  ).map<Value>((v) => (v >= -(2n ** 53n) + 1n && v <= 2n ** 53n - 1n ? Number(v) : v));

const ISTRS = ['alpha', 'β "quoted"', ''];
const VALUES: Record<string, fc.Arbitrary<Value>> = {
  u8: bigint(8, false),
  u16: bigint(16, false),
  u32: bigint(32, false),
  usize: bigint(32, false),
  u64: fc.oneof(bigint(64, false), bigint(40, false)),
  u128: bigint(128, false),
  i8: bigint(8, true),
  i16: bigint(16, true),
  i32: bigint(32, true),
  isize: bigint(32, true),
  i64: fc.oneof(bigint(64, true), bigint(40, true)),
  f32: fc.float({ noDefaultInfinity: false }),
  f64: fc.double(),
  bool: fc.boolean(),
  char: fc
    .integer({ min: 0, max: 0x10ffff })
    .filter((c) => c < 0xd800 || c > 0xdfff)
    .map((c) => String.fromCodePoint(c)),
  str: fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('adc0', 'a\n"b"\t')),
  istr: fc.constantFrom(...ISTRS),
};
const HINTS = ['', 'x', '#x', 'X', '#010x', '04', 'b', '#o', '?', 'a', 'us', 'ms', 'tus', 'ts'];
const MORE_HINTS = ['iso8601ms', 'iso8601s', 'cbor', 'unknown'];
const LITERALS = ['', ' ', 'x=', ', ', 'é ', '{{', '}}', ' ms\n'];

interface Param {
  readonly type: string;
  readonly hint: string;
  readonly value: Value;
}

const param = fc
  .constantFrom(...Object.keys(VALUES))
  .chain((type) =>
    fc.record({
      type: fc.constant(type),
      hint: fc.constantFrom(...HINTS, ...MORE_HINTS),
      value: VALUES[type]!,
    }),
  )
  // Date hints on values the reference cannot show as dates take a slow BigInt path; keep them small.
  .map((p) =>
    p.hint.startsWith('iso') && typeof p.value === 'bigint' ? { ...p, value: 0 } : p,
  ) as fc.Arbitrary<Param>;

const format = (params: readonly Param[], literals: readonly string[]) =>
  params.map((p, i) => `${literals[i]}{=${p.type}${p.hint ? `:${p.hint}` : ''}}`).join('') +
  literals[params.length];

const TIMESTAMPS: [string | undefined, fc.Arbitrary<Value>][] = [
  [undefined, fc.constant(0)],
  ['{=u64:us}', VALUES.u64!],
  ['{=u32:ms}', VALUES.u32!],
  ['{=u8}', VALUES.u8!],
  ['{=u64:tms}', VALUES.u32!],
  ['{=u128:us}', VALUES.u128!],
];

interface Case {
  readonly table: DefmtTable;
  readonly index: number;
  readonly args: Value[];
  readonly timestamp: Value[];
}

const aCase = fc
  .record({
    params: fc.array(param, { maxLength: 5 }),
    literals: fc.array(fc.constantFrom(...LITERALS), { minLength: 6, maxLength: 6 }),
    level: fc.constantFrom('trace', 'debug', 'info', 'warn', 'error', 'println'),
    ts: fc.constantFrom(...TIMESTAMPS).chain(([f, v]) => fc.tuple(fc.constant(f), v)),
    encoding: fc.constantFrom('raw' as const, 'rzcobs' as const),
  })
  .map<Case>(({ params, literals, level, ts: [ts, tsValue], encoding }) => {
    const b = new TableBuilder({ encoding });
    for (const s of ISTRS) b.istr(s);
    if (ts) b.timestamp(ts);
    const f = format(params, literals);
    const index = level === 'println' ? b.println(f) : b.log(level, f);
    return {
      table: b.build(),
      index,
      args: params.map((p) => p.value),
      timestamp: ts ? [tsValue] : [],
    };
  });

/** The general path's outcome, as text. */
function general(table: DefmtTable, bytes: Uint8Array): TextDecodeOutcome {
  const d = new FrameDecoder(table);
  const r = d.tryDecode(bytes, 0, bytes.length);
  if (!r.ok) return r;
  const display = new FrameDisplay(table, d.formats);
  const frame = {
    index: r.frame.index,
    level: r.frame.level,
    timestamp: display.timestamp(r.frame),
    message: display.message(r.frame),
  };
  return { ok: true, frame, consumed: r.consumed };
}

function text(table: DefmtTable, bytes: Uint8Array): TextDecodeOutcome {
  const frames = new FrameDecoder(table);
  return new TextFrameDecoder(table, frames, new FrameDisplay(table, frames.formats)).tryDecode(
    bytes,
    0,
    bytes.length,
  );
}

describe('TextFrameDecoder', () => {
  it('prints every frame exactly as the general path does (property)', () => {
    fc.assert(
      fc.property(aCase, (c) => {
        const stream = new FrameEncoder(c.table).encode(c.index, c.args, c.timestamp);
        const viaArgs = new StreamDecoder(c.table);
        const display = new FrameDisplay(c.table, viaArgs.frames.formats);
        const expected = viaArgs.decode(stream).map((e) =>
          e.kind === 'frame'
            ? {
                index: e.frame.index,
                level: e.frame.level,
                timestamp: display.timestamp(e.frame),
                message: display.message(e.frame),
              }
            : e,
        );
        const viaText = new StreamDecoder(c.table);
        viaText.push(stream);
        const actual = [];
        for (let e = viaText.nextText(); e !== undefined; e = viaText.nextText())
          actual.push(e.kind === 'frame' ? e.frame : e);
        expect(actual).toEqual(expected);
        expect(actual).toHaveLength(1);
      }),
      { numRuns: 1500 },
    );
  });

  it('fails exactly like the general path on truncated and corrupted frames (property)', () => {
    fc.assert(
      fc.property(
        aCase,
        fc.nat(),
        // Small values matter most: bool bytes, short lengths, table indices.
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 255 })),
          ),
          { maxLength: 3 },
        ),
        (c, cut, flips) => {
          const raw = new FrameEncoder(c.table).encodeRaw(c.index, c.args, c.timestamp);
          const bytes = raw.slice(0, cut % (raw.length + 1));
          for (const [at, value] of flips) if (bytes.length > 0) bytes[at % bytes.length] = value;
          expect(text(c.table, bytes)).toEqual(general(c.table, bytes));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('reads consecutive raw frames with the same lengths as the general path', () => {
    const b = new TableBuilder({ encoding: 'raw' }).timestamp('{=u64:us}');
    const i = b.log('warn', 'v={=u8:#04x} s={=str:?} f={=f32} c={=char}');
    const j = b.log('info', 'nested {=?}');
    const k = b.derived('inner {=u16}');
    const t = b.build();
    const e = new FrameEncoder(t);
    const stream = Uint8Array.from([
      ...e.encode(i, [5, 'a"b', 1.5, 'é'], [123_456_789n]),
      ...e.encode(j, [{ index: k, args: [7] }], [1n]),
      ...e.encode(i, [255, '', -0, '\0'], [2n ** 60n]),
    ]);
    const viaText = new StreamDecoder(t);
    viaText.push(stream);
    const lines = [];
    for (let ev = viaText.nextText(); ev !== undefined; ev = viaText.nextText())
      if (ev.kind === 'frame') lines.push(`${ev.frame.timestamp} ${ev.frame.message}`);
    expect(lines).toEqual([
      '123.456789 v=0x05 s="a\\"b" f=1.5 c=é',
      '0.000001 nested inner 7',
      '1152921504606.846976 v=0xff s="" f=-0.0 c=\0',
    ]);
  });
});
