// Fuzzing: random and mutated streams never crash, hang or grow memory without bound; every
// failure is a typed event or error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameEncoder } from '../src/encode/encoder';
import { TableBuilder } from '../src/encode/table-builder';
import { DefmtError } from '../src/errors';
import { parseFormatString } from '../src/format/parser';
import { DefmtPrinter } from '../src/log/printer';
import { parseLogFormat } from '../src/log/format-parser';
import { formatCbor } from '../src/print/cbor';
import { StreamDecoder } from '../src/stream/decoder';

const soak = process.env.K5_SOAK === '1';
const runs = soak ? 20_000 : 400;

function buildTable(encoding: 'raw' | 'rzcobs') {
  const b = new TableBuilder({ encoding }).timestamp('{=u32:us}');
  const opt = b.derived('None|Some({=u8})');
  const s = b.derived('S {{ a: {=[?]}, b: {=str:?} }}');
  const idx = [
    b.log('info', 'x={=u8} y={=i64:#x} z={=f32}'),
    b.log('warn', '{} {=[u8]:a} {=char}'),
    b.log('error', '{=__internal_Debug} {1=0..7:b} {1=9..14}'),
    b.println('{=[?]}'),
    b.log('debug', '{=__internal_FormatSequence} {=bool}'),
  ];
  return { table: b.build(), idx, opt, s };
}

function validStream(encoding: 'raw' | 'rzcobs'): Uint8Array {
  const { table, idx, opt } = buildTable(encoding);
  const e = new FrameEncoder(table);
  const parts = [
    e.encode(idx[0]!, [1, -5n, 1.5], [10]),
    e.encode(idx[1]!, [{ index: opt, variant: 1, args: [3] }, Uint8Array.of(65, 0), 'é'], [11]),
    e.encode(idx[2]!, ['dbg', 0x1234], [12]),
    e.encode(idx[3]!, [[{ index: opt, variant: 0, args: [] }]], [13]),
  ];
  return Uint8Array.from(parts.flatMap((p) => Array.from(p)));
}

describe('fuzz: stream decoder', () => {
  it.each(['rzcobs', 'raw'] as const)('survives random bytes (%s)', (encoding) => {
    const { table } = buildTable(encoding);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const d = new StreamDecoder(table, { maxFrameBytes: 256 });
        for (const e of d.decode(bytes)) expect(['frame', 'malformed', 'desync']).toContain(e.kind);
        expect(d.buffered).toBeLessThanOrEqual(256 + 400);
      }),
      { numRuns: runs },
    );
  });

  it.each(['rzcobs', 'raw'] as const)(
    'survives mutated valid streams and prints them (%s)',
    (encoding) => {
      const { table } = buildTable(encoding);
      const base = validStream(encoding);
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), {
            maxLength: 6,
          }),
          fc.nat(base.length),
          (mutations, cut) => {
            const bytes = base.slice(0, Math.max(cut, 1));
            for (const [i, v] of mutations) if (i < bytes.length) bytes[i] = v;
            const out: string[] = [];
            const p = new DefmtPrinter(
              table,
              { stdout: (s) => out.push(s) },
              { showSkippedFrames: true, colored: true },
            );
            try {
              p.push(bytes);
            } catch (e) {
              expect(e).toBeInstanceOf(DefmtError);
              expect((e as DefmtError).code).toBe('raw-desync');
            }
            for (const line of out) expect(typeof line).toBe('string');
          },
        ),
        { numRuns: runs },
      );
    },
  );

  it('the unmutated sample decodes completely', () => {
    const { table } = buildTable('rzcobs');
    const out: string[] = [];
    new DefmtPrinter(table, { stdout: (s) => out.push(s) }).push(validStream('rzcobs'));
    expect(out.join('')).toBe(
      [
        '0.000010 INFO  x=1 y=0xfffffffffffffffb z=1.5',
        '0.000011 WARN  Some(3) b"A\\x00" é',
        '0.000012 ERROR dbg 110100 9',
        '[None]',
        '',
      ].join('\n'),
    );
  });
});

describe('fuzz: parsers', () => {
  it('format strings parse or fail with a DefmtError', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom(
            '{',
            '}',
            '=',
            ':',
            'u8',
            '?',
            '[',
            ']',
            ';',
            '0',
            '1',
            '.',
            'x',
            '#',
            ' ',
            '|',
          ),
        }),
        (s) => {
          try {
            parseFormatString(s);
          } catch (e) {
            expect(e).toBeInstanceOf(DefmtError);
          }
        },
      ),
      { numRuns: runs * 5 },
    );
  });

  it('log formats parse or fail with a DefmtError', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom(
            '{',
            '}',
            '%',
            ':',
            's',
            'L',
            't',
            'f',
            'bold',
            'red',
            '<',
            '5',
            '0',
            '[',
            ' ',
            '\\',
          ),
        }),
        (s) => {
          try {
            parseLogFormat(s);
          } catch (e) {
            expect(e).toBeInstanceOf(DefmtError);
          }
        },
      ),
      { numRuns: runs * 5 },
    );
  });

  it('CBOR display never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        expect(typeof formatCbor(b)).toBe('string');
      }),
      { numRuns: runs * 5 },
    );
  });
});
