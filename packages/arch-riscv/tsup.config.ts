import { k5Package } from '../../tools/config/tsup.ts';

export default k5Package({ entry: { index: 'src/index.ts' } });
