// What the host sees of the kernel's enclaves (Kernel.enclaves) and how the kernel attests one
// (Kernel.attestEnclave): the live object's measurement, signed with the device key by WebCrypto.
// Host-side and asynchronous; nothing here runs inside a kernel entry. Relies on attestation.ts
// and objects/kobject.ts.

import type { Enclave } from '../objects/kobject';
import type { AttestationReport } from './attestation-report';
import { createAttestationReport } from './attestation';
import type { DeviceIdentity } from './device-identity';
import { Measurement } from './measurement';

/** A loaded or empty enclave as the host sees it. @public */
export interface EnclaveInfo {
  /** Kernel object id. */
  readonly id: number;
  /** Enclave memory: first byte and size in bytes. */
  readonly base: number;
  readonly size: number;
  /** Declared entry addresses, entry 0 first (empty before Enclave_Load). */
  readonly entries: readonly number[];
  /** The measurement taken at Enclave_Load, or null before it. */
  readonly measurement: Measurement | null;
  /** Ids of the threads running inside. */
  readonly threads: readonly number[];
}

/** The host's view of an enclave object. */
export function enclaveInfo(e: Enclave): EnclaveInfo {
  return {
    id: e.id,
    base: e.base,
    size: 2 ** e.sizeBits,
    entries: [...e.entries],
    measurement: e.measurement ? Measurement.fromBytes(e.measurement) : null,
    threads: e.threads.map((t) => t.id),
  };
}

/** Options of {@link Kernel.attestEnclave}. @public */
export interface AttestOptions {
  /** 32 bytes the report binds (for example a hash of a public key the enclave holds). */
  readonly userData?: Uint8Array;
}

/** Signs a report over a live enclave's measurement with the device key. */
export function attest(
  e: Enclave,
  device: DeviceIdentity,
  nonce: Uint8Array,
  counter: bigint,
  now: number,
  options: AttestOptions,
): Promise<AttestationReport> {
  return createAttestationReport({
    measurement: Measurement.fromBytes(e.measurement!),
    nonce,
    deviceKey: device.privateKey,
    deviceId: device.deviceId,
    counter,
    timestamp: BigInt(now),
    ...(options.userData !== undefined ? { userData: options.userData } : {}),
  });
}
