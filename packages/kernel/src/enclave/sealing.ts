// Sealing: encrypting an enclave's data so that only the same enclave (same measurement) on the
// same device (same device secret) can read it back, across restarts. Keys come from
// HKDF-SHA-256 with the measurement and a label in the info; blobs are AES-256-GCM with a random
// 96-bit IV, in a versioned format whose header is authenticated too. Unsealing refuses with a
// typed error and releases no plaintext when the key or the blob is wrong. Relies on `bytes.ts`,
// `errors.ts`, `measurement.ts`, `primitives.ts` (WebCrypto HKDF, AES-GCM, random bytes).

import { ascii, ByteWriter, bytesEqual, copyBytes, isBytes, toHex } from './bytes';
import { EnclaveError } from './errors';
import { Measurement } from './measurement';
import { hkdfSha256, randomBytes, subtleCrypto } from './primitives';

/** Shortest device secret accepted: 256 bits, the strength of the derived AES-256 key. @public */
export const DEVICE_SECRET_MIN_LENGTH = 32;
/** Longest sealing label, in UTF-8 bytes. @public */
export const SEALING_LABEL_MAX_LENGTH = 255;
/** Version of the sealed-blob format (byte 4 of a blob). @public */
export const SEALED_BLOB_VERSION = 1;

/** HKDF salt: fixed and public, it only separates K5 sealing from other uses of the secret. */
export const SEALING_SALT = ascii('K5-SEAL-SALT-v1');
/** HKDF info prefix (a NUL byte follows it) of the AES-256-GCM key. */
export const SEALING_KEY_INFO = 'K5-ENCLAVE-SEAL-KEY';
/** HKDF info prefix (a NUL byte follows it) of the public key id; distinct, so the id reveals nothing of the key. */
export const SEALING_KEY_ID_INFO = 'K5-ENCLAVE-SEAL-KEY-ID';

/** Blob layout, version 1. */
const BLOB_MAGIC = ascii('K5SL');
const ALGORITHM_AES_256_GCM = 1;
export const KEY_ID_LENGTH = 16;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;
const OFFSET_VERSION = 4;
const OFFSET_ALGORITHM = 5;
const OFFSET_RESERVED = 6;
const OFFSET_KEY_ID = 8;
const OFFSET_IV = OFFSET_KEY_ID + KEY_ID_LENGTH;
/** Bytes before the ciphertext; all of them are authenticated as GCM additional data. */
export const SEALED_HEADER_LENGTH = OFFSET_IV + IV_LENGTH;
/** Blob bytes beyond the plaintext: header plus GCM tag. @public */
export const SEALED_OVERHEAD = SEALED_HEADER_LENGTH + TAG_LENGTH;

/**
 * A sealing key bound to one device secret, one measurement and one label. Only
 * {@link deriveSealingKey} makes them; the AES key is not extractable.
 * @public
 */
export interface SealingKey {
  /** AES-256-GCM key (WebCrypto, non-extractable). */
  readonly cryptoKey: CryptoKey;
  /** 16 public bytes identifying the key, stored in each blob so a wrong key is told apart. */
  readonly keyId: Uint8Array<ArrayBuffer>;
  /** The measurement the key is bound to. */
  readonly measurement: Measurement;
  /** The label the key is bound to. */
  readonly label: string;
}

/**
 * 32 fresh random bytes to serve as a simulated device's sealing secret (on hardware: a fused,
 * device-unique key). Persist it to let sealed data survive a simulator restart.
 * @public
 */
export function generateDeviceSecret(): Uint8Array<ArrayBuffer> {
  return randomBytes(DEVICE_SECRET_MIN_LENGTH);
}

/** The HKDF info: prefix, NUL, format version, measurement, label length (u8), UTF-8 label. */
export function sealingInfo(
  prefix: string,
  measurement: Measurement,
  label: Uint8Array,
): Uint8Array {
  return new ByteWriter()
    .bytes(ascii(prefix))
    .u8(0)
    .u8(SEALED_BLOB_VERSION)
    .bytes(measurement.toBytes())
    .u8(label.length)
    .bytes(label)
    .finish();
}

/**
 * Derives the sealing key of an enclave: HKDF-SHA-256 with the device secret as input keying
 * material, the salt `"K5-SEAL-SALT-v1"` and an info that binds the measurement and the label,
 * expanded to 32 bytes for AES-256-GCM (and, with a second info, to a 16-byte key id). The same
 * secret, measurement and label always give the same key, so data sealed before a restart
 * unseals after it; a different measurement gives an unrelated key.
 *
 * @param label - the purpose of the key within the enclave (for example `"storage"`), up to 255
 * UTF-8 bytes, used as given (no Unicode normalisation).
 * @throws {@link EnclaveError} `invalid-secret` (fewer than 32 bytes), `invalid-measurement`,
 * `invalid-label`.
 * @public
 */
