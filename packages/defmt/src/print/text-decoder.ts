// Frames straight to text: the log statement's level, the formatted timestamp and the formatted
// message, which is all a printer needs. Formats with a text plan (`text-plan.ts`) are decoded
// from the bytes directly into their text; any other frame — and any frame the plan cannot read
// (too short, bad UTF-8, an unknown index) — goes through `FrameDecoder` and `FrameDisplay`, which
// also produce the exact error. Plans are compiled on first use and kept by this decoder, like the
// format cache: compilation per format string, nothing cached per frame. Relies on
// `frame/decoder.ts`, `display.ts`, `text-plan.ts` and the print helpers.

import type { FrameDecoder } from '../frame/decoder';
import { type Level, levelOfTag } from '../frame/level';
import type { IntValue } from '../frame/types';
import { Utf8Text } from '../frame/utf8';
import type { DefmtTable } from '../table/types';
import { decimal } from './decimal';
import { type FrameDisplay, formatSigned } from './display';
import { formatF32, formatF64 } from './float';
import { debugStr } from './rust-fmt';
import { Read, Show, type TextPlan, compileTextPlan } from './text-plan';
import { formatIso8601, formatSeconds } from './time';

/** A decoded frame as text. */
export interface TextFrame {
  /** The frame's string index (its log statement). */
  readonly index: number;
  /** The log level, or `undefined` for `println!` frames (and other level-less entries). */
  readonly level: Level | undefined;
  /** The formatted timestamp, or `undefined` when the table has no timestamp format. */
  readonly timestamp: string | undefined;
  /** The formatted message, as `Frame::display_message` prints it. */
  readonly message: string;
}

/** Outcome of {@link TextFrameDecoder.tryDecode}, shaped like `FrameDecoder.tryDecode`'s. */
export type TextDecodeOutcome =
  | { readonly ok: true; readonly frame: TextFrame; readonly consumed: number }
  | {
      readonly ok: false;
      readonly error: 'unexpected-eof' | 'malformed-frame';
      readonly reason: string;
    };

const TWO_32 = 4294967296;
// Opcodes as module constants: the hot loop compares against literals, not property reads.
const { u8: READ_U8, u16: READ_U16, u32: READ_U32, u64: READ_U64 } = Read;
const { i8: READ_I8, i16: READ_I16, i32: READ_I32, i64: READ_I64 } = Read;
const { f32: READ_F32, f64: READ_F64, bool: READ_BOOL, char: READ_CHAR } = Read;
const { str: READ_STR, istr: READ_ISTR } = Read;
const { decimal: DECIMAL, seconds: SECONDS, iso8601: ISO8601, unsigned: UNSIGNED } = Show;
const { signed: SIGNED, debugStr: DEBUG_STR } = Show;

interface Statement {
  readonly level: Level | undefined;
  /** `null`: this statement's frames take the general path. */
  readonly plan: TextPlan | null;
}

/** Decodes frames of one table into text; reuse one instance for a whole stream. */
export class TextFrameDecoder {
  private readonly statements: (Statement | undefined)[] = [];
  /** `undefined`: the table has no timestamp; `null`: the timestamp takes the general path. */
  private readonly timestampPlan: TextPlan | null | undefined;
  private readonly utf8 = new Utf8Text();
  private readonly f32 = new Float32Array(1);
  private readonly f32Bytes = new Uint8Array(this.f32.buffer);
  private readonly f64 = new Float64Array(1);
  private readonly f64Bytes = new Uint8Array(this.f64.buffer);
  /** Read position of the plan being run. */
  private pos = 0;

  constructor(
    private readonly table: DefmtTable,
    private readonly frames: FrameDecoder,
    private readonly display: FrameDisplay,
  ) {
    const ts = table.timestamp;
    this.timestampPlan = ts === undefined ? undefined : this.planOf(ts.format);
  }

  /** Decodes the frame at the start of `bytes[start..end)` into text. */
  tryDecode(bytes: Uint8Array, start: number, end: number): TextDecodeOutcome {
    const fast = this.decodePlanned(bytes, start, end);
    if (fast !== undefined) return { ok: true, frame: fast, consumed: this.pos - start };
    const r = this.frames.tryDecode(bytes, start, end);
    if (!r.ok) return r;
    const f = r.frame;
    const frame: TextFrame = {
      index: f.index,
      level: f.level,
      timestamp: this.display.timestamp(f),
      message: this.display.message(f),
    };
    return { ok: true, frame, consumed: r.consumed };
  }

  private planOf(format: string): TextPlan | null {
    try {
      return compileTextPlan(this.frames.formats.get(format).fragments) ?? null;
    } catch {
      return null; // an invalid format string: the general path reports it
    }
  }

