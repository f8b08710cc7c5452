// Attestation reports: the pinned version 1 layout, signing and verifying with a WebCrypto device
// key, public-key export and import for remote verifiers, the verdict for each failed check, and
// fuzzing with random and mutated bytes (verification never throws and never accepts them).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAttestationReport, verifyAttestationReport } from '../../src/enclave/attestation';
import { ATTESTATION_REPORT_LENGTH, REPORT_OFFSET } from '../../src/enclave/attestation-report';
import { ByteWriter, toHex } from '../../src/enclave/bytes';
import {
  type DeviceIdentity,
  deriveDeviceId,
  exportDevicePublicKey,
  generateDeviceIdentity,
  importDevicePublicKey,
} from '../../src/enclave/device-identity';
import { type EnclaveDescription, measureEnclave } from '../../src/enclave/enclave-identity';
import type { Measurement } from '../../src/enclave/measurement';

const enclave: EnclaveDescription = {
  arch: 'riscv32',
  image: new TextEncoder().encode('key-holding enclave v1'),
  regions: [
    { base: 0x8010_0000, size: 0x4000, permissions: { read: true, write: true, execute: true } },
  ],
  entryPoints: [0x8010_0000],
  stackSize: 0x800,
};

const nonce = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 + i);
let device: DeviceIdentity;
let measurement: Measurement;
let report: Uint8Array;

beforeAll(async () => {
  device = await generateDeviceIdentity();
  measurement = await measureEnclave(enclave);
  report = (
    await createAttestationReport({
      measurement,
      nonce,
      deviceKey: device.privateKey,
      deviceId: device.deviceId,
      counter: 7n,
      timestamp: 123_456_789n,
    })
  ).bytes;
});

const expectations = () => ({ expectedMeasurement: measurement, expectedNonce: nonce });

describe('report layout (version 1)', () => {
  it('lays out every field at its documented offset', async () => {
    const userData = new Uint8Array(32).fill(0x5a);
    const made = await createAttestationReport({
      measurement,
      nonce: nonce.subarray(0, 20),
      deviceKey: device.privateKey,
      deviceId: device.deviceId,
      counter: 0x0102030405060708n,
      timestamp: 0x1112131415161718n,
      userData,
    });
    const expectedBody = new ByteWriter()
      .bytes(new TextEncoder().encode('K5AR'))
      .u8(1) // version
      .u8(1) // ECDSA P-256 SHA-256
      .u8(20) // nonce length
      .u8(0) // reserved
      .bytes(measurement.toBytes())
      .bytes(device.deviceId)
      .u64(0x0102030405060708n)
      .u64(0x1112131415161718n)
      .bytes(userData)
      .bytes(nonce.subarray(0, 20))
      .bytes(new Uint8Array(44)) // nonce padding to 64 bytes
      .finish();
    expect(made.bytes.length).toBe(232);
    expect(ATTESTATION_REPORT_LENGTH).toBe(232);
    expect(toHex(made.bytes.subarray(0, 168))).toBe(toHex(expectedBody));
    expect(REPORT_OFFSET.signature).toBe(168);
    expect(made.nonce).toEqual(nonce.subarray(0, 20));
    expect(made.counter).toBe(0x0102030405060708n);
    expect(made.timestamp).toBe(0x1112131415161718n);
    expect(made.userData).toEqual(userData);
    expect(made.signature.length).toBe(64);
    expect(made.measurement.equals(measurement)).toBe(true);
  });

  it('signs the 168-byte body with ECDSA P-256 SHA-256, signature as r || s', async () => {
    const ok = await crypto.subtle.verify(
      { name: 'ECDSA', hash: 'SHA-256' },
      device.publicKey,
      report.slice(168),
      report.slice(0, 168),
    );
    expect(ok).toBe(true);
  });
});

