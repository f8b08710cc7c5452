// Host-task enclave images: a host task's code lives in the host, not in simulated memory, so an
// enclave made of host tasks carries an image that names its program and holds a SHA-256 of each
// entry task's source text. The measurement then covers the code: changing one character of an
// entry task changes the image, the measurement, and the sealing keys. The executor checks the
// hashes again when an enclave thread starts. Relies on enclave/sha256-sync.ts.

import type { HostTask } from '@k5/abi';
import { sha256Sync } from '../enclave/sha256-sync';
import { KernelUsageError } from '../errors';

const MAGIC = [0x4b, 0x35, 0x48, 0x45]; // "K5HE"
const VERSION = 1;

/** SHA-256 of a host task's source text (what its enclave image records). */
export function hostTaskDigest(task: HostTask): Uint8Array {
  return sha256Sync(new TextEncoder().encode(task.toString()));
}

/**
 * The enclave image of a host-task enclave: `"K5HE"`, version 1, name length u8, UTF-8 name,
 * entry count u8, then per entry the SHA-256 of its task's source text. Load it with
 * Enclave_Load; entry i of the enclave runs `entries[i]`.
 * @throws {@link KernelUsageError} `bad-config` for an empty or over-long name or entry list.
 * @public
 */
export function hostEnclaveImage(name: string, entries: readonly HostTask[]): Uint8Array {
  const nameBytes = new TextEncoder().encode(name);
  if (nameBytes.length === 0 || nameBytes.length > 255)
    throw new KernelUsageError('bad-config', 'a host enclave name is 1 to 255 UTF-8 bytes');
  if (entries.length === 0 || entries.length > 255)
    throw new KernelUsageError('bad-config', 'a host enclave has 1 to 255 entry tasks');
  const out = new Uint8Array(4 + 1 + 1 + nameBytes.length + 1 + 32 * entries.length);
  out.set(MAGIC, 0);
  out[4] = VERSION;
  out[5] = nameBytes.length;
  out.set(nameBytes, 6);
  let at = 6 + nameBytes.length;
  out[at++] = entries.length;
  for (const task of entries) {
    out.set(hostTaskDigest(task), at);
    at += 32;
  }
  return out;
}

/** A parsed host enclave image: its name and entry digests; null when `read` finds none. */
export function parseHostEnclaveImage(
  read: (offset: number) => number,
): { name: string; digests: Uint8Array[] } | null {
  for (let i = 0; i < 4; i++) if (read(i) !== MAGIC[i]) return null;
  if (read(4) !== VERSION) return null;
  const nameLength = read(5);
  const name = new Uint8Array(nameLength);
  for (let i = 0; i < nameLength; i++) name[i] = read(6 + i);
  let at = 6 + nameLength;
  const count = read(at++);
  const digests: Uint8Array[] = [];
  for (let e = 0; e < count; e++) {
    const d = new Uint8Array(32);
    for (let i = 0; i < 32; i++) d[i] = read(at + i);
    digests.push(d);
    at += 32;
  }
  return { name: new TextDecoder().decode(name), digests };
}
