// Golden tests of `Frame::display(false)`: a table with one INFO entry at index 0 and the
// timestamp `{=u8:us}`, frames `[0, 0, 2, ...args]`, expected lines written by hand from the
// reference decoder's documented behaviour. Each line is also printed through the text path.
import { describe, expect, it } from 'vitest';
import { FrameDecoder } from '../src/frame/decoder';
import { FrameDisplay } from '../src/print/display';
import { TextFrameDecoder } from '../src/print/text-decoder';
import type { DefmtTag } from '../src/table/types';
import { bytes, table } from './helpers';

function line(
  format: string,
  args: number[],
  extra: Record<number, ['derived' | 'prim' | 'str' | 'write', string]> = {},
): string {
  const t = table({ 0: ['info', format], ...extra }, { timestamp: '{=u8:us}' });
  const d = new FrameDecoder(t);
  const { frame, consumed } = d.decode(bytes(0, 0, 2, ...args));
  expect(consumed).toBe(3 + args.length);
  const display = new FrameDisplay(t, d.formats);
  const expected = display.line(frame);
  // The printer's text path (compiled plans where they apply) must print the same line.
  const text = new TextFrameDecoder(t, d, display).tryDecode(
    bytes(0, 0, 2, ...args),
    0,
    3 + args.length,
  );
  expect(text.ok && `${text.frame.timestamp} INFO ${text.frame.message}`).toBe(expected);
  expect(text.ok && text.consumed).toBe(3 + args.length);
  return expected;
}

const le = (v: bigint, n: number) =>
  Array.from({ length: n }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));
const f32 = (x: number) => Array.from(new Uint8Array(Float32Array.of(x).buffer));
const f64 = (x: number) => Array.from(new Uint8Array(Float64Array.of(x).buffer));

describe('golden: integers and hints', () => {
  it.each<[string, number[], string]>([
    ['i16 as hex {=i16:#x}', [0xff, 0xff], 'i16 as hex 0xffff'],
    ['{=i8:x} {=i8:X} {=i8:#X}', [0x80, 0xff, 0xfe], '80 FF 0xFE'],
    ['{=i32:x}', le(-2n & 0xffffffffn, 4), 'fffffffe'],
    ['{=i64:#x}', le((1n << 64n) - 1n, 8), '0xffffffffffffffff'],
    ['{=i8:b}', [0xff], '1'.repeat(128)],
    ['{=i8:o}', [0xff], `3${'7'.repeat(42)}`],
    ['{=u8:#b} {=u8:#o} {=u8:#x}', [5, 8, 255], '0b101 0o10 0xff'],
    ['{=u8:08b} {=u16:#06x} {=u8:03}', [5, 0xab, 0, 7], '00000101 0x00ab 007'],
    ['{=i8:04}', [0xfb], '-005'],
    ['{=u16:#010b}', [3, 0], '0b00000011'],
    ['{=u32:X}', le(0xdeadbeefn, 4), 'DEADBEEF'],
    ['{=u8:?}', [42], '42'],
    ['{=u8:a}', [65], '65'],
    ['{=u8:unknownhint}', [65], '65'],
    ['{=u16:0x}', [10, 0], '10'],
    ['{=u32:us}', le(1_234_567n, 4), '1.234567'],
    ['{=u32:ms}', le(1_234_567n, 4), '1234.567'],
    ['{=u8:us}', [5], '0.000005'],
    ['{=u32:tus}', le(3_723_000_001n, 4), '01:02:03.000001'],
    ['{=u32:tms}', le(90_061_001n, 4), '1:01:01:01.001'],
    ['{=u32:ts}', le(59n, 4), '00:00:59'],
    ['{=u64:iso8601ms}', [36, 188, 151, 238, 120, 1, 0, 0], '2021-04-20T09:23:44.804Z'],
    ['{=u32:iso8601s}', le(0n, 4), '1970-01-01T00:00:00Z'],
    ['{=u64:iso8601s}', le(253402300800n, 8), '+10000-01-01T00:00:00Z'],
    ['{=usize} {=isize}', [...le(7n, 4), ...le(0xffffffffn, 4)], '7 -1'],
    ['{=u128}', le(1n << 100n, 16), (1n << 100n).toString()],
    ['{=i128:x}', le((1n << 128n) - 1n, 16), 'f'.repeat(32)],
  ])('%s', (format, args, expected) => {
    expect(line(format, args)).toBe(`0.000002 INFO ${expected}`);
  });
});

