import { describe, expect, it } from 'vitest';
import { bytes, table } from '../../test/helpers';
import { FrameDisplay } from '../print/display';
import { FrameDecoder } from './decoder';

describe('FrameDecoder', () => {
  const t = table([
    ['info', 'Hello, world!'],
    ['debug', 'The answer is {=u8}!'],
  ]);

  it('decodes the index and a u8 argument', () => {
    const d = new FrameDecoder(t);
    expect(d.decode(bytes(0, 0))).toEqual({
      frame: {
        index: 0,
        level: 'info',
        format: 'Hello, world!',
        args: [],
        timestampFormat: undefined,
        timestampArgs: [],
      },
      consumed: 2,
    });
    const r = d.decode(bytes(1, 0, 42));
    expect(r.frame.level).toBe('debug');
    expect(r.frame.args).toEqual([{ kind: 'uint', value: 42 }]);
    expect(r.consumed).toBe(3);
  });

  it('decodes every integer width, with BigInt beyond 2^53', () => {
    const fmt = 'Hello, {=u8} {=u16} {=u32} {=u64} {=u128} {=i8} {=i16} {=i32} {=i64} {=i128}!';
    const d = new FrameDecoder(table([['info', fmt]]));
    const ff = (n: number) => new Array(n).fill(0xff);
    const b = bytes(
      0,
      0,
      42,
      ...ff(2),
      ...ff(4),
      ...ff(8),
      ...ff(16),
      ...ff(1),
      ...ff(2),
      ...ff(4),
      ...ff(8),
      ...ff(16),
    );
    const { frame, consumed } = d.decode(b);
    expect(consumed).toBe(b.length);
    expect(frame.args.map((a) => ('value' in a ? a.value : undefined))).toEqual([
      42,
      0xffff,
      0xffffffff,
      0xffffffffffffffffn,
      (1n << 128n) - 1n,
      -1,
      -1,
      -1,
      -1,
      -1,
    ]);
  });

  it('reads arguments in sorted, de-duplicated index order', () => {
    const d = new FrameDecoder(
      table([
        ['info', 'The answer is {0=u8} {0=u8}!'],
        ['info', 'The answer is {1=u16} {0=u8} {1=u16}!'],
      ]),
    );
    const disp = new FrameDisplay(d.table, d.formats);
    expect(disp.message(d.decode(bytes(0, 0, 42)).frame)).toBe('The answer is 42 42!');
    expect(disp.message(d.decode(bytes(1, 0, 42, 0xff, 0xff)).frame)).toBe(
      'The answer is 65535 42 65535!',
    );
  });

  it.each([
    ['an unknown index', bytes(9, 0), 'malformed-frame'],
    ['a missing argument', bytes(1, 0), 'unexpected-eof'],
    ['a one-byte frame', bytes(1), 'unexpected-eof'],
  ])('reports %s', (_n, b, code) => {
    const r = new FrameDecoder(t).tryDecode(b);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toBe(code);
  });

  it('rejects bools other than 0 and 1, bad chars and bad UTF-8', () => {
    const d = new FrameDecoder(
      table([
        ['info', '{=bool}'],
        ['info', '{=char}'],
        ['info', '{=str}'],
      ]),
    );
    expect(d.tryDecode(bytes(0, 0, 2)).ok).toBe(false);
    expect(d.tryDecode(bytes(1, 0, 0x00, 0xd8, 0, 0)).ok).toBe(false);
    expect(d.tryDecode(bytes(2, 0, 1, 0, 0, 0, 0xff)).ok).toBe(false);
  });

  it('rejects a nested format index that names a log statement', () => {
    const d = new FrameDecoder(
      table([
        ['info', 'x={=?}'],
        ['info', 'y'],
      ]),
    );
    const r = d.tryDecode(bytes(0, 0, 1, 0));
    expect(r.ok).toBe(false);
  });

  it('decodes Debug2Format text up to 0xFF and waits when the 0xFF is missing', () => {
    const d = new FrameDecoder(table([['info', '{=__internal_Debug} {=u8}']]));
    const r = d.decode(bytes(0, 0, 0x68, 0x69, 0xff, 7));
    expect(r.frame.args).toEqual([
      { kind: 'preformatted', value: 'hi' },
      { kind: 'uint', value: 7 },
    ]);
    expect(d.tryDecode(bytes(0, 0, 0x68)).ok).toBe(false);
  });

  it('decodes format sequences until index 0', () => {
    const d = new FrameDecoder(
      table({
        1: ['info', '{=__internal_FormatSequence}'],
        2: ['write', 'a{=u8}'],
        3: ['write', 'b'],
      }),
    );
    const disp = new FrameDisplay(d.table, d.formats);
    const { frame, consumed } = d.decode(bytes(1, 0, 2, 0, 5, 3, 0, 2, 0, 6, 0, 0));
    expect(consumed).toBe(12);
    expect(disp.message(frame)).toBe('a5ba6');
  });

  it('reads a u64 enum discriminant only for more than 2^32 variants (u8 here)', () => {
    const d = new FrameDecoder(table({ 0: ['info', '{}'], 1: ['derived', 'A|B|C'] }));
    const disp = new FrameDisplay(d.table, d.formats);
    expect(disp.message(d.decode(bytes(0, 0, 1, 0, 2)).frame)).toBe('C');
    expect(d.tryDecode(bytes(0, 0, 1, 0, 3)).ok).toBe(false);
  });

  it('refuses absurd element counts of empty formats instead of looping', () => {
    const d = new FrameDecoder(table({ 0: ['info', '{=[?]}'], 1: ['derived', 'U'] }));
    const r = d.tryDecode(bytes(0, 0, 0xff, 0xff, 0xff, 0xff, 1, 0));
    expect(r.ok).toBe(false);
  });
});
