// Errors a user of the enclave crypto core can cause: a malformed enclave description, a nonce of
// the wrong length, a foreign key, a sealed blob that is refused. Verifying an attestation report
// never throws for a bad report (it returns a verdict); everything here is about inputs the caller
// chose. Relies on nothing.

/**
 * Codes of {@link EnclaveError}. Stable: tests and callers may branch on them.
 *
 * - `invalid-arch`, `invalid-image`, `invalid-region`, `overlapping-regions`,
 *   `invalid-entry-point`, `invalid-stack-size`: an {@link EnclaveDescription} that cannot be
 *   measured.
 * - `invalid-measurement`: bytes or hex that are not a 32-byte measurement.
 * - `invalid-nonce`, `invalid-device-id`, `invalid-user-data`, `invalid-counter`: report inputs.
 * - `invalid-key`: a key of the wrong algorithm or usage, or public-key bytes that do not import.
 * - `invalid-secret`, `invalid-label`: sealing-key derivation inputs; `invalid-data`: plaintext or
 *   additional data that is not a `Uint8Array`.
 * - `sealed-blob-malformed`, `sealed-blob-version`, `sealed-for-other-key`, `sealed-blob-tampered`:
 *   {@link unseal} refused a blob; no plaintext is released.
 * - `crypto-unavailable`: the host has no WebCrypto (`globalThis.crypto.subtle`).
 *
 * @public
 */
export type EnclaveErrorCode =
  | 'invalid-arch'
  | 'invalid-image'
  | 'invalid-region'
  | 'overlapping-regions'
  | 'invalid-entry-point'
  | 'invalid-stack-size'
  | 'invalid-measurement'
  | 'invalid-nonce'
  | 'invalid-device-id'
  | 'invalid-user-data'
  | 'invalid-counter'
  | 'invalid-key'
  | 'invalid-secret'
  | 'invalid-label'
  | 'invalid-data'
  | 'sealed-blob-malformed'
  | 'sealed-blob-version'
  | 'sealed-for-other-key'
  | 'sealed-blob-tampered'
  | 'crypto-unavailable';

/** A misuse of the enclave measurement, attestation or sealing API, with what to do about it. @public */
export class EnclaveError extends Error {
  /** Which rule the input broke; see {@link EnclaveErrorCode}. */
  readonly code: EnclaveErrorCode;

  constructor(code: EnclaveErrorCode, message: string) {
    super(message);
    this.name = 'EnclaveError';
    this.code = code;
  }
}
