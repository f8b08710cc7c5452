import { k5Package } from '../../tools/config/tsup.ts';

export default k5Package({
  entry: { index: 'src/index.ts', bin: 'src/bin.ts' },
  overrides: { platform: 'node' },
});
