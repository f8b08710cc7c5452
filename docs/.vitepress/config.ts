// The documentation site: VitePress over the Markdown pages in docs/. Package pages join the
// sidebar as they are written; VitePress fails the build on a dead link.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitepress';

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
  ['enclaves', 'Enclaves'],
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
      { text: 'Packages', link: '/kernel' },
    ],
    sidebar: [
      {
        text: 'Guide',
        items: [
          { text: 'Getting started', link: '/guide/getting-started' },
          { text: 'Working on K5', link: '/development' },
        ],
      },
      { text: 'Concepts', items: existing(CONCEPT_PAGES) },
      { text: 'Packages', items: existing(PACKAGE_PAGES) },
    ],
    search: { provider: 'local' },
  },
});
