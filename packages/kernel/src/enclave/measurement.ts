// The `Measurement` value: the 32-byte SHA-256 that names an enclave's identity (see
// `enclave-identity.ts` for what is hashed). A class rather than a bare `Uint8Array` so that a
// measurement cannot be confused with other 32-byte strings (keys, nonces) and cannot be mutated
// after it was computed. Relies on `bytes.ts` and `errors.ts`.

import { bytesEqual, fromHex, isBytes, toHex } from './bytes';
import { EnclaveError } from './errors';

/**
 * An enclave measurement: SHA-256 over the canonical identity encoding of its image and layout.
 * Immutable; {@link Measurement.toBytes} returns a copy.
 * @public
 */
export class Measurement {
  /** Length of a measurement in bytes. */
  static readonly LENGTH = 32;

  readonly #bytes: Uint8Array;

  private constructor(bytes: Uint8Array) {
    this.#bytes = bytes.slice();
  }

  /**
   * A measurement from its 32 raw bytes (for example read from an attestation report).
   * @throws {@link EnclaveError} `invalid-measurement` when `bytes` is not 32 bytes long.
   */
  static fromBytes(bytes: Uint8Array): Measurement {
    if (!isBytes(bytes) || bytes.length !== Measurement.LENGTH) {
      throw new EnclaveError(
        'invalid-measurement',
        `a measurement is ${Measurement.LENGTH} bytes, got ${isBytes(bytes) ? bytes.length : typeof bytes}`,
      );
    }
    return new Measurement(bytes);
  }

  /**
   * A measurement from 64 hex digits (either case), as a verifier keeps expected values in
   * configuration.
   * @throws {@link EnclaveError} `invalid-measurement` for anything else.
   */
  static fromHex(hex: string): Measurement {
    const bytes = typeof hex === 'string' ? fromHex(hex) : undefined;
    if (bytes === undefined || bytes.length !== Measurement.LENGTH) {
      throw new EnclaveError(
        'invalid-measurement',
        `a measurement is ${2 * Measurement.LENGTH} hex digits, got ${JSON.stringify(hex)}`,
      );
    }
    return new Measurement(bytes);
  }

  /** A copy of the 32 bytes. */
  toBytes(): Uint8Array<ArrayBuffer> {
    return this.#bytes.slice();
  }

  /** The 64 lower-case hex digits. */
  toHex(): string {
    return toHex(this.#bytes);
  }

  /** Whether `other` names the same identity. */
  equals(other: Measurement): boolean {
    return other instanceof Measurement && bytesEqual(this.#bytes, other.#bytes);
  }

  /** `sha256:` followed by the hex digits, for logs and traces. */
  toString(): string {
    return `sha256:${this.toHex()}`;
  }
}
