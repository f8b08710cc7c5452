// The attestation report's wire format, version 1: a fixed 232-byte layout (168-byte signed body,
// then a 64-byte ECDSA P-256 signature) and its decoder. The decoder never throws: any byte string
// becomes either a decoded report or a reason it is malformed, because verifiers read reports from
// untrusted channels. Signing and verifying are in `attestation.ts`. Relies on `bytes.ts`,
// `measurement.ts`.

import { ascii, isBytes, readU64 } from './bytes';
import { Measurement } from './measurement';

/** Version of the report format (byte 4). @public */
export const ATTESTATION_REPORT_VERSION = 1;

/** Magic bytes at offset 0: ASCII `K5AR`. They also separate the signed domain from others. */
export const REPORT_MAGIC = ascii('K5AR');

/** Signature algorithm 1: ECDSA over P-256 with SHA-256, signature as r || s, 32 bytes each. */
export const SIGNATURE_ECDSA_P256_SHA256 = 1;

/** Shortest nonce a report carries, in bytes (128 bits, enough that a nonce never repeats). @public */
export const NONCE_MIN_LENGTH = 16;
/** Longest nonce a report carries, in bytes (the fixed size of the nonce field). @public */
export const NONCE_MAX_LENGTH = 64;

/** Length of the optional user data field (zeros when absent). @public */
export const USER_DATA_LENGTH = 32;

/** Byte offsets of the version 1 layout (docs/enclaves.md has the table). */
export const REPORT_OFFSET = {
  magic: 0,
  version: 4,
  signatureAlgorithm: 5,
  nonceLength: 6,
  reserved: 7,
  measurement: 8,
  deviceId: 40,
  counter: 56,
  timestamp: 64,
  userData: 72,
  nonce: 104,
  signature: 168,
} as const;

/** Bytes covered by the signature: everything before the signature field. */
export const REPORT_BODY_LENGTH = REPORT_OFFSET.signature;
/** Length of the r || s signature. */
export const REPORT_SIGNATURE_LENGTH = 64;
/** Length of a whole version 1 report. @public */
export const ATTESTATION_REPORT_LENGTH = REPORT_BODY_LENGTH + REPORT_SIGNATURE_LENGTH;

/**
 * A decoded attestation report. Only `bytes` is authoritative: the other fields were read from it.
 * @public
 */
export interface AttestationReport {
  readonly version: number;
  readonly measurement: Measurement;
  /** 16 to 64 bytes chosen by the verifier, so an old report cannot be replayed. */
  readonly nonce: Uint8Array<ArrayBuffer>;
  readonly deviceId: Uint8Array<ArrayBuffer>;
  /** The device's report counter (monotonic on one device; informational for verifiers). */
  readonly counter: bigint;
  /** The device's time when it made the report, in its own ticks (0 when not given). */
  readonly timestamp: bigint;
  /** 32 bytes the enclave binds to the report (for example a hash of its own public key). */
  readonly userData: Uint8Array<ArrayBuffer>;
  /** ECDSA P-256 signature, r || s. */
  readonly signature: Uint8Array<ArrayBuffer>;
  /** The whole encoded report (232 bytes in version 1). */
  readonly bytes: Uint8Array<ArrayBuffer>;
}

/** The outcome of {@link decodeAttestationReport}. @public */
export type DecodedReport =
  | { readonly ok: true; readonly report: AttestationReport }
  | { readonly ok: false; readonly failure: 'malformed' | 'version'; readonly message: string };

function malformed(message: string): DecodedReport {
  return { ok: false, failure: 'malformed', message };
}

function allZero(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0);
}

/**
 * Decodes a report without checking its signature. Never throws: an input that is not a
 * well-formed version 1 report gives `{ ok: false }` with `malformed` or `version`. A report has
 * exactly one encoding (reserved byte and nonce padding must be zero), so a verifier that accepts
 * a report accepts precisely the bytes the device signed. For display and tooling only: trust
 * nothing in a report before {@link verifyAttestationReport} says `ok`.
 * @public
 */
export function decodeAttestationReport(input: unknown): DecodedReport {
  if (!isBytes(input)) return malformed('a report is a Uint8Array');
  // Copy first, so the caller cannot change the bytes between the checks and their use.
  const bytes = input.slice();
  if (bytes.length < REPORT_OFFSET.version + 1) {
    return malformed(`${bytes.length} bytes is too short for a report header`);
  }
  for (let i = 0; i < REPORT_MAGIC.length; i++) {
    if (bytes[i] !== REPORT_MAGIC[i]) return malformed('the report does not start with "K5AR"');
  }
  const version = bytes[REPORT_OFFSET.version]!;
  if (version !== ATTESTATION_REPORT_VERSION) {
    return {
      ok: false,
      failure: 'version',
      message: `report format version ${version} is not supported (expected ${ATTESTATION_REPORT_VERSION})`,
    };
  }
  if (bytes.length !== ATTESTATION_REPORT_LENGTH) {
    return malformed(
      `a version 1 report is ${ATTESTATION_REPORT_LENGTH} bytes, got ${bytes.length}`,
    );
  }
  if (bytes[REPORT_OFFSET.signatureAlgorithm] !== SIGNATURE_ECDSA_P256_SHA256) {
    return malformed(`unknown signature algorithm ${bytes[REPORT_OFFSET.signatureAlgorithm]}`);
  }
  const nonceLength = bytes[REPORT_OFFSET.nonceLength]!;
  if (nonceLength < NONCE_MIN_LENGTH || nonceLength > NONCE_MAX_LENGTH) {
    return malformed(
      `nonce length ${nonceLength} is outside ${NONCE_MIN_LENGTH}..${NONCE_MAX_LENGTH}`,
    );
  }
  if (bytes[REPORT_OFFSET.reserved] !== 0) return malformed('the reserved byte is not zero');
  const nonceField = bytes.subarray(REPORT_OFFSET.nonce, REPORT_OFFSET.signature);
  if (!allZero(nonceField.subarray(nonceLength))) {
    return malformed('the nonce padding is not zero');
  }
  return {
    ok: true,
    report: {
      version,
      measurement: Measurement.fromBytes(
        bytes.subarray(REPORT_OFFSET.measurement, REPORT_OFFSET.deviceId),
      ),
      nonce: nonceField.slice(0, nonceLength),
      deviceId: bytes.slice(REPORT_OFFSET.deviceId, REPORT_OFFSET.counter),
      counter: readU64(bytes, REPORT_OFFSET.counter),
      timestamp: readU64(bytes, REPORT_OFFSET.timestamp),
      userData: bytes.slice(REPORT_OFFSET.userData, REPORT_OFFSET.nonce),
      signature: bytes.slice(REPORT_OFFSET.signature),
      bytes,
    },
  };
}
