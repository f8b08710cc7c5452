// Creating and verifying attestation reports: the device signs the version 1 body (measurement,
// verifier's nonce, device id, counter, time, user data) with its ECDSA P-256 key through
// WebCrypto; a verifier checks format, signature, measurement and nonce and gets a typed verdict.
// Verification never throws for a bad report, only for a caller's own mistakes (a key that is not
// a P-256 public key, an expected nonce of impossible length). Relies on `attestation-report.ts`,
// `device-identity.ts`, `bytes.ts`, `measurement.ts`, `primitives.ts`.

import {
  ATTESTATION_REPORT_VERSION,
  type AttestationReport,
  decodeAttestationReport,
  NONCE_MAX_LENGTH,
  NONCE_MIN_LENGTH,
  REPORT_BODY_LENGTH,
  REPORT_MAGIC,
  SIGNATURE_ECDSA_P256_SHA256,
  USER_DATA_LENGTH,
} from './attestation-report';
import { ByteWriter, bytesEqual, copyBytes, isBytes, toHex } from './bytes';
import { checkDeviceId, checkDeviceKey } from './device-identity';
import { EnclaveError } from './errors';
import { Measurement } from './measurement';
import { subtleCrypto } from './primitives';

/** WebCrypto parameters of report signatures (r || s output, as the format stores it). */
const SIGN_PARAMS: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

/** What {@link createAttestationReport} signs. @public */
export interface AttestationReportInput {
  /** The enclave's measurement (from {@link measureEnclave}, taken when it was created). */
  readonly measurement: Measurement;
  /** The verifier's challenge, 16 to 64 bytes. */
  readonly nonce: Uint8Array;
  /** The device's ECDSA P-256 private key ({@link DeviceIdentity.privateKey}). */
  readonly deviceKey: CryptoKey;
  /** The device's 16-byte id ({@link DeviceIdentity.deviceId}). */
  readonly deviceId: Uint8Array;
  /** The device's report counter, 0 to 2^64 - 1; default 0. */
  readonly counter?: bigint;
  /** The device's current time in its ticks, 0 to 2^64 - 1; default 0 (the kernel passes its clock). */
  readonly timestamp?: bigint;
  /** 32 bytes the enclave binds to the report; default all zeros. */
  readonly userData?: Uint8Array;
}

/** Which check of {@link verifyAttestationReport} failed. @public */
export type AttestationFailure =
  | 'malformed'
  | 'version'
  | 'signature'
  | 'measurement'
  | 'nonce'
  | 'device-id';

/**
 * The verdict on a report: `ok` with the decoded report, or the first check that failed and why.
 * @public
 */
export type AttestationVerdict =
  | { readonly ok: true; readonly report: AttestationReport }
  | { readonly ok: false; readonly failure: AttestationFailure; readonly message: string };

/** What a verifier expects of a report. @public */
export interface AttestationExpectations {
  /** The measurement of the enclave the verifier trusts. */
  readonly expectedMeasurement: Measurement;
  /** The nonce the verifier sent for this report. */
  readonly expectedNonce: Uint8Array;
  /** When given, the report must come from this device id too. */
  readonly expectedDeviceId?: Uint8Array;
}

function checkNonce(nonce: unknown, role: string): Uint8Array {
  if (!isBytes(nonce) || nonce.length < NONCE_MIN_LENGTH || nonce.length > NONCE_MAX_LENGTH) {
    throw new EnclaveError(
      'invalid-nonce',
      `${role} must be ${NONCE_MIN_LENGTH} to ${NONCE_MAX_LENGTH} bytes, got ` +
        `${isBytes(nonce) ? `${nonce.length} bytes` : typeof nonce}; 32 random bytes is a good choice`,
    );
  }
  return nonce;
}

function checkU64(value: unknown, name: string): bigint {
  if (typeof value !== 'bigint' || value < 0n || value >= 1n << 64n) {
    throw new EnclaveError('invalid-counter', `${name} must be a bigint from 0 to 2^64 - 1`);
  }
  return value;
}

/**
 * Makes and signs an attestation report (format version 1, 232 bytes). ECDSA signatures are
 * randomized, so two reports over the same inputs differ in their signature bytes.
 *
 * @throws {@link EnclaveError} `invalid-nonce`, `invalid-device-id`, `invalid-user-data`,
 * `invalid-counter`, `invalid-measurement` or `invalid-key` for bad inputs.
 * @public
 */
