// The demo's printed report: one section per board with the measurement, the attestation
// verdict, each signature and its check, the rogue's probe, the crash and restart, the rebuilt
// signer's refusal and the trace timeline. Keys and signatures change every run, so only short
// fingerprints of them are printed; everything else is the same from run to run.

import { FaultLabel, KernelError, PEER_DEAD_LABEL } from '@k5/abi';
import { BOARD_TITLES } from './boards';
import { bytesEqual, fingerprint } from './bytes';
import type { DemoResult } from './demo';
import { isolationLines } from './isolation';
import { RESTART_DELAY } from './layout';
import { ENCLAVE_THREAD, type SignerRun } from './system';
import { cpuTicks, formatTimeline, timeline } from './timeline';

const hex = (n: number) => `0x${n.toString(16)}`;
const yesNo = (b: boolean) => (b ? 'yes' : 'NO');
const faultName = (label: number) =>
  Object.entries(FaultLabel).find(([, v]) => v === label)?.[0] ?? `label ${label}`;
const errorName = (code: number | null) =>
  Object.entries(KernelError).find(([, v]) => v === code)?.[0] ?? `error ${code}`;

/** The enclave's own log lines. */
function enclaveLog(run: SignerRun): string[] {
  return run.logs
    .filter((l) => run.names.get(l.thread) === ENCLAVE_THREAD)
    .map((l) => `${String(l.time).padStart(6)}  ${l.text}`);
}

/** The report's lines for one board. */
export function reportLines(r: DemoResult): string[] {
  const { first, attestation: a, variant } = r;
  const f = first.findings;
  const e = r.first.system.kernel.enclaves()[0]!;
  const out: string[] = [];
  out.push(`== ${BOARD_TITLES[r.board]} ==`);
  out.push(
    `enclave      ${ENCLAVE_THREAD} at ${hex(e.base)}, ${e.size} bytes, entry ${hex(e.entries[0]!)}`,
  );
  out.push(`measurement  ${r.measurement.toString()}`);
  const rogue = [...first.names].find(([, name]) => name === 'rogue')?.[0];
  if (rogue !== undefined) out.push(...isolationLines(first.system, e.threads[0]!, rogue));
  out.push('enclave log');
  for (const l of enclaveLog(first)) out.push(`  ${l}`);
  const v = a.verdict;
  out.push(
    `attestation  ${v.ok ? 'verified' : `REFUSED (${v.failure}: ${v.message})`}: expected measurement, fresh nonce, device id; user data = SHA-256(public key): ${yesNo(a.bindsPublicKey)}`,
  );
  out.push(
    `             against a changed signer's measurement: ${a.againstChanged.ok ? 'ACCEPTED' : `refused (${a.againstChanged.failure})`}`,
  );
  const key = f.publicKeys[0]?.key;
  out.push(
    `public key   ${key ? fingerprint(key) : 'none'} (P-256, raw, ${key?.length ?? 0} bytes)`,
  );
  for (const s of f.signatures) {
    out.push(
      `signature    ${s.client} "${s.message}": ${fingerprint(s.signature)} ${s.valid ? 'valid' : 'INVALID'}; tampered message ${s.tamperedValid ? 'ACCEPTED' : 'rejected'}`,
    );
  }
  const p = f.probe;
  if (p) {
    out.push(
      `rogue        probed ${p.attempts} words of enclave memory [${hex(p.base)}, +${hex(p.size)}): ${p.refused} refused, ${p.leaked} read (its own IPC buffer: readable: ${yesNo(p.controlReadOk)})`,
    );
  }
  const rogueFault = f.faults.find((x) => x.task === 'rogue');
  if (rogueFault) {
    out.push(
      `             its uncaught read stopped it: ${faultName(rogueFault.label)} at ${hex(rogueFault.words[1] ?? 0)}, reported to the supervisor`,
    );
  }
  const crash = f.faults.find((x) => x.task === 'enclave');
  out.push(
    `crash        client-b's Crash request: the enclave faulted (${crash ? faultName(crash.label) : 'no fault'}); client-b's call returned ${f.crashReplyLabel === PEER_DEAD_LABEL ? 'PEER_DEAD' : `label ${f.crashReplyLabel}`}`,
  );
  out.push(
    `             the supervisor sees the label and ${crash?.words.length ?? 0} fault words (redacted); TCB_ReadRegisters on the enclave thread: ${errorName(f.enclaveRegisterRead)}`,
  );
  const keys = f.publicKeys.map((k) => k.key);
  const sameKey = keys.length >= 3 && keys.every((k) => bytesEqual(k, keys[0]!));
  out.push(
    `restart      after ${crash?.restartDelay ?? RESTART_DELAY} ticks; it unsealed the stored key; public key after the restart ${keys[2] ? fingerprint(keys[2]) : 'none'}: same: ${yesNo(sameKey)}`,
  );
  const refusal = variant.logs.find((l) => l.text.startsWith('unseal refused'))?.text ?? 'none';
  out.push(
    `variant      rebuilt signer ${r.variantMeasurement.toString().slice(0, 23)}… (differs: ${yesNo(!r.variantMeasurement.equals(r.measurement))}); ${refusal}; stored blob unchanged: ${yesNo(variant.flash.blob !== null && first.flash.blob !== null && bytesEqual(variant.flash.blob, first.flash.blob))}`,
  );
  const tl = timeline(first.trace, first.names, first.system.kernel.now);
  out.push(`timeline     boot 1, from the kernel trace ('>' marks the enclave's slices)`);
  for (const l of formatTimeline(tl, ENCLAVE_THREAD)) out.push(`  ${l}`);
  const slices = tl.filter((x) => x.name === ENCLAVE_THREAD);
  const expired = first.trace.filter(
    (x) =>
      x.kind === 'budget' && x.event === 'expired' && first.names.get(x.thread) === ENCLAVE_THREAD,
  ).length;
  out.push(
    `cpu          ${ENCLAVE_THREAD} ran ${cpuTicks(tl).get(ENCLAVE_THREAD) ?? 0} ticks in ${slices.length} slices; budget expired ${expired}x; invariants checked after every kernel entry`,
  );
  return out;
}
