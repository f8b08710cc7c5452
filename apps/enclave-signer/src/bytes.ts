// Small byte helpers for the host side: equality and short hex fingerprints for printing keys
// and signatures (which differ from run to run) without flooding the output.

/** Whether two byte strings are equal. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Lower-case hex of `bytes`. */
export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The first `length` bytes of `bytes` in hex, with an ellipsis: a short fingerprint. */
export function fingerprint(bytes: Uint8Array, length = 6): string {
  return `${hex(bytes.subarray(0, length))}…`;
}
