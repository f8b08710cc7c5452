import { k5Package } from '../../tools/config/tsup.ts';

export default k5Package({
  entry: { index: 'src/index.ts', node: 'src/node/index.ts', cli: 'src/node/cli.ts' },
});