export async function deriveSealingKey(
  deviceSecret: Uint8Array,
  measurement: Measurement,
  label: string,
): Promise<SealingKey> {
  if (!isBytes(deviceSecret) || deviceSecret.length < DEVICE_SECRET_MIN_LENGTH) {
    throw new EnclaveError(
      'invalid-secret',
      `the device secret must be at least ${DEVICE_SECRET_MIN_LENGTH} bytes (generateDeviceSecret makes one)`,
    );
  }
  if (!(measurement instanceof Measurement)) {
    throw new EnclaveError('invalid-measurement', 'measurement must be a Measurement');
  }
  const labelBytes = typeof label === 'string' ? new TextEncoder().encode(label) : undefined;
  if (labelBytes === undefined || labelBytes.length > SEALING_LABEL_MAX_LENGTH) {
    throw new EnclaveError(
      'invalid-label',
      `the label must be a string of at most ${SEALING_LABEL_MAX_LENGTH} UTF-8 bytes`,
    );
  }
  const keyBytes = await hkdfSha256(
    deviceSecret,
    SEALING_SALT,
    sealingInfo(SEALING_KEY_INFO, measurement, labelBytes),
    32,
  );
  const keyId = await hkdfSha256(
    deviceSecret,
    SEALING_SALT,
    sealingInfo(SEALING_KEY_ID_INFO, measurement, labelBytes),
    KEY_ID_LENGTH,
  );
  const cryptoKey = await subtleCrypto().importKey(
    'raw',
    copyBytes(keyBytes),
    { name: 'AES-GCM' },
    false,
    ['encrypt', 'decrypt'],
  );
  keyBytes.fill(0); // the raw key is not needed any more; WebCrypto holds its own copy
  return { cryptoKey, keyId, measurement, label };
}

/**
 * Turns the raw key material an enclave thread received from `Enclave_DeriveKey` (32 key bytes,
 * then 16 key-id bytes) into a {@link SealingKey} that {@link seal} and {@link unseal} accept:
 * the same key {@link deriveSealingKey} gives for that device secret, measurement and label.
 *
 * @throws {@link EnclaveError} `invalid-key` when the material is not 48 bytes,
 * `invalid-measurement`, `invalid-label`.
 * @public
 */
export async function importSealingKey(
  material: Uint8Array,
  measurement: Measurement,
  label: string,
): Promise<SealingKey> {
  if (!isBytes(material) || material.length !== 32 + KEY_ID_LENGTH) {
    throw new EnclaveError(
      'invalid-key',
      `sealing key material is ${32 + KEY_ID_LENGTH} bytes (key, then key id), as Enclave_DeriveKey returns it`,
    );
  }
  if (!(measurement instanceof Measurement)) {
    throw new EnclaveError('invalid-measurement', 'measurement must be a Measurement');
  }
  if (
    typeof label !== 'string' ||
    new TextEncoder().encode(label).length > SEALING_LABEL_MAX_LENGTH
  ) {
    throw new EnclaveError(
      'invalid-label',
      `the label must be a string of at most ${SEALING_LABEL_MAX_LENGTH} UTF-8 bytes`,
    );
  }
  const cryptoKey = await subtleCrypto().importKey(
    'raw',
    copyBytes(material.subarray(0, 32)),
    { name: 'AES-GCM' },
    false,
    ['encrypt', 'decrypt'],
  );
  return { cryptoKey, keyId: copyBytes(material.subarray(32)), measurement, label };
}

function checkSealingKey(key: unknown): SealingKey {
  const k = key as Partial<SealingKey> | null | undefined;
  if (
    !isBytes(k?.keyId) ||
    k.keyId.length !== KEY_ID_LENGTH ||
    (k.cryptoKey?.algorithm as AesKeyAlgorithm | undefined)?.name !== 'AES-GCM'
  ) {
    throw new EnclaveError('invalid-key', 'use a SealingKey made by deriveSealingKey');
  }
  return k as SealingKey;
}

function checkAad(aad: unknown): Uint8Array {
  if (aad === undefined) return new Uint8Array(0);
  if (!isBytes(aad)) throw new EnclaveError('invalid-data', 'additional data must be a Uint8Array');
  return aad;
}

