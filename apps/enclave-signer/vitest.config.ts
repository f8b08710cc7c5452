import { k5Vitest } from '../../tools/config/vitest.ts';

export default k5Vitest();
