// Log levels and how a table tag maps to one. Relies on the table contract.

import type { DefmtTag } from '../table/types';

/** A defmt log level. */
export type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** The log level a table tag stands for, or `undefined` for tags that are not log statements. */
export function levelOfTag(tag: DefmtTag): Level | undefined {
  switch (tag) {
    case 'trace':
    case 'debug':
    case 'info':
    case 'warn':
    case 'error':
      return tag;
    default:
      return undefined;
  }
}

/** `INFO`, `WARN`, ...: how defmt-print names a level. */
export function levelName(level: Level): string {
  return level.toUpperCase();
}
