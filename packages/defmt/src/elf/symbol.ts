// defmt symbol names: the JSON object every interned string's symbol is named with (wire versions 3
// and 4), parsed with the same acceptance rules as defmt-decoder's serde derive (unknown fields
// ignored, `crate_name` optional, positional arrays accepted), and the reverse: making such a name.
// Also the key under which a `bitflags!` type's flags are stored in a table.

import type { DefmtTag } from '../table/types';
import { DefmtElfError } from './errors';

/** The fields of a defmt symbol name. */
export interface DefmtSymbol {
  /** Cargo package that interned the string. */
  readonly package: string;
  /** Full tag, for example `defmt_info` (third-party tags have other prefixes). */
  readonly tag: string;
  /** Format string or other data, depending on the tag. */
  readonly data: string;
  /** Makes otherwise equal symbols unique within a crate. */
  readonly disambiguator: string;
  /** Crate name (wire version 4); absent in older firmware. */
  readonly crateName: string | undefined;
}

const TAGS: ReadonlyMap<string, DefmtTag> = new Map<string, DefmtTag>([
  ['defmt_prim', 'prim'],
  ['defmt_derived', 'derived'],
  ['defmt_bitflags', 'bitflags'],
  ['defmt_write', 'write'],
  ['defmt_timestamp', 'timestamp'],
  ['defmt_bitflags_value', 'bitflags_value'],
  ['defmt_str', 'str'],
  ['defmt_println', 'println'],
  ['defmt_trace', 'trace'],
  ['defmt_debug', 'debug'],
  ['defmt_info', 'info'],
  ['defmt_warn', 'warn'],
  ['defmt_error', 'error'],
]);

/** The table tag of a full symbol tag, or `undefined` for tags defmt does not interpret. */
export function defmtTagOf(tag: string): DefmtTag | undefined {
  return TAGS.get(tag);
}

function fail(raw: string, why: string): never {
  throw new DefmtElfError(
    'BAD_SYMBOL',
    `failed to demangle defmt symbol \`${raw}\`: ${why}; symbols in .defmt sections must be JSON objects with package, tag, data and disambiguator strings`,
  );
}

/**
 * Parses a defmt symbol name.
 *
 * @throws {@link DefmtElfError} `BAD_SYMBOL` when the name is not valid JSON of the right shape.
 */
export function parseDefmtSymbol(raw: string): DefmtSymbol {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    fail(raw, e instanceof Error ? e.message : 'invalid JSON');
  }
  // serde accepts a struct as an array of its fields in declaration order.
  if (Array.isArray(value)) {
    const order = ['package', 'disambiguator', 'tag', 'data', 'crate_name'];
    if (value.length < 4 || value.length > 5)
      fail(raw, `expected 4 or 5 array elements, got ${value.length}`);
    value = Object.fromEntries(value.map((v, i) => [order[i], v]));
  }
  if (typeof value !== 'object' || value === null) fail(raw, 'not a JSON object');
  const o = value as Record<string, unknown>;
  const field = (name: string): string => {
    const v = o[name];
    if (v === undefined) fail(raw, `missing field \`${name}\``);
    if (typeof v !== 'string') fail(raw, `field \`${name}\` is not a string`);
    return v;
  };
  const crate = o['crate_name'];
  if (crate !== undefined && crate !== null && typeof crate !== 'string') {
    fail(raw, 'field `crate_name` is not a string');
  }
  return {
    package: field('package'),
    disambiguator: field('disambiguator'),
    tag: field('tag'),
    data: field('data'),
    crateName: typeof crate === 'string' ? crate : undefined,
  };
}

// defmt's macros escape `\`, `"`, newlines, control characters and `@` (which linkers read as a
// symbol-version separator); the rest is kept as is.
function escapeJson(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || ch === '@') {
      out += `\\u${c.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return out;
}

/** Makes the symbol name defmt's macros would give these fields (wire version 4 layout). */
export function formatDefmtSymbol(symbol: DefmtSymbol): string {
  const crate =
    symbol.crateName === undefined ? '' : `,"crate_name":"${escapeJson(symbol.crateName)}"`;
  return `{"package":"${escapeJson(symbol.package)}","tag":"${escapeJson(symbol.tag)}","data":"${escapeJson(symbol.data)}","disambiguator":"${escapeJson(symbol.disambiguator)}"${crate}}`;
}

/**
 * The key of a `bitflags!` type in `DefmtTable.bitflags`: `NAME@PACKAGE@DISAMBIGUATOR`, plus
 * `@CRATE` when the firmware records crate names. It is exactly what follows
 * `__internal_bitflags_` in the type's display hint, so the formatter can look flags up with it.
 */
export function bitflagsKey(
  name: string,
  pkg: string,
  disambiguator: string,
  crateName?: string,
): string {
  return crateName === undefined
    ? `${name}@${pkg}@${disambiguator}`
    : `${name}@${pkg}@${disambiguator}@${crateName}`;
}
