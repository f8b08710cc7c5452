// Text plans: a top-level format string (a log message or the timestamp) compiled once into the
// literal text around its parameters and, per parameter, how to read its value from the frame and
// how to show it. A plan lets `text-decoder.ts` turn frame bytes straight into the message, without
// building `Arg` objects. Only formats whose parameters are all plain scalars (integers up to 64
// bits, floats, bool, char, str, istr), each shown once in wire order, get a plan; every other
// format keeps the general decode-then-display path. The read and show rules mirror
// `frame/decoder.ts` and `display.ts` exactly (tests compare both paths). Relies on the parser types.

import type { DisplayHint, TimePrecision } from '../format/hint';
import type { Fragment, ParamType } from '../format/parser';

/** How a step reads its value (little endian, as `FrameDecoder` does). */
export const Read = {
  u8: 0,
  u16: 1,
  u32: 2,
  u64: 3,
  i8: 4,
  i16: 5,
  i32: 6,
  i64: 7,
  f32: 8,
  f64: 9,
  bool: 10,
  char: 11,
  str: 12,
  istr: 13,
} as const;

/** How a step shows its value (the branches of `FrameDisplay`'s fragment rules). */
export const Show = {
  /** Integers without a hint (and unsigned `:?` at top level): plain decimal. */
  decimal: 0,
  /** Unsigned `:us` / `:ms`. */
  seconds: 1,
  /** Unsigned `:iso8601ms` / `:iso8601s`. */
  iso8601: 2,
  /** Unsigned with any other hint: `FrameDisplay.unsigned`. */
  unsigned: 3,
  /** Signed with a hint: `formatSigned`. */
  signed: 4,
  /** Text as read (bool, floats, char, str and istr without `:?`). */
  text: 5,
  /** `str` / `istr` with `:?`: Rust's Debug quoting. */
  debugStr: 6,
} as const;

/** One parameter of a plan and the literal text that follows it. */
export interface TextStep {
  readonly read: (typeof Read)[keyof typeof Read];
  readonly show: (typeof Show)[keyof typeof Show];
  /** The parameter's type (signed hex depends on its width). */
  readonly type: ParamType['kind'];
  readonly hint: DisplayHint | undefined;
  /** Precision of `seconds` and `iso8601` (unused otherwise). */
  readonly precision: TimePrecision;
  /** Literal text after this parameter, up to the next one. */
  readonly after: string;
}

/** A compiled format: `head`, then each step's value followed by its `after` text. */
export interface TextPlan {
  readonly head: string;
  readonly steps: readonly TextStep[];
}

const READS: Partial<Record<ParamType['kind'], TextStep['read']>> = {
  u8: Read.u8,
  u16: Read.u16,
  u32: Read.u32,
  usize: Read.u32,
  u64: Read.u64,
  i8: Read.i8,
  i16: Read.i16,
  i32: Read.i32,
  isize: Read.i32,
  i64: Read.i64,
  f32: Read.f32,
  f64: Read.f64,
  bool: Read.bool,
  char: Read.char,
  str: Read.str,
  istr: Read.istr,
};

function showOf(type: ParamType['kind'], hint: DisplayHint | undefined): TextStep['show'] {
  switch (type) {
    case 'u8':
    case 'u16':
    case 'u32':
    case 'usize':
    case 'u64':
      if (hint === undefined || hint.kind === 'debug') return Show.decimal;
      if (hint.kind === 'seconds') return Show.seconds;
      if (hint.kind === 'iso8601') return Show.iso8601;
      return Show.unsigned;
    case 'i8':
    case 'i16':
    case 'i32':
    case 'isize':
    case 'i64':
      return hint === undefined ? Show.decimal : Show.signed;
    case 'str':
    case 'istr':
      return hint?.kind === 'debug' ? Show.debugStr : Show.text;
    default:
      return Show.text;
  }
}

/**
 * The plan of a top-level format given as its fragments, or `undefined` when the format needs the
 * general path (nested formats, byte slices, 128-bit integers, bitfields, preformatted strings,
 * or parameters out of wire order or shown twice).
 */
export function compileTextPlan(fragments: readonly Fragment[]): TextPlan | undefined {
  let head = '';
  const steps: TextStep[] = [];
  let pending: Omit<TextStep, 'after'> | undefined;
  let text = '';
  for (const f of fragments) {
    if (f.kind === 'literal') {
      text += f.text;
      continue;
    }
    const p = f.param;
    const read = READS[p.type.kind];
    // Wire order is argument order; a plan reads each argument exactly where it is shown.
    if (read === undefined || p.index !== steps.length + (pending ? 1 : 0)) return undefined;
    if (pending) steps.push({ ...pending, after: text });
    else head = text;
    text = '';
    const hint = p.hint;
    pending = {
      read,
      show: showOf(p.type.kind, hint),
      type: p.type.kind,
      hint,
      precision:
        hint?.kind === 'seconds' || hint?.kind === 'iso8601' || hint?.kind === 'time'
          ? hint.precision
          : 's',
    };
  }
  if (pending) steps.push({ ...pending, after: text });
  else head = text;
  return { head, steps };
}
