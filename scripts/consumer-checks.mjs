// What the consumer projects do with the installed packages: call real functions and check
// their results. Kept apart so that the ESM and CJS projects run the same checks.
import assert from 'node:assert/strict';

export function kernel(kernel, abi) {
  assert.equal(kernel.PACKAGE_NAME, '@k5/kernel');
  assert.equal(abi.PACKAGE_NAME, '@k5/abi');
}

export function defmt(defmt) {
  assert.equal(defmt.PACKAGE_NAME, '@k5/defmt');
}
