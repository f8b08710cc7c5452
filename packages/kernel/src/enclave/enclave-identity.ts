// What an enclave *is*, for measurement: its description (image bytes, memory regions with
// permissions, declared entry points, stack size, architecture), the checks that make a
// description meaningful, its canonical versioned byte encoding and `measureEnclave`, the SHA-256
// of that encoding. docs/enclaves.md specifies the encoding byte by byte so that a verifier in any
// language can recompute a measurement. Relies on `bytes.ts`, `errors.ts`, `measurement.ts` and
// `primitives.ts` (WebCrypto SHA-256).

import { ascii, ByteWriter, isBytes } from './bytes';
import { EnclaveError } from './errors';
import { Measurement } from './measurement';
import { sha256 } from './primitives';

/**
 * The architectures an enclave can be built for (`generic`: the kernel's generic port). The code
 * in the encoding (1 to 4) is fixed forever; a new architecture gets a new code.
 * @public
 */
export type EnclaveArch = 'armv8-m' | 'riscv32' | 'riscv64' | 'generic';

/** Encoding code and address-space size of each {@link EnclaveArch}. */
const ARCHES: Readonly<
  Record<EnclaveArch, { readonly code: number; readonly addressBits: number }>
> = {
  'armv8-m': { code: 1, addressBits: 32 },
  riscv32: { code: 2, addressBits: 32 },
  riscv64: { code: 3, addressBits: 64 },
  generic: { code: 4, addressBits: 32 },
};

/**
 * Access an enclave has to one of its regions.
 * @public
 */
export interface EnclavePermissions {
  readonly read: boolean;
  readonly write: boolean;
  readonly execute: boolean;
}

/**
 * One memory region of an enclave: `size` bytes from `base`. Numbers or bigints; either way they
 * must be non-negative integers inside the architecture's address space.
 * @public
 */
export interface EnclaveRegion {
  readonly base: number | bigint;
  readonly size: number | bigint;
  readonly permissions: EnclavePermissions;
}

/**
 * Everything that makes up an enclave's identity. Two descriptions that differ only in the order
 * of `regions` (or the key order of their objects) are the same enclave; `entryPoints` is an
 * ordered list because an entry's index is the entry number callers name.
 * @public
 */
export interface EnclaveDescription {
  readonly arch: EnclaveArch;
  /** The image exactly as the loader receives it (for an ELF image, the whole file). */
  readonly image: Uint8Array;
  /** Memory only the enclave may touch; non-empty, non-overlapping. */
  readonly regions: readonly EnclaveRegion[];
  /** Addresses callers may enter at, each inside an executable region; at least one, no repeats. */
  readonly entryPoints: readonly (number | bigint)[];
  /** Bytes of stack the kernel gives the enclave; positive. */
  readonly stackSize: number | bigint;
}

/** Version of the identity encoding (the byte after the domain-separation prefix). @public */
export const ENCLAVE_IDENTITY_VERSION = 1;

/**
 * Domain-separation prefix of the identity encoding; a NUL byte follows it in the encoding, so no
 * other K5 hash input (reports, sealing info) can collide with an identity. @public
 */
export const ENCLAVE_IDENTITY_DOMAIN = 'K5-ENCLAVE-IDENTITY';

/** Permission bits of the encoding. */
const PERM_READ = 0x01;
const PERM_WRITE = 0x02;
const PERM_EXECUTE = 0x04;

/** A region after validation, with bigint bounds. */
interface CheckedRegion {
  readonly base: bigint;
  readonly size: bigint;
  readonly permissions: number;
}

/** A non-negative integer below 2^bits as a bigint, or `undefined`. */
function toUint(value: unknown, bits: number): bigint | undefined {
  let big: bigint;
  if (typeof value === 'bigint') big = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) big = BigInt(value);
  else return undefined;
  return big >= 0n && big < 1n << BigInt(bits) ? big : undefined;
}

function hexAddress(value: bigint): string {
  return `0x${value.toString(16)}`;
}

function checkArch(arch: unknown): EnclaveArch {
  if (typeof arch !== 'string' || !Object.hasOwn(ARCHES, arch)) {
    throw new EnclaveError(
      'invalid-arch',
      `unknown enclave architecture ${JSON.stringify(arch)}; use one of ${Object.keys(ARCHES).join(', ')}`,
    );
  }
  return arch as EnclaveArch;
}

function checkPermissions(permissions: unknown, index: number): number {
  const p = permissions as Partial<Record<keyof EnclavePermissions, unknown>> | null | undefined;
  if (
    typeof p !== 'object' ||
    p === null ||
    typeof p.read !== 'boolean' ||
    typeof p.write !== 'boolean' ||
    typeof p.execute !== 'boolean'
  ) {
    throw new EnclaveError(
      'invalid-region',
      `region ${index}: permissions must be { read, write, execute } booleans`,
    );
  }
  return (p.read ? PERM_READ : 0) | (p.write ? PERM_WRITE : 0) | (p.execute ? PERM_EXECUTE : 0);
}

