import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Aarch64Cpu,
  ExceptionKind,
  initialTaskContext,
  ProcessorMode,
  VectorSource,
  vectorOffset,
} from './context';
import { ExceptionClass, encodeEsr } from './esr';
import { issueSyscall, readSyscall, writeSyscallResults } from './svc-abi';

const VBAR = 0xffff_0000_0008_0000n;

function atEl0(pc = 0x40_1000n) {
  const cpu = new Aarch64Cpu();
  cpu.vbarEl1 = VBAR;
  cpu.restoreContext(initialTaskContext(pc, 0x7fff_f000n));
  cpu.eret();
  return cpu;
}

describe('vector table', () => {
  it.each([
    [VectorSource.CurrentSp0, ExceptionKind.Sync, 0x000],
    [VectorSource.CurrentSp0, ExceptionKind.SError, 0x180],
    [VectorSource.CurrentSpx, ExceptionKind.Irq, 0x280],
    [VectorSource.CurrentSpx, ExceptionKind.Fiq, 0x300],
    [VectorSource.LowerAArch64, ExceptionKind.Sync, 0x400],
    [VectorSource.LowerAArch64, ExceptionKind.Irq, 0x480],
    [VectorSource.LowerAArch64, ExceptionKind.SError, 0x580],
    [VectorSource.LowerAArch32, ExceptionKind.Sync, 0x600],
    [VectorSource.LowerAArch32, ExceptionKind.Fiq, 0x700],
  ])('vector source %i + kind %i is at offset %i', (source, kind, offset) => {
    expect(vectorOffset(source, kind)).toBe(offset);
  });
});

