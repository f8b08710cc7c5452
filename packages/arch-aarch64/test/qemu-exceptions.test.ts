// Differential test of the exception model against QEMU 7.2's Cortex-A53: each snippet of the
// scenario trapped on QEMU (fixtures/qemu-exc/expected-exceptions.json, rebuilt by
// fixtures/qemu-exc/build.ts). Here the same trap goes through this package end to end: our
// walker decides the fault, abortSyndrome/encodeEsr build ESR_EL1, and Aarch64Cpu.takeException
// sets ELR/FAR/SPSR and picks the vector. Note that, as on QEMU (and the architecture for stage-1
// aborts taken to EL1), data aborts carry no instruction syndrome (ISV = 0).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Aarch64Cpu,
  AccessKind,
  abortSyndrome,
  createWalkContext,
  ExceptionClass,
  ExceptionKind,
  encodeEsr,
  issueSyscall,
  ProcessorMode,
  SPSR_DAIF_MASK,
  type Syndrome,
  translate,
} from '../src/index';
import {
  buildExceptionScenario,
  EL0_VA,
  RO_VA,
  TCR,
  TESTS,
  UNMAPPED_VA,
} from './qemu-exc-scenario';

interface Record_ {
  test: string;
  vector: string;
  esr: string;
  far: string;
  elr: string;
  spsr: string;
}

const fixture = JSON.parse(
  readFileSync(
    join(import.meta.dirname, 'fixtures', 'qemu-exc', 'expected-exceptions.json'),
    'utf8',
  ),
) as { records: Record_[] };

const { memory, root } = buildExceptionScenario();
const ctx = createWalkContext(TCR, { asid: 1, baddr: root });

/** The fault our walker reports for an access, as an abort syndrome. */
function abortFor(va: number, access: AccessKind, el: 0 | 1): Syndrome {
  const r = translate(memory, ctx, va, access, el);
  if (r.ok) throw new Error(`0x${va.toString(16)} unexpectedly translates`);
  return abortSyndrome(r.fault, access, el);
}

/** What each test does, in terms of this package's model. */
function model(index: number): { cpu: Aarch64Cpu; farGiven: boolean } {
  const cpu = new Aarch64Cpu();
  cpu.vbarEl1 = 0n;
  cpu.pstate = SPSR_DAIF_MASK | ProcessorMode.EL0t; // the driver ERETs with SPSR = 0x3C0
  const pc = BigInt(EL0_VA + 16 * index);
  const sync = (syndrome: Syndrome, returnAddress: bigint, far?: number) =>
    cpu.takeException({
      kind: ExceptionKind.Sync,
      returnAddress,
      esr: encodeEsr(syndrome),
      ...(far === undefined ? {} : { far: BigInt(far) }),
    });
  switch (index) {
    case 0:
      cpu.pstate |= 0x6000_0000; // cmp x0, x0 sets Z and C
      cpu.pc = pc + 4n;
      issueSyscall(cpu, 0, [], 0x1234);
      return { cpu, farGiven: false };
    case 1:
      sync(abortFor(UNMAPPED_VA + 0x10, AccessKind.Read, 0), pc, UNMAPPED_VA + 0x10);
      return { cpu, farGiven: true };
    case 2:
      sync(abortFor(RO_VA + 8, AccessKind.Write, 0), pc, RO_VA + 8);
      return { cpu, farGiven: true };
    case 3:
      sync(abortFor(UNMAPPED_VA + 2, AccessKind.Read, 0), pc, UNMAPPED_VA + 2);
      return { cpu, farGiven: true };
    case 4:
      sync({ ec: ExceptionClass.Brk64, il: true, comment: 0x3e8 }, pc);
      return { cpu, farGiven: false };
    case 5:
      sync({ ec: ExceptionClass.Unknown, il: true, iss: 0 }, pc);
      return { cpu, farGiven: false };
    case 6:
      // The branch lands on an execute-never page: the fetch there faults, ELR = FAR = target.
      sync(abortFor(RO_VA, AccessKind.Execute, 0), BigInt(RO_VA), RO_VA);
      return { cpu, farGiven: true };
    case 7:
      sync(abortFor(UNMAPPED_VA, AccessKind.Read, 0), pc, UNMAPPED_VA);
      return { cpu, farGiven: true };
    case 8:
      sync({ ec: ExceptionClass.PcAlignment, il: true, iss: 0 }, BigInt(EL0_VA + 2), EL0_VA + 2);
      return { cpu, farGiven: true };
    default:
      cpu.pstate = SPSR_DAIF_MASK | ProcessorMode.EL1h;
      sync(abortFor(UNMAPPED_VA, AccessKind.Read, 1), 0n, UNMAPPED_VA);
      return { cpu, farGiven: true };
  }
}

describe('exception entry against QEMU', () => {
  it('has one record per test', () => {
    expect(fixture.records.map((r) => r.test)).toEqual(TESTS.map((t) => t.name));
  });

  it.each(fixture.records.map((r, i) => [r.test, i, r] as const))('%s', (_name, index, r) => {
    const { cpu, farGiven } = model(index);
    expect(cpu.pc).toBe(BigInt(r.vector));
    expect(cpu.esrEl1).toBe(Number(BigInt(r.esr)));
    if (farGiven) expect(cpu.farEl1).toBe(BigInt(r.far));
    if (index === 9) {
      // EL1 test: the faulting instruction's address is in the program, and NZCV is whatever
      // the compiled code left; the mode and masks must match.
      expect(cpu.spsrEl1 & 0x3ff).toBe(Number(BigInt(r.spsr)) & 0x3ff);
    } else {
      expect(cpu.elrEl1).toBe(BigInt(r.elr));
      expect(cpu.spsrEl1).toBe(Number(BigInt(r.spsr)));
    }
    expect(cpu.el).toBe(1);
  });
});
