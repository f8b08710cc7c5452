// Benchmarks of @k5/defmt: decoding + formatting a typical rzCOBS stream (timestamp, two integers
// and a string per frame) beside a baseline that only splits the stream into frames — through the
// printer's text path and through decoded arguments — the input rate in MB/s, and heap growth on
// an endless stream (memory must stay flat).
import { runBenchmarks } from '@k5/bench';
import { defmtElfBenchCases } from './elf';
import { FrameEncoder } from '../src/encode/encoder';
import { TableBuilder } from '../src/encode/table-builder';
import { LogFormatter } from '../src/log/formatter';
import { FrameDisplay } from '../src/print/display';
import { StreamDecoder } from '../src/stream/decoder';

const FRAMES = 10_000;
const builder = new TableBuilder().timestamp('{=u64:us}');
const index = builder.log('info', 'sensor {=u8} read {=i32} mV on {=str}');
const table = builder.build();
const encoder = new FrameEncoder(table);
const names = ['adc0', 'adc1', 'battery', 'vref'];
const parts: Uint8Array[] = [];
for (let i = 0; i < FRAMES; i++) {
  parts.push(
    encoder.encode(
      index,
      [i & 0xff, ((i * 7919) % 100_000) - 50_000, names[i & 3]!],
      [BigInt(i) * 1250n],
    ),
  );
}
const stream = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
{
  let o = 0;
  for (const p of parts) {
    stream.set(p, o);
    o += p.length;
  }
}

const decoder = new StreamDecoder(table);
const display = new FrameDisplay(table, decoder.frames.formats);
const formatter = new LogFormatter({ hasTimestamp: true });
let sink = 0;

/**
 * Decode every frame and format it as defmt-print's default line, the way `DefmtPrinter` does:
 * `nextText` decodes each frame's bytes straight into its timestamp and message text. Reading the
 * line's last character makes the engine materialise it as one flat string, as writing it out
 * would, so the figure includes all the work a printer pays for.
 */
function decodeAndFormat(): void {
  decoder.push(stream);
  for (let e = decoder.nextText(); e !== undefined; e = decoder.nextText()) {
    if (e.kind !== 'frame') throw new Error('bench stream is malformed');
    const f = e.frame;
    const line = formatter.format({
      level: f.level,
      timestamp: f.timestamp ?? '',
      message: f.message,
    });
    sink += line.charCodeAt(line.length - 1);
  }
}

/** The same through `next`: frames with their decoded arguments, then `FrameDisplay`. */
function decodeArgsAndFormat(): void {
  decoder.push(stream);
  for (let e = decoder.next(); e !== undefined; e = decoder.next()) {
    if (e.kind !== 'frame') throw new Error('bench stream is malformed');
    const f = e.frame;
    const line = formatter.format({
      level: f.level,
      timestamp: display.timestamp(f) ?? '',
      message: display.message(f),
    });
    sink += line.charCodeAt(line.length - 1);
  }
}

/** Baseline: only find the frame separators (no rzCOBS decoding, no frame decoding). */
function splitOnly(): void {
  let frames = 0;
  let from = 0;
  for (;;) {
    const z = stream.indexOf(0, from);
    if (z < 0) break;
    frames++;
    from = z + 1;
  }
  sink += frames;
}

function heapGrowth(): { name: string; unit: 'count'; value: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  const d = new StreamDecoder(table);
  const run = (mb: number) => {
    const rounds = Math.ceil((mb * 1e6) / stream.length);
    for (let r = 0; r < rounds; r++) {
      // Feed in odd-sized chunks, as a serial port would.
      for (let o = 0; o < stream.length; o += 4093) {
        d.push(stream.subarray(o, o + 4093));
        for (let e = d.nextText(); e !== undefined; e = d.nextText())
          if (e.kind === 'frame') sink += e.frame.message.length;
      }
    }
  };
  run(8);
  gc?.();
  const before = process.memoryUsage().heapUsed;
  run(64);
  gc?.();
  const after = process.memoryUsage().heapUsed;
  return {
    name: 'stream/heap-growth-KiB-after-64MB',
    unit: 'count',
    value: Math.max(0, (after - before) / 1024),
  };
}

const results = await runBenchmarks('@k5/defmt', [
  {
    name: 'stream/decode-format-frames',
    unit: 'frames/s',
    run: decodeAndFormat,
    perCall: FRAMES,
    baseline: splitOnly,
  },
  {
    name: 'stream/decode-args-format-frames',
    unit: 'frames/s',
    run: decodeArgsAndFormat,
    perCall: FRAMES,
    baseline: splitOnly,
  },
  {
    name: 'stream/decode-format-input',
    unit: 'MB/s',
    run: decodeAndFormat,
    perCall: stream.length,
    baseline: splitOnly,
  },
  heapGrowth,
  ...defmtElfBenchCases,
]);
if (sink === 0) process.stderr.write(`${results.length}\n`);
