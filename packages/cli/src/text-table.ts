// Plain-text tables for terminal output: columns padded to their widest cell (ANSI colour codes
// do not count), trailing spaces trimmed.

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point.
const ANSI = /\u001b\[[0-9;]*m/g;

const width = (s: string) => s.replace(ANSI, '').length;

/** Renders rows (the first is the header) as aligned columns. */
export function textTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => width(r[i] ?? ''))));
  return `${rows
    .map((r) =>
      r
        .map((c, i) => c + ' '.repeat(widths[i]! - width(c)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}
