// Extracts module specifiers from TypeScript source text: static imports and re-exports,
// dynamic `import()` and `require()`. Type-only imports count too: the arrows are about
// knowledge, not just runtime.

const PATTERNS: readonly RegExp[] = [
  /\b(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
  /\bimport\s*['"]([^'"]+)['"]/g,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"])\/\/.*$/gm, '$1');
}

/** Every module specifier the source mentions, in order of appearance, without duplicates. */
export function importSpecifiers(source: string): string[] {
  const text = stripComments(source);
  const found: Array<{ at: number; spec: string }> = [];
  for (const pattern of PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      found.push({ at: match.index ?? 0, spec: match[1]! });
    }
  }
  found.sort((a, b) => a.at - b.at);
  return [...new Set(found.map((f) => f.spec))];
}

/** The package a bare specifier names (`@k5/kernel/x` -> `@k5/kernel`), or undefined if relative. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}
