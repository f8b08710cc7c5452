// The enclave identity encoding and measurement: a hand-written known answer from the layout in
// docs/enclaves.md, a differential check against an independent reference encoder (what a
// verifier in another language would write) hashed with node:crypto, canonical order, one-change
// sensitivity, and the typed errors for descriptions that cannot be measured.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/enclave/bytes';
import {
  type EnclaveDescription,
  type EnclaveRegion,
  encodeEnclaveIdentity,
  measureEnclave,
} from '../../src/enclave/enclave-identity';
import { EnclaveError } from '../../src/enclave/errors';
import { Measurement } from '../../src/enclave/measurement';

const RX = { read: true, write: false, execute: true };
const RW = { read: true, write: true, execute: false };

/** The example of docs/enclaves.md: regions given out of order on purpose. */
const example: EnclaveDescription = {
  arch: 'armv8-m',
  image: new Uint8Array([0xde, 0xad, 0xbe, 0xef]),
  regions: [
    { base: 0x2000_0000, size: 0x800, permissions: RW },
    { base: 0x1000_0000, size: 0x1000, permissions: RX },
  ],
  entryPoints: [0x1000_0010, 0x1000_0100],
  stackSize: 0x400,
};

/** The same bytes, written out field by field from the documented table. */
const exampleEncoding = [
  '4b352d454e434c4156452d4944454e54495459 00', // "K5-ENCLAVE-IDENTITY", NUL
  '01', // encoding version
  '01', // arch: armv8-m
  '0000000000000400', // stack size
  '00000002', // region count
  '0000000010000000 0000000000001000 05', // region at 0x1000_0000: read + execute
  '0000000020000000 0000000000000800 03', // region at 0x2000_0000: read + write
  '00000002', // entry count
  '0000000010000010',
  '0000000010000100',
  '0000000000000004 deadbeef', // image length, image
]
  .join('')
  .replace(/\s+/g, '');

/** The measurement of the example, also quoted in docs/enclaves.md. */
const EXAMPLE_MEASUREMENT = '00b77571bc770d07ee06d4b219e20a297883358db41a45425cfabe55ed9845b1';

const ARCH_CODE = { 'armv8-m': 1, riscv32: 2, riscv64: 3, generic: 4 } as const;

/** An independent encoder following the docs with Node's Buffer, for the differential property. */
function referenceEncoding(d: EnclaveDescription): Buffer {
  const u64 = (v: number | bigint) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(BigInt(v));
    return b;
  };
  const u32 = (v: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v);
    return b;
  };
  const regions = [...d.regions].sort((a, b) => Number(BigInt(a.base) - BigInt(b.base)));
  return Buffer.concat([
    Buffer.from('K5-ENCLAVE-IDENTITY\0', 'ascii'),
    Buffer.from([1, ARCH_CODE[d.arch]]),
    u64(d.stackSize),
    u32(regions.length),
    ...regions.flatMap((r) => [
      u64(r.base),
      u64(r.size),
      Buffer.from([
        (r.permissions.read ? 1 : 0) |
          (r.permissions.write ? 2 : 0) |
          (r.permissions.execute ? 4 : 0),
      ]),
    ]),
    u32(d.entryPoints.length),
    ...d.entryPoints.map(u64),
    u64(d.image.length),
    Buffer.from(d.image),
  ]);
}

const permissionsArb = fc.record({
  read: fc.boolean(),
  write: fc.boolean(),
  execute: fc.boolean(),
});

/**
 * Valid descriptions: regions laid out upwards from a base with gaps, the first executable, and
 * distinct entry points inside the first region.
 */
const descriptionArb: fc.Arbitrary<EnclaveDescription> = fc
  .record({
    arch: fc.constantFrom('armv8-m' as const, 'riscv32' as const, 'riscv64' as const),
    image: fc.uint8Array({ minLength: 1, maxLength: 256 }),
    start: fc.integer({ min: 0, max: 0x4000_0000 }),
    layout: fc.array(
      fc.record({
        gap: fc.integer({ min: 0, max: 0x1_0000 }),
        size: fc.integer({ min: 1, max: 0x1_0000 }),
        permissions: permissionsArb,
      }),
      { minLength: 1, maxLength: 6 },
    ),
    entryOffsets: fc.uniqueArray(fc.nat(), { minLength: 1, maxLength: 4 }),
    stackSize: fc.integer({ min: 1, max: 0x10_0000 }),
    bigints: fc.boolean(),
  })
  .map(({ arch, image, start, layout, entryOffsets, stackSize, bigints }) => {
    let cursor = start;
    const regions: EnclaveRegion[] = layout.map((l, i) => {
      const base = cursor + l.gap;
      cursor = base + l.size;
      const permissions = i === 0 ? { ...l.permissions, execute: true } : l.permissions;
      return bigints
        ? { base: BigInt(base), size: BigInt(l.size), permissions }
        : { base, size: l.size, permissions };
    });
    const first = layout[0]!;
    const base0 = Number(regions[0]!.base);
    const entries = [...new Set(entryOffsets.map((o) => base0 + (o % first.size)))];
    return { arch, image, regions, entryPoints: entries, stackSize };
  });

