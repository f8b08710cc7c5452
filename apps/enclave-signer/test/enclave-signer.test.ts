// End to end on every board whose port supports enclaves: the signer's key is generated, sealed,
// used for signatures that verify (and fail on a tampered message), attested with its public
// key bound; a rogue task's probe of every enclave word is refused; the enclave's crash is
// reported redacted, its restart unseals the same key; a rebuilt signer has another measurement
// and cannot unseal; the trace shows the enclave's slices, its budget running out and the restart.
// The kernel's invariant checker runs after every kernel entry of every run.

import { FaultLabel, KernelError, PEER_DEAD_LABEL } from '@k5/abi';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectedMeasurement, signerEnclaveOf } from '../src/attestation';
import { BOARDS, type BoardName, enclaveBoards } from '../src/boards';
import { bytesEqual } from '../src/bytes';
import { type DemoResult, runDemo } from '../src/demo';
import { decodeKeyMaterial, ECDSA_P256, ECDSA_SHA256 } from '../src/key-material';
import { ENCLAVE_SIZE, KEY_OFFSET, RESTART_DELAY } from '../src/layout';
import { reportLines } from '../src/report';
import { signerEnclave, signerEnclaveVariant } from '../src/signer-enclave';
import { ENCLAVE_THREAD } from '../src/system';
import { CLIENT_A_MESSAGES, CLIENT_B_MESSAGES } from '../src/tasks';
import { timeline } from '../src/timeline';

it('both real ports support enclaves, and so does the generic port', () => {
  expect(enclaveBoards()).toEqual(BOARDS);
});

