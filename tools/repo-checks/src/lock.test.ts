import { describe, expect, it } from 'vitest';
import { completeLock, type Lockfile, platformOf } from './lock';

describe('platformOf', () => {
  it.each([
    ['@biomejs/cli-win32-x64', { os: ['win32'], cpu: ['x64'] }],
    ['@biomejs/cli-linux-arm64-musl', { os: ['linux'], cpu: ['arm64'], libc: ['musl'] }],
    ['@rollup/rollup-linux-x64-gnu', { os: ['linux'], cpu: ['x64'], libc: ['glibc'] }],
    ['@esbuild/darwin-arm64', { os: ['darwin'], cpu: ['arm64'] }],
    ['turbo-windows-64', { os: ['win32'], cpu: ['x64'] }],
    ['@rollup/wasm-node', { os: ['none'] }],
  ])('%s', (name, expected) => {
    expect(platformOf(name)).toEqual(expected);
  });
});

describe('completeLock', () => {
  it('adds missing optional packages once, keeping present ones', () => {
    const lock: Lockfile = {
      packages: {
        '': {},
        'node_modules/@biomejs/biome': {
          version: '2.6.8',
          dev: true,
          optionalDependencies: {
            '@biomejs/cli-linux-x64': '2.6.8',
            '@biomejs/cli-darwin-arm64': '2.6.8',
          },
        },
        'node_modules/@biomejs/cli-linux-x64': { version: '2.6.8', optional: true },
      },
    };
    expect(completeLock(lock)).toEqual(['@biomejs/cli-darwin-arm64']);
    expect(lock.packages['node_modules/@biomejs/cli-darwin-arm64']).toEqual({
      version: '2.6.8',
      dev: true,
      optional: true,
      os: ['darwin'],
      cpu: ['arm64'],
    });
    expect(completeLock(lock)).toEqual([]);
  });
});
