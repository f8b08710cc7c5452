import { describe, expect, it } from 'vitest';
import { PACKAGE_NAME } from './index';

describe('@k5/abi entry', () => {
  it('names its package', () => {
    expect(PACKAGE_NAME).toBe('@k5/abi');
  });
});