/**
 * Seals `plaintext`: AES-256-GCM under `key` with a fresh random 96-bit IV. The blob is
 * `"K5SL"`, version, algorithm, reserved, key id, IV, then ciphertext and 16-byte tag; the header
 * and `aad` (which is not stored, the caller supplies it again to unseal) are authenticated.
 * @throws {@link EnclaveError} `invalid-key` (not a {@link SealingKey}), `invalid-data`.
 * @public
 */
export async function seal(
  key: SealingKey,
  plaintext: Uint8Array,
  aad?: Uint8Array,
): Promise<Uint8Array<ArrayBuffer>> {
  const k = checkSealingKey(key);
  if (!isBytes(plaintext)) throw new EnclaveError('invalid-data', 'plaintext must be a Uint8Array');
  const header = new ByteWriter()
    .bytes(BLOB_MAGIC)
    .u8(SEALED_BLOB_VERSION)
    .u8(ALGORITHM_AES_256_GCM)
    .u16(0)
    .bytes(k.keyId)
    .bytes(randomBytes(IV_LENGTH))
    .finish();
  const ciphertext = await subtleCrypto().encrypt(
    {
      name: 'AES-GCM',
      iv: header.slice(OFFSET_IV),
      additionalData: new ByteWriter().bytes(header).bytes(checkAad(aad)).finish(),
      tagLength: TAG_LENGTH * 8,
    },
    k.cryptoKey,
    copyBytes(plaintext),
  );
  return new ByteWriter().bytes(header).bytes(new Uint8Array(ciphertext)).finish();
}

/**
 * Unseals a blob made by {@link seal} with the same key (same device secret, measurement and
 * label) and the same `aad`. Releases nothing unless the whole blob authenticates.
 *
 * @throws {@link EnclaveError} `sealed-blob-malformed` (not a blob), `sealed-blob-version` (a
 * format this version cannot read), `sealed-for-other-key` (sealed under another key: another
 * enclave, label or device), `sealed-blob-tampered` (authentication failed: changed bytes or a
 * different `aad`).
 * @public
 */
export async function unseal(
  key: SealingKey,
  blob: Uint8Array,
  aad?: Uint8Array,
): Promise<Uint8Array<ArrayBuffer>> {
  const k = checkSealingKey(key);
  const additional = checkAad(aad);
  if (!isBytes(blob) || blob.length < SEALED_OVERHEAD) {
    throw new EnclaveError(
      'sealed-blob-malformed',
      `a sealed blob is at least ${SEALED_OVERHEAD} bytes, got ${isBytes(blob) ? blob.length : typeof blob}`,
    );
  }
  const bytes = blob.slice(); // checks and decryption read the same bytes
  if (!bytesEqual(bytes.subarray(0, BLOB_MAGIC.length), BLOB_MAGIC)) {
    throw new EnclaveError('sealed-blob-malformed', 'the blob does not start with "K5SL"');
  }
  if (bytes[OFFSET_VERSION] !== SEALED_BLOB_VERSION) {
    throw new EnclaveError(
      'sealed-blob-version',
      `sealed-blob version ${bytes[OFFSET_VERSION]} is not supported (expected ${SEALED_BLOB_VERSION})`,
    );
  }
  if (
    bytes[OFFSET_ALGORITHM] !== ALGORITHM_AES_256_GCM ||
    bytes[OFFSET_RESERVED] !== 0 ||
    bytes[OFFSET_RESERVED + 1] !== 0
  ) {
    throw new EnclaveError('sealed-blob-malformed', 'unknown algorithm or non-zero reserved bytes');
  }
  const keyId = bytes.subarray(OFFSET_KEY_ID, OFFSET_IV);
  if (!bytesEqual(keyId, k.keyId)) {
    throw new EnclaveError(
      'sealed-for-other-key',
      `the blob was sealed under key ${toHex(keyId)}, not this key (${toHex(k.keyId)}): another ` +
        'enclave measurement, label or device secret',
    );
  }
  const header = bytes.subarray(0, SEALED_HEADER_LENGTH);
  try {
    const plaintext = await subtleCrypto().decrypt(
      {
        name: 'AES-GCM',
        iv: bytes.slice(OFFSET_IV, SEALED_HEADER_LENGTH),
        additionalData: new ByteWriter().bytes(header).bytes(additional).finish(),
        tagLength: TAG_LENGTH * 8,
      },
      k.cryptoKey,
      bytes.slice(SEALED_HEADER_LENGTH),
    );
    return new Uint8Array(plaintext);
  } catch {
    throw new EnclaveError(
      'sealed-blob-tampered',
      'the sealed blob does not authenticate: it was changed, or the additional data differs',
    );
  }
}
