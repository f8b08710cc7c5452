// The documentation site: VitePress over the Markdown pages in docs/. Package pages join the
// sidebar as they are written; the API reference pages are generated from the API Extractor
// reports (api/[pkg].paths.ts); VitePress fails the build on a dead link.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitepress';
import { apiPages } from '../api/api-report';

const docs = join(import.meta.dirname, '..');

const PACKAGE_PAGES: ReadonlyArray<[string, string]> = [
  ['abi', '@k5/abi'],
  ['kernel', '@k5/kernel'],
  ['userspace', '@k5/userspace'],
  ['elf', '@k5/elf'],
  ['defmt', '@k5/defmt'],
  ['arch-armv8m', '@k5/arch-armv8m'],
  ['arch-riscv', '@k5/arch-riscv'],
  ['arch-aarch64', '@k5/arch-aarch64'],
];

const CONCEPT_PAGES: ReadonlyArray<[string, string]> = [
  ['scheduling', 'MCS scheduling'],
  ['faults', 'Faults and interrupts'],
  ['supervision', 'Supervision'],
  ['enclaves', 'Enclaves'],
];

const GUIDE_PAGES: ReadonlyArray<[string, string]> = [
  ['guide/getting-started', 'Getting started'],
  ['guide/apps', 'Apps and the log channel'],
  ['cli', 'The k5 CLI'],
  ['guide/embedding', 'Embedding the kernel'],
  ['guide/embedding-rp2040js', 'Embedding in rp2040js'],
  ['c-tasks', 'C tasks'],
  ['development', 'Working on K5'],
];

const existing = (pages: ReadonlyArray<[string, string]>) =>
  pages
    .filter(([page]) => existsSync(join(docs, `${page}.md`)))
    .map(([page, text]) => ({ text, link: `/${page}` }));

export default defineConfig({
  title: 'K5',
  description: 'A capability-based microkernel for microcontrollers, as a TypeScript SDK',
  srcExclude: ['README.md', 'test/**'],
  cleanUrls: true,
  // Links from a page to repository files outside docs/ (apps, packages) cannot be pages of the
  // site; docs/test checks that they exist in the repository instead.
  ignoreDeadLinks: [/^(\.\/)?(\.\.\/)+(apps|packages|tools|scripts)\//],
  markdown: {
    // Inline code is shown as written: defmt format strings are full of `{{` and `}}`,
    // which Vue would otherwise read as interpolation.
    config(md) {
      const render = md.renderer.rules.code_inline!;
      md.renderer.rules.code_inline = (tokens, idx, options, env, self) =>
        render(tokens, idx, options, env, self).replace(/^<code/, '<code v-pre');
    },
  },
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/getting-started' },
      { text: 'CLI', link: '/cli' },
      { text: 'Packages', link: '/kernel' },
      { text: 'API', link: '/api/' },
    ],
    sidebar: [
      { text: 'Guide', items: existing(GUIDE_PAGES) },
      { text: 'Concepts', items: existing(CONCEPT_PAGES) },
      { text: 'Packages', items: existing(PACKAGE_PAGES) },
      {
        text: 'API reference',
        collapsed: true,
        items: apiPages(join(docs, '..')).map((p) => ({ text: p.title, link: `/api/${p.slug}` })),
      },
    ],
    search: { provider: 'local' },
  },
});
