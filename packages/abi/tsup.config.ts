import { k5Package } from '../../tools/config/tsup.ts';

// The d.ts build compiles only the entry's import graph, which `composite` (needed by `tsc -b`)
// rejects as an incomplete file list; the build does not need project references.
export default k5Package({
  entry: { index: 'src/index.ts' },
  overrides: { dts: { compilerOptions: { composite: false } } },
});