describe('verifyAttestationReport', () => {
  it('accepts a genuine report and returns its fields', async () => {
    const verdict = await verifyAttestationReport(report, device.publicKey, expectations());
    expect(verdict.ok).toBe(true);
    if (!verdict.ok) return;
    expect(verdict.report.measurement.equals(measurement)).toBe(true);
    expect(verdict.report.nonce).toEqual(nonce);
    expect(verdict.report.deviceId).toEqual(device.deviceId);
    expect(verdict.report.counter).toBe(7n);
    expect(verdict.report.timestamp).toBe(123_456_789n);
  });

  it('accepts the decoded report object by its bytes', async () => {
    const made = await createAttestationReport({
      measurement,
      nonce,
      deviceKey: device.privateKey,
      deviceId: device.deviceId,
    });
    expect((await verifyAttestationReport(made, device.publicKey, expectations())).ok).toBe(true);
  });

  it('fails on measurement when one byte of the image changes (issue 10)', async () => {
    const image = enclave.image.slice();
    image[3] = image[3]! ^ 0x01;
    const changed = await measureEnclave({ ...enclave, image });
    expect(changed.equals(measurement)).toBe(false);
    const made = await createAttestationReport({
      measurement: changed,
      nonce,
      deviceKey: device.privateKey,
      deviceId: device.deviceId,
    });
    const verdict = await verifyAttestationReport(made.bytes, device.publicKey, expectations());
    expect(verdict).toMatchObject({ ok: false, failure: 'measurement' });
  });

  it('fails on nonce for a replayed report', async () => {
    const fresh = nonce.map((b) => b ^ 0xff);
    const verdict = await verifyAttestationReport(report, device.publicKey, {
      expectedMeasurement: measurement,
      expectedNonce: fresh,
    });
    expect(verdict).toMatchObject({ ok: false, failure: 'nonce' });
  });

  it('fails on nonce when only the length differs (a prefix is not the nonce)', async () => {
    const verdict = await verifyAttestationReport(report, device.publicKey, {
      expectedMeasurement: measurement,
      expectedNonce: nonce.subarray(0, 16),
    });
    expect(verdict).toMatchObject({ ok: false, failure: 'nonce' });
  });

  it('fails on signature for another device key', async () => {
    const other = await generateDeviceIdentity();
    const verdict = await verifyAttestationReport(report, other.publicKey, expectations());
    expect(verdict).toMatchObject({ ok: false, failure: 'signature' });
  });

  it('fails on signature when a signed field is altered, before looking at the measurement', async () => {
    const forged = report.slice();
    forged[REPORT_OFFSET.measurement] = forged[REPORT_OFFSET.measurement]! ^ 1;
    const verdict = await verifyAttestationReport(forged, device.publicKey, expectations());
    expect(verdict).toMatchObject({ ok: false, failure: 'signature' });
  });

  it('checks the device id only when asked', async () => {
    const otherId = new Uint8Array(16).fill(9);
    expect(
      await verifyAttestationReport(report, device.publicKey, {
        ...expectations(),
        expectedDeviceId: otherId,
      }),
    ).toMatchObject({ ok: false, failure: 'device-id' });
    expect(
      (
        await verifyAttestationReport(report, device.publicKey, {
          ...expectations(),
          expectedDeviceId: device.deviceId,
        })
      ).ok,
    ).toBe(true);
  });

  it.each([
    ['empty', () => new Uint8Array(0), 'malformed'],
    ['too short for a header', () => new TextEncoder().encode('K5A'), 'malformed'],
    ['wrong magic', () => patch(0, 0x00), 'malformed'],
    ['version 2', () => patch(REPORT_OFFSET.version, 2), 'version'],
    [
      'version 0, even when truncated',
      () => patch(REPORT_OFFSET.version, 0).slice(0, 10),
      'version',
    ],
    ['truncated by one byte', () => report.slice(0, -1), 'malformed'],
    ['extended by one byte', () => new Uint8Array([...report, 0]), 'malformed'],
    ['unknown signature algorithm', () => patch(REPORT_OFFSET.signatureAlgorithm, 2), 'malformed'],
    ['nonce length 15', () => patch(REPORT_OFFSET.nonceLength, 15), 'malformed'],
    ['nonce length 65', () => patch(REPORT_OFFSET.nonceLength, 65), 'malformed'],
    ['reserved byte set', () => patch(REPORT_OFFSET.reserved, 1), 'malformed'],
    ['nonce padding set', () => patch(REPORT_OFFSET.nonce + 40, 1), 'malformed'],
    ['not bytes at all', () => 'K5AR' as unknown as Uint8Array, 'malformed'],
    ['null', () => null as unknown as Uint8Array, 'malformed'],
  ])('reports %s as %s', async (_name, make, failure) => {
    const verdict = await verifyAttestationReport(make(), device.publicKey, expectations());
    expect(verdict).toMatchObject({ ok: false, failure });
  });

  it('never throws and never accepts random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          // Random bodies behind a valid header, at the right length, to get past the framing.
          fc
            .uint8Array({ minLength: 227, maxLength: 227 })
            .map((tail) => new Uint8Array([...new TextEncoder().encode('K5AR'), 1, ...tail])),
        ),
        async (bytes) => {
          const verdict = await verifyAttestationReport(bytes, device.publicKey, expectations());
          expect(verdict.ok).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws and never accepts a mutated genuine report', async () => {
    const mutation = fc.record({
      index: fc.nat({ max: 231 }),
      xor: fc.integer({ min: 1, max: 255 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (changes) => {
        const bytes = report.slice();
        for (const { index, xor } of changes) bytes[index] = bytes[index]! ^ xor;
        fc.pre(bytes.some((b, i) => b !== report[i])); // changes may cancel each other out
        const verdict = await verifyAttestationReport(bytes, device.publicKey, expectations());
        expect(verdict.ok).toBe(false);
        if (!verdict.ok) expect(['malformed', 'version', 'signature']).toContain(verdict.failure);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects every single-byte change of a genuine report', async () => {
    for (let index = 0; index < report.length; index++) {
      const verdict = await verifyAttestationReport(
        patch(index, report[index]! ^ 0x80),
        device.publicKey,
        expectations(),
      );
      expect(verdict.ok, `byte ${index}`).toBe(false);
    }
  });
});

describe('caller mistakes are typed errors', () => {
  const input = () => ({
    measurement,
    nonce,
    deviceKey: device.privateKey,
    deviceId: device.deviceId,
  });

  it.each([
    ['a 15-byte nonce', { nonce: new Uint8Array(15) }, 'invalid-nonce'],
    ['a 65-byte nonce', { nonce: new Uint8Array(65) }, 'invalid-nonce'],
    ['a 15-byte device id', { deviceId: new Uint8Array(15) }, 'invalid-device-id'],
    ['31 bytes of user data', { userData: new Uint8Array(31) }, 'invalid-user-data'],
    ['a negative counter', { counter: -1n }, 'invalid-counter'],
    ['a timestamp beyond 64 bits', { timestamp: 1n << 64n }, 'invalid-counter'],
    ['a raw measurement', { measurement: new Uint8Array(32) }, 'invalid-measurement'],
  ])('creating a report with %s', async (_name, change, code) => {
    await expect(
      createAttestationReport({ ...input(), ...(change as object) } as Parameters<
        typeof createAttestationReport
      >[0]),
    ).rejects.toMatchObject({ code });
  });

  it('creating a report with a public key instead of the private key', async () => {
    await expect(
      createAttestationReport({ ...input(), deviceKey: device.publicKey }),
    ).rejects.toMatchObject({ code: 'invalid-key' });
  });

  it('verifying with a private key, or with an impossible expected nonce', async () => {
    await expect(
      verifyAttestationReport(report, device.privateKey, expectations()),
    ).rejects.toMatchObject({ code: 'invalid-key' });
    await expect(
      verifyAttestationReport(report, device.publicKey, {
        expectedMeasurement: measurement,
        expectedNonce: new Uint8Array(8),
      }),
    ).rejects.toMatchObject({ code: 'invalid-nonce' });
  });

  it('nonces of 16 and 64 bytes are both accepted', async () => {
    for (const length of [16, 64]) {
      const n = new Uint8Array(length).fill(length);
      const made = await createAttestationReport({ ...input(), nonce: n });
      const verdict = await verifyAttestationReport(made, device.publicKey, {
        expectedMeasurement: measurement,
        expectedNonce: n,
      });
      expect(verdict.ok).toBe(true);
    }
  });
});

describe('device identity and public-key exchange', () => {
  it.each(['raw', 'spki'] as const)(
    'a verifier with the %s public key verifies the report',
    async (format) => {
      const exported = await exportDevicePublicKey(device.publicKey, format);
      if (format === 'raw') {
        expect(exported.length).toBe(65);
        expect(exported[0]).toBe(0x04);
      } else {
        expect(exported[0]).toBe(0x30); // DER SEQUENCE
      }
      const imported = await importDevicePublicKey(exported, format);
      expect((await verifyAttestationReport(report, imported, expectations())).ok).toBe(true);
    },
  );

  it('derives the default device id from the public key, reproducibly', async () => {
    expect(device.deviceId.length).toBe(16);
    expect(await deriveDeviceId(device.publicKey)).toEqual(device.deviceId);
    const raw = await exportDevicePublicKey(device.publicKey, 'raw');
    const digest = new Uint8Array(
      await crypto.subtle.digest(
        'SHA-256',
        new Uint8Array([...new TextEncoder().encode('K5-DEVICE-ID'), 0, ...raw]),
      ),
    );
    expect(device.deviceId).toEqual(digest.subarray(0, 16));
  });

  it('keeps a given device id and keeps the private key non-extractable by default', async () => {
    const id = new Uint8Array(16).fill(0x42);
    const d = await generateDeviceIdentity({ deviceId: id });
    expect(d.deviceId).toEqual(id);
    expect(d.privateKey.extractable).toBe(false);
    await expect(generateDeviceIdentity({ deviceId: new Uint8Array(12) })).rejects.toMatchObject({
      code: 'invalid-device-id',
    });
  });

  it.each([
    ['a short raw key', new Uint8Array(64), 'raw'],
    ['a compressed-point prefix', new Uint8Array(65).fill(2), 'raw'],
    ['a point not on the curve', new Uint8Array([4, ...new Uint8Array(64).fill(1)]), 'raw'],
    ['junk SPKI', new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]), 'spki'],
  ] as const)('refuses to import %s', async (_name, bytes, format) => {
    await expect(importDevicePublicKey(bytes, format)).rejects.toMatchObject({
      code: 'invalid-key',
    });
  });
});

/** The genuine report with byte `index` set to `value`. */
function patch(index: number, value: number): Uint8Array {
  const bytes = report.slice();
  bytes[index] = value;
  return bytes;
}
