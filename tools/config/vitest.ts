// Shared vitest settings: tests read sibling packages from src/ through the `@k5/source`
// export condition, so they never need a build first.
import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

const conditions = ['@k5/source', ...defaultServerConditions];

export function k5Vitest(options: { testTimeout?: number } = {}) {
  return defineConfig({
    resolve: { conditions },
    ssr: { resolve: { conditions } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: options.testTimeout ?? 60_000,
      reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
      typecheck: { enabled: false },
    },
  });
}
