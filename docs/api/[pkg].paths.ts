// VitePress dynamic route: one API reference page per API Extractor report, generated at build
// time from packages/*/etc/*.api.md.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiPage, apiPages, parseApiReport } from './api-report';

const repo = join(import.meta.dirname, '..', '..');

export default {
  watch: ['../../packages/*/etc/*.api.md'],
  paths() {
    return apiPages(repo).map((p) => {
      // `defmt-node` documents `@k5/defmt/node`; its guide is the defmt page.
      const guide = p.slug.split('-node')[0]!;
      const hasGuide = existsSync(join(repo, 'docs', `${guide}.md`));
      return {
        params: { pkg: p.slug, title: p.title },
        content: apiPage(
          parseApiReport(readFileSync(p.file, 'utf8')),
          hasGuide ? `/${guide}` : undefined,
        ),
      };
    });
  },
};
