// The kernel's synchronous SHA-256, HMAC-SHA-256 and HKDF-SHA-256 agree with WebCrypto on random
// inputs (including every length around the 64-byte block and padding boundaries), and with the
// FIPS 180-4 and RFC 4231 / RFC 5869 test vectors.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/enclave/bytes';
import { hkdfSha256 } from '../../src/enclave/primitives';
import { hkdfSha256Sync, hmacSha256Sync, sha256Sync } from '../../src/enclave/sha256-sync';

const subtle = globalThis.crypto.subtle;
const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => Number.parseInt(b, 16)));

async function webSha256(data: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await subtle.digest('SHA-256', data.slice())));
}

async function webHmac(key: Uint8Array, data: Uint8Array): Promise<string> {
  const k = await subtle.importKey('raw', key.slice(), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  return toHex(new Uint8Array(await subtle.sign('HMAC', k, data.slice())));
}

describe('sha256Sync', () => {
  it('matches the FIPS 180-4 examples', () => {
    expect(toHex(sha256Sync(new TextEncoder().encode('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(toHex(sha256Sync(new Uint8Array(0)))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(
      toHex(
        sha256Sync(
          new TextEncoder().encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
        ),
      ),
    ).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  it('agrees with WebCrypto for every length 0..200', async () => {
    for (let n = 0; n <= 200; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
      expect(toHex(sha256Sync(data))).toBe(await webSha256(data));
    }
  });

  it('agrees with WebCrypto on random data split into random parts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 150 }), { maxLength: 6 }),
        async (parts) => {
          const whole = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
          let at = 0;
          for (const p of parts) {
            whole.set(p, at);
            at += p.length;
          }
          expect(toHex(sha256Sync(...parts))).toBe(await webSha256(whole));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('hmacSha256Sync and hkdfSha256Sync', () => {
  it('match RFC 4231 test case 2 and RFC 5869 test case 1', () => {
    expect(
      toHex(
        hmacSha256Sync(
          new TextEncoder().encode('Jefe'),
          new TextEncoder().encode('what do ya want for nothing?'),
        ),
      ),
    ).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    const okm = hkdfSha256Sync(
      hex('0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b'),
      hex('000102030405060708090a0b0c'),
      hex('f0f1f2f3f4f5f6f7f8f9'),
      42,
    );
    expect(toHex(okm)).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
  });

  it('agree with WebCrypto on random keys, data, salts, infos and lengths', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 100 }),
        fc.uint8Array({ maxLength: 100 }),
        fc.uint8Array({ maxLength: 80 }),
        fc.integer({ min: 1, max: 100 }),
        async (key, data, info, length) => {
          expect(toHex(hmacSha256Sync(key, data))).toBe(await webHmac(key, data));
          expect(toHex(hkdfSha256Sync(key, data, info, length))).toBe(
            toHex(await hkdfSha256(key, data, info, length)),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('rejects HKDF lengths outside 1..8160', () => {
    const z = new Uint8Array(1);
    expect(() => hkdfSha256Sync(z, z, z, 0)).toThrow(RangeError);
    expect(() => hkdfSha256Sync(z, z, z, 8161)).toThrow(RangeError);
  });
});
