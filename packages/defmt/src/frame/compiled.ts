// Parsed format strings, prepared once for decoding and display: the fragments, the parameters in
// the order their values are on the wire, and for enums the variant list. A `FormatCache` belongs
// to one decoder (never module-level) so that the hot path never parses a string twice.
// Relies on `../format/parser.ts`.

import { type Fragment, type Parameter, parseFormatString } from '../format/parser';

/** A format string ready for decoding and display. */
export interface CompiledFormat {
  /** The format string itself. */
  readonly format: string;
  /** Its literal and parameter pieces, in order. */
  readonly fragments: readonly Fragment[];
  /** Parameters in wire order: bitfields of one argument merged, sorted by index, de-duplicated. */
  readonly wire: readonly Parameter[];
  /** For enum formats (`A|B(...)`): the variants. */
  readonly variants: readonly string[] | undefined;
  /** Bytes of the enum discriminant (from the number of `|`), 0 when not an enum. */
  readonly discriminantBytes: number;
}

/**
 * Orders parameters as the reference decoder reads them: every bitfield of one argument merged
 * into a single range (placed after the other parameters), then a stable sort by argument index
 * keeping the first parameter of each index.
 */
export function wireOrder(fragments: readonly Fragment[]): Parameter[] {
  const params: Parameter[] = [];
  const merged = new Map<number, { start: number; end: number }>();
  for (const f of fragments) {
    if (f.kind !== 'param') continue;
    const p = f.param;
    if (p.type.kind === 'bitfield') {
      const m = merged.get(p.index);
      if (m) {
        m.start = Math.min(m.start, p.type.start);
        m.end = Math.max(m.end, p.type.end);
      } else merged.set(p.index, { start: p.type.start, end: p.type.end });
    } else params.push(p);
  }
  const byIndex = [...merged.entries()].sort((a, b) => a[0] - b[0]);
  for (const [index, r] of byIndex) {
    params.push({ index, type: { kind: 'bitfield', start: r.start, end: r.end }, hint: undefined });
  }
  params.sort((a, b) => a.index - b.index); // Array.prototype.sort is stable
  const out: Parameter[] = [];
  for (const p of params)
    if (out.length === 0 || out[out.length - 1]!.index !== p.index) out.push(p);
  return out;
}

function discriminantBytes(pipes: number): number {
  if (pipes <= 0xff) return 1;
  if (pipes <= 0xffff) return 2;
  if (pipes <= 0xffffffff) return 4;
  return 8;
}

/** Compiles format strings on first use and keeps them. */
export class FormatCache {
  private readonly map = new Map<string, CompiledFormat>();
  private readonly enums = new Map<string, CompiledFormat>();
  // Two most recent lookups: a stream alternates between the timestamp and a few messages, and
  // comparing the (usually identical) string objects is cheaper than hashing into the map.
  private lastA: CompiledFormat | undefined;
  private lastB: CompiledFormat | undefined;

  /** The compiled form of `format` (parsed as a whole, `|` being a literal). */
  get(format: string): CompiledFormat {
    const a = this.lastA;
    if (a !== undefined && a.format === format) return a;
    const b = this.lastB;
    if (b !== undefined && b.format === format) {
      this.lastB = a;
      this.lastA = b;
      return b;
    }
    const c = this.lookup(format);
    this.lastB = a;
    this.lastA = c;
    return c;
  }

  private lookup(format: string): CompiledFormat {
    let c = this.map.get(format);
    if (c === undefined) {
      const fragments = parseFormatString(format);
      c = {
        format,
        fragments,
        wire: wireOrder(fragments),
        variants: undefined,
        discriminantBytes: 0,
      };
      this.map.set(format, c);
    }
    return c;
  }

  /**
   * The compiled form of a nested `{=?}` format: an enum when it contains `|` (its variants are
   * compiled separately on use), otherwise the same as {@link FormatCache.get}.
   */
  getNested(format: string): CompiledFormat {
    if (!format.includes('|')) return this.get(format);
    let c = this.enums.get(format);
    if (c === undefined) {
      const variants = format.split('|');
      c = {
        format,
        fragments: [],
        wire: [],
        variants,
        discriminantBytes: discriminantBytes(variants.length - 1),
      };
      this.enums.set(format, c);
    }
    return c;
  }
}
