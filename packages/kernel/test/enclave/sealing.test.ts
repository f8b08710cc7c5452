// Sealing: round trips, survival across a "restart" (keys derived again from the same secret and
// measurement), refusal for another enclave, label or device and for any tampering (typed errors,
// never plaintext), the pinned blob layout, and a differential check of the documented HKDF and
// AES-256-GCM scheme against node:crypto, as a verifier written elsewhere would implement it.
import { createDecipheriv, hkdfSync } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type EnclaveDescription, measureEnclave } from '../../src/enclave/enclave-identity';
import { EnclaveError } from '../../src/enclave/errors';
import { Measurement } from '../../src/enclave/measurement';
import {
  deriveSealingKey,
  generateDeviceSecret,
  SEALED_OVERHEAD,
  type SealingKey,
  seal,
  unseal,
} from '../../src/enclave/sealing';

const enclave: EnclaveDescription = {
  arch: 'armv8-m',
  image: new TextEncoder().encode('sealing enclave'),
  regions: [
    { base: 0x3000_0000, size: 0x2000, permissions: { read: true, write: true, execute: true } },
  ],
  entryPoints: [0x3000_0040],
  stackSize: 0x400,
};

const secret = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
let measurement: Measurement;
let key: SealingKey;

beforeAll(async () => {
  measurement = await measureEnclave(enclave);
  key = await deriveSealingKey(secret, measurement, 'storage');
});

const text = (s: string) => new TextEncoder().encode(s);
const UNSEAL_REFUSALS = [
  'sealed-blob-malformed',
  'sealed-blob-version',
  'sealed-for-other-key',
  'sealed-blob-tampered',
];

