// The kernel's synchronous derivation of an enclave's sealing key material (Enclave_DeriveKey):
// the same HKDF-SHA-256 inputs as `deriveSealingKey` in sealing.ts, computed with the kernel's own
// SHA-256 because a kernel entry cannot await WebCrypto. Relies on sealing.ts and sha256-sync.ts.

import { Measurement } from './measurement';
import {
  KEY_ID_LENGTH,
  SEALING_KEY_ID_INFO,
  SEALING_KEY_INFO,
  SEALING_SALT,
  sealingInfo,
} from './sealing';
import { hkdfSha256Sync } from './sha256-sync';

/** The 32-byte AES-256-GCM key and 16-byte key id of (device secret, measurement, label). */
export function sealingKeyMaterial(
  deviceSecret: Uint8Array,
  measurement: Uint8Array,
  label: Uint8Array,
): { key: Uint8Array; keyId: Uint8Array } {
  const m = Measurement.fromBytes(measurement);
  return {
    key: hkdfSha256Sync(deviceSecret, SEALING_SALT, sealingInfo(SEALING_KEY_INFO, m, label), 32),
    keyId: hkdfSha256Sync(
      deviceSecret,
      SEALING_SALT,
      sealingInfo(SEALING_KEY_ID_INFO, m, label),
      KEY_ID_LENGTH,
    ),
  };
}
