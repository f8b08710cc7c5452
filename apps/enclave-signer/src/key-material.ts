// What the enclave seals and keeps in its memory: its ECDSA P-256 private key (PKCS #8, as
// WebCrypto exports it) and the matching raw public key, as one byte string:
// u16 little-endian private-key length, the private key, then the 65-byte public point.

/** Length of a raw uncompressed P-256 public key (0x04 || x || y). */
export const PUBLIC_KEY_LENGTH = 65;
/** Length of an ECDSA P-256 signature as WebCrypto makes it (r || s). */
export const SIGNATURE_LENGTH = 64;

/** The enclave's key pair as bytes. */
export interface KeyMaterial {
  readonly privateKey: Uint8Array<ArrayBuffer>;
  readonly publicKey: Uint8Array<ArrayBuffer>;
}

/** Encodes a key pair for sealing. */
export function encodeKeyMaterial(keys: KeyMaterial): Uint8Array {
  if (keys.publicKey.length !== PUBLIC_KEY_LENGTH || keys.privateKey.length > 0xffff)
    throw new RangeError('key material: a 65-byte public key and a private key under 64 KiB');
  const out = new Uint8Array(2 + keys.privateKey.length + PUBLIC_KEY_LENGTH);
  out[0] = keys.privateKey.length & 0xff;
  out[1] = keys.privateKey.length >>> 8;
  out.set(keys.privateKey, 2);
  out.set(keys.publicKey, 2 + keys.privateKey.length);
  return out;
}

/**
 * Decodes {@link encodeKeyMaterial}'s bytes.
 * @throws RangeError when the bytes are not one private key followed by a 65-byte public key.
 */
export function decodeKeyMaterial(bytes: Uint8Array): KeyMaterial {
  const length = (bytes[0] ?? 0) | ((bytes[1] ?? 0) << 8);
  if (bytes.length !== 2 + length + PUBLIC_KEY_LENGTH)
    throw new RangeError(`key material of ${bytes.length} bytes announces a ${length}-byte key`);
  return {
    privateKey: bytes.slice(2, 2 + length),
    publicKey: bytes.slice(2 + length),
  };
}

/** The WebCrypto algorithm of the enclave's key. */
export const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
/** The WebCrypto signature parameters: ECDSA with SHA-256. */
export const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;
