import { k5Vitest } from '../../tools/config/vitest';

export default k5Vitest();
