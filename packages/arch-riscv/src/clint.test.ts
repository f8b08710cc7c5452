import { describe, expect, it } from 'vitest';
import {
  CLINT_MSIP,
  CLINT_MTIME,
  CLINT_MTIMECMP,
  Clint,
  type InterruptTarget,
  mtimecmpWriteSequence,
} from './clint';
import { RiscvError } from './errors';
import { InterruptCause } from './trap';

class Lines implements InterruptTarget {
  readonly level = new Map<InterruptCause, boolean>();
  readonly history: Array<[InterruptCause, boolean]> = [];
  setInterruptLine(cause: InterruptCause, level: boolean): void {
    this.level.set(cause, level);
    this.history.push([cause, level]);
  }
  get mtip() {
    return this.level.get(InterruptCause.MachineTimer) ?? false;
  }
}

function make(cyclesPerTick = 1) {
  const hart = new Lines();
  const clint = new Clint({ harts: [hart], cyclesPerTick });
  return { hart, clint };
}

describe('Clint registers', () => {
  it('resets with mtimecmp at the maximum and MTIP low', () => {
    const { hart, clint } = make();
    expect(clint.read(CLINT_MTIMECMP, 4)).toBe(0xffff_ffff);
    expect(clint.read(CLINT_MTIMECMP + 4, 4)).toBe(0xffff_ffff);
    expect(hart.mtip).toBe(false);
  });

  it('msip bit 0 drives MSIP; other bits read as zero', () => {
    const { hart, clint } = make();
    clint.write(CLINT_MSIP, 4, 0xffff_ffff);
    expect(clint.read(CLINT_MSIP, 4)).toBe(1);
    expect(hart.level.get(InterruptCause.MachineSoftware)).toBe(true);
    clint.write(CLINT_MSIP, 4, 2);
    expect(hart.level.get(InterruptCause.MachineSoftware)).toBe(false);
  });

  it('mtime reads as two 32-bit halves and carries into the high word', () => {
    const { clint } = make();
    clint.mtime = 0xffff_fffen;
    clint.advance(3);
    expect(clint.read(CLINT_MTIME, 4)).toBe(1);
    expect(clint.read(CLINT_MTIME + 4, 4)).toBe(1);
    expect(clint.mtime).toBe(0x1_0000_0001n);
  });

  it('MTIP is high exactly while mtime ≥ mtimecmp (unsigned 64-bit)', () => {
    const { hart, clint } = make();
    clint.setMtimecmp(0, 0x1_0000_0000n);
    clint.mtime = 0xffff_ffffn;
    expect(hart.mtip).toBe(false);
    clint.advance(1);
    expect(hart.mtip).toBe(true);
    clint.write(CLINT_MTIMECMP + 4, 4, 2); // mtimecmp = 0x2_0000_0000
    expect(hart.mtip).toBe(false);
  });

  it('the RV32 three-store sequence never raises MTIP spuriously; a naive low-then-high order can', () => {
    const { hart, clint } = make();
    clint.mtime = 0x1_0000_0010n;
    clint.setMtimecmp(0, 0x1_0000_0020n);
    const seen: boolean[] = [];
    for (const w of mtimecmpWriteSequence(0, 0x2_0000_0000n)) {
      clint.write(w.offset, 4, w.value);
      seen.push(hart.mtip);
    }
    expect(seen).toEqual([false, false, false]);
    expect(clint.getMtimecmp(0)).toBe(0x2_0000_0000n);
    clint.setMtimecmp(0, 0x1_0000_0020n);
    clint.write(CLINT_MTIMECMP, 4, 0); // low word first: mtimecmp = 0x1_0000_0000 < mtime
    expect(hart.mtip).toBe(true);
  });

  it('rejects sub-word and misaligned accesses (access fault on the hart)', () => {
    const { clint } = make();
    expect(clint.read(CLINT_MTIME, 2)).toBeUndefined();
    expect(clint.write(CLINT_MTIME + 1, 4, 0)).toBe(false);
  });
});

describe('Clint time base and deadlines', () => {
  it('advances one tick per cyclesPerTick hart cycles, keeping the remainder', () => {
    const { clint } = make(10);
    clint.advanceClock(25);
    expect(clint.mtime).toBe(2n);
    clint.advanceClock(5);
    expect(clint.mtime).toBe(3n);
  });

  it('cyclesUntilEvent counts down to the deadline, then is Infinity while MTIP stays high', () => {
    const { hart, clint } = make(4);
    clint.armDeadline(0, 10);
    clint.advanceClock(3);
    expect(clint.cyclesUntilEvent()).toBe(37);
    clint.advanceClock(37);
    expect(hart.mtip).toBe(true);
    expect(clint.cyclesUntilEvent()).toBe(Infinity);
  });

  it('armDeadline is one-shot relative to now; disarm lowers MTIP', () => {
    const { hart, clint } = make();
    clint.advance(100);
    clint.armDeadline(0, 5);
    expect(clint.getMtimecmp(0)).toBe(105n);
    clint.advance(5);
    expect(hart.mtip).toBe(true);
    clint.disarm(0);
    expect(hart.mtip).toBe(false);
    expect(clint.cyclesUntilEvent()).toBeGreaterThan(2 ** 60);
  });

  it('typed errors for bad arguments', () => {
    expect(() => new Clint({ harts: [] })).toThrow(RiscvError);
    expect(() => new Clint({ harts: [new Lines()], cyclesPerTick: 0 })).toThrow(RiscvError);
    expect(() => make().clint.advance(-1)).toThrow(RiscvError);
    expect(() => make().clint.getMtimecmp(1)).toThrow(RiscvError);
  });
});
