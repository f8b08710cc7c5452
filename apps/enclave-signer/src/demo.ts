// The whole story on one board. Boot 1: the signer generates and seals its key, signs for two
// clients, is probed by the rogue while preempted, crashes, is restarted by its supervisor and
// unseals the same key; the host then attests it. Boot 2, the same device (device secret and
// flash kept) with a rebuilt signer: its measurement differs and it cannot unseal the blob.

import {
  type DeviceIdentity,
  generateDeviceIdentity,
  generateDeviceSecret,
  type Measurement,
} from '@k5/kernel';
import { attestSigner, type SignerAttestation, signerEnclaveOf } from './attestation';
import type { BoardName } from './boards';
import { signerEnclave, signerEnclaveVariant } from './signer-enclave';
import { runSignerSystem, type SignerRun } from './system';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  readonly board: BoardName;
  /** Run the kernel's invariant checker after every kernel entry (default true). */
  readonly checkInvariants?: boolean;
  /** The device (default: a fresh identity and sealing secret). */
  readonly device?: DeviceIdentity;
  readonly deviceSecret?: Uint8Array;
}

/** What the demo showed on one board. */
export interface DemoResult {
  readonly board: BoardName;
  readonly first: SignerRun;
  readonly measurement: Measurement;
  readonly attestation: SignerAttestation;
  /** Boot 2 with the rebuilt signer. */
  readonly variant: SignerRun;
  readonly variantMeasurement: Measurement;
}

/** Runs both boots on `options.board` and attests the signer. */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const device = options.device ?? (await generateDeviceIdentity());
  const deviceSecret = options.deviceSecret ?? generateDeviceSecret();
  const common = {
    board: options.board,
    device,
    deviceSecret,
    ...(options.checkInvariants !== undefined ? { checkInvariants: options.checkInvariants } : {}),
  };
  const first = await runSignerSystem(common);
  const publicKey = first.findings.publicKeys[0]?.key;
  if (publicKey === undefined) throw new Error('no client received the public key');
  const attestation = await attestSigner(
    first.system.kernel,
    device,
    publicKey,
    signerEnclave,
    signerEnclaveVariant,
  );
  const variant = await runSignerSystem({
    ...common,
    flash: { blob: first.flash.blob },
    enclaveEntry: signerEnclaveVariant,
  });
  return {
    board: options.board,
    first,
    measurement: signerEnclaveOf(first.system.kernel).measurement,
    attestation,
    variant,
    variantMeasurement: signerEnclaveOf(variant.system.kernel).measurement,
  };
}
