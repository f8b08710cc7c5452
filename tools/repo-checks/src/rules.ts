// The architecture's dependency table (DESIGN.md, "Packages"): which workspace packages each
// published package may import, and which packages must stay browser-safe.

/** Published packages and the workspace packages each may depend on. */
export const ALLOWED_DEPENDENCIES: Readonly<Record<string, readonly string[]>> = {
  '@k5/abi': [],
  '@k5/elf': [],
  '@k5/defmt': ['@k5/elf'],
  '@k5/kernel': ['@k5/abi', '@k5/elf'],
  '@k5/arch-armv8m': ['@k5/abi', '@k5/kernel'],
  '@k5/arch-riscv': ['@k5/abi', '@k5/kernel'],
  '@k5/arch-aarch64': ['@k5/abi', '@k5/kernel'],
  '@k5/userspace': ['@k5/abi', '@k5/defmt'],
  '@k5/cli': [
    '@k5/abi',
    '@k5/elf',
    '@k5/defmt',
    '@k5/kernel',
    '@k5/arch-armv8m',
    '@k5/arch-riscv',
    '@k5/arch-aarch64',
    '@k5/userspace',
  ],
};

/**
 * Runnable systems in `apps/` (private packages named `@k5/app-*`) sit on top of the table: they
 * may use every published package and Node, but must declare what they import.
 */
export const APP_PREFIX = '@k5/app-';

/** What an app may depend on: every published package. */
export const APP_ALLOWED: readonly string[] = Object.keys(ALLOWED_DEPENDENCIES);

/** Private workspace helpers that tests and benchmarks (never `src/`) may import. */
export const DEV_ONLY_PACKAGES: readonly string[] = ['@k5/bench', '@k5/config', '@k5/test-utils'];

/**
 * Source folders allowed to use Node built-ins. Everything else in a published package's `src/`
 * must run in a browser, so that simulators and log viewers can embed it.
 */
export const NODE_ONLY_SOURCES: Readonly<Record<string, readonly string[]>> = {
  '@k5/cli': ['src/'],
  '@k5/defmt': ['src/node/'],
};