describe('exception entry and return', () => {
  it('starts a task at EL0 with interrupts unmasked', () => {
    const cpu = atEl0();
    expect(cpu.el).toBe(0);
    expect(cpu.pc).toBe(0x40_1000n);
    expect(cpu.sp).toBe(0x7fff_f000n);
    expect(cpu.pstate).toBe(ProcessorMode.EL0t);
  });

  it('SVC from EL0: SPSR, ELR = PC + 4, ESR, DAIF masked, EL1h, lower-EL sync vector', () => {
    const cpu = atEl0();
    cpu.pstate |= 0x6000_0000; // Z and C set by the task
    cpu.spEl1 = 0xffff_0000_1000_0000n;
    const vector = issueSyscall(cpu, 3, [1n, 2n], 0x42);
    expect(vector).toBe(VBAR + 0x400n);
    // SPSR = EL0t (0b0000) with Z, C: 0x60000000.
    expect(cpu.spsrEl1).toBe(0x6000_0000);
    expect(cpu.elrEl1).toBe(0x40_1004n);
    expect(cpu.esrEl1).toBe(0x5600_0042);
    // PSTATE = NZCV kept | DAIF (0x3C0) | EL1h (0b0101): 0x600003C5.
    expect(cpu.pstate).toBe(0x6000_03c5);
    expect(cpu.sp).toBe(0xffff_0000_1000_0000n);
    expect(readSyscall(cpu)).toEqual({
      number: 3,
      args: [1n, 2n, 0n, 0n, 0n, 0n, 0n],
      imm16: 0x42,
    });
  });

  it('IRQ at EL1h uses the current-SPx vector; FAR/ESR untouched', () => {
    const cpu = new Aarch64Cpu();
    cpu.vbarEl1 = VBAR;
    cpu.esrEl1 = 0x1234;
    cpu.pc = 0x8000n;
    cpu.pstate = ProcessorMode.EL1h; // IRQs unmasked at EL1
    expect(cpu.takeException({ kind: ExceptionKind.Irq, returnAddress: 0x8000n })).toBe(
      VBAR + 0x280n,
    );
    expect(cpu.esrEl1).toBe(0x1234);
    expect(cpu.spsrEl1).toBe(ProcessorMode.EL1h);
  });

  it('data abort at EL1t uses the current-SP0 vector and sets FAR', () => {
    const cpu = new Aarch64Cpu();
    cpu.vbarEl1 = VBAR;
    cpu.pstate = ProcessorMode.EL1t | 0x3c0;
    const esr = encodeEsr({
      ec: ExceptionClass.DataAbortSame,
      il: true,
      dfsc: 6,
      wnr: false,
      fnv: false,
      ea: false,
      cm: false,
      s1ptw: false,
    });
    cpu.takeException({ kind: ExceptionKind.Sync, returnAddress: 0x9000n, esr, far: 0xdead_0000n });
    expect(cpu.pc).toBe(VBAR);
    expect(cpu.farEl1).toBe(0xdead_0000n);
    expect(cpu.esrEl1).toBe(0x9600_0006);
  });

  it('ERET returns to the task with its flags and the results in x0', () => {
    const cpu = atEl0();
    cpu.pstate |= 0x8000_0000;
    issueSyscall(cpu, 1, [7n]);
    writeSyscallResults(cpu, [0n, 99n]);
    expect(cpu.eret()).toBe(true);
    expect(cpu.el).toBe(0);
    expect(cpu.pc).toBe(0x40_1004n);
    expect(cpu.pstate).toBe(0x8000_0000);
    expect([cpu.getX(0), cpu.getX(1), cpu.getX(7)]).toEqual([0n, 99n, 1n]);
  });

  it.each([
    ['AArch32 (M[4] = 1)', 0x10],
    ['EL2h', 0b1001],
    ['reserved M = 0b0010', 0b0010],
  ])('illegal return to %s sets PSTATE.IL and stays at EL1', (_n, m) => {
    const cpu = new Aarch64Cpu();
    cpu.elrEl1 = 0x1234n;
    cpu.spsrEl1 = 0x4000_0000 | m; // Z set, DAIF clear
    expect(cpu.eret()).toBe(false);
    expect(cpu.pc).toBe(0x1234n);
    // Z restored, DAIF restored (clear), IL (bit 20) set, M stays EL1h.
    expect(cpu.pstate).toBe(0x4010_0005);
    expect(cpu.el).toBe(1);
  });

  it('ERET at EL0 is rejected', () => {
    expect(() => atEl0().eret()).toThrow(expect.objectContaining({ code: 'bad-register' }));
  });

  it('VBAR_EL1 bits [10:0] are RES0; XZR reads 0 and ignores writes', () => {
    const cpu = new Aarch64Cpu();
    cpu.vbarEl1 = 0x1234_5fffn;
    expect(cpu.vbarEl1).toBe(0x1234_5800n);
    cpu.setX(31, 5n);
    expect(cpu.getX(31)).toBe(0n);
    cpu.setX(0, -1n);
    expect(cpu.getX(0)).toBe(0xffff_ffff_ffff_ffffn);
    cpu.setX(1, -2);
    expect(cpu.getX(1)).toBe(0xffff_ffff_ffff_fffen);
    expect(() => cpu.setX(2, 0.5)).toThrow(expect.objectContaining({ code: 'field-range' }));
    expect(() => cpu.setX(32, 0)).toThrow(expect.objectContaining({ code: 'field-range' }));
  });

  it('context save / restore preserves every EL0 register across another task', () => {
    const reg = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
    fc.assert(
      fc.property(
        fc.array(reg, { minLength: 31, maxLength: 31 }),
        reg,
        reg,
        fc.integer({ min: 0, max: 15 }),
        (x, sp, pc, nzcv) => {
          const cpu = new Aarch64Cpu(); // at EL1 after reset
          cpu.restoreContext({ x, sp, pc, spsr: (nzcv << 28) >>> 0 });
          cpu.eret();
          // The task traps; the kernel saves it, runs another task, and comes back.
          issueSyscall(cpu, 0, []);
          const saved = cpu.saveContext();
          cpu.restoreContext(initialTaskContext(0x1000n, 0x2000n));
          cpu.eret();
          issueSyscall(cpu, 9, [1n, 2n, 3n, 4n, 5n, 6n, 7n]);
          cpu.restoreContext(saved);
          cpu.eret();
          expect(Array.from(cpu.x)).toEqual(x.map((v, i) => (i === 7 ? 0n : v)));
          expect(cpu.sp).toBe(sp);
          expect(cpu.pc).toBe((pc + 4n) & (2n ** 64n - 1n));
          expect(cpu.pstate).toBe((nzcv << 28) >>> 0);
        },
      ),
      { numRuns: 100 },
    );
  });
});
