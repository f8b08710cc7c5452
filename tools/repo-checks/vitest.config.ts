import { k5Vitest } from '../config/vitest';

export default k5Vitest();
