// The ordinary tasks around the enclave, as host programs: storage keeps the sealed key blob in
// its flash; two clients ask the enclave for its public key and for signatures and check them
// with WebCrypto (client-b also injects the enclave's crash and checks the key after the
// restart); a rogue task probes every word of the enclave's memory; the supervisor restarts the
// enclave after its fault and records the rogue's. Tasks use @k5/userspace only.

import { encodeMessageInfo, type HostTask, type HostTaskContext } from '@k5/abi';
import { readFault, Sys, tcbReadRegisters, tcbRestart } from '@k5/userspace';
import type { Findings, SignatureCheck } from './findings';
import { ECDSA_P256, ECDSA_SHA256 } from './key-material';
import { BADGE, RESTART_DELAY, SignerRequest, SLOT, StorageRequest } from './layout';
import { getBytes, putBytes } from './message-bytes';

/** Non-volatile storage the storage task owns; it survives a reboot of the simulated device. */
export interface Flash {
  blob: Uint8Array | null;
}

/** Where the rogue looks: the enclave's memory (an attacker knows the memory map). */
export type ProbeTarget = () => { readonly base: number; readonly size: number };

/** Messages the clients sign. */
export const CLIENT_A_MESSAGES = ['transfer 10 EUR to bob', 'sensor reading 21.5 C'] as const;
export const CLIENT_B_MESSAGES = ['firmware manifest v2', 'signed again after the restart'];

const text = new TextEncoder();

function* publicKeyOf(sys: Sys): Generator<number, Uint8Array, void> {
  yield* sys.call(SLOT.signer, encodeMessageInfo(SignerRequest.PublicKey, 0));
  if (sys.label !== 0) throw new Error(`the signer refused PublicKey (label ${sys.label})`);
  return getBytes(sys, 0, sys.length);
}

function* signatureOf(sys: Sys, message: Uint8Array): Generator<number, Uint8Array, void> {
  yield* sys.call(SLOT.signer, encodeMessageInfo(SignerRequest.Sign, putBytes(sys, 0, message)));
  if (sys.label !== 0) throw new Error(`the signer refused Sign (label ${sys.label})`);
  return getBytes(sys, 0, sys.length);
}

/** Signs `message` through the enclave and verifies it, and a tampered copy, with `publicKey`. */
function* signAndCheck(
  ctx: HostTaskContext,
  sys: Sys,
  client: string,
  publicKey: Uint8Array,
  message: string,
): Generator<number, SignatureCheck, void> {
  const bytes = text.encode(message);
  const signature = yield* signatureOf(sys, bytes);
  const key = yield* ctx.await(
    crypto.subtle.importKey('raw', publicKey as Uint8Array<ArrayBuffer>, ECDSA_P256, false, [
      'verify',
    ]),
  );
  const sig = signature as Uint8Array<ArrayBuffer>;
  const valid = yield* ctx.await(crypto.subtle.verify(ECDSA_SHA256, key, sig, bytes));
  const tampered = bytes.slice();
  tampered[0] = tampered[0]! ^ 0x01;
  const tamperedValid = yield* ctx.await(crypto.subtle.verify(ECDSA_SHA256, key, sig, tampered));
  return { client, message, signature, valid, tamperedValid };
}

/** The system's ordinary programs, by name. */
export function ordinaryPrograms(
  findings: Findings,
  flash: Flash,
  target: ProbeTarget,
): Record<string, HostTask> {
  return {
    storage: function* storage(ctx) {
      const sys = new Sys(ctx);
      yield* sys.recv(SLOT.storage, SLOT.reply);
      for (;;) {
        let length = 0;
        if (sys.label === StorageRequest.Get) {
          length = putBytes(sys, 0, flash.blob ?? new Uint8Array(0));
        } else if (sys.label === StorageRequest.Put) {
          flash.blob = getBytes(sys, 0, sys.length);
          findings.storageWrites++;
        }
        yield* sys.replyRecv(SLOT.storage, encodeMessageInfo(0, length), SLOT.reply);
      }
    },

    'client-a': function* clientA(ctx) {
      const sys = new Sys(ctx);
      const publicKey = yield* publicKeyOf(sys);
      findings.publicKeys.push({ client: 'client-a', key: publicKey });
      for (const m of CLIENT_A_MESSAGES)
        findings.signatures.push(yield* signAndCheck(ctx, sys, 'client-a', publicKey, m));
    },

    'client-b': function* clientB(ctx) {
      const sys = new Sys(ctx);
      const publicKey = yield* publicKeyOf(sys);
      findings.publicKeys.push({ client: 'client-b', key: publicKey });
      findings.signatures.push(
        yield* signAndCheck(ctx, sys, 'client-b', publicKey, CLIENT_B_MESSAGES[0]!),
      );
      // Inject the enclave's bug; the reply says the server died (its supervisor restarts it).
      yield* sys.call(SLOT.signer, encodeMessageInfo(SignerRequest.Crash, 0));
      findings.crashReplyLabel = sys.label;
      // After the restart: the same key, unsealed from storage; signatures still verify with
      // the key received before.
      findings.publicKeys.push({ client: 'client-b', key: yield* publicKeyOf(sys) });
      findings.signatures.push(
        yield* signAndCheck(ctx, sys, 'client-b', publicKey, CLIENT_B_MESSAGES[1]!),
      );
    },

    rogue: function* rogue(ctx) {
      const { base, size } = target();
      let controlReadOk = false;
      try {
        ctx.read32(ctx.ipcBufferAddress());
        controlReadOk = true;
      } catch {
        controlReadOk = false;
      }
      let refused = 0;
      let leaked = 0;
      for (let a = base; a < base + size; a += 4) {
        try {
          ctx.read32(a);
          leaked++;
        } catch {
          refused++; // the memory fault, caught so the probe goes on
        }
      }
      findings.probe = { base, size, attempts: size / 4, refused, leaked, controlReadOk };
      yield* new Sys(ctx).work(10);
      // One access it does not catch: the thread stops with a VM fault its supervisor sees.
      ctx.read32(base);
    },

    supervisor: function* supervisor(ctx) {
      const sys = new Sys(ctx);
      for (;;) {
        const word = yield* sys.wait(SLOT.events);
        if (word & BADGE.enclave) {
          const report = yield* readFault(sys, SLOT.enclaveTcb);
          // Holding the enclave thread's TCB cap is not enough to see its registers.
          findings.enclaveRegisterRead = yield* tcbReadRegisters(sys, SLOT.enclaveTcb, false, 4);
          const restarted = (yield* tcbRestart(sys, SLOT.enclaveTcb, RESTART_DELAY)) === 0;
          findings.faults.push({
            task: 'enclave',
            label: report?.label ?? -1,
            generation: report?.generation ?? -1,
            words: report?.words ?? [],
            restartDelay: restarted ? RESTART_DELAY : null,
          });
        }
        if (word & BADGE.rogue) {
          const report = yield* readFault(sys, SLOT.rogueTcb);
          findings.faults.push({
            task: 'rogue',
            label: report?.label ?? -1,
            generation: report?.generation ?? -1,
            words: report?.words ?? [],
            restartDelay: null, // a task that attacks the enclave stays stopped
          });
        }
      }
    },
  };
}