/** A permutation of `items` chosen by `seed`. */
function permute<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The same description built with every object's keys inserted in reverse order. */
function reverseKeys(d: EnclaveDescription): EnclaveDescription {
  return {
    stackSize: d.stackSize,
    entryPoints: [...d.entryPoints],
    regions: d.regions.map((r) => ({
      permissions: {
        execute: r.permissions.execute,
        write: r.permissions.write,
        read: r.permissions.read,
      },
      size: r.size,
      base: r.base,
    })),
    image: d.image.slice(),
    arch: d.arch,
  };
}

describe('encodeEnclaveIdentity', () => {
  it('produces the documented bytes for the example (regions sorted by base)', () => {
    expect(toHex(encodeEnclaveIdentity(example))).toBe(exampleEncoding);
  });

  it('measures the example to SHA-256 of those bytes (the value quoted in the docs)', async () => {
    const measurement = await measureEnclave(example);
    expect(measurement.toHex()).toBe(EXAMPLE_MEASUREMENT);
    expect(createHash('sha256').update(Buffer.from(exampleEncoding, 'hex')).digest('hex')).toBe(
      EXAMPLE_MEASUREMENT,
    );
  });

  it('agrees with an independent encoder and node:crypto for any valid description', async () => {
    await fc.assert(
      fc.asyncProperty(descriptionArb, async (d) => {
        const reference = referenceEncoding(d);
        expect(toHex(encodeEnclaveIdentity(d))).toBe(reference.toString('hex'));
        expect((await measureEnclave(d)).toHex()).toBe(
          createHash('sha256').update(reference).digest('hex'),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('ignores region order and object key order', async () => {
    await fc.assert(
      fc.asyncProperty(descriptionArb, fc.nat(), async (d, seed) => {
        const shuffled = { ...reverseKeys(d), regions: permute(reverseKeys(d).regions, seed) };
        expect((await measureEnclave(shuffled)).equals(await measureEnclave(d))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('does not depend on whether numbers or bigints were given', async () => {
    const asBigints: EnclaveDescription = {
      ...example,
      regions: example.regions.map((r) => ({ ...r, base: BigInt(r.base), size: BigInt(r.size) })),
      entryPoints: example.entryPoints.map(BigInt),
      stackSize: BigInt(example.stackSize),
    };
    expect((await measureEnclave(asBigints)).toHex()).toBe(EXAMPLE_MEASUREMENT);
  });
});

/** Changes that keep a description valid but change what it is. */
type Mutation = (
  d: EnclaveDescription,
  pick: number,
  byte: number,
) => EnclaveDescription | undefined;

const mutations: Record<string, Mutation> = {
  'one image byte': (d, pick, byte) => {
    const image = d.image.slice();
    const i = pick % image.length;
    image[i] = image[i]! ^ (byte || 1);
    return { ...d, image };
  },
  'image length (one byte appended)': (d, _pick, byte) => ({
    ...d,
    image: new Uint8Array([...d.image, byte]),
  }),
  'stack size': (d) => ({ ...d, stackSize: BigInt(d.stackSize) + 1n }),
  architecture: (d) => ({ ...d, arch: d.arch === 'riscv32' ? 'armv8-m' : 'riscv32' }),
  'a region permission': (d, pick) => {
    const i = pick % d.regions.length;
    const regions = d.regions.map((r, j) =>
      j === i ? { ...r, permissions: { ...r.permissions, write: !r.permissions.write } } : r,
    );
    return { ...d, regions };
  },
  'the last region base': (d) => {
    if (d.regions.length < 2) return undefined;
    const last = d.regions.at(-1)!;
    return {
      ...d,
      regions: [...d.regions.slice(0, -1), { ...last, base: BigInt(last.base) + 1n }],
    };
  },
  'the last region size': (d) => {
    if (d.regions.length < 2) return undefined;
    const last = d.regions.at(-1)!;
    return {
      ...d,
      regions: [...d.regions.slice(0, -1), { ...last, size: BigInt(last.size) + 1n }],
    };
  },
  'an added region': (d) => {
    const last = d.regions.at(-1)!;
    const base = BigInt(last.base) + BigInt(last.size);
    return { ...d, regions: [...d.regions, { base, size: 1n, permissions: RW }] };
  },
  'entry order': (d) =>
    d.entryPoints.length < 2 ? undefined : { ...d, entryPoints: [...d.entryPoints].reverse() },
  'a dropped entry': (d) =>
    d.entryPoints.length < 2 ? undefined : { ...d, entryPoints: d.entryPoints.slice(1) },
};

describe('measureEnclave sensitivity', () => {
  it.each(Object.keys(mutations))('changes when %s changes', async (name) => {
    const mutate = mutations[name]!;
    await fc.assert(
      fc.asyncProperty(
        descriptionArb,
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        async (d, pick, byte) => {
          const changed = mutate(d, pick, byte);
          fc.pre(changed !== undefined);
          const [a, b] = await Promise.all([measureEnclave(d), measureEnclave(changed!)]);
          expect(a.equals(b)).toBe(false);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('is the same for equal descriptions built separately', async () => {
    const again = { ...example, image: new Uint8Array([0xde, 0xad, 0xbe, 0xef]) };
    expect((await measureEnclave(again)).equals(await measureEnclave(example))).toBe(true);
  });
});

describe('descriptions that cannot be measured', () => {
  const region = (base: number | bigint, size: number | bigint, permissions = RX) => ({
    base,
    size,
    permissions,
  });
  const cases: [string, Partial<Record<keyof EnclaveDescription, unknown>>, string][] = [
    ['an unknown architecture', { arch: 'x86' }, 'invalid-arch'],
    ['an image that is not bytes', { image: [1, 2, 3] }, 'invalid-image'],
    ['no regions', { regions: [] }, 'invalid-region'],
    ['a zero-size region', { regions: [region(0x1000_0000, 0)] }, 'invalid-region'],
    ['a negative base', { regions: [region(-4, 16)] }, 'invalid-region'],
    ['a fractional size', { regions: [region(0x1000_0000, 1.5)] }, 'invalid-region'],
    [
      'a region past 4 GiB on a 32-bit arch',
      { regions: [region(0xffff_f000, 0x2000)] },
      'invalid-region',
    ],
    ['missing permissions', { regions: [{ base: 0x1000_0000, size: 16 }] }, 'invalid-region'],
    [
      'overlapping regions',
      { regions: [region(0x1000_0000, 0x1000), region(0x1000_0fff, 0x10, RW)] },
      'overlapping-regions',
    ],
    ['no entry points', { entryPoints: [] }, 'invalid-entry-point'],
    ['an entry outside every region', { entryPoints: [0x3000_0000] }, 'invalid-entry-point'],
    ['an entry in a non-executable region', { entryPoints: [0x2000_0000] }, 'invalid-entry-point'],
    ['a repeated entry', { entryPoints: [0x1000_0010, 0x1000_0010] }, 'invalid-entry-point'],
    ['an unsafe-integer entry', { entryPoints: [2 ** 53] }, 'invalid-entry-point'],
    // biome-ignore lint/suspicious/noSparseArray: a hole must be refused, not skipped
    ['a sparse entry list', { entryPoints: [0x1000_0010, , 0x1000_0020] }, 'invalid-entry-point'],
    ['a zero stack', { stackSize: 0 }, 'invalid-stack-size'],
    ['a stack size beyond 64 bits', { stackSize: 1n << 64n }, 'invalid-stack-size'],
  ];

  it.each(cases)('refuses %s', async (_name, change, code) => {
    const d = { ...example, ...change } as EnclaveDescription;
    expect(() => encodeEnclaveIdentity(d)).toThrow(expect.objectContaining({ code }));
    await expect(measureEnclave(d)).rejects.toBeInstanceOf(EnclaveError);
  });

  it('accepts a region ending exactly at the top of a 32-bit address space', () => {
    const d = { ...example, regions: [region(0xffff_f000, 0x1000)], entryPoints: [0xffff_f000] };
    expect(encodeEnclaveIdentity(d).length).toBeGreaterThan(0);
  });

  it('refuses a 2^64-byte region on riscv64 (the size field is 64 bits)', () => {
    const whole = { regions: [region(0n, 1n << 64n)], entryPoints: [0], arch: 'riscv64' as const };
    expect(() => encodeEnclaveIdentity({ ...example, ...whole })).toThrow(
      expect.objectContaining({ code: 'invalid-region' }),
    );
  });

  it('accepts 64-bit addresses on riscv64 only', () => {
    const high = { regions: [region(1n << 40n, 0x1000)], entryPoints: [1n << 40n] };
    expect(() => encodeEnclaveIdentity({ ...example, ...high, arch: 'riscv64' })).not.toThrow();
    expect(() => encodeEnclaveIdentity({ ...example, ...high, arch: 'riscv32' })).toThrow(
      expect.objectContaining({ code: 'invalid-region' }),
    );
  });
});

describe('Measurement', () => {
  const bytes = Uint8Array.from({ length: 32 }, (_, i) => i);

  it('round-trips bytes and hex and is immutable from outside', () => {
    const m = Measurement.fromBytes(bytes);
    bytes[0] = 0xff; // the caller's buffer changing does not change the measurement
    expect(m.toHex()).toBe(toHex(Uint8Array.from({ length: 32 }, (_, i) => i)));
    m.toBytes()[1] = 0xff;
    expect(m.toBytes()[1]).toBe(1);
    expect(Measurement.fromHex(m.toHex().toUpperCase()).equals(m)).toBe(true);
    expect(String(m)).toBe(`sha256:${m.toHex()}`);
  });

  it.each([
    ['31 bytes', () => Measurement.fromBytes(new Uint8Array(31))],
    ['33 bytes', () => Measurement.fromBytes(new Uint8Array(33))],
    ['odd hex', () => Measurement.fromHex('abc')],
    ['non-hex', () => Measurement.fromHex('zz'.repeat(32))],
    ['short hex', () => Measurement.fromHex('00'.repeat(31))],
  ])('refuses %s', (_name, make) => {
    expect(make).toThrow(expect.objectContaining({ code: 'invalid-measurement' }));
  });
});
