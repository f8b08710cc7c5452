import { describe, expect, it } from 'vitest';
import { DefmtError } from '../errors';
import { hasTimestamp, parseLogFormat } from './format-parser';
import type { LogSegment } from './segments';

const kinds = (segs: readonly LogSegment[]): unknown[] =>
  segs.map((s) =>
    s.metadata.kind === 'nested'
      ? { nested: kinds(s.metadata.segments), ...s.format }
      : s.metadata.kind === 'string'
        ? s.metadata.text
        : { [s.metadata.kind]: s.format },
  );

describe('parseLogFormat', () => {
  it('splits the verbose default format', () => {
    expect(kinds(parseLogFormat('{t} [{L}] {s}\n└─ {m} @ {F}:{l}'))).toEqual([
      { timestamp: {} },
      ' [',
      { level: {} },
      '] ',
      { log: {} },
      '\n└─ ',
      { module: {} },
      ' @ ',
      { 'file-path': {} },
      ':',
      { line: {} },
    ]);
  });

  it('reads colours, styles, widths and alignment', () => {
    expect(
      kinds(
        parseLogFormat('T{t:>8} [{L:severity:bold}] {ff:white:underline}:{l:white:3} {s:werror}'),
      ),
    ).toEqual([
      'T',
      { timestamp: { width: 8, padding: 'space', alignment: 'right' } },
      ' [',
      { level: { color: { kind: 'severity' }, styles: ['bold'] } },
      '] ',
      { 'file-name': { color: { kind: 'color', color: 'white' }, styles: ['underline'] } },
      ':',
      { line: { color: { kind: 'color', color: 'white' }, width: 3, padding: 'space' } },
      ' ',
      { log: { color: { kind: 'werror' } } },
    ]);
  });

  it('reads zero padding from a leading 0', () => {
    expect(kinds(parseLogFormat('{l:012}{s}'))[0]).toEqual({
      line: { width: 12, padding: 'zero' },
    });
  });

  it('reads groups with several % parameters', () => {
    expect(kinds(parseLogFormat('{[{L:<5:bold}]%underline%italic} {s}'))[0]).toEqual({
      nested: [
        '[',
        { level: { width: 5, padding: 'space', alignment: 'left', styles: ['bold'] } },
        ']',
      ],
      styles: ['underline', 'italic'],
    });
  });

  it('reads groups nested three deep', () => {
    const segs = parseLogFormat('{{{[{L:<5}]%bold} {ff:>20}:%<30} {s}%werror}');
    expect(segs.length).toBe(1);
    const outer = segs[0]!;
    expect(outer.metadata.kind).toBe('nested');
    expect(outer.format.color).toEqual({ kind: 'werror' });
  });

  it.each(['{s:bold:bold}', '{[{L:<5:bold}]%bad%underline} {s}', '{foo}', '{t}', ''])(
    'rejects %j',
    (f) => {
      expect(() => parseLogFormat(f)).toThrow(DefmtError);
    },
  );

  it('finds timestamps inside groups', () => {
    expect(hasTimestamp(parseLogFormat('{[{t}]%bold} {s}'))).toBe(true);
    expect(hasTimestamp(parseLogFormat('{s}'))).toBe(false);
  });
});
