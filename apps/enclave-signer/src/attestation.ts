// The verifier's side: what measurement to expect for a signer image (computed from the image and
// the layout alone, as a remote party would), and remote attestation of the running enclave. The
// report binds SHA-256 of the enclave's public key as its user data, so a verifier that accepts
// the report also knows which key the attested enclave signs with.

import type { HostTask } from '@k5/abi';
import {
  type AttestationVerdict,
  type DeviceIdentity,
  type EnclaveArch,
  hostEnclaveImage,
  type Kernel,
  type Measurement,
  measureEnclave,
  sha256,
  verifyAttestationReport,
} from '@k5/kernel';
import { bytesEqual } from './bytes';
import { ENCLAVE_NAME, ENTRY_OFFSET, STACK_SIZE } from './layout';

/** Where an enclave was loaded: what its measurement covers besides the image. */
export interface EnclavePlacement {
  readonly arch: EnclaveArch;
  readonly base: number;
  readonly size: number;
}

/** The measurement a signer with entry task `entry`, loaded at `placement`, must have. */
export function expectedMeasurement(
  entry: HostTask,
  placement: EnclavePlacement,
): Promise<Measurement> {
  return measureEnclave({
    arch: placement.arch,
    image: hostEnclaveImage(ENCLAVE_NAME, [entry]),
    regions: [
      {
        base: placement.base,
        size: placement.size,
        permissions: { read: true, write: true, execute: true },
      },
    ],
    entryPoints: [placement.base + ENTRY_OFFSET],
    stackSize: STACK_SIZE,
  });
}

/** The one enclave of a kernel and its placement. */
export function signerEnclaveOf(kernel: Kernel): {
  readonly id: number;
  readonly measurement: Measurement;
  readonly placement: EnclavePlacement;
} {
  const e = kernel.enclaves()[0];
  const arch = kernel.port.enclaveArch;
  if (!e || e.measurement === null || arch === undefined)
    throw new Error('the system has no loaded enclave');
  return { id: e.id, measurement: e.measurement, placement: { arch, base: e.base, size: e.size } };
}

/** The outcome of attesting the signer. */
export interface SignerAttestation {
  /** The verifier's verdict against the expected measurement, nonce and device id. */
  readonly verdict: AttestationVerdict;
  /** The report's user data is SHA-256 of the public key the clients were given. */
  readonly bindsPublicKey: boolean;
  /** The same report checked against the measurement of a changed enclave. */
  readonly againstChanged: AttestationVerdict;
}

/**
 * Asks the kernel for an attestation report on the signer and verifies it as a remote party:
 * with the device's public key, a fresh nonce, the measurement expected for `entry`, and the
 * public key hash as user data. Also checks the report against `changedEntry`'s measurement,
 * which must fail.
 */
export async function attestSigner(
  kernel: Kernel,
  device: DeviceIdentity,
  publicKey: Uint8Array,
  entry: HostTask,
  changedEntry: HostTask,
): Promise<SignerAttestation> {
  const { id, placement } = signerEnclaveOf(kernel);
  const nonce = crypto.getRandomValues(new Uint8Array(32));
  const userData = await sha256(publicKey);
  const report = await kernel.attestEnclave(id, nonce, { userData });
  const check = async (expected: Measurement) =>
    verifyAttestationReport(report.bytes, device.publicKey, {
      expectedMeasurement: expected,
      expectedNonce: nonce,
      expectedDeviceId: device.deviceId,
    });
  const verdict = await check(await expectedMeasurement(entry, placement));
  const bindsPublicKey = verdict.ok && bytesEqual(verdict.report.userData, userData);
  return {
    verdict,
    bindsPublicKey,
    againstChanged: await check(await expectedMeasurement(changedEntry, placement)),
  };
}
