import { describe, expect, it } from 'vitest';
import { PACKAGE_NAME } from './index';

describe('@k5/cli entry', () => {
  it('names its package', () => {
    expect(PACKAGE_NAME).toBe('@k5/cli');
  });
});
