// defmt-print's main loop without its I/O: feed bytes, get the exact lines defmt-print would write
// to stdout — formatted frames (or `--json` lines), the `(HOST) malformed frame skipped` notes —
// and a typed error where defmt-print gives up (a raw stream that stops decoding). Browser-safe;
// the Node CLI wraps it. Relies on the stream decoder, `FrameDisplay` and the log formatters.

import { DefmtError } from '../errors';
import type { Frame } from '../frame/types';
import { FrameDisplay } from '../print/display';
import type { TextFrame } from '../print/text-decoder';
import { StreamDecoder } from '../stream/decoder';
import type { DefmtTable, Location } from '../table/types';
import { type LogRecord, LogFormatter } from './formatter';
import { JSON_SCHEMA_LINE, jsonFrameLine } from './json';

/** Where a {@link DefmtPrinter} writes. Each call gets whole lines ending in `\n`. */
export interface PrinterOutput {
  /** Receives text for standard output. */
  stdout(text: string): void;
}

/** Options of {@link DefmtPrinter}, named after defmt-print's flags. */
export interface DefmtPrinterOptions {
  /** `--json`: one JSON object per frame after a schema-version line. */
  readonly json?: boolean;
  /** `--log-format`: `default`, `oneline` or a custom format. */
  readonly logFormat?: string;
  /** `-v`: location lines in the presets; also implies `showSkippedFrames`. */
  readonly verbose?: boolean;
  /** `--show-skipped-frames`: print a note for each malformed rzCOBS frame. */
  readonly showSkippedFrames?: boolean;
  /** Write ANSI colours. */
  readonly colored?: boolean;
  /**
   * Locations by frame index (from the ELF's DWARF). As in defmt-print, they are used only when
   * every log statement of the table has one.
   */
  readonly locations?: ReadonlyMap<number, Location>;
  /** Directory that file paths are shown relative to (defmt-print uses its working directory). */
  readonly currentDir?: string;
  /** Host clock for `--json`, nanoseconds since the Unix epoch (default `Date.now()`). */
  readonly now?: () => bigint;
  /**
   * The second line of the skipped-frame note. Default: the text defmt-print prints (it names its
   * own source file and line).
   */
  readonly skippedFrameNote?: string;
}

/**
 * defmt-print's note location: its package name, and the source file and line of its `println!` as
 * a `cargo install defmt-print` build reports them (reference revision e628f43).
 */
export const SKIPPED_FRAME_NOTE = '└─ defmt-print @ src/main.rs:322';

/** Strips `dir` from the front of `file` by whole path components, like `Path::strip_prefix`. */
function relativeTo(file: string, dir: string | undefined): string {
  if (dir === undefined || dir === '') return file;
  const d = dir.endsWith('/') && dir.length > 1 ? dir.slice(0, -1) : dir;
  if (file === d) return '';
  if (d === '/') return file.startsWith('/') ? file.slice(1) : file;
  return file.startsWith(`${d}/`) ? file.slice(d.length + 1) : file;
}

/** defmt-print, minus reading files and sockets. */
export class DefmtPrinter {
  /** The stream decoder in use. */
  readonly decoder: StreamDecoder;
  /** The display helper (message, timestamp) in use. */
  readonly display: FrameDisplay;
  private readonly formatter: LogFormatter;
  private readonly locations: ReadonlyMap<number, Location> | undefined;
  private started = false;

  /** @throws {@link DefmtError} `log-format` when `logFormat` is invalid. */
  constructor(
    /** The table frames are decoded with. */
    readonly table: DefmtTable,
    private readonly output: PrinterOutput,
    private readonly options: DefmtPrinterOptions = {},
  ) {
    this.decoder = new StreamDecoder(table);
    this.display = new FrameDisplay(table, this.decoder.frames.formats);
    const hasTs = table.timestamp !== undefined;
    if (options.logFormat !== undefined) {
      // A preset name given as --log-format always includes the location.
      const preset = options.logFormat === 'default' || options.logFormat === 'oneline';
      this.formatter = new LogFormatter({
        format: options.logFormat,
        withLocation: preset,
        hasTimestamp: hasTs,
        colored: options.colored ?? false,
      });
    } else {
      this.formatter = new LogFormatter({
        withLocation: options.verbose ?? false,
        hasTimestamp: hasTs,
        colored: options.colored ?? false,
      });
    }
    const locs = options.locations;
    let complete = locs !== undefined;
    if (locs) {
      for (const [index, e] of table.entries) {
        const logStatement =
          e.tag === 'println' || ['trace', 'debug', 'info', 'warn', 'error'].includes(e.tag);
        if (logStatement && !locs.has(index)) {
          complete = false;
          break;
        }
      }
    }
    this.locations = complete ? locs : undefined;
  }

  /** Writes what comes before any frame (the `--json` schema line). Called by `push` if needed. */
  start(): void {
    if (this.started) return;
    this.started = true;
    if (this.options.json) this.output.stdout(`${JSON_SCHEMA_LINE}\n`);
  }

  /** Frames skipped as malformed so far. */
  get malformedFrames(): number {
    return this.decoder.malformedFrames;
  }

  /**
   * Decodes `chunk` and writes the resulting lines.
   *
   * @throws {@link DefmtError} `raw-desync` when a raw stream cannot be decoded (defmt-print
   * exits with `malformed data` there).
   */
  push(chunk: Uint8Array): void {
    this.start();
    this.decoder.push(chunk);
    for (let e = this.decoder.nextText(); e !== undefined; e = this.decoder.nextText()) {
      if (e.kind === 'frame') this.output.stdout(`${this.textLine(e.frame)}\n`);
      else if (e.kind === 'malformed') {
        if (this.options.showSkippedFrames || this.options.verbose) {
          this.output.stdout(
            `(HOST) malformed frame skipped\n${this.options.skippedFrameNote ?? SKIPPED_FRAME_NOTE}\n`,
          );
        }
      } else throw new DefmtError('raw-desync', `malformed data (${e.reason})`);
    }
  }

  /** The record defmt-print builds for a frame. */
  record(frame: Frame): LogRecord {
    return this.textRecord({
      index: frame.index,
      level: frame.level,
      timestamp: this.display.timestamp(frame),
      message: this.display.message(frame),
    });
  }

  /** The output line (without newline) of one frame. */
  line(frame: Frame): string {
    return this.recordLine(this.record(frame));
  }

  private textRecord(frame: TextFrame): LogRecord {
    const loc = this.locations?.get(frame.index);
    return {
      level: frame.level,
      timestamp: frame.timestamp ?? '',
      message: frame.message,
      file: loc ? relativeTo(loc.file, this.options.currentDir) : undefined,
      line: loc?.line,
      modulePath: loc?.module,
    };
  }

  private textLine(frame: TextFrame): string {
    return this.recordLine(this.textRecord(frame));
  }

  private recordLine(record: LogRecord): string {
    if (this.options.json) {
      const now = this.options.now ?? (() => BigInt(Date.now()) * 1_000_000n);
      return jsonFrameLine(record, now());
    }
    return record.level === undefined ? record.message : this.formatter.format(record);
  }
}
