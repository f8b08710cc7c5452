// A device's attestation identity: an ECDSA P-256 key pair held by WebCrypto and a 16-byte device
// id, plus the public-key export/import a remote verifier needs (uncompressed SEC1 "raw" point or
// DER SubjectPublicKeyInfo). In the simulator the private key lives in the host process; see the
// threat model in docs/enclaves.md. Relies on `bytes.ts`, `errors.ts`, `primitives.ts`.

import { ascii, ByteWriter, copyBytes, isBytes } from './bytes';
import { EnclaveError } from './errors';
import { sha256, subtleCrypto } from './primitives';

/** Length of a device id in bytes. @public */
export const DEVICE_ID_LENGTH = 16;

/** The WebCrypto algorithm of device keys. */
export const DEVICE_KEY_ALGORITHM: EcKeyImportParams = { name: 'ECDSA', namedCurve: 'P-256' };

/**
 * Public-key formats for verifiers: `raw` is the 65-byte uncompressed SEC1 point
 * (`0x04 || x || y`), `spki` the DER SubjectPublicKeyInfo that X.509 tools and other languages'
 * crypto libraries read.
 * @public
 */
export type DevicePublicKeyFormat = 'raw' | 'spki';

/**
 * A device's attestation identity. The private key signs reports; the public key and the device
 * id go to verifiers.
 * @public
 */
export interface DeviceIdentity {
  /** 16 bytes naming the device in its reports. */
  readonly deviceId: Uint8Array<ArrayBuffer>;
  /** ECDSA P-256 signing key; non-extractable unless asked for. */
  readonly privateKey: CryptoKey;
  /** ECDSA P-256 verification key. */
  readonly publicKey: CryptoKey;
}

/** Options of {@link generateDeviceIdentity}. @public */
export interface DeviceIdentityOptions {
  /** A fixed 16-byte device id (a chip's unique id, padded); by default derived from the key. */
  readonly deviceId?: Uint8Array;
  /** Let the private key be exported (to persist a simulated device across runs). Default false. */
  readonly extractable?: boolean;
}

/** Throws `invalid-key` unless `key` is an ECDSA P-256 key of the given type. */
export function checkDeviceKey(key: unknown, type: 'private' | 'public', role: string): CryptoKey {
  const k = key as CryptoKey | null | undefined;
  const algorithm = k?.algorithm as EcKeyAlgorithm | undefined;
  if (
    typeof k !== 'object' ||
    k === null ||
    k.type !== type ||
    algorithm?.name !== 'ECDSA' ||
    algorithm.namedCurve !== 'P-256' ||
    !k.usages?.includes(type === 'private' ? 'sign' : 'verify')
  ) {
    throw new EnclaveError(
      'invalid-key',
      `${role} must be an ECDSA P-256 ${type} CryptoKey allowed to ` +
        `${type === 'private' ? 'sign' : 'verify'} (see generateDeviceIdentity and ` +
        'importDevicePublicKey)',
    );
  }
  return k;
}

/**
 * The default device id of a public key: the first 16 bytes of
 * SHA-256(`"K5-DEVICE-ID" 0x00 || raw uncompressed point`). Anyone holding the public key can
 * recompute it, so it needs no registry.
 * @public
 */
export async function deriveDeviceId(publicKey: CryptoKey): Promise<Uint8Array<ArrayBuffer>> {
  const raw = await exportDevicePublicKey(publicKey, 'raw');
  const digest = await sha256(
    new ByteWriter().bytes(ascii('K5-DEVICE-ID')).u8(0).bytes(raw).finish(),
  );
  return digest.slice(0, DEVICE_ID_LENGTH);
}

/**
 * Creates a device identity: a fresh ECDSA P-256 key pair from WebCrypto and a device id (given,
 * or {@link deriveDeviceId}).
 * @throws {@link EnclaveError} `invalid-device-id` when a given id is not 16 bytes.
 * @public
 */
export async function generateDeviceIdentity(
  options: DeviceIdentityOptions = {},
): Promise<DeviceIdentity> {
  if (options.deviceId !== undefined) checkDeviceId(options.deviceId);
  const pair = (await subtleCrypto().generateKey(
    DEVICE_KEY_ALGORITHM,
    options.extractable ?? false,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  const deviceId = options.deviceId?.slice() ?? (await deriveDeviceId(pair.publicKey));
  return { deviceId, privateKey: pair.privateKey, publicKey: pair.publicKey };
}

/** Throws `invalid-device-id` unless `deviceId` is 16 bytes. */
export function checkDeviceId(deviceId: unknown): Uint8Array {
  if (!isBytes(deviceId) || deviceId.length !== DEVICE_ID_LENGTH) {
    throw new EnclaveError(
      'invalid-device-id',
      `a device id is ${DEVICE_ID_LENGTH} bytes, got ${isBytes(deviceId) ? deviceId.length : typeof deviceId}`,
    );
  }
  return deviceId;
}

/**
 * Exports a device public key for verifiers.
 * @throws {@link EnclaveError} `invalid-key` when `publicKey` is not an ECDSA P-256 public key.
 * @public
 */
export async function exportDevicePublicKey(
  publicKey: CryptoKey,
  format: DevicePublicKeyFormat,
): Promise<Uint8Array<ArrayBuffer>> {
  checkDeviceKey(publicKey, 'public', 'the device public key');
  return new Uint8Array(await subtleCrypto().exportKey(format, publicKey));
}

/**
 * Imports a device public key (as exported by {@link exportDevicePublicKey}) for
 * {@link verifyAttestationReport}. The key is checked to be a point on P-256.
 * @throws {@link EnclaveError} `invalid-key` when the bytes are not such a key.
 * @public
 */
export async function importDevicePublicKey(
  bytes: Uint8Array,
  format: DevicePublicKeyFormat,
): Promise<CryptoKey> {
  if (!isBytes(bytes) || (format !== 'raw' && format !== 'spki')) {
    throw new EnclaveError('invalid-key', "import a Uint8Array in format 'raw' or 'spki'");
  }
  if (format === 'raw' && (bytes.length !== 65 || bytes[0] !== 0x04)) {
    throw new EnclaveError(
      'invalid-key',
      `a raw P-256 public key is 65 bytes starting with 0x04 (uncompressed), got ${bytes.length} bytes`,
    );
  }
  try {
    return await subtleCrypto().importKey(format, copyBytes(bytes), DEVICE_KEY_ALGORITHM, true, [
      'verify',
    ]);
  } catch (cause) {
    throw new EnclaveError(
      'invalid-key',
      `the ${format} bytes are not an ECDSA P-256 public key (${(cause as Error).message})`,
    );
  }
}
