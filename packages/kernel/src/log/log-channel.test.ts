import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LogChannelError } from './errors';
import { encodeLogFrame, LOG_FRAME_HEADER_BYTES } from './frame';
import { LogChannel } from './log-channel';
import { LogDemuxer } from './log-demux';

const bytes = (...b: number[]) => Uint8Array.from(b);

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof LogChannelError) return e.code;
    throw e;
  }
  return undefined;
}

describe('log frame', () => {
  it('is [u16 LE length][u16 LE task id][payload]', () => {
    expect([...encodeLogFrame(0x0102, bytes(9, 8, 7))]).toEqual([3, 0, 2, 1, 9, 8, 7]);
  });

  it.each([
    [-1, bytes(1), 'bad-task-id'],
    [0x10000, bytes(1), 'bad-task-id'],
    [1.5, bytes(1), 'bad-task-id'],
    [0, bytes(), 'empty-frame'],
    [0, new Uint8Array(0x10000), 'frame-too-long'],
  ])('task %s with %s payload bytes is rejected (%s)', (task, payload, code) => {
    expect(codeOf(() => encodeLogFrame(task, payload))).toBe(code);
  });
});

describe('LogChannel', () => {
  it('drops a frame that does not fit, whole, and keeps later ones that do', () => {
    const ch = new LogChannel({ capacity: 16 });
    expect(ch.write(1, bytes(1, 2, 3, 4, 5, 6))).toBe(true); // 10 bytes
    expect(ch.write(2, bytes(1, 2, 3))).toBe(false); // 7 > 6 free
    expect(ch.write(3, bytes(1, 2))).toBe(true); // 6
    expect(ch.dropped).toBe(1);
    const frames = new LogDemuxer().push(ch.read());
    expect(frames.map((f) => f.taskId)).toEqual([1, 3]);
  });

  it('wraps around its ring and reads back the same bytes', () => {
    const ch = new LogChannel({ capacity: 12 });
    const demux = new LogDemuxer();
    const seen: number[] = [];
    for (let i = 0; i < 20; i++) {
      expect(ch.write(i, bytes(i, i + 1, i + 2))).toBe(true);
      for (const f of demux.push(ch.read(3))) seen.push(f.taskId);
      for (const f of demux.push(ch.read())) seen.push(f.taskId);
    }
    expect(seen).toEqual([...Array(20).keys()]);
  });

  it('tells a streaming host after each frame', () => {
    const got: number[][] = [];
    const ch = new LogChannel({ onData: (c) => got.push([...c.read()]) });
    ch.write(4, bytes(1));
    ch.write(5, bytes(2, 3));
    expect(got).toEqual([
      [1, 0, 4, 0, 1],
      [2, 0, 5, 0, 2, 3],
    ]);
  });

  it('rejects a capacity below two headers', () => {
    expect(codeOf(() => new LogChannel({ capacity: 7 }))).toBe('bad-config');
  });
});

describe('LogDemuxer', () => {
  it.each([
    [bytes(0, 0, 0, 0), {}, 'empty-frame'],
    [bytes(5, 0, 0, 0), { maxPayload: 4 }, 'frame-too-long'],
    [bytes(1, 0, 2, 0, 9), { taskCount: 2 }, 'unknown-task'],
  ])('rejects %s with %j as %s and stays failed', (stream, options, code) => {
    const d = new LogDemuxer(options);
    expect(codeOf(() => d.push(stream))).toBe(code);
    expect(codeOf(() => d.push(bytes(1, 0, 0, 0, 1)))).toBe(code);
  });

  it('reports a stream that ends inside a frame, with the offset of its header', () => {
    const d = new LogDemuxer();
    d.push(encodeLogFrame(0, bytes(1)));
    d.push(bytes(3, 0, 0));
    try {
      d.finish();
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(LogChannelError);
      expect((e as LogChannelError).code).toBe('truncated');
      expect((e as LogChannelError).offset).toBe(LOG_FRAME_HEADER_BYTES + 1);
    }
  });

  const frameArb = fc.record({
    taskId: fc.integer({ min: 0, max: 7 }),
    payload: fc.uint8Array({ minLength: 1, maxLength: 40 }),
  });

  it('gives the same frames however the stream is split (property)', () => {
    fc.assert(
      fc.property(
        fc.array(frameArb, { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (frames, cuts) => {
          const parts = frames.map((f) => encodeLogFrame(f.taskId, f.payload));
          const stream = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
          let at = 0;
          for (const p of parts) {
            stream.set(p, at);
            at += p.length;
          }
          const points = [
            ...new Set(cuts.map((c) => (stream.length ? c % stream.length : 0))),
          ].sort((a, b) => a - b);
          const d = new LogDemuxer({ taskCount: 8 });
          const got = [];
          let prev = 0;
          for (const p of [...points, stream.length]) {
            got.push(...d.push(stream.subarray(prev, p)));
            prev = p;
          }
          d.finish();
          expect(got).toEqual(frames.map((f) => ({ taskId: f.taskId, payload: f.payload })));
        },
      ),
    );
  });

  it('never fails on random bytes except with a LogChannelError (fuzz)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }),
        fc.nat(9),
        (chunks, tasks) => {
          const d = new LogDemuxer({ taskCount: tasks, maxPayload: 200 });
          let total = 0;
          try {
            for (const c of chunks) {
              for (const f of d.push(c)) {
                expect(f.taskId).toBeLessThan(tasks);
                expect(f.payload.length).toBeGreaterThan(0);
                expect(f.payload.length).toBeLessThanOrEqual(200);
                total += f.payload.length + LOG_FRAME_HEADER_BYTES;
              }
            }
            d.finish();
          } catch (e) {
            expect(e).toBeInstanceOf(LogChannelError);
          }
          expect(total).toBeLessThanOrEqual(chunks.reduce((n, c) => n + c.length, 0));
        },
      ),
    );
  });
});
