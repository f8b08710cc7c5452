// Terminal colours and styles exactly as the `colored` crate (v2) writes them, which is what
// defmt-print's output is made of: one `ESC[...m` with styles first (in colored's fixed order) then
// the foreground colour, the text padded inside it, `ESC[0m` after it, and the outer style
// re-applied after every reset inside the text. Relies on `../print/rust-fmt.ts` for padding.

import { type Align, pad } from '../print/rust-fmt';
import type { ColorName, LogStyle } from './segments';

/** Foreground colours, including the bright ones defmt-print uses for DEBUG and TRACE. */
export type AnsiColor = ColorName | 'bright-black' | 'bright-white';

const FG: Record<AnsiColor, string> = {
  black: '30',
  red: '31',
  green: '32',
  yellow: '33',
  blue: '34',
  magenta: '35',
  cyan: '36',
  white: '37',
  'bright-black': '90',
  'bright-white': '97',
};

// colored's style bits in the order it emits them: bold, dimmed, underline, reversed, italic,
// blink, hidden, strikethrough.
const STYLE_ORDER: readonly [LogStyle, string][] = [
  ['bold', '1'],
  ['dimmed', '2'],
  ['underline', '4'],
  ['italic', '3'],
  ['strike', '9'],
];

const RESET = '\x1b[0m';
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts every ANSI sequence.
const ANSI = /\x1b\[[0-9;]*m/g;

/** Length of `s` in ANSI escape characters (what the reference adds to a segment's width). */
export function ansiLength(s: string): number {
  if (!s.includes('\x1b')) return 0;
  return s.length - s.replace(ANSI, '').length;
}

/** Layout of one {@link paint} call. */
export interface Paint {
  readonly color?: AnsiColor | undefined;
  readonly styles?: readonly LogStyle[] | undefined;
  readonly width: number;
  readonly align: Align;
  readonly fill: string;
}

/**
 * A `ColoredString` displayed with a width: plain padded text without colours (or with nothing to
 * apply), otherwise style, padded text (with the style re-applied after inner resets), reset.
 */
export function paint(input: string, p: Paint, colored: boolean): string {
  const styles = p.styles ?? [];
  if (!colored || (p.color === undefined && styles.length === 0)) {
    return pad(input, p.width, p.align, p.fill);
  }
  const codes: string[] = [];
  for (const [name, code] of STYLE_ORDER) if (styles.includes(name)) codes.push(code);
  if (p.color !== undefined) codes.push(FG[p.color]);
  const style = `\x1b[${codes.join(';')}m`;
  const escaped = input.includes(RESET) ? input.split(RESET).join(RESET + style) : input;
  return style + pad(escaped, p.width, p.align, p.fill) + RESET;
}

/** A string in one colour and style, without padding (`"text".red().bold()`). */
export function colorize(
  input: string,
  color: AnsiColor | undefined,
  styles: readonly LogStyle[],
  colored: boolean,
): string {
  return paint(input, { color, styles, width: 0, align: 'left', fill: ' ' }, colored);
}

/** Whether to colour, from the environment, as `colored` decides it. */
export function shouldColorize(
  env: Readonly<Record<string, string | undefined>>,
  isTty: boolean,
): boolean {
  const force = env['CLICOLOR_FORCE'];
  if (force !== undefined && force !== '0') return true;
  if (env['NO_COLOR'] !== undefined) return false;
  const clicolor = env['CLICOLOR'];
  return (clicolor === undefined || clicolor !== '0') && isTty;
}