  private statement(index: number): Statement {
    const entry = this.table.entries.get(index);
    const s: Statement =
      entry === undefined
        ? { level: undefined, plan: null }
        : { level: levelOfTag(entry.tag), plan: this.planOf(entry.format) };
    this.statements[index] = s;
    return s;
  }

  /** The frame through its plans, or `undefined` when it needs the general path. */
  private decodePlanned(bytes: Uint8Array, start: number, end: number): TextFrame | undefined {
    if (end - start < 2) return undefined;
    const index = bytes[start]! | (bytes[start + 1]! << 8);
    const st = this.statements[index] ?? this.statement(index);
    const tsPlan = this.timestampPlan;
    if (st.plan === null || tsPlan === null) return undefined;
    this.pos = start + 2;
    let timestamp: string | undefined;
    if (tsPlan !== undefined) {
      timestamp = this.run(tsPlan, bytes, end);
      if (timestamp === undefined) return undefined;
    }
    const message = this.run(st.plan, bytes, end);
    if (message === undefined) return undefined;
    return { index, level: st.level, timestamp, message };
  }

  /** Runs a plan from `this.pos`; `undefined` when the bytes do not fit it. */
  private run(plan: TextPlan, b: Uint8Array, end: number): string | undefined {
    let p = this.pos;
    let out = plan.head;
    const steps = plan.steps;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      let num: IntValue = 0;
      let text = '';
      switch (step.read) {
        case READ_U8:
        case READ_I8:
        case READ_BOOL:
          if (p >= end) return undefined;
          num = b[p++]!;
          if (step.read === READ_I8) num = (num << 24) >> 24;
          else if (step.read === READ_BOOL) {
            if (num > 1) return undefined;
            text = num === 1 ? 'true' : 'false';
          }
          break;
        case READ_U16:
        case READ_I16:
          if (end - p < 2) return undefined;
          num = b[p]! | (b[p + 1]! << 8);
          if (step.read === READ_I16) num = (num << 16) >> 16;
          p += 2;
          break;
        case READ_U32:
        case READ_I32:
        case READ_CHAR:
          if (end - p < 4) return undefined;
          num = (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)) + b[p + 3]! * 0x1000000;
          p += 4;
          if (step.read === READ_I32) num |= 0;
          else if (step.read === READ_CHAR) {
            if (num > 0x10ffff || (num >= 0xd800 && num <= 0xdfff)) return undefined;
            text = String.fromCodePoint(num);
          }
          break;
        case READ_U64:
        case READ_I64: {
          if (end - p < 8) return undefined;
          const lo = (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)) + b[p + 3]! * 0x1000000;
          const hi = (b[p + 4]! | (b[p + 5]! << 8) | (b[p + 6]! << 16)) + b[p + 7]! * 0x1000000;
          p += 8;
          if (step.read === READ_U64)
            num = hi < 0x200000 ? hi * TWO_32 + lo : (BigInt(hi) << 32n) | BigInt(lo);
          else {
            const shi = hi | 0;
            num =
              shi >= -0x200000 && shi < 0x200000
                ? shi * TWO_32 + lo
                : (BigInt(shi) << 32n) | BigInt(lo);
          }
          break;
        }
        case READ_F32:
          if (end - p < 4) return undefined;
          for (let k = 0; k < 4; k++) this.f32Bytes[k] = b[p + k]!;
          p += 4;
          text = formatF32(this.f32[0]!);
          break;
        case READ_F64:
          if (end - p < 8) return undefined;
          for (let k = 0; k < 8; k++) this.f64Bytes[k] = b[p + k]!;
          p += 8;
          text = formatF64(this.f64[0]!);
          break;
        case READ_STR: {
          if (end - p < 4) return undefined;
          const n = (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)) + b[p + 3]! * 0x1000000;
          p += 4;
          if (end - p < n) return undefined;
          const s = this.utf8.decode(b, p, p + n);
          if (s === undefined) return undefined;
          text = s;
          p += n;
          break;
        }
        case READ_ISTR: {
          if (end - p < 2) return undefined;
          const entry = this.table.entries.get(b[p]! | (b[p + 1]! << 8));
          p += 2;
          if (entry === undefined || levelOfTag(entry.tag) !== undefined) return undefined;
          text = entry.format;
          break;
        }
      }
      switch (step.show) {
        case DECIMAL:
          text = decimal(num);
          break;
        case SECONDS:
          text = formatSeconds(num, step.precision);
          break;
        case ISO8601:
          text = formatIso8601(num, step.precision);
          break;
        case UNSIGNED:
          text = this.display.unsigned(num, step.hint);
          break;
        case SIGNED:
          text = formatSigned(num, step.type, step.hint);
          break;
        case DEBUG_STR:
          text = debugStr(text);
          break;
      }
      out += text;
      out += step.after;
    }
    this.pos = p;
    return out;
  }
}
