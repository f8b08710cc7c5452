import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytes, table } from '../../test/helpers';
import { StreamDecoder, type StreamEvent } from './decoder';
import { rzcobsEncode } from './rzcobs';

const t = table(
  { 0: ['info', 'x={=u8}'], 1: ['info', 'hello'], 2: ['info', 'y={=u64}'] },
  { encoding: 'rzcobs' },
);
const frame = (...raw: number[]) => [...rzcobsEncode(Uint8Array.from(raw)), 0];
const summary = (events: StreamEvent[]) =>
  events.map((e) =>
    e.kind === 'frame'
      ? `${e.frame.index}:${JSON.stringify(e.frame.args.map((a) => ('value' in a ? a.value : '')))}`
      : e.kind,
  );

describe('StreamDecoder (rzcobs)', () => {
  it('decodes frames separated by one or more zeros, skipping leading zeros', () => {
    const d = new StreamDecoder(t);
    const s = bytes(0, 0, ...frame(0, 0, 7), 0, 0, ...frame(1, 0));
    expect(summary(d.decode(s))).toEqual(['0:[7]', '1:[]']);
    expect(d.buffered).toBe(0);
  });

  it('gives the same frames for every chunking (property)', () => {
    const stream = Uint8Array.from([
      ...frame(0, 0, 1),
      ...frame(1, 0),
      ...frame(0, 0, 255),
      ...frame(0, 0, 0),
    ]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 8 }), { maxLength: 40 }), (sizes) => {
        const d = new StreamDecoder(t);
        const out: StreamEvent[] = [];
        let pos = 0;
        for (const n of sizes) {
          out.push(...d.decode(stream.subarray(pos, pos + n)));
          pos += n;
        }
        out.push(...d.decode(stream.subarray(pos)));
        expect(summary(out)).toEqual(['0:[1]', '1:[]', '0:[255]', '0:[0]']);
      }),
    );
  });

  it('skips and counts malformed frames, then carries on', () => {
    const d = new StreamDecoder(t);
    // Bad rzCOBS, an unknown index, a good frame, a frame too short even with its phantom zeros
    // (`2 0 1` decodes to seven bytes; a u64 needs eight after the index).
    const s = bytes(0x7e, 0, ...frame(9, 0), ...frame(0, 0, 5), ...frame(2, 0, 1), ...frame(0, 0));
    expect(summary(d.decode(s))).toEqual(['malformed', 'malformed', '0:[5]', 'malformed', '0:[0]']);
    expect(d.malformedFrames).toBe(3);
  });

  it('ignores trailing phantom zeros of a frame (they are implied by the encoding)', () => {
    // `0100` encodes as 017e which decodes to 01 00 00 00 00 00 00: index 1, then ignored zeros.
    const d = new StreamDecoder(t);
    expect(summary(d.decode(bytes(0x01, 0x7e, 0)))).toEqual(['1:[]']);
  });

  it('keeps memory bounded on an endless frame without separators', () => {
    const d = new StreamDecoder(t, { maxFrameBytes: 1000 });
    const junk = new Uint8Array(300).fill(0x55);
    const events: StreamEvent[] = [];
    for (let i = 0; i < 100; i++) events.push(...d.decode(junk));
    expect(d.buffered).toBeLessThanOrEqual(1300);
    expect(summary(events)).toEqual(['malformed']);
    // The separator ends the discarded frame; the next frame decodes.
    expect(summary(d.decode(bytes(0, ...frame(1, 0))))).toEqual(['1:[]']);
  });
});

describe('StreamDecoder (raw)', () => {
  const raw = table({ 0: ['info', 'x={=u8}'], 1: ['info', 's={=str}'] });

  it('decodes frames back to back across chunk boundaries', () => {
    const d = new StreamDecoder(raw);
    expect(summary(d.decode(bytes(0, 0, 7, 1)))).toEqual(['0:[7]']);
    expect(summary(d.decode(bytes(0, 2, 0, 0)))).toEqual([]);
    expect(summary(d.decode(bytes(0, 0x68, 0x69)))).toEqual(['1:["hi"]']);
  });

  it('reports a desync on malformed data and drops what it buffered', () => {
    const d = new StreamDecoder(raw);
    expect(summary(d.decode(bytes(5, 0, 1, 2)))).toEqual(['desync']);
    expect(d.buffered).toBe(0);
    expect(summary(d.decode(bytes(0, 0, 1)))).toEqual(['0:[1]']);
  });

  it('reports a desync when a frame claims more than maxFrameBytes', () => {
    const d = new StreamDecoder(raw, { maxFrameBytes: 16 });
    expect(
      summary(d.decode(bytes(1, 0, 0xff, 0xff, 0xff, 0x7f, ...new Array(20).fill(1)))),
    ).toEqual(['desync']);
  });
});
