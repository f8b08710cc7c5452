// Test helpers: tables written out by hand, as the reference's own decoder tests build them.
import type { DefmtTable, DefmtTag, TableEntry } from '../src/table/types';

export function entry(tag: DefmtTag, format: string): TableEntry {
  return { tag, format, rawSymbol: '<unknown>' };
}

export function table(
  entries: Record<number, [DefmtTag, string]> | [DefmtTag, string][],
  options: {
    timestamp?: string;
    encoding?: 'raw' | 'rzcobs';
    bitflags?: DefmtTable['bitflags'];
  } = {},
): DefmtTable {
  const map = new Map<number, TableEntry>();
  for (const [k, [tag, format]] of Object.entries(entries)) map.set(Number(k), entry(tag, format));
  const t: DefmtTable = {
    version: '4',
    encoding: options.encoding ?? 'raw',
    entries: map,
    bitflags: options.bitflags ?? new Map(),
  };
  return options.timestamp ? { ...t, timestamp: entry('timestamp', options.timestamp) } : t;
}

export const bytes = (...b: number[]) => Uint8Array.from(b);
