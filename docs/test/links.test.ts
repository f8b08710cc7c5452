// Every relative link in the repository's Markdown (docs pages, READMEs) points at a file or
// folder that exists, and every `#anchor` into a Markdown page names one of its headings.
// VitePress checks the site's own links at build time; this covers the READMEs too.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiPages } from '../api/api-report';

const repo = resolve(import.meta.dirname, '..', '..');
const SKIP = new Set(['node_modules', 'dist', '.git', '.turbo', 'cache', 'temp', '.tsc']);

function markdownFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    if (SKIP.has(entry)) continue;
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) markdownFiles(full, out);
    else if (entry.endsWith('.md') && !full.includes('/etc/') && !full.includes('CHANGELOG')) {
      out.push(full);
    }
  }
  return out;
}

/** GitHub/VitePress heading slugs: lower case, punctuation dropped, spaces to dashes. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(file: string): Set<string> {
  const text = readFileSync(file, 'utf8');
  const found = new Set<string>();
  for (const m of text.matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) found.add(slug(m[1]!));
  return found;
}

function links(text: string): string[] {
  const withoutCode = text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...withoutCode.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
}

const API_SLUGS = new Set(apiPages(repo).map((p) => p.slug));

const files = [
  ...markdownFiles(join(repo, 'docs')),
  ...markdownFiles(join(repo, 'packages')),
  ...markdownFiles(join(repo, 'apps')),
  join(repo, 'README.md'),
];

describe('Markdown links', () => {
  it('finds the pages to check', () => {
    expect(files.map((f) => relative(repo, f))).toContain('docs/development.md');
  });

  it.each(files.map((f) => [relative(repo, f), f]))('%s', (_name, file) => {
    const broken: string[] = [];
    for (const link of links(readFileSync(file, 'utf8'))) {
      if (/^[a-z]+:/i.test(link)) continue; // http:, https:, mailto:
      const [path, anchor] = link.split('#') as [string, string | undefined];
      let target = path === '' ? file : resolve(dirname(file), path);
      // VitePress links without an extension: `/kernel` or `./kernel` mean `kernel.md`.
      if (path.startsWith('/')) target = join(repo, 'docs', path);
      if (!existsSync(target) && existsSync(`${target}.md`)) target = `${target}.md`;
      // API reference pages are generated from the reports: `api/<slug>` needs etc/<slug>.api.md.
      if (!existsSync(target) && dirname(target) === join(repo, 'docs', 'api')) {
        if (API_SLUGS.has(target.slice(dirname(target).length + 1))) continue;
      }
      if (!existsSync(target)) {
        broken.push(`${link} (no such file)`);
      } else if (anchor && target.endsWith('.md') && !anchors(target).has(anchor)) {
        broken.push(`${link} (no heading #${anchor})`);
      }
    }
    expect(broken).toEqual([]);
  });
});
