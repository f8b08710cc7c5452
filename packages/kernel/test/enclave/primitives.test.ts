// Known-answer tests for the primitives the enclave core takes from WebCrypto (SHA-256 from
// FIPS 180-2 / NIST examples, HKDF-SHA-256 from RFC 5869 appendix A, ECDSA P-256 from RFC 6979
// A.2.5), so a host with a broken or differently-parameterised WebCrypto fails here first, and the
// byte helpers the formats are built from.
import { describe, expect, it } from 'vitest';
import { ByteWriter, bytesEqual, fromHex, readU64, toHex } from '../../src/enclave/bytes';
import { importDevicePublicKey } from '../../src/enclave/device-identity';
import { hkdfSha256, randomBytes, sha256 } from '../../src/enclave/primitives';

const hex = (h: string) => {
  const bytes = fromHex(h.replace(/\s+/g, ''));
  if (bytes === undefined) throw new Error(`bad hex in test: ${h}`);
  return new Uint8Array(bytes);
};
const text = (s: string) => new TextEncoder().encode(s);
const range = (from: number, to: number) =>
  Uint8Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('SHA-256 (FIPS 180-2 examples)', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
  ])('sha256(%j)', async (message, digest) => {
    expect(toHex(await sha256(text(message)))).toBe(digest);
  });

  it('hashes one million "a"', async () => {
    expect(toHex(await sha256(new Uint8Array(1_000_000).fill(0x61)))).toBe(
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    );
  });
});

describe('HKDF-SHA-256 (RFC 5869 appendix A)', () => {
  it('test case 1: basic', async () => {
    const okm = await hkdfSha256(
      new Uint8Array(22).fill(0x0b),
      hex('000102030405060708090a0b0c'),
      hex('f0f1f2f3f4f5f6f7f8f9'),
      42,
    );
    expect(toHex(okm)).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
  });

  it('test case 2: longer inputs and outputs', async () => {
    const okm = await hkdfSha256(range(0x00, 0x4f), range(0x60, 0xaf), range(0xb0, 0xff), 82);
    expect(toHex(okm)).toBe(
      'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c' +
        '59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71' +
        'cc30c58179ec3e87c14c01d5c1f3434f1d87',
    );
  });

  it('test case 3: empty salt and info', async () => {
    const okm = await hkdfSha256(
      new Uint8Array(22).fill(0x0b),
      new Uint8Array(0),
      new Uint8Array(0),
      42,
    );
    expect(toHex(okm)).toBe(
      '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
    );
  });

  it.each([0, -1, 8161, 1.5])('refuses output length %d', async (length) => {
    await expect(
      hkdfSha256(new Uint8Array(32), new Uint8Array(0), new Uint8Array(0), length),
    ).rejects.toThrow(RangeError);
  });
});

describe('ECDSA P-256 SHA-256 (RFC 6979 A.2.5)', () => {
  const publicKey = hex(
    '04' +
      '60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6' +
      '7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299',
  );

  it.each([
    [
      'sample',
      'EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716' +
        'F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8',
    ],
    [
      'test',
      'F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367' +
        '019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083',
    ],
  ])('a raw-imported device key verifies the r||s signature of %j', async (message, signature) => {
    const key = await importDevicePublicKey(publicKey, 'raw');
    const params = { name: 'ECDSA', hash: 'SHA-256' };
    expect(await crypto.subtle.verify(params, key, hex(signature), text(message))).toBe(true);
    expect(await crypto.subtle.verify(params, key, hex(signature), text(`${message}!`))).toBe(
      false,
    );
  });
});

describe('byte helpers', () => {
  it('writes big-endian integers and refuses values that do not fit', () => {
    const out = new ByteWriter()
      .u8(0xab)
      .u16(0x0102)
      .u32(0x03040506)
      .u64(0x0708090a0b0c0d0en)
      .finish();
    expect(toHex(out)).toBe('ab0102030405060708090a0b0c0d0e');
    expect(readU64(out, 7)).toBe(0x0708090a0b0c0d0en);
    expect(() => new ByteWriter().u8(256)).toThrow(RangeError);
    expect(() => new ByteWriter().u16(-1)).toThrow(RangeError);
    expect(() => new ByteWriter().u64(1n << 64n)).toThrow(RangeError);
  });

  it('copies appended bytes, so later changes to the source do not leak in', () => {
    const source = new Uint8Array([1, 2, 3]);
    const writer = new ByteWriter().bytes(source);
    source[0] = 9;
    expect([...writer.finish()]).toEqual([1, 2, 3]);
  });

  it('converts hex both ways and rejects what is not hex', () => {
    expect(toHex(hex('00fFa5'))).toBe('00ffa5');
    expect(fromHex('abc')).toBeUndefined();
    expect(fromHex('zz')).toBeUndefined();
    expect(fromHex('')).toEqual(new Uint8Array(0));
  });

  it('compares bytes by content and length', () => {
    expect(bytesEqual(hex('0102'), hex('0102'))).toBe(true);
    expect(bytesEqual(hex('0102'), hex('0103'))).toBe(false);
    expect(bytesEqual(hex('0102'), hex('010200'))).toBe(false);
  });

  it('draws random bytes of the asked length, more than one getRandomValues call can give', () => {
    const big = randomBytes(70_000);
    expect(big.length).toBe(70_000);
    // The tail past the first 64 KiB chunk was filled too (all zero has probability 2^-35200).
    expect(big.subarray(65_536).some((b) => b !== 0)).toBe(true);
    expect(bytesEqual(randomBytes(16), randomBytes(16))).toBe(false);
  });
});
