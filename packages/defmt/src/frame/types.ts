// The decoded form of a defmt log frame: its arguments as values and the frame record itself.
// Built by `decoder.ts`, displayed by `../print/`. Relies on the table contract only.

import type { Level } from './level';

/** An integer argument: a `number` when it is a safe integer, a `bigint` otherwise. */
export type IntValue = number | bigint;

/** One element of a `{=[?]}` / `{=[?; N]}` argument: its format (the variant for enums) and values. */
export interface FormatSliceElement {
  /** The element's format string (the variant, for enums). */
  readonly format: string;
  /** The element's values. */
  readonly args: readonly Arg[];
}

/** A decoded argument value, by kind (mirrors defmt-decoder's argument kinds). */
export type Arg =
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'f32'; readonly value: number }
  | { readonly kind: 'f64'; readonly value: number }
  /** u8..u128, usize and bitfields (a bitfield's value is the raw integer, shifted into place). */
  | { readonly kind: 'uint'; readonly value: IntValue }
  /** i8..i128 and isize. */
  | { readonly kind: 'int'; readonly value: IntValue }
  /** `{=str}`: a string sent in the frame. */
  | { readonly kind: 'str'; readonly value: string }
  /** `{=istr}`: an interned string from the table. */
  | { readonly kind: 'istr'; readonly value: string }
  /** `defmt::Debug2Format` / `Display2Format`: text formatted on the target. */
  | { readonly kind: 'preformatted'; readonly value: string }
  /** `{=?}` / `{}`: a nested format (for an enum, `format` is the chosen variant). */
  | { readonly kind: 'format'; readonly format: string; readonly args: readonly Arg[] }
  | { readonly kind: 'format-slice'; readonly elements: readonly FormatSliceElement[] }
  /** `defmt::write!` sequences: each element is a `format` argument. */
  | { readonly kind: 'format-sequence'; readonly args: readonly Arg[] }
  /** `{=[u8]}` and `{=[u8; N]}`. */
  | { readonly kind: 'bytes'; readonly value: Uint8Array }
  /** `{=char}`: one Unicode scalar value as a string. */
  | { readonly kind: 'char'; readonly value: string };

/** A decoded log frame. */
export interface Frame {
  /** The frame's string index (its log statement). */
  readonly index: number;
  /** The log level, or `undefined` for `println!` frames (and other level-less entries). */
  readonly level: Level | undefined;
  /** The log statement's format string. */
  readonly format: string;
  /** Values of the format's parameters, by argument index. */
  readonly args: readonly Arg[];
  /** The table's timestamp format, when the firmware declares one. */
  readonly timestampFormat: string | undefined;
  /** Values of the timestamp format's parameters (empty without a timestamp). */
  readonly timestampArgs: readonly Arg[];
}
