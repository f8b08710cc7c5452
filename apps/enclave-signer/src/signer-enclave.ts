// The signer enclave's code: one host task, entry 0 of the enclave. At start it asks the kernel
// for its measurement and its sealing key (Enclave_DeriveKey answers only threads of this
// enclave), asks the storage task for a sealed key blob and unseals it, or, on first boot,
// generates an ECDSA P-256 key pair with WebCrypto, seals it and hands the blob to storage. The
// key material also stays in the enclave's own memory, which no other task can read. Then it
// serves PublicKey and Sign requests; Crash is an injected bug (a null-pointer read) that makes
// the thread fault so that its supervisor restarts it.
//
// The enclave image records a SHA-256 of this task's source text, so the measurement, and with
// it the sealing key, changes whenever this function's text does.

import { encodeMessageInfo, type HostTask, LogLevel } from '@k5/abi';
import { EnclaveError, importSealingKey, Measurement, seal, unseal } from '@k5/kernel';
import { enclaveDeriveKey, enclaveMeasurement, Sys } from '@k5/userspace';
import {
  decodeKeyMaterial,
  ECDSA_P256,
  ECDSA_SHA256,
  encodeKeyMaterial,
  type KeyMaterial,
} from './key-material';
import {
  CRASH_ADDRESS,
  IPC_OFFSET,
  KEY_OFFSET,
  REPLY_REFUSED,
  SEALING_LABEL,
  SIGN_TICKS,
  SignerRequest,
  SLOT,
  StorageRequest,
} from './layout';
import { getBytes, putBytes } from './message-bytes';

/** Additional data every sealed key blob is bound to (format and purpose). */
const BLOB_AAD = new TextEncoder().encode('k5-enclave-signer/key/v1');

/** The signer enclave's entry task. */
export const signerEnclave: HostTask = function* signer(ctx) {
  const sys = new Sys(ctx);
  const say = (level: number, text: string) => sys.log(level, new TextEncoder().encode(text));
  const base = ctx.ipcBufferAddress() - IPC_OFFSET;

  // The sealing key: bound to this device, this enclave's measurement and the label.
  const measured = yield* enclaveMeasurement(sys, SLOT.enclave);
  const derived = yield* enclaveDeriveKey(sys, SLOT.enclave, SEALING_LABEL);
  if (measured.bytes === null || derived.bytes === null) {
    yield* say(LogLevel.Error, `no sealing key (errors ${measured.error}, ${derived.error})`);
    return;
  }
  const measurement = Measurement.fromBytes(measured.bytes);
  const sealingKey = yield* ctx.await(importSealingKey(derived.bytes, measurement, SEALING_LABEL));
  derived.bytes.fill(0);

  // The key pair: unsealed from storage, or made and sealed on first boot.
  yield* sys.call(SLOT.storage, encodeMessageInfo(StorageRequest.Get, 0));
  const stored = getBytes(sys, 0, sys.length);
  let keys: KeyMaterial;
  if (stored.length > 0) {
    let plain: Uint8Array;
    try {
      plain = yield* ctx.await(unseal(sealingKey, stored, BLOB_AAD));
    } catch (e) {
      const code = e instanceof EnclaveError ? e.code : 'unknown-error';
      yield* say(LogLevel.Error, `unseal refused: ${code}`);
      return; // without its key the signer has nothing to offer
    }
    keys = decodeKeyMaterial(plain);
    plain.fill(0);
    yield* say(LogLevel.Info, `unsealed the stored key (${stored.length}-byte blob)`);
  } else {
    const pair = yield* ctx.await(
      crypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify']) as Promise<CryptoKeyPair>,
    );
    keys = {
      privateKey: new Uint8Array(
        yield* ctx.await(crypto.subtle.exportKey('pkcs8', pair.privateKey)),
      ),
      publicKey: new Uint8Array(yield* ctx.await(crypto.subtle.exportKey('raw', pair.publicKey))),
    };
    const blob = yield* ctx.await(seal(sealingKey, encodeKeyMaterial(keys), BLOB_AAD));
    yield* sys.call(SLOT.storage, encodeMessageInfo(StorageRequest.Put, putBytes(sys, 0, blob)));
    yield* say(LogLevel.Info, `generated a P-256 key; sealed it (${blob.length}-byte blob)`);
  }

  // The key material lives in enclave memory; the signing key is made from that copy.
  const material = encodeKeyMaterial(keys);
  for (let i = 0; i < material.length; i++) ctx.write8(base + KEY_OFFSET + i, material[i]!);
  const inMemory = new Uint8Array(material.length);
  for (let i = 0; i < inMemory.length; i++) inMemory[i] = ctx.read8(base + KEY_OFFSET + i);
  const signingKey = yield* ctx.await(
    crypto.subtle.importKey('pkcs8', decodeKeyMaterial(inMemory).privateKey, ECDSA_P256, false, [
      'sign',
    ]),
  );
  const publicKey = keys.publicKey;
  keys.privateKey.fill(0);
  material.fill(0);
  inMemory.fill(0);
  yield* say(LogLevel.Info, 'serving');

  yield* sys.recv(SLOT.signer, SLOT.reply);
  for (;;) {
    let label = 0;
    let length = 0;
    if (sys.label === SignerRequest.PublicKey) {
      length = putBytes(sys, 0, publicKey);
    } else if (sys.label === SignerRequest.Sign && sys.length >= 1) {
      let message: Uint8Array | null = null;
      try {
        message = getBytes(sys, 0, sys.length);
      } catch {
        label = REPLY_REFUSED;
      }
      if (message !== null) {
        yield* sys.work(SIGN_TICKS); // what the signature costs on the device
        const signature = yield* ctx.await(
          crypto.subtle.sign(ECDSA_SHA256, signingKey, message as Uint8Array<ArrayBuffer>),
        );
        length = putBytes(sys, 0, new Uint8Array(signature));
      }
    } else if (sys.label === SignerRequest.Crash) {
      ctx.read32(CRASH_ADDRESS); // the bug: faults, and the supervisor restarts this thread
    } else {
      label = REPLY_REFUSED;
    }
    yield* sys.replyRecv(SLOT.signer, encodeMessageInfo(label, length), SLOT.reply);
  }
};

/**
 * A rebuilt signer: the same logic behind a different entry task, so its image, measurement and
 * sealing key differ from {@link signerEnclave}'s. It must not unseal the original's blob.
 */
export const signerEnclaveVariant: HostTask = function* signerRebuilt(ctx) {
  yield* signerEnclave(ctx);
};