export async function createAttestationReport(
  input: AttestationReportInput,
): Promise<AttestationReport> {
  if (!(input.measurement instanceof Measurement)) {
    throw new EnclaveError('invalid-measurement', 'measurement must be a Measurement');
  }
  const nonce = checkNonce(input.nonce, 'the nonce');
  const deviceId = checkDeviceId(input.deviceId);
  const key = checkDeviceKey(input.deviceKey, 'private', 'deviceKey');
  const counter = checkU64(input.counter ?? 0n, 'counter');
  const timestamp = checkU64(input.timestamp ?? 0n, 'timestamp');
  const userData = input.userData ?? new Uint8Array(USER_DATA_LENGTH);
  if (!isBytes(userData) || userData.length !== USER_DATA_LENGTH) {
    throw new EnclaveError(
      'invalid-user-data',
      `user data is ${USER_DATA_LENGTH} bytes (hash larger data first), got ${isBytes(userData) ? userData.length : typeof userData}`,
    );
  }

  const body = new ByteWriter()
    .bytes(REPORT_MAGIC)
    .u8(ATTESTATION_REPORT_VERSION)
    .u8(SIGNATURE_ECDSA_P256_SHA256)
    .u8(nonce.length)
    .u8(0)
    .bytes(input.measurement.toBytes())
    .bytes(deviceId)
    .u64(counter)
    .u64(timestamp)
    .bytes(userData)
    .bytes(nonce)
    .bytes(new Uint8Array(NONCE_MAX_LENGTH - nonce.length))
    .finish();
  // An internal invariant, not a user error: the layout constants and the writer agree.
  if (body.length !== REPORT_BODY_LENGTH) throw new Error('attestation report body size drifted');

  const signature = new Uint8Array(await subtleCrypto().sign(SIGN_PARAMS, key, body));
  const bytes = new ByteWriter().bytes(body).bytes(signature).finish();
  const decoded = decodeAttestationReport(bytes);
  if (!decoded.ok) throw new Error(`created a report that does not decode: ${decoded.message}`);
  return decoded.report;
}

/**
 * Verifies an attestation report against a device public key and what the verifier expects.
 * Checks, in order: format (`malformed`, `version`), the signature over the 168-byte body
 * (`signature`), then `measurement`, `nonce` and, when asked, `device-id`; the verdict names the
 * first that failed. The signature comes before the contents so that an unsigned report's fields
 * are never reported as if they meant anything.
 *
 * Never throws for a bad `report` (any bytes, any length, or not bytes at all).
 *
 * @throws {@link EnclaveError} `invalid-key` when `devicePublicKey` is not an ECDSA P-256 public
 * key, `invalid-nonce` when `expectedNonce` could never match (not 16 to 64 bytes),
 * `invalid-measurement` or `invalid-device-id` for other impossible expectations: these are the
 * verifier's own mistakes, not the report's.
 * @public
 */
export async function verifyAttestationReport(
  report: Uint8Array | AttestationReport,
  devicePublicKey: CryptoKey,
  expectations: AttestationExpectations,
): Promise<AttestationVerdict> {
  const key = checkDeviceKey(devicePublicKey, 'public', 'devicePublicKey');
  const expectedNonce = checkNonce(expectations.expectedNonce, 'expectedNonce');
  if (!(expectations.expectedMeasurement instanceof Measurement)) {
    throw new EnclaveError('invalid-measurement', 'expectedMeasurement must be a Measurement');
  }
  if (expectations.expectedDeviceId !== undefined) checkDeviceId(expectations.expectedDeviceId);

  // Only the bytes count: a decoded report object is verified by what it was decoded from.
  const bytes = isBytes(report) ? report : (report as { bytes?: unknown } | null)?.bytes;
  const decoded = decodeAttestationReport(bytes);
  if (!decoded.ok) return decoded;
  const r = decoded.report;

  let signed: boolean;
  try {
    signed = await subtleCrypto().verify(
      SIGN_PARAMS,
      key,
      copyBytes(r.signature),
      copyBytes(r.bytes.subarray(0, REPORT_BODY_LENGTH)),
    );
  } catch {
    // WebCrypto rejects rather than returning false for some malformed signatures.
    signed = false;
  }
  if (!signed) {
    return {
      ok: false,
      failure: 'signature',
      message: 'the signature does not verify with this device public key',
    };
  }
  if (!r.measurement.equals(expectations.expectedMeasurement)) {
    return {
      ok: false,
      failure: 'measurement',
      message: `the report is for enclave ${r.measurement}, expected ${expectations.expectedMeasurement}`,
    };
  }
  if (!bytesEqual(r.nonce, expectedNonce)) {
    return {
      ok: false,
      failure: 'nonce',
      message: 'the report answers a different nonce (a replayed or misrouted report)',
    };
  }
  if (
    expectations.expectedDeviceId !== undefined &&
    !bytesEqual(r.deviceId, expectations.expectedDeviceId)
  ) {
    return {
      ok: false,
      failure: 'device-id',
      message: `the report comes from device ${toHex(r.deviceId)}, expected ${toHex(expectations.expectedDeviceId)}`,
    };
  }
  return { ok: true, report: r };
}
