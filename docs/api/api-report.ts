// Turns an API Extractor report (packages/<name>/etc/<name>.api.md) into a reference page: the
// report's one TypeScript block is split into its top-level declarations, grouped by kind, each
// under its own heading with its release tag and signature. The reports are what `npm test`
// keeps in sync with the code, so the reference cannot drift from the published API.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One exported declaration of a report. */
export interface ApiDeclaration {
  readonly name: string;
  readonly kind: 'class' | 'function' | 'interface' | 'type' | 'variable' | 'enum' | 'namespace';
  /** Release tag and notes from the `// @public ...` line. */
  readonly tag: string;
  readonly signature: string;
}

/** A parsed report. */
export interface ApiReport {
  readonly packageName: string;
  readonly declarations: readonly ApiDeclaration[];
}

const KIND: Record<string, ApiDeclaration['kind']> = {
  class: 'class',
  'abstract class': 'class',
  function: 'function',
  interface: 'interface',
  type: 'type',
  const: 'variable',
  let: 'variable',
  enum: 'enum',
  'const enum': 'enum',
  namespace: 'namespace',
};

const DECLARATION =
  /^(export )?(?:declare )?(abstract class|const enum|class|function|interface|type|const|let|enum|namespace) ([A-Za-z_$][\w$]*)/;
/** `export { Location_2 as Location }`: API Extractor renames a declaration that clashes with a global. */
const ALIAS = /^export \{ ([\w$]+) as ([\w$]+) \};?$/;

/** Parses a report's text. */
export function parseApiReport(source: string): ApiReport {
  // API Extractor writes CRLF line endings.
  const text = source.replace(/\r\n/g, '\n');
  const name = /API Report File for "([^"]+)"/.exec(text)?.[1] ?? '(unknown package)';
  const block = /```ts\n([\s\S]*?)\n```/.exec(text)?.[1] ?? '';
  const declarations: (ApiDeclaration & { exported: boolean })[] = [];
  const aliases = new Map<string, string>();
  let tag = '';
  let current: string[] = [];
  let depth = 0;
  for (const line of block.split('\n')) {
    if (depth === 0 && current.length === 0) {
      const t = /^\/\/ (@\w+.*)$/.exec(line);
      if (t) {
        tag = t[1]!;
        continue;
      }
      const alias = ALIAS.exec(line);
      if (alias) {
        aliases.set(alias[1]!, alias[2]!);
        continue;
      }
      if (!DECLARATION.test(line)) continue;
    }
    current.push(line);
    for (const ch of line) {
      if (ch === '{' || ch === '(') depth++;
      else if (ch === '}' || ch === ')') depth--;
    }
    if (depth === 0 && /[;}]\s*$/.test(line)) {
      const signature = current.join('\n');
      const m = DECLARATION.exec(signature);
      if (m)
        declarations.push({ name: m[3]!, kind: KIND[m[2]!]!, tag, signature, exported: !!m[1] });
      current = [];
      tag = '';
    }
  }
  // Non-exported declarations appear only when re-exported under another name.
  const result = declarations
    .filter((d) => d.exported || aliases.has(d.name))
    .map(({ exported: _exported, ...d }) => ({ ...d, name: aliases.get(d.name) ?? d.name }));
  return { packageName: name, declarations: result };
}

const SECTIONS: ReadonlyArray<[ApiDeclaration['kind'], string]> = [
  ['function', 'Functions'],
  ['class', 'Classes'],
  ['interface', 'Interfaces'],
  ['type', 'Types'],
  ['variable', 'Constants'],
  ['enum', 'Enums'],
  ['namespace', 'Namespaces'],
];

/** The Markdown page of a report. `guide` is the package's guide page link, if any. */
export function apiPage(report: ApiReport, guide?: string): string {
  const out = [
    `# ${report.packageName} API`,
    '',
    `Every public declaration of \`${report.packageName}\`, generated from its API Extractor report.` +
      (guide ? ` What they are for is explained in the [package guide](${guide}).` : ''),
    '',
  ];
  for (const [kind, title] of SECTIONS) {
    const list = report.declarations.filter((d) => d.kind === kind);
    if (list.length === 0) continue;
    out.push(`## ${title}`, '');
    for (const d of list) {
      out.push(`### ${d.name}`, '');
      if (d.tag) out.push(`<small>${d.tag.replace(/[<>]/g, '')}</small>`, '');
      out.push('```ts', d.signature, '```', '');
    }
  }
  return out.join('\n');
}

/** One reference page per report in `packages/*` (`etc/*.api.md`), by page slug. */
export function apiPages(repo: string): { slug: string; title: string; file: string }[] {
  const out: { slug: string; title: string; file: string }[] = [];
  const packages = join(repo, 'packages');
  for (const pkg of readdirSync(packages).sort()) {
    let files: string[];
    try {
      files = readdirSync(join(packages, pkg, 'etc')).filter((f) => f.endsWith('.api.md'));
    } catch {
      continue;
    }
    for (const f of files.sort()) {
      const file = join(packages, pkg, 'etc', f);
      out.push({
        slug: f.replace(/\.api\.md$/, ''),
        title: parseApiReport(readFileSync(file, 'utf8')).packageName,
        file,
      });
    }
  }
  return out;
}
