// The cryptographic primitives of the enclave core, all taken from WebCrypto
// (`globalThis.crypto`), which Node 20+ and every current browser provide: SHA-256, HKDF-SHA-256
// and random bytes. Nothing here is implemented by hand; this file only fixes the parameters and
// turns "no WebCrypto on this host" into a typed error. Relies on `errors.ts` and `bytes.ts`.

import { copyBytes } from './bytes';
import { EnclaveError } from './errors';

/** The host's `SubtleCrypto`, or a typed error saying WebCrypto is missing. */
export function subtleCrypto(): SubtleCrypto {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) {
    throw new EnclaveError(
      'crypto-unavailable',
      'WebCrypto (globalThis.crypto.subtle) is not available: use Node 20 or later, or a browser ' +
        'page served from a secure context (https or localhost).',
    );
  }
  return subtle;
}

/**
 * SHA-256 of `data` (FIPS 180-4), 32 bytes.
 * @public
 */
export async function sha256(data: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await subtleCrypto().digest('SHA-256', copyBytes(data)));
}

/**
 * HKDF with SHA-256 (RFC 5869): extract with `salt`, expand with `info` to `length` bytes.
 *
 * @param length - bytes of output keying material, 1 to 8160 (255 × 32, the RFC's limit).
 * @public
 */
export async function hkdfSha256(
  ikm: Uint8Array,
  salt: Uint8Array,
  info: Uint8Array,
  length: number,
): Promise<Uint8Array<ArrayBuffer>> {
  if (!Number.isInteger(length) || length < 1 || length > 255 * 32) {
    throw new RangeError(`HKDF-SHA-256 output length must be 1 to 8160 bytes, got ${length}`);
  }
  const subtle = subtleCrypto();
  const key = await subtle.importKey('raw', copyBytes(ikm), 'HKDF', false, ['deriveBits']);
  const bits = await subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: copyBytes(salt), info: copyBytes(info) },
    key,
    length * 8,
  );
  return new Uint8Array(bits);
}

/** `length` bytes from the host's cryptographically secure generator. */
export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  const crypto = globalThis.crypto;
  if (crypto?.getRandomValues === undefined) subtleCrypto(); // throws the typed error
  const out = new Uint8Array(length);
  // getRandomValues fills at most 65536 bytes per call.
  for (let offset = 0; offset < length; offset += 65536) {
    crypto.getRandomValues(out.subarray(offset, Math.min(length, offset + 65536)));
  }
  return out;
}