describe('seal and unseal', () => {
  it('round-trips any plaintext and additional data', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 512 }),
        fc.option(fc.uint8Array({ maxLength: 64 }), { nil: undefined }),
        async (plaintext, aad) => {
          const blob = await seal(key, plaintext, aad);
          expect(blob.length).toBe(plaintext.length + SEALED_OVERHEAD);
          expect(await unseal(key, blob, aad)).toEqual(plaintext);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('uses a fresh IV for every blob', async () => {
    const a = await seal(key, text('same'));
    const b = await seal(key, text('same'));
    expect(a.subarray(24, 36)).not.toEqual(b.subarray(24, 36));
    expect(a).not.toEqual(b);
  });

  it('survives a restart: a key derived again from the same secret and measurement unseals', async () => {
    const blob = await seal(key, text('counter=41'));
    // "Restart": the enclave is measured again from its description and the key re-derived.
    const remeasured = await measureEnclave({ ...enclave, image: enclave.image.slice() });
    const again = await deriveSealingKey(secret.slice(), remeasured, 'storage');
    expect(await unseal(again, blob)).toEqual(text('counter=41'));
  });

  it('is refused to an enclave whose image differs by one byte (issue 10)', async () => {
    const blob = await seal(key, text('secret'));
    const image = enclave.image.slice();
    image[0] = image[0]! ^ 0x20;
    const other = await deriveSealingKey(
      secret,
      await measureEnclave({ ...enclave, image }),
      'storage',
    );
    await expect(unseal(other, blob)).rejects.toMatchObject({ code: 'sealed-for-other-key' });
  });

  it('is refused for any other measurement, label or device secret', async () => {
    const blob = await seal(key, text('secret'));
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.string({ maxLength: 20 }),
        fc.uint8Array({ minLength: 32, maxLength: 48 }),
        fc.constantFrom('measurement', 'label', 'secret'),
        async (otherMeasurement, otherLabel, otherSecret, what) => {
          const m = Measurement.fromBytes(otherMeasurement);
          fc.pre(what !== 'measurement' || !m.equals(measurement));
          fc.pre(what !== 'label' || otherLabel !== 'storage');
          fc.pre(
            what !== 'secret' ||
              otherSecret.some((b, i) => b !== secret[i]) ||
              otherSecret.length !== 32,
          );
          const other = await deriveSealingKey(
            what === 'secret' ? otherSecret : secret,
            what === 'measurement' ? m : measurement,
            what === 'label' ? otherLabel : 'storage',
          );
          await expect(unseal(other, blob)).rejects.toMatchObject({ code: 'sealed-for-other-key' });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses any tampered blob with a typed error and no plaintext', async () => {
    const plaintext = text('the enclave signing key');
    const blob = await seal(key, plaintext, text('aad'));
    const change = fc.record({
      index: fc.nat({ max: blob.length - 1 }),
      xor: fc.integer({ min: 1, max: 255 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(change, { minLength: 1, maxLength: 3 }), async (changes) => {
        const tampered = blob.slice();
        for (const { index, xor } of changes) tampered[index] = tampered[index]! ^ xor;
        fc.pre(tampered.some((b, i) => b !== blob[i]));
        const error = await unseal(key, tampered, text('aad')).then(
          (leaked) => ({ leaked }),
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(EnclaveError);
        expect(UNSEAL_REFUSALS).toContain((error as EnclaveError).code);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses truncated, extended and random blobs', async () => {
    const blob = await seal(key, text('x'));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 100 }),
          fc.nat({ max: blob.length - 1 }).map((n) => blob.slice(0, n)),
          fc
            .uint8Array({ minLength: 1, maxLength: 8 })
            .map((extra) => new Uint8Array([...blob, ...extra])),
        ),
        async (bytes) => {
          await expect(unseal(key, bytes)).rejects.toBeInstanceOf(EnclaveError);
        },
      ),
      { numRuns: 200 },
    );
  });

  it.each([
    [
      'a blob shorter than the overhead',
      () => new Uint8Array(SEALED_OVERHEAD - 1),
      'sealed-blob-malformed',
    ],
    ['a wrong magic', (b: Uint8Array) => set(b, 0, 0), 'sealed-blob-malformed'],
    ['version 2', (b: Uint8Array) => set(b, 4, 2), 'sealed-blob-version'],
    ['an unknown algorithm', (b: Uint8Array) => set(b, 5, 9), 'sealed-blob-malformed'],
    ['a reserved byte set', (b: Uint8Array) => set(b, 7, 1), 'sealed-blob-malformed'],
    ['a changed key id', (b: Uint8Array) => set(b, 8, b[8]! ^ 1), 'sealed-for-other-key'],
    ['a changed IV', (b: Uint8Array) => set(b, 24, b[24]! ^ 1), 'sealed-blob-tampered'],
    [
      'a changed ciphertext byte',
      (b: Uint8Array) => set(b, 36, b[36]! ^ 1),
      'sealed-blob-tampered',
    ],
    [
      'a changed tag byte',
      (b: Uint8Array) => set(b, b.length - 1, b.at(-1)! ^ 1),
      'sealed-blob-tampered',
    ],
  ])('names %s', async (_name, mutate, code) => {
    const blob = await seal(key, text('payload'));
    await expect(unseal(key, mutate(blob.slice()))).rejects.toMatchObject({ code });
  });

  it('refuses a blob moved to another key by rewriting its key id', async () => {
    const other = await deriveSealingKey(secret, measurement, 'other-purpose');
    const blob = await seal(key, text('payload'));
    const moved = blob.slice();
    moved.set(other.keyId, 8);
    await expect(unseal(other, moved)).rejects.toMatchObject({ code: 'sealed-blob-tampered' });
  });

  it('refuses different additional data', async () => {
    const blob = await seal(key, text('payload'), text('slot 1'));
    await expect(unseal(key, blob, text('slot 2'))).rejects.toMatchObject({
      code: 'sealed-blob-tampered',
    });
    await expect(unseal(key, blob)).rejects.toMatchObject({ code: 'sealed-blob-tampered' });
  });
});

describe('the documented scheme (differential against node:crypto)', () => {
  const info = (prefix: string, m: Measurement, label: string) => {
    const l = Buffer.from(label, 'utf8');
    return Buffer.concat([
      Buffer.from(`${prefix}\0`, 'ascii'),
      Buffer.from([1]),
      m.toBytes(),
      Buffer.from([l.length]),
      l,
    ]);
  };

  it('blob = K5SL | 1 | 1 | 0000 | key id | IV | AES-256-GCM(HKDF key, aad = header || aad)', async () => {
    const label = 'storage';
    const salt = Buffer.from('K5-SEAL-SALT-v1', 'ascii');
    const aesKey = Buffer.from(
      hkdfSync('sha256', secret, salt, info('K5-ENCLAVE-SEAL-KEY', measurement, label), 32),
    );
    const keyId = Buffer.from(
      hkdfSync('sha256', secret, salt, info('K5-ENCLAVE-SEAL-KEY-ID', measurement, label), 16),
    );
    expect(Buffer.from(key.keyId).equals(keyId)).toBe(true);

    const aad = text('context');
    const blob = Buffer.from(await seal(key, text('hello, enclave'), aad));
    expect(blob.subarray(0, 8).toString('hex')).toBe('4b35534c01010000'); // "K5SL", v1, AES-256-GCM, 0
    expect(blob.subarray(8, 24).equals(keyId)).toBe(true);
    const decipher = createDecipheriv('aes-256-gcm', aesKey, blob.subarray(24, 36));
    decipher.setAAD(Buffer.concat([blob.subarray(0, 36), aad]));
    decipher.setAuthTag(blob.subarray(-16));
    const plaintext = Buffer.concat([decipher.update(blob.subarray(36, -16)), decipher.final()]);
    expect(plaintext.toString('utf8')).toBe('hello, enclave');
  });
});

describe('deriveSealingKey inputs', () => {
  it('gives equal keys for equal inputs and distinct keys per label', async () => {
    const again = await deriveSealingKey(secret, measurement, 'storage');
    const other = await deriveSealingKey(secret, measurement, 'storag');
    expect(again.keyId).toEqual(key.keyId);
    expect(other.keyId).not.toEqual(key.keyId);
    expect(key.cryptoKey.extractable).toBe(false);
  });

  it('makes 32-byte device secrets that differ', () => {
    const a = generateDeviceSecret();
    expect(a.length).toBe(32);
    expect(a).not.toEqual(generateDeviceSecret());
  });

  it.each([
    [
      'a 31-byte secret',
      () => deriveSealingKey(new Uint8Array(31), measurement, 'x'),
      'invalid-secret',
    ],
    [
      'a raw measurement',
      () => deriveSealingKey(secret, new Uint8Array(32) as never, 'x'),
      'invalid-measurement',
    ],
    [
      'a 256-byte label',
      () => deriveSealingKey(secret, measurement, 'é'.repeat(128)),
      'invalid-label',
    ],
    [
      'a label that is not a string',
      () => deriveSealingKey(secret, measurement, 7 as never),
      'invalid-label',
    ],
    ['a forged key', () => seal({ keyId: new Uint8Array(16) } as never, text('x')), 'invalid-key'],
    ['plaintext that is not bytes', () => seal(key, 'x' as never), 'invalid-data'],
    ['aad that is not bytes', () => unseal(key, new Uint8Array(64), 'x' as never), 'invalid-data'],
  ])('refuses %s', async (_name, run, code) => {
    await expect(run()).rejects.toMatchObject({ code });
  });

  it('accepts a 255-byte label', async () => {
    await expect(deriveSealingKey(secret, measurement, 'a'.repeat(255))).resolves.toBeDefined();
  });
});

function set(bytes: Uint8Array, index: number, value: number): Uint8Array {
  bytes[index] = value;
  return bytes;
}
