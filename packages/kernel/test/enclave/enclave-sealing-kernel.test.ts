// Sealing and attestation with the kernel's enclaves: the key material Enclave_DeriveKey hands
// an enclave thread is exactly deriveSealingKey's key for the device secret, the measurement
// taken at load and the label; data the enclave sealed survives its restart (TCB_Restart) and a
// reboot with the same device secret, and is refused to a different enclave. The kernel attests
// a loaded enclave, and one changed image byte changes the measurement and fails verification.
// Host tasks await WebCrypto through ctx.await under executor.runAsync.

import {
  encodeMessageInfo,
  type HostTask,
  InvocationLabel,
  KernelError,
  MAX_ENCLAVE_KEY_LABEL,
} from '@k5/abi';
import {
  enclaveDeriveKey,
  enclaveMeasurement,
  expectOk,
  Sys,
  tcbRestart,
  tcbSetPriority,
} from '@k5/userspace';
import { describe, expect, it } from 'vitest';
import { verifyAttestationReport } from '../../src/enclave/attestation';
import { generateDeviceIdentity } from '../../src/enclave/device-identity';
import { measureEnclave } from '../../src/enclave/enclave-identity';
import { EnclaveError } from '../../src/enclave/errors';
import { Measurement } from '../../src/enclave/measurement';
import { deriveSealingKey, importSealingKey, seal, unseal } from '../../src/enclave/sealing';
import { createKernel } from '../../src/kernel';
import { ENTRY_OFFSET, enclaveOf, enclaveSystem, SLOT, STACK_SIZE } from './enclave-system';

const SECRET_TEXT = new TextEncoder().encode('the signing key of enclave A');
const AAD = new TextEncoder().encode('k5-test');

interface Store {
  blob: Uint8Array | null;
  opened: string[];
  refused: string[];
  material: Uint8Array | null;
}

/** The enclave: seals its secret on first start, unseals it on every later start. */
function sealer(store: Store): HostTask {
  return function* (ctx) {
    const sys = new Sys(ctx);
    const m = yield* enclaveMeasurement(sys, SLOT.enclave);
    const material = yield* enclaveDeriveKey(sys, SLOT.enclave, 'storage');
    if (m.error !== 0 || material.error !== 0) throw new Error('enclave queries failed');
    store.material = material.bytes;
    const key = yield* ctx.await(
      importSealingKey(material.bytes!, Measurement.fromBytes(m.bytes!), 'storage'),
    );
    if (store.blob === null) {
      store.blob = yield* ctx.await(seal(key, SECRET_TEXT, AAD));
      return;
    }
    try {
      const plain = yield* ctx.await(unseal(key, store.blob, AAD));
      store.opened.push(new TextDecoder().decode(plain));
    } catch (e) {
      store.refused.push(e instanceof EnclaveError ? e.code : String(e));
    }
  };
}

const SECRET_A = new Uint8Array(32).fill(0xa5);