describe.each(enclaveBoards())('the enclave signer on %s', (board: BoardName) => {
  let r: DemoResult;
  beforeAll(async () => {
    r = await runDemo({ board, checkInvariants: true });
  });
  const enclaveOf = () => r.first.system.kernel.enclaves()[0]!;

  it('builds the system through the root task on both boots, invariants holding throughout', () => {
    expect(r.first.rootError).toBeNull();
    expect(r.variant.rootError).toBeNull();
    expect(r.first.system.kernel.checkInvariants()).toEqual([]);
    expect(r.variant.system.kernel.checkInvariants()).toEqual([]);
    expect(enclaveOf().size).toBe(ENCLAVE_SIZE);
    expect(enclaveOf().threads).toHaveLength(1);
  });

  it("measures the image and layout as a verifier computes them, on the port's architecture", async () => {
    const { placement } = signerEnclaveOf(r.first.system.kernel);
    expect(placement.arch).toBe({ armv8m: 'armv8-m', riscv: 'riscv32', generic: 'generic' }[board]);
    expect(r.measurement.equals(await expectedMeasurement(signerEnclave, placement))).toBe(true);
  });

  it('attests: the report verifies and binds SHA-256 of the public key; a changed enclave fails', () => {
    expect(r.attestation.verdict.ok).toBe(true);
    expect(r.attestation.bindsPublicKey).toBe(true);
    expect(r.attestation.againstChanged).toMatchObject({ ok: false, failure: 'measurement' });
  });

  it('generates and seals the key once, then unseals it after the restart', () => {
    const log = r.first.logs.filter((l) => r.first.names.get(l.thread) === ENCLAVE_THREAD);
    expect(log.map((l) => l.text.replace(/\d+-byte/, 'N-byte'))).toEqual([
      'generated a P-256 key; sealed it (N-byte blob)',
      'serving',
      'unsealed the stored key (N-byte blob)',
      'serving',
    ]);
    expect(r.first.findings.storageWrites).toBe(1);
    expect(r.first.flash.blob?.length).toBeGreaterThan(65);
  });

  it('signs every message with a signature that verifies, and never a tampered one', async () => {
    const sigs = r.first.findings.signatures;
    expect(sigs.map((s) => [s.client, s.message])).toEqual([
      ...CLIENT_A_MESSAGES.map((m) => ['client-a', m]),
      ...CLIENT_B_MESSAGES.map((m) => ['client-b', m]),
    ]);
    expect(sigs.every((s) => s.valid && !s.tamperedValid)).toBe(true);
    // Checked again here, independently of the clients, with the key the first client got.
    const key = await crypto.subtle.importKey(
      'raw',
      r.first.findings.publicKeys[0]!.key as Uint8Array<ArrayBuffer>,
      ECDSA_P256,
      false,
      ['verify'],
    );
    for (const s of sigs) {
      const message = new TextEncoder().encode(s.message);
      const sig = s.signature as Uint8Array<ArrayBuffer>;
      expect(s.signature).toHaveLength(64);
      expect(await crypto.subtle.verify(ECDSA_SHA256, key, sig, message)).toBe(true);
      message[message.length - 1] = message[message.length - 1]! ^ 0x80;
      expect(await crypto.subtle.verify(ECDSA_SHA256, key, sig, message)).toBe(false);
    }
  });

  it('refuses the rogue every word of enclave memory, which does hold the key', () => {
    const p = r.first.findings.probe!;
    const e = enclaveOf();
    expect(p).toEqual({
      base: e.base,
      size: e.size,
      attempts: e.size / 4,
      refused: e.size / 4,
      leaked: 0,
      controlReadOk: true,
    });
    // The trusted host view: the key material is there (so the probe had something to find).
    const memory = r.first.system.kernel.memory;
    const stored = new Uint8Array(2 + 200 + 65);
    for (let i = 0; i < stored.length; i++) stored[i] = memory.read8(e.base + KEY_OFFSET + i);
    const length = stored[0]! | (stored[1]! << 8);
    const material = decodeKeyMaterial(stored.subarray(0, 2 + length + 65));
    expect(bytesEqual(material.publicKey, r.first.findings.publicKeys[0]!.key)).toBe(true);
    expect(material.privateKey.length).toBeGreaterThan(32);
  });

  it('stops the rogue on its uncaught read with a VM fault its supervisor sees in full', () => {
    const fault = r.first.findings.faults.find((f) => f.task === 'rogue')!;
    expect(fault.label).toBe(FaultLabel.VmFault);
    expect(fault.words[1]).toBe(enclaveOf().base); // an ordinary task's fault is not redacted
    expect(fault.restartDelay).toBeNull();
  });

  it('reports the enclave crash redacted, restarts it and serves the same public key', () => {
    const f = r.first.findings;
    const crash = f.faults.find((x) => x.task === 'enclave')!;
    expect(crash.label).toBe(FaultLabel.VmFault);
    expect(crash.words).toEqual([]); // the supervisor is outside the enclave: no addresses
    expect(f.enclaveRegisterRead).toBe(KernelError.IllegalOperation);
    expect(crash.restartDelay).toBe(RESTART_DELAY);
    expect(f.crashReplyLabel).toBe(PEER_DEAD_LABEL);
    const keys = f.publicKeys.map((k) => k.key);
    expect(keys).toHaveLength(3);
    expect(keys.every((k) => k.length === 65 && bytesEqual(k, keys[0]!))).toBe(true);
    const restarts = r.first.trace.filter((e) => e.kind === 'restart');
    expect(restarts).toHaveLength(1);
    expect(r.first.names.get((restarts[0] as { thread: number }).thread)).toBe(ENCLAVE_THREAD);
  });

  it('gives a rebuilt signer another measurement, and it cannot unseal the stored key', async () => {
    const { placement } = signerEnclaveOf(r.variant.system.kernel);
    expect(r.variantMeasurement.equals(r.measurement)).toBe(false);
    expect(
      r.variantMeasurement.equals(await expectedMeasurement(signerEnclaveVariant, placement)),
    ).toBe(true);
    const texts = r.variant.logs.map((l) => l.text);
    expect(texts).toContain('unseal refused: sealed-for-other-key');
    expect(texts).not.toContain('serving');
    expect(r.variant.findings.publicKeys).toEqual([]);
    expect(r.variant.findings.storageWrites).toBe(0);
    expect(bytesEqual(r.variant.flash.blob!, r.first.flash.blob!)).toBe(true);
  });

  it('shows enclave scheduling in the trace: slices, budget expiry and resumption, the restart', () => {
    const tl = timeline(r.first.trace, r.first.names, r.first.system.kernel.now);
    const slices = tl.filter((e) => e.name === ENCLAVE_THREAD);
    const faultAt = tl.findIndex((e) => e.notes.some((n) => n.includes('faults (VmFault)')));
    expect(slices.length).toBeGreaterThan(4);
    expect(
      tl.some(
        (e) => e.name === ENCLAVE_THREAD && e.notes.some((n) => n.endsWith('budget expired')),
      ),
    ).toBe(true);
    // The rogue probes while the enclave is out of budget, mid-signature.
    const expired = tl.findIndex((e) => e.notes.some((n) => n.endsWith('budget expired')));
    expect(tl[expired + 1]?.name).toBe('rogue');
    // The enclave runs again after its restart.
    expect(tl.slice(faultAt + 1).some((e) => e.name === ENCLAVE_THREAD)).toBe(true);
    expect(tl.some((e) => e.notes.some((n) => n.startsWith(`${ENCLAVE_THREAD} restarted`)))).toBe(
      true,
    );
  });

  it('never puts an enclave address or register value in a trace event about its thread', () => {
    const e = enclaveOf();
    const enclaveThread = e.threads[0]!;
    for (const event of r.first.trace) {
      const fields = event as unknown as Record<string, unknown>;
      if (fields.thread !== enclaveThread && fields.from !== enclaveThread) continue;
      for (const [name, value] of Object.entries(fields)) {
        if (typeof value !== 'number' || name === 'time') continue;
        expect(value >= e.base && value < e.base + e.size, `${event.kind}.${name}`).toBe(false);
      }
    }
  });

  it('prints every claim in its report', () => {
    const text = reportLines(r).join('\n');
    expect(text).toContain('attestation  verified');
    expect(text).toContain(`${e4(r)} refused, 0 read`);
    expect(text).toContain('same: yes');
    expect(text).toContain('unseal refused: sealed-for-other-key');
    expect(text).toMatch(/^ {2}> +\d+-\d+ +\[enclave signer\]/m);
    expect(text).not.toMatch(/\bNO\b|ACCEPTED|INVALID/);
  });

  it("reads the port's own isolation state: the enclave apart from every other thread", () => {
    const text = reportLines(r).join('\n');
    expect(text).toContain('enclave thread may read its memory: true; the rogue: false');
    const base = enclaveOf().base.toString(16);
    if (board === 'armv8m') {
      expect(text).toContain('enclave thread runs secure, the rogue non-secure');
      expect(text).toMatch(/enclave key memory Secure, entry 0x[0-9a-f]+ Non-secure callable/);
    } else if (board === 'riscv') {
      // The monitor's guard entry covers the enclave with no permissions in the rogue's view.
      expect(text).toMatch(new RegExp(`NAPOT \\[0x${base}, 0x[0-9a-f]+\\)\\s+---`));
      expect(text).toMatch(/saved by the monitor at 0x[0-9a-f]+ \(the rogue may read it: false\)/);
    }
  });
});

/** Words in the enclave. */
function e4(r: DemoResult): number {
  return r.first.system.kernel.enclaves()[0]!.size / 4;
}
