// Shared tsup settings: every published package builds ESM + CJS + .d.ts the same way.
import { defineConfig, type Options } from 'tsup';

export interface K5PackageOptions {
  /** Entry points by output name, for example `{ index: 'src/index.ts' }`. */
  entry: Record<string, string>;
  /** Extra options for entries that need them (a CLI banner, for example). */
  overrides?: Partial<Options>;
}

export function k5Package(options: K5PackageOptions) {
  return defineConfig({
    entry: options.entry,
    format: ['esm', 'cjs'],
    // Declarations are bundled per entry; the workspace's composite project settings do not apply.
    dts: { compilerOptions: { composite: false, incremental: false } },
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'neutral',
    splitting: false,
    treeshake: true,
    ...options.overrides,
  });
}
