import { describe, expect, it } from 'vitest';
import { DefmtError } from '../errors';
import { FrameDecoder } from '../frame/decoder';
import { FrameDisplay } from '../print/display';
import { StreamDecoder } from '../stream/decoder';
import { FrameEncoder } from './encoder';
import { TableBuilder } from './table-builder';

describe('TableBuilder', () => {
  it('interns each tag + string once, from index 1, with JSON symbols', () => {
    const b = new TableBuilder();
    const a = b.log('info', 'x={=u8}');
    expect(a).toBe(1);
    expect(b.log('info', 'x={=u8}')).toBe(1);
    expect(b.log('warn', 'x={=u8}')).toBe(2);
    const t = b.timestamp('{=u64:us}').build();
    expect(t.version).toBe('4');
    expect(t.encoding).toBe('rzcobs');
    expect(JSON.parse(t.entries.get(1)!.rawSymbol)).toEqual({
      package: 'k5',
      tag: 'defmt_info',
      data: 'x={=u8}',
      disambiguator: '1',
      crate_name: 'k5',
    });
    expect(t.timestamp?.format).toBe('{=u64:us}');
  });

  it('rejects invalid format strings with a typed error', () => {
    expect(() => new TableBuilder().log('info', '{=nope}')).toThrow(DefmtError);
  });
});

describe('FrameEncoder', () => {
  it('writes index, timestamp and arguments little-endian (raw)', () => {
    const b = new TableBuilder({ encoding: 'raw' }).timestamp('{=u8:us}');
    const i = b.log('info', '{=u16} {=i8} {=str}');
    const enc = new FrameEncoder(b.build());
    expect(Array.from(enc.encode(i, [0x1234, -1, 'hi'], [2]))).toEqual([
      1, 0, 2, 0x34, 0x12, 0xff, 2, 0, 0, 0, 0x68, 0x69,
    ]);
  });

  it('frames rzcobs output with its separator', () => {
    const b = new TableBuilder();
    const i = b.log('info', 'x');
    expect(Array.from(new FrameEncoder(b.build()).encode(i, []))).toEqual([0x01, 0x7e, 0x00]);
  });

  it('encodes nested formats, enums, slices, sequences and bitfields that decode back', () => {
    const b = new TableBuilder();
    const opt = b.derived('None|Some({=u8})');
    const point = b.derived('P {{ x: {=i16}, y: {=i16} }}');
    const w = b.intern('write', 'w{=u8}');
    const main = b.log(
      'info',
      '{} {=[?]} {=[?; 2]} {=__internal_FormatSequence} {=0..4:b} {=u8:#x} {=istr} {=__internal_Display}',
    );
    b.istr('interned');
    const t = b.build();
    const frame = new FrameEncoder(t).encode(main, [
      { index: opt, variant: 1, args: [7] },
      [
        { index: point, args: [1, -2] },
        { index: point, args: [3, 4] },
      ],
      [
        { index: opt, variant: 0, args: [] },
        { index: opt, variant: 1, args: [9] },
      ],
      [
        { index: w, args: [1] },
        { index: w, args: [2] },
      ],
      0b1010,
      255,
      'interned',
      'shown',
    ]);
    const d = new StreamDecoder(t);
    const [e] = d.decode(frame);
    expect(e?.kind).toBe('frame');
    if (e?.kind !== 'frame') return;
    expect(new FrameDisplay(t, d.frames.formats).message(e.frame)).toBe(
      'Some(7) [P { x: 1, y: -2 }, P { x: 3, y: 4 }] [None, Some(9)] w1w2 1010 0xff interned shown',
    );
  });

  it('encodes an empty format slice with its element format', () => {
    const b = new TableBuilder({ encoding: 'raw' });
    const u = b.derived('{=u8}');
    const m = b.log('info', '{=[?]}');
    const t = b.build();
    const raw = new FrameEncoder(t).encode(m, [{ elementIndex: u, elements: [] }]);
    const d = new FrameDecoder(t);
    expect(new FrameDisplay(t, d.formats).message(d.decode(raw).frame)).toBe('[]');
  });

  it.each<[string, unknown]>([
    ['{=u8}', 256],
    ['{=u8}', -1],
    ['{=i8}', 128],
    ['{=u8}', 1.5],
    ['{=bool}', 1],
    ['{=char}', 'ab'],
    ['{=[u8; 2]}', new Uint8Array(3)],
    ['{=str}', 5],
  ])('rejects %s = %j', (format, value) => {
    const b = new TableBuilder();
    const i = b.log('info', format);
    expect(() => new FrameEncoder(b.build()).encode(i, [value as never])).toThrow(DefmtError);
  });
});