describe('Enclave sealing through the kernel', () => {
  it('derives deriveSealingKey’s key, and the sealed data survives a restart of the enclave', async () => {
    const store: Store = { blob: null, opened: [], refused: [], material: null };
    const codes: number[] = [];
    const { s, rootError } = enclaveSystem({
      entries: [sealer(store)],
      deviceSecret: SECRET_A,
      *rootAfter(sys, env, caps) {
        const self = env.boot.caps.rootTcb;
        expectOk('lower', yield* tcbSetPriority(sys, self, self, 1));
        // The enclave has sealed and returned; restart it at its entry.
        codes.push(yield* tcbRestart(sys, caps.enclaveTcb, 0));
      },
    });
    const result = await s.executor.runAsync({ checkInvariants: true });
    expect(result.reason).toBe('idle');
    expect(rootError()).toBeNull();
    expect(codes).toEqual([0]);
    expect(store.opened).toEqual([new TextDecoder().decode(SECRET_TEXT)]);
    // The host derives the same key with WebCrypto from secret, measurement and label.
    const measurement = s.kernel.enclaves()[0]!.measurement!;
    const key = await deriveSealingKey(SECRET_A, measurement, 'storage');
    expect(await unseal(key, store.blob!, AAD)).toEqual(SECRET_TEXT);
    expect(store.material).toHaveLength(48);
  });

  it('gives typed errors for a bad device secret and bad Enclave_DeriveKey arguments', async () => {
    expect(() => createKernel({ deviceSecret: new Uint8Array(31) })).toThrow(
      expect.objectContaining({ code: 'bad-config' }),
    );
    const codes: Record<string, number> = {};
    const keyCodes = (withSecret: boolean): HostTask =>
      function* (ctx) {
        const sys = new Sys(ctx);
        const raw = function* (words: number[]) {
          for (let i = 0; i < words.length; i++) sys.setMR(i, words[i]!);
          yield* sys.call(
            SLOT.enclave,
            encodeMessageInfo(InvocationLabel.EnclaveDeriveKey, words.length),
          );
          return sys.label;
        };
        if (!withSecret) {
          codes.noSecret = (yield* enclaveDeriveKey(sys, SLOT.enclave, 'storage')).error;
          return;
        }
        codes.labelTooLong = yield* raw([MAX_ENCLAVE_KEY_LABEL + 1]);
        codes.labelMissing = yield* raw([8, 0x6c616265]);
        codes.ok = (yield* enclaveDeriveKey(
          sys,
          SLOT.enclave,
          'x'.repeat(MAX_ENCLAVE_KEY_LABEL),
        )).error;
      };
    enclaveSystem({ entries: [keyCodes(false)] }).s.run({ checkInvariants: true });
    enclaveSystem({ entries: [keyCodes(true)], deviceSecret: SECRET_A }).s.run({
      checkInvariants: true,
    });
    expect(codes).toEqual({
      noSecret: KernelError.IllegalOperation,
      labelTooLong: KernelError.RangeError,
      labelMissing: KernelError.TruncatedMessage,
      ok: 0,
    });
  });

  it('unseals after a reboot with the same secret, and refuses a different enclave or device', async () => {
    const first: Store = { blob: null, opened: [], refused: [], material: null };
    await enclaveSystem({ entries: [sealer(first)], deviceSecret: SECRET_A }).s.executor.runAsync();
    expect(first.blob).not.toBeNull();
    const run = async (entries: (st: Store) => HostTask, secret: Uint8Array, name?: string) => {
      const st: Store = { blob: first.blob, opened: [], refused: [], material: null };
      const { s } = enclaveSystem({
        entries: [entries(st)],
        deviceSecret: secret,
        ...(name ? { name } : {}),
      });
      await s.executor.runAsync({ checkInvariants: true });
      return st;
    };
    const rebooted = await run((st) => sealer(st), SECRET_A);
    expect(rebooted.opened).toEqual([new TextDecoder().decode(SECRET_TEXT)]);
    const otherName = await run((st) => sealer(st), SECRET_A, 'test-enclave-2');
    expect(otherName.opened).toEqual([]);
    expect(otherName.refused).toEqual(['sealed-for-other-key']);
    const otherDevice = await run((st) => sealer(st), new Uint8Array(32).fill(0x5a));
    expect(otherDevice.refused).toEqual(['sealed-for-other-key']);
  });

  it('changes the measurement when one character of an entry task changes', () => {
    const a: HostTask = function* () {
      yield 1;
    };
    const b: HostTask = function* () {
      yield 2;
    };
    const measure = (task: HostTask) => {
      const { s } = enclaveSystem({ entries: [task] });
      s.run({ checkInvariants: true });
      return s.kernel.enclaves()[0]!.measurement!;
    };
    expect(measure(a).equals(measure(a))).toBe(true);
    expect(measure(a).equals(measure(b))).toBe(false);
  });

  it('attests a loaded enclave; a one-byte image change fails verification', async () => {
    const device = await generateDeviceIdentity();
    const { s, image } = enclaveSystem({ entries: [function* () {}] });
    s.run({ checkInvariants: true });
    const e = enclaveOf(s);
    const description = (img: Uint8Array) => ({
      arch: 'generic' as const,
      image: img,
      regions: [
        { base: e.base, size: e.size, permissions: { read: true, write: true, execute: true } },
      ],
      entryPoints: [e.base + ENTRY_OFFSET],
      stackSize: STACK_SIZE,
    });
    const expected = await measureEnclave(description(image));
    const changed = image.slice();
    changed[changed.length - 1]! ^= 1;
    const expectedChanged = await measureEnclave(description(changed));
    expect(expectedChanged.equals(expected)).toBe(false);
    // attestEnclave needs the device: a kernel without it refuses with a typed error.
    await expect(s.kernel.attestEnclave(e.id, new Uint8Array(16))).rejects.toMatchObject({
      code: 'bad-config',
    });
    const k = createKernel({ device });
    await expect(k.attestEnclave(1, new Uint8Array(16))).rejects.toMatchObject({
      code: 'no-such-enclave',
    });
    // Boot the same system with a device identity and attest it.
    const withDevice = enclaveSystemWithDevice(device);
    const nonce = crypto.getRandomValues(new Uint8Array(24));
    const id = withDevice.kernel.enclaves()[0]!.id;
    const report = await withDevice.kernel.attestEnclave(id, nonce);
    const ok = await verifyAttestationReport(report.bytes, device.publicKey, {
      expectedMeasurement: withDevice.kernel.enclaves()[0]!.measurement!,
      expectedNonce: nonce,
    });
    expect(ok.ok).toBe(true);
    const bad = await verifyAttestationReport(report.bytes, device.publicKey, {
      expectedMeasurement: expectedChanged,
      expectedNonce: nonce,
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.failure).toBe('measurement');
  });
});

function enclaveSystemWithDevice(device: Awaited<ReturnType<typeof generateDeviceIdentity>>) {
  const { s } = enclaveSystem({ entries: [function* () {}], device });
  s.run({ checkInvariants: true });
  return s;
}
