import { describe, expect, it } from 'vitest';
import { DefmtError } from '../errors';
import { parseDisplayHint } from './hint';
import { parseFormatString } from './parser';

const params = (s: string) =>
  parseFormatString(s).flatMap((f) =>
    f.kind === 'param' ? [[f.param.index, f.param.type.kind] as const] : [],
  );
const only = (s: string) => {
  const f = parseFormatString(s).find((x) => x.kind === 'param');
  if (f?.kind !== 'param') throw new Error('no param');
  return f.param;
};

describe('parseFormatString', () => {
  it.each<[string, number, string, string | undefined]>([
    ['{}', 0, 'format', undefined],
    ['{=u8}', 0, 'u8', undefined],
    ['{:a}', 0, 'format', 'ascii'],
    ['{1}{0=u8}', 1, 'format', undefined],
    ['{=u8:x}', 0, 'u8', 'hex'],
    ['{0:a}', 0, 'format', 'ascii'],
    ['{=[u8]:#04x}', 0, 'u8-slice', 'hex'],
    ['{=?}', 0, 'format', undefined],
    ['{=[?]}', 0, 'format-slice', undefined],
    ['{=istr}', 0, 'istr', undefined],
    ['{=char}', 0, 'char', undefined],
    ['{=__internal_Debug}', 0, 'debug', undefined],
    ['{=__internal_Display}', 0, 'display', undefined],
    ['{=__internal_FormatSequence}', 0, 'format-sequence', undefined],
    ['{=u8:unknown}', 0, 'u8', 'unknown'],
  ])('%s', (s, index, type, hint) => {
    const p = only(s);
    expect(p.index).toBe(index);
    expect(p.type.kind).toBe(type);
    expect(p.hint?.kind).toBe(hint);
  });

  it('assigns implicit indices in order and keeps explicit ones', () => {
    expect(params('{=u8}{=u16}')).toEqual([
      [0, 'u8'],
      [1, 'u16'],
    ]);
    expect(params('{=u8}{0=u8}')).toEqual([
      [0, 'u8'],
      [0, 'u8'],
    ]);
    expect(params('{1=u8}{0=u16}')).toEqual([
      [1, 'u8'],
      [0, 'u16'],
    ]);
  });

  it.each<[string, number, number]>([
    ['{=0..4}', 0, 4],
    ['{=0..128}', 0, 128],
    ['{=127..128}', 127, 128],
  ])('bitfield %s', (s, start, end) => {
    expect(only(s).type).toEqual({ kind: 'bitfield', start, end });
  });

  it.each<[string, number]>([
    ['{=[u8; 0]}', 0],
    ['{=[u8;42]}', 42],
    ['{=[u8;    257]}', 257],
  ])('array %s', (s, length) => {
    expect(only(s).type).toEqual({ kind: 'u8-array', length });
  });

  it('reads [?; N]', () => {
    expect(only('{=[?; 3]}').type).toEqual({ kind: 'format-array', length: 3 });
  });

  it.each([
    '{=[u8; \t 3]}',
    '{=[u8; \n 3]}',
    '{=dunno}',
    '{dunno}',
    '{=u8;x}',
    '{dunno=u8:x}',
    '{0dunno}',
    '{:}',
    '}string',
    '{string',
    '}',
    '{',
    '}a}',
    '}}a}',
    '{=0..0}',
    '{=1..0}',
    '{=0..129}',
    '{=128..128}',
    '{=0..4',
    '{=0..}',
    '{=..4}',
    '{=0.4}',
    '{=0...4}',
    '{=8}',
    '{=0.}',
    '{0=u8}{0=u16}',
    'Hello {1=u16} {0=u8} {=bool}',
    '{1=u8}',
    '{2=u8}{=u16}',
    '{2=u8}{1=u16}',
  ])('rejects %j with a typed error', (s) => {
    expect(() => parseFormatString(s)).toThrow(DefmtError);
  });

  it.each([
    ['}}', '}'],
    ['{{', '{'],
    ['literal{{literal', 'literal{literal'],
    ['literal}}literal', 'literal}literal'],
    ['{{}}', '{}'],
    ['}}{{', '}{'],
    ['}{{}', '}{}'],
  ])('unescapes %j', (s, lit) => {
    expect(parseFormatString(s)).toEqual([{ kind: 'literal', text: lit }]);
  });

  it('allows bitfields of one argument with different ranges', () => {
    expect(params('{0=30..31}{1=0..4}{1=2..6}')).toEqual([
      [0, 'bitfield'],
      [1, 'bitfield'],
      [1, 'bitfield'],
    ]);
  });
});

describe('parseDisplayHint', () => {
  it.each<[string, unknown]>([
    ['a', { kind: 'ascii' }],
    ['#b', { kind: 'binary', alternate: true, zeroPad: 0 }],
    ['02x', { kind: 'hex', alternate: false, uppercase: false, zeroPad: 2 }],
    ['#04X', { kind: 'hex', alternate: true, uppercase: true, zeroPad: 4 }],
    ['#o', { kind: 'octal', alternate: true, zeroPad: 0 }],
    ['ms', { kind: 'seconds', precision: 'ms' }],
    ['tus', { kind: 'time', precision: 'us' }],
    ['iso8601s', { kind: 'iso8601', precision: 's' }],
    ['02', { kind: 'none', zeroPad: 2 }],
    ['?', { kind: 'debug' }],
    ['cbor', { kind: 'cbor' }],
    [
      '__internal_bitflags_F@p@d@c',
      { kind: 'bitflags', name: 'F', package: 'p', disambiguator: 'd', crateName: 'c' },
    ],
    ['__internal_bitflags_F@p', { kind: 'unknown', text: '__internal_bitflags_F@p' }],
    ['0x', undefined],
    ['what', undefined],
  ])('%s', (s, expected) => {
    expect(parseDisplayHint(s)).toEqual(expected);
  });
});