/** Validates and sorts the regions by base address (the canonical order). */
function checkRegions(regions: unknown, addressBits: number): CheckedRegion[] {
  if (!Array.isArray(regions) || regions.length === 0) {
    throw new EnclaveError('invalid-region', 'an enclave needs at least one memory region');
  }
  const limit = 1n << BigInt(addressBits);
  // Array.from visits holes of a sparse array too, so they fail the checks instead of vanishing.
  const checked = Array.from(
    regions,
    (region: Partial<EnclaveRegion> | null | undefined, index) => {
      const base = toUint(region?.base, addressBits);
      // A 32-bit arch may have one region of exactly 2^32 bytes; every size must fit the u64 field.
      const size = toUint(region?.size, Math.min(addressBits + 1, 64));
      if (base === undefined || size === undefined || size === 0n || base + size > limit) {
        throw new EnclaveError(
          'invalid-region',
          `region ${index}: base ${String(region?.base)} and size ${String(region?.size)} must be ` +
            `integers with size > 0 and base + size <= 2^${addressBits}`,
        );
      }
      return { base, size, permissions: checkPermissions(region?.permissions, index) };
    },
  );
  // Regions are a set: sort by base so the caller's order does not change the measurement.
  // Non-overlapping regions of non-zero size have distinct bases, so this order is total.
  checked.sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
  for (let i = 1; i < checked.length; i++) {
    const previous = checked[i - 1]!;
    const current = checked[i]!;
    if (current.base < previous.base + previous.size) {
      throw new EnclaveError(
        'overlapping-regions',
        `regions at ${hexAddress(previous.base)} (size ${hexAddress(previous.size)}) and ` +
          `${hexAddress(current.base)} overlap; give each byte to one region`,
      );
    }
  }
  return checked;
}

function checkEntryPoints(
  entryPoints: unknown,
  regions: readonly CheckedRegion[],
  addressBits: number,
): bigint[] {
  if (!Array.isArray(entryPoints) || entryPoints.length === 0) {
    throw new EnclaveError('invalid-entry-point', 'an enclave needs at least one entry point');
  }
  const seen = new Set<bigint>();
  return Array.from(entryPoints, (entry: unknown, index) => {
    const address = toUint(entry, addressBits);
    if (address === undefined) {
      throw new EnclaveError(
        'invalid-entry-point',
        `entry point ${index} (${String(entry)}) is not an address below 2^${addressBits}`,
      );
    }
    const inExecutable = regions.some(
      (r) => (r.permissions & PERM_EXECUTE) !== 0 && address >= r.base && address < r.base + r.size,
    );
    if (!inExecutable) {
      throw new EnclaveError(
        'invalid-entry-point',
        `entry point ${index} (${hexAddress(address)}) is not inside an executable region`,
      );
    }
    if (seen.has(address)) {
      throw new EnclaveError(
        'invalid-entry-point',
        `entry point ${index} (${hexAddress(address)}) repeats an earlier entry point`,
      );
    }
    seen.add(address);
    return address;
  });
}

/**
 * The canonical identity encoding of an enclave (version {@link ENCLAVE_IDENTITY_VERSION}):
 * the bytes {@link measureEnclave} hashes. Validates the description first.
 *
 * Layout (big-endian): `"K5-ENCLAVE-IDENTITY" 0x00`, version u8, arch u8, stack size u64,
 * region count u32, then per region sorted by base: base u64, size u64, permissions u8
 * (read 1, write 2, execute 4); entry count u32, entries u64 in the given order; image length u64,
 * image bytes. docs/enclaves.md has the full table.
 *
 * @throws {@link EnclaveError} with an `invalid-*` or `overlapping-regions` code for a
 * description that cannot be measured.
 * @public
 */
export function encodeEnclaveIdentity(description: EnclaveDescription): Uint8Array<ArrayBuffer> {
  const d = description as Partial<EnclaveDescription> | null | undefined;
  const arch = checkArch(d?.arch);
  const { code, addressBits } = ARCHES[arch];
  if (!isBytes(d?.image)) {
    throw new EnclaveError('invalid-image', 'the enclave image must be a Uint8Array');
  }
  const image = d.image;
  const regions = checkRegions(d.regions, addressBits);
  const entries = checkEntryPoints(d.entryPoints, regions, addressBits);
  const stackSize = toUint(d.stackSize, 64);
  if (stackSize === undefined || stackSize === 0n) {
    throw new EnclaveError(
      'invalid-stack-size',
      `stack size ${String(d.stackSize)} must be a positive integer number of bytes`,
    );
  }

  const out = new ByteWriter()
    .bytes(ascii(ENCLAVE_IDENTITY_DOMAIN))
    .u8(0)
    .u8(ENCLAVE_IDENTITY_VERSION)
    .u8(code)
    .u64(stackSize)
    .u32(regions.length);
  for (const region of regions) out.u64(region.base).u64(region.size).u8(region.permissions);
  out.u32(entries.length);
  for (const entry of entries) out.u64(entry);
  // The image goes last, length-prefixed, so a verifier can hash the layout and then stream it.
  out.u64(BigInt(image.length)).bytes(image);
  return out.finish();
}

/**
 * Measures an enclave: SHA-256 (WebCrypto) over {@link encodeEnclaveIdentity}. Any one-byte change
 * to the image or any change to the layout gives a different measurement; region order and object
 * key order do not matter.
 *
 * @throws {@link EnclaveError} for a description that cannot be measured (see
 * {@link encodeEnclaveIdentity}).
 * @public
 */
export async function measureEnclave(description: EnclaveDescription): Promise<Measurement> {
  return Measurement.fromBytes(await sha256(encodeEnclaveIdentity(description)));
}