describe('golden: other types', () => {
  it.each<[string, number[], string]>([
    ['my bool={=bool}', [1], 'my bool=true'],
    ['{=bool} {=bool}', [0, 1], 'false true'],
    [
      'Supports ASCII {=char} and Unicode {=char}',
      [0x61, 0, 0, 0, 0x9c, 0xf4, 0x01, 0],
      'Supports ASCII a and Unicode 💜',
    ],
    ['x={=[u8]}', [2, 0, 0, 0, 23, 42], 'x=[23, 42]'],
    ['x={=[u8]} trailing arg={=u8}', [2, 0, 0, 0, 23, 42, 1], 'x=[23, 42] trailing arg=1'],
    ['{=[u8]:x}', [2, 0, 0, 0, 10, 255], '[a, ff]'],
    ['{=[u8]:#04x}', [2, 0, 0, 0, 10, 255], '[0x0a, 0xff]'],
    ['{=[u8]:a}', [6, 0, 0, 0, 0x48, 0x09, 0x22, 0x5c, 0x7f, 0x20], 'b"H\\t\\"\\\\\\x7f "'],
    ['{=[u8; 3]}', [1, 2, 3], '[1, 2, 3]'],
    ['{=[u8;2]:b}', [1, 2], '[1, 10]'],
    ['Hello {=str}', [5, 0, 0, 0, 0x57, 0x6f, 0x72, 0x6c, 0x64], 'Hello World'],
    ['Hello {=str} {=u8}', [5, 0, 0, 0, 0x57, 0x6f, 0x72, 0x6c, 0x64, 125], 'Hello World 125'],
    ['{=str:?}', [4, 0, 0, 0, 0x61, 0x22, 0x0a, 0x27], '"a\\"\\n\'"'],
    ['{=f32}', f32(1), '1.0'],
    ['{=f32}', f32(0.1), '0.1'],
    ['{=f64}', f64(0.1), '0.1'],
    ['{=f64}', f64(1e16), '1e16'],
    ['{=f64}', f64(1234.5), '1234.5'],
    ['{=f64}', f64(-0), '-0.0'],
    ['{=f64}', f64(Number.NaN), 'NaN'],
    ['{=f32}', f32(-Infinity), '-inf'],
    ['{=f64}', f64(0.00001), '0.00001'],
    ['{=f64}', f64(0.000001), '1e-6'],
    ['{=f32}', f32(0.000001), '0.000001'],
    ['{=f32}', f32(1e-7), '1e-7'],
    ['{=f32}', f32(16777216), '16777216.0'],
    ['{=f32}', f32(1e13), '1e13'],
    ['{=f64}', f64(123456789012345680), '1.2345678901234568e17'],
    ['{=f32}', f32(2.5), '2.5'],
    ['{=f32}', f32(7.1), '7.1'],
    ['{{literal}} {=u8}', [1], '{literal} 1'],
  ])('%s', (format, args, expected) => {
    expect(line(format, args)).toBe(`0.000002 INFO ${expected}`);
  });
});

describe('golden: bitfields', () => {
  it.each<[string, number[], string]>([
    ['x: {0=0..4:b}, y: {0=3..8:#b}', [0b1110_0101], 'x: 101, y: 0b11100'],
    ['x: {0=0..7:b}, y: {0=3..5:b}', [0b1101_0010], 'x: 1010010, y: 10'],
    ['#0: {0=0..5:b}, #1: {1=3..8:b}', [0b1111_0000, 0b1110_0101], '#0: 10000, #1: 11100'],
    ['x: {0=7..12:b}', [0b1111_0000, 0b1110_0101], 'x: 1011'],
    [
      '#0: {0=7..12:b}, #1: {1=0..5:b}',
      [0b1111_0000, 0b1110_0101, 0b1111_0001],
      '#0: 1011, #1: 10001',
    ],
    [
      '#0: {0=7..12:b}, #1: {1=u8}, #2: {2=0..5:b}',
      [0b1111_0000, 0b1110_0101, 42, 0b1111_0001],
      '#0: 1011, #1: 42, #2: 10001',
    ],
    ['bitfields {0=0..7:b} {0=9..14:b}', [0b1101_0010, 0b0110_0011], 'bitfields 1010010 10001'],
    [
      'bitfields {0=0..7:b} {0=9..14:b} {1=8..10:b}',
      [0b1101_0010, 0b0110_0011, 0b1111_1111],
      'bitfields 1010010 10001 11',
    ],
    ['bitfields {0=9..14:b}', [0b0110_0011], 'bitfields 10001'],
    [
      'bitfields {0=0..2:b} {0=28..31:b}',
      [0b0110_0011, 0b0000_1111, 0b0101_1010, 0b1100_0011],
      'bitfields 11 100',
    ],
    // Only the two bytes that hold bits 112..127 are on the wire.
    ['x: {0=119..124:b}', [0b1110_0101, 0b1110_0101], 'x: 1011'],
    ['{0=0..8:a}', [0x41], 'b"A"'],
    ['{0=0..16:x}', [0x34, 0x12], '1234'],
  ])('%s', (format, args, expected) => {
    expect(line(format, args)).toBe(`0.000002 INFO ${expected}`);
  });
});

