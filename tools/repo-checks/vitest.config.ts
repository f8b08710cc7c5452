import { k5Vitest } from '../config/vitest.ts';

export default k5Vitest();
