import { k5Package } from '../../tools/config/tsup';

export default k5Package({ entry: { index: 'src/index.ts' } });