describe('golden: nested formats', () => {
  it('a derived struct', () => {
    expect(line('x={=?}', [1, 0, 42], { 1: ['derived', 'Foo {{ x: {=u8} }}'] })).toBe(
      '0.000002 INFO x=Foo { x: 42 }',
    );
  });
  it('inner hint wins over the outer one', () => {
    expect(line('x={:b}', [1, 0, 42], { 1: ['derived', 'S {{ x: {=u8:x} }}'] })).toBe(
      '0.000002 INFO x=S { x: 2a }',
    );
  });
  it('an inner `?` defers to the outer hint', () => {
    expect(line('x={:b}', [1, 0, 42], { 1: ['derived', 'S {{ x: {=u8:?} }}'] })).toBe(
      '0.000002 INFO x=S { x: 101010 }',
    );
  });
  it('a string field shown with Debug quoting', () => {
    expect(
      line('{}', [1, 0, 5, 0, 0, 0, 72, 101, 108, 108, 111], {
        1: ['derived', 'S {{ x: {=str:?} }}'],
      }),
    ).toBe('0.000002 INFO S { x: "Hello" }');
  });
  it('a format slice of structs holding a u8 slice shown as a byte string', () => {
    const extra: Record<number, [DefmtTag, string]> = {
      1: ['prim', '{=[?]}'],
      2: ['derived', 'Data {{ name: {=?:?} }}'],
      4: ['prim', '{=u8}'],
    };
    const t = table({ 3: ['info', '{=[?]:a}'], ...extra }, { timestamp: '{=u8:us}' });
    const d = new FrameDecoder(t);
    const b = bytes(3, 0, 2, 1, 0, 0, 0, 2, 0, 1, 0, 2, 0, 0, 0, 4, 0, 72, 105);
    expect(new FrameDisplay(t, d.formats).line(d.decode(b).frame)).toBe(
      '0.000002 INFO [Data { name: b"Hi" }]',
    );
  });
  it('Option-like enums', () => {
    const t = table(
      { 4: ['info', 'x={=?}'], 3: ['derived', 'None|Some({=?})'], 2: ['derived', '{=u8}'] },
      { timestamp: '{=u8:us}' },
    );
    const d = new FrameDecoder(t);
    const disp = new FrameDisplay(t, d.formats);
    expect(disp.line(d.decode(bytes(4, 0, 0, 3, 0, 1, 2, 0, 42)).frame)).toBe(
      '0.000000 INFO x=Some(42)',
    );
    expect(disp.line(d.decode(bytes(4, 0, 1, 3, 0, 0)).frame)).toBe('0.000001 INFO x=None');
    expect(disp.fragments(d.decode(bytes(4, 0, 1, 3, 0, 0)).frame)).toEqual(['x=', 'None']);
  });
  it('a format array of enums (one discriminant per element)', () => {
    expect(line('{=[?; 2]}', [1, 0, 1, 0], { 1: ['derived', 'A|B'] })).toBe('0.000002 INFO [B, A]');
  });
  it('istr', () => {
    expect(line('{=istr} {=istr:?}', [1, 0, 1, 0], { 1: ['str', 'hi'] })).toBe(
      '0.000002 INFO hi "hi"',
    );
  });
  it('bitflags', () => {
    const t = table(
      { 0: ['info', '{}'], 1: ['derived', '{=u8:__internal_bitflags_Flags@pkg@0@krate}'] },
      {
        bitflags: new Map([
          [
            'Flags@pkg@0@krate',
            [
              { name: 'A', value: 1n },
              { name: 'B', value: 2n },
              { name: 'NONE', value: 0n },
            ],
          ],
        ]),
      },
    );
    const d = new FrameDecoder(t);
    const disp = new FrameDisplay(t, d.formats);
    expect(disp.message(d.decode(bytes(0, 0, 1, 0, 3)).frame)).toBe('A | B');
    expect(disp.message(d.decode(bytes(0, 0, 1, 0, 0)).frame)).toBe('NONE');
    expect(disp.message(d.decode(bytes(0, 0, 1, 0, 4)).frame)).toBe('(empty)');
  });
  it('levels in colour', () => {
    const t = table({ 0: ['warn', 'w'], 1: ['println', 'p'], 2: ['trace', 't'] });
    const d = new FrameDecoder(t);
    const disp = new FrameDisplay(t, d.formats);
    expect(disp.line(d.decode(bytes(0, 0)).frame, true)).toBe('\x1b[33mWARN\x1b[0m w');
    expect(disp.line(d.decode(bytes(2, 0)).frame, true)).toBe('\x1b[2mTRACE\x1b[0m t');
    expect(disp.line(d.decode(bytes(1, 0)).frame, true)).toBe('p');
  });
});
