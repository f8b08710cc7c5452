// The enclave story of issue 10 through the crypto core only, as the kernel and a remote verifier
// will use it: measure at creation, attest to a verifier holding the exported public key, seal
// data, "restart" and unseal it, and see a changed enclave fail both attestation and unsealing.
import { describe, expect, it } from 'vitest';
import { createAttestationReport, verifyAttestationReport } from '../../src/enclave/attestation';
import {
  exportDevicePublicKey,
  generateDeviceIdentity,
  importDevicePublicKey,
} from '../../src/enclave/device-identity';
import { type EnclaveDescription, measureEnclave } from '../../src/enclave/enclave-identity';
import { Measurement } from '../../src/enclave/measurement';
import { deriveSealingKey, generateDeviceSecret, seal, unseal } from '../../src/enclave/sealing';

const signer: EnclaveDescription = {
  arch: 'armv8-m',
  image: new TextEncoder().encode('\x00signer enclave image'),
  regions: [
    { base: 0x1000_8000, size: 0x2000, permissions: { read: true, write: false, execute: true } },
    { base: 0x3000_4000, size: 0x1000, permissions: { read: true, write: true, execute: false } },
  ],
  entryPoints: [0x1000_8000, 0x1000_8040],
  stackSize: 0x400,
};

describe('enclave lifecycle through the crypto core', () => {
  it('attests, seals, survives a restart, and refuses a changed enclave', async () => {
    // Boot: the simulated device has an identity and a sealing secret.
    const device = await generateDeviceIdentity();
    const deviceSecret = generateDeviceSecret();
    const published = await exportDevicePublicKey(device.publicKey, 'spki');

    // Enclave creation: the kernel measures the image and layout.
    const measurement = await measureEnclave(signer);

    // A verifier elsewhere knows the expected measurement (as hex) and the device's public key.
    const expectedMeasurement = Measurement.fromHex(measurement.toHex());
    const verifierKey = await importDevicePublicKey(published, 'spki');
    const nonce = crypto.getRandomValues(new Uint8Array(32));
    const report = await createAttestationReport({
      measurement,
      nonce,
      deviceKey: device.privateKey,
      deviceId: device.deviceId,
      counter: 1n,
      timestamp: 5_000n,
    });
    const verdict = await verifyAttestationReport(report.bytes, verifierKey, {
      expectedMeasurement,
      expectedNonce: nonce,
      expectedDeviceId: device.deviceId,
    });
    expect(verdict.ok).toBe(true);

    // The enclave seals its signing key.
    const sealed = await seal(
      await deriveSealingKey(deviceSecret, measurement, 'signing-key'),
      new TextEncoder().encode('enclave private key bytes'),
    );

    // Restart: everything in memory is gone but the secret and the sealed blob.
    const afterRestart = await measureEnclave({ ...signer, image: signer.image.slice() });
    const reopened = await unseal(
      await deriveSealingKey(deviceSecret, afterRestart, 'signing-key'),
      sealed,
    );
    expect(new TextDecoder().decode(reopened)).toBe('enclave private key bytes');

    // An attacker patches one byte of the image: a different enclave.
    const patchedImage = signer.image.slice();
    patchedImage[0] = 0x01;
    const patched = await measureEnclave({ ...signer, image: patchedImage });
    const patchedReport = await createAttestationReport({
      measurement: patched,
      nonce,
      deviceKey: device.privateKey,
      deviceId: device.deviceId,
    });
    expect(
      await verifyAttestationReport(patchedReport.bytes, verifierKey, {
        expectedMeasurement,
        expectedNonce: nonce,
      }),
    ).toMatchObject({ ok: false, failure: 'measurement' });
    await expect(
      unseal(await deriveSealingKey(deviceSecret, patched, 'signing-key'), sealed),
    ).rejects.toMatchObject({ code: 'sealed-for-other-key' });

    // So does a layout change that keeps the image: one more entry point.
    const widened = await measureEnclave({
      ...signer,
      entryPoints: [...signer.entryPoints, 0x1000_8080],
    });
    expect(widened.equals(measurement)).toBe(false);
  });
});
