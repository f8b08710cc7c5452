// Differential test against real (emulated) hardware: QEMU 7.2's Cortex-A53 executed AT
// S1E1R/S1E1W/S1E0R/S1E0W for every probe of the scenario and recorded PAR_EL1
// (fixtures/qemu-at/expected-par.json, rebuilt by fixtures/qemu-at/build.ts). Our walker and
// permission check must give the same output address and attribute, or the same fault status.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWalkContext, decodeFaultStatus, translate } from '../src/index';
import { ASID, AT_OPS, buildScenario, MAIR_BYTES, PROBE_VAS, TCR } from './qemu-at-scenario';

interface ParRecord {
  va: string;
  op: string;
  par: string;
}

const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'qemu-at', 'expected-par.json'), 'utf8'),
) as { records: ParRecord[] };

// Where QEMU 7.2 departs from the Arm ARM: it accepts a block descriptor (bits[1:0] = 0b01) at
// level 0 with the 4 KiB granule as a 512 GiB block, while the architecture (without FEAT_LPA2 /
// TCR_EL1.DS) treats it as invalid: a translation fault at level 0. We follow the Arm ARM; the
// test checks that the deviation is still the recorded one, so a fixture rebuilt with a fixed
// QEMU shows up here.
const QEMU_DEVIATIONS = new Set(['0x18000000000']);

const { memory, root } = buildScenario();
const ctx = createWalkContext(TCR, { asid: ASID, baddr: root });

describe('walker against QEMU (AT instructions, PAR_EL1)', () => {
  it('covers every probe', () => {
    expect(fixture.records).toHaveLength(PROBE_VAS.length * AT_OPS.length);
  });

  it.each(fixture.records.map((r) => [r.op, r.va, r.par, r] as const))(
    'AT %s %s → PAR %s',
    (_op, _va, _par, r) => {
      const par = BigInt(r.par);
      const op = AT_OPS.find((o) => o.name === r.op)!;
      const ours = translate(memory, ctx, Number(BigInt(r.va)), op.access, op.el);
      if (QEMU_DEVIATIONS.has(r.va)) {
        expect(ours).toMatchObject({ ok: false, fault: { kind: 'translation', level: 0 } });
        // QEMU: a successful translation to PA 0 at EL1, a level-0 permission fault at EL0.
        expect(r.par === '0x0000000000000a00' || r.par === '0x0000000000000819').toBe(true);
        return;
      }
      if ((par & 1n) === 0n) {
        // PAR_EL1.F = 0: PA in [47:12], ATTR (the MAIR byte) in [63:56].
        expect(ours.ok).toBe(true);
        if (ours.ok) {
          expect(BigInt(ours.pa) & 0x0000_ffff_ffff_f000n).toBe(par & 0x0000_ffff_ffff_f000n);
          expect(MAIR_BYTES[ours.entry.attrIndx]).toBe(Number(par >> 56n));
        }
      } else {
        // PAR_EL1.F = 1: FST in [6:1] is the fault status code.
        const fst = Number((par >> 1n) & 0x3fn);
        expect(ours.ok).toBe(false);
        if (!ours.ok) {
          expect(ours.fault.statusCode).toBe(fst);
          expect(decodeFaultStatus(fst)).toEqual(ours.fault);
        }
      }
    },
  );

  it('the fixture exercises every fault kind and both outcomes', () => {
    const kinds = new Set(
      fixture.records.map((r) => {
        const par = BigInt(r.par);
        return (par & 1n) === 0n ? 'ok' : decodeFaultStatus(Number((par >> 1n) & 0x3fn))?.kind;
      }),
    );
    expect([...kinds].sort()).toEqual([
      'access-flag',
      'address-size',
      'ok',
      'permission',
      'translation',
    ]);
  });
});
