// The parsed form of a defmt-print log format (`--log-format "{t} {L} {s}"`): segments with their
// optional colour, styles, width, alignment and padding. Relies on nothing.

/** A terminal colour name as the `colored` crate knows it (one word, case-insensitive). */
export type ColorName =
  | 'black'
  | 'red'
  | 'green'
  | 'yellow'
  | 'blue'
  | 'magenta'
  | 'cyan'
  | 'white';

/** Colour of a segment: a fixed colour, the level's colour, or the level's colour for warn/error only. */
export type LogColor =
  | { readonly kind: 'color'; readonly color: ColorName }
  | { readonly kind: 'severity' }
  | { readonly kind: 'werror' };

/** Text styles. */
export type LogStyle = 'bold' | 'italic' | 'underline' | 'strike' | 'dimmed';

/** How a segment is laid out and coloured. */
export interface LogFormat {
  /** Minimum width in characters. */
  readonly width?: number;
  /** Foreground colour. */
  readonly color?: LogColor;
  /** Text styles, each at most once. */
  readonly styles?: readonly LogStyle[];
  /** Alignment within `width` (left by default). */
  readonly alignment?: 'left' | 'center' | 'right';
  /** Fill character: spaces, or zeros when the width was written with a leading `0`. */
  readonly padding?: 'space' | 'zero';
}

/** What a segment shows. */
export type LogMetadata =
  | { readonly kind: 'crate' }
  | { readonly kind: 'file-name'; readonly components: number }
  | { readonly kind: 'file-path' }
  | { readonly kind: 'line' }
  | { readonly kind: 'log' }
  | { readonly kind: 'level' }
  | { readonly kind: 'module' }
  | { readonly kind: 'timestamp' }
  | { readonly kind: 'string'; readonly text: string }
  | { readonly kind: 'nested'; readonly segments: readonly LogSegment[] };

/** One segment of a log format. */
export interface LogSegment {
  /** What the segment shows. */
  readonly metadata: LogMetadata;
  /** How it is laid out. */
  readonly format: LogFormat;
}
