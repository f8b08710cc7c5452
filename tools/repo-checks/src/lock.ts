// Completes package-lock.json for this workplace's npm registry mirror, which serves only some
// platforms' builds of native packages (biome, esbuild, rollup, turbo). `npm install` then omits
// the other platforms' optional packages from the lock, and `npm ci` rejects the lock as out of
// sync. We add each missing optional package back with the os/cpu/libc its name declares, which
// is what npm would have written from the real registry, so `npm ci` skips it here and installs
// it on the platforms it is for.

export interface LockNode {
  version?: string;
  optional?: boolean;
  dev?: boolean;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  optionalDependencies?: Record<string, string>;
  [key: string]: unknown;
}

export interface Lockfile {
  packages: Record<string, LockNode>;
  [key: string]: unknown;
}

const OSES = [
  'darwin',
  'linux',
  'win32',
  'freebsd',
  'openbsd',
  'netbsd',
  'android',
  'sunos',
  'aix',
];
const CPUS: Record<string, string> = {
  x64: 'x64',
  '64': 'x64',
  amd64: 'x64',
  arm64: 'arm64',
  aarch64: 'arm64',
  arm: 'arm',
  ia32: 'ia32',
  '32': 'ia32',
  ppc64: 'ppc64',
  ppc64le: 'ppc64',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
  loongarch64: 'loong64',
  mips64el: 'mips64el',
};

/** The platform a native package's name declares, for example `@rollup/rollup-linux-x64-musl`. */
export function platformOf(name: string): Pick<LockNode, 'os' | 'cpu' | 'libc'> {
  const tokens = (name.split('/').at(-1) ?? name).split('-');
  const result: Pick<LockNode, 'os' | 'cpu' | 'libc'> = {};
  const os =
    tokens.find((t) => OSES.includes(t)) ?? (tokens.includes('windows') ? 'win32' : undefined);
  if (os) result.os = [os];
  const cpu = tokens.find((t) => t in CPUS);
  if (cpu) result.cpu = [CPUS[cpu]!];
  if (tokens.includes('musl')) result.libc = ['musl'];
  else if (tokens.includes('gnu') || tokens.includes('gnueabihf')) result.libc = ['glibc'];
  // A name that declares no platform (a wasm build, say) must not install where it was absent.
  if (!result.os && !result.cpu) result.os = ['none'];
  return result;
}

/** Adds the missing optional packages; returns their names (empty when the lock was complete). */
export function completeLock(lock: Lockfile): string[] {
  const added: string[] = [];
  for (const [path, node] of Object.entries(lock.packages)) {
    for (const [dep, range] of Object.entries(node.optionalDependencies ?? {})) {
      const prefix = path === '' ? '' : `${path}/`;
      const nested = `${prefix}node_modules/${dep}`;
      const hoisted = `node_modules/${dep}`;
      if (nested in lock.packages || hoisted in lock.packages) continue;
      lock.packages[hoisted] = {
        version: range.replace(/^[\^~=]/, ''),
        ...(node.dev ? { dev: true } : {}),
        optional: true,
        ...platformOf(dep),
      };
      added.push(dep);
    }
  }
  return added;
}
