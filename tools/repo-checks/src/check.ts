// Checks one workspace against the dependency rules: declared dependencies and actual imports.
// Pure over an in-memory description so that it can be tested; `main.ts` reads the disk.
import { importSpecifiers, packageOf } from './imports';
import {
  ALLOWED_DEPENDENCIES,
  APP_ALLOWED,
  APP_PREFIX,
  DEV_ONLY_PACKAGES,
  NODE_ONLY_SOURCES,
} from './rules';

export interface SourceFile {
  /** Path relative to the package folder, for example `src/ipc/call.ts`. */
  path: string;
  text: string;
}

export interface PackageInfo {
  name: string;
  dependencies: Readonly<Record<string, string>>;
  devDependencies: Readonly<Record<string, string>>;
  files: readonly SourceFile[];
}

export interface Violation {
  pkg: string;
  file?: string;
  message: string;
}

const isTestOrBench = (path: string) =>
  /\.test(-d)?\.ts$/.test(path) || path.startsWith('test/') || path.startsWith('bench/');

/** Checks every package; returns the violations (empty when the workspace follows the rules). */
export function checkWorkspace(
  packages: readonly PackageInfo[],
  nodeBuiltins: ReadonlySet<string>,
): Violation[] {
  const violations: Violation[] = [];
  for (const pkg of packages) {
    const isApp = pkg.name.startsWith(APP_PREFIX);
    const allowed = isApp ? APP_ALLOWED : ALLOWED_DEPENDENCIES[pkg.name];
    if (!allowed) {
      violations.push({ pkg: pkg.name, message: 'is not in the dependency table (rules.ts)' });
      continue;
    }
    for (const dep of Object.keys(pkg.dependencies)) {
      if (dep.startsWith('@k5/') && !allowed.includes(dep)) {
        violations.push({ pkg: pkg.name, message: `may not depend on ${dep}` });
      }
    }
    const nodeOk = isApp ? [''] : (NODE_ONLY_SOURCES[pkg.name] ?? []);
    for (const file of pkg.files) {
      const devFile = isTestOrBench(file.path);
      for (const spec of importSpecifiers(file.text)) {
        const target = packageOf(spec);
        if (!target || target === pkg.name) continue;
        const builtin = spec.startsWith('node:') || nodeBuiltins.has(target);
        if (builtin) {
          if (!devFile && !nodeOk.some((prefix) => file.path.startsWith(prefix))) {
            violations.push({
              pkg: pkg.name,
              file: file.path,
              message: `imports the Node built-in '${spec}' in browser-safe code`,
            });
          }
          continue;
        }
        if (target.startsWith('@k5/')) {
          if (
            devFile &&
            (DEV_ONLY_PACKAGES.includes(target) ||
              allowed.includes(target) ||
              target in pkg.devDependencies)
          )
            continue;
          if (!allowed.includes(target)) {
            violations.push({
              pkg: pkg.name,
              file: file.path,
              message: `imports ${target}, which DESIGN.md does not allow`,
            });
          } else if (!(target in pkg.dependencies)) {
            violations.push({
              pkg: pkg.name,
              file: file.path,
              message: `imports ${target} without declaring it in dependencies`,
            });
          }
          continue;
        }
        const declared = target in pkg.dependencies || (devFile && target in pkg.devDependencies);
        if (!declared && !devFile) {
          violations.push({
            pkg: pkg.name,
            file: file.path,
            message: `imports '${target}', which is not in dependencies`,
          });
        }
      }
    }
  }
  return violations;
}
