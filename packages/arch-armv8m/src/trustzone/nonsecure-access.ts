// The Non-secure access check of TrustZone-M: may code running in Non-secure state make this
// access? Data accesses need every byte attributed Non-secure (or exempt) by the SAU combined
// with the IDAU, else SecureFault AUVIOL with SFAR at the first Secure byte. Instruction fetches
// need Non-secure memory; fetching Secure or Non-secure callable memory in Non-secure state is an
// invalid entry (INVEP), because only a branch to an SG instruction may cross, and that is the
// gateway rule's business (`sau.ts` nonSecureBranch). Relies on the `Sau` model.

import type { MemoryAccess } from '../mpu/memory-map';
import { type Sau, SecurityAttribute } from '../sau';
import { type SecureFault, secureFault } from './sfsr';

/** The answer of {@link checkNonSecureAccess}. */
export type NonSecureAccessResult =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly fault: SecureFault };

const ALLOWED: NonSecureAccessResult = Object.freeze({ allowed: true });

/**
 * Whether Non-secure code may make an access of `size` bytes at `address`. The SAU works on
 * 32-byte granules, so the first byte and each granule start the access touches are attributed;
 * an IDAU is assumed to be constant over 32-byte granules too (real ones use far coarser blocks).
 * An access that leaves the 32-bit space faults at the first byte past it, as an address wrap
 * would reach Secure memory.
 */
export function checkNonSecureAccess(
  sau: Sau,
  address: number,
  size: number,
  access: MemoryAccess,
): NonSecureAccessResult {
  if (!Number.isInteger(address) || !Number.isInteger(size) || size < 1) {
    throw new RangeError(`access of ${size} bytes at ${address}: need integers, size >= 1`);
  }
  const fetch = access === 'execute';
  const end = address + size;
  for (let a = address; a < end; a = a - (a % 32) + 32) {
    if (a > 0xffffffff) return { allowed: false, fault: secureFault('AUVIOL', 0) };
    const { attribute, exempt } = sau.attribute(a, fetch);
    if (exempt || attribute === SecurityAttribute.NonSecure) continue;
    return { allowed: false, fault: fetch ? secureFault('INVEP') : secureFault('AUVIOL', a) };
  }
  return ALLOWED;
}
