// Scenarios across units on one machine: a host task's memory accesses translated and checked,
// a VM fault arriving at the kernel's vector with the right syndrome, a syscall round trip that
// preserves registers, and timer preemption through the GIC.
import { describe, expect, it } from 'vitest';
import {
  Aarch64Machine,
  AccessPermission,
  AsidAllocator,
  decodeEsr,
  ExceptionClass,
  FramePool,
  initialTaskContext,
  issueSyscall,
  PageTableBuilder,
  readSyscall,
  writeSyscallResults,
} from '../src/index';

const VBAR = 0xffff_0000_0000_0000n;
const CODE = 0x40_0000;
const DATA = 0x60_0000;

function boot() {
  const m = new Aarch64Machine();
  m.cpu.vbarEl1 = VBAR;
  const tables = new PageTableBuilder(m.memory, new FramePool(0x1000_0000, 64));
  // Code: EL0 read-only, executable; data: EL0 read/write, execute-never; a kernel-only page.
  tables.map({
    va: CODE,
    pa: 0x8000_0000,
    size: 0x1000,
    ap: AccessPermission.ReadOnly,
    uxn: false,
    pxn: true,
    attrIndx: 0,
  });
  tables.map({
    va: DATA,
    pa: 0x8010_0000,
    size: 0x2000,
    ap: AccessPermission.ReadWrite,
    uxn: true,
    pxn: true,
    attrIndx: 0,
  });
  tables.map({
    va: DATA + 0x2000,
    pa: 0x8020_0000,
    size: 0x1000,
    ap: AccessPermission.PrivReadWrite,
    uxn: true,
    pxn: true,
    attrIndx: 0,
  });
  m.mmu.switchTo({ root: tables.root, asid: AsidAllocator.newHandle() }, new AsidAllocator());
  m.cpu.restoreContext(initialTaskContext(BigInt(CODE), BigInt(DATA + 0x2000)));
  m.cpu.eret(); // now at EL0 in the task
  return m;
}

describe('machine scenarios', () => {
  it('a host task reads and writes its memory through the MMU', () => {
    const m = boot();
    expect(m.writeU32(DATA + 0x10, 0xdead_beef)).toEqual({ ok: true, value: undefined });
    expect(m.memory.readU32(0x8010_0010)).toBe(0xdead_beef);
    // Unaligned across the two data pages: bytes at 0x600FFE..0x601001.
    expect(m.writeU32(DATA + 0xffe, 0x4433_2211).ok).toBe(true);
    expect(m.readU32(DATA + 0xffe)).toEqual({ ok: true, value: 0x4433_2211 });
    expect(m.memory.readU32(0x8010_1000) & 0xffff).toBe(0x4433);
    expect(m.fetch(CODE + 8)).toEqual({ ok: true, value: 0x8000_0008 });
  });

  it('a store to a kernel-only page is a data abort at the lower-EL vector', () => {
    const m = boot();
    m.cpu.pc = BigInt(CODE + 0x24);
    const r = m.writeU32(DATA + 0x2000, 1);
    expect(r).toMatchObject({
      ok: false,
      fault: { kind: 'permission', level: 3 },
      vector: VBAR + 0x400n,
    });
    expect(m.cpu.el).toBe(1);
    expect(m.cpu.elrEl1).toBe(BigInt(CODE + 0x24)); // the faulting instruction
    expect(m.cpu.farEl1).toBe(BigInt(DATA + 0x2000));
    // EC 0x24, IL, WnR, DFSC 0x0F (permission, level 3).
    expect(m.cpu.esrEl1).toBe(0x9200_004f);
    expect(m.memory.readU32(0x8020_0000)).toBe(0);
  });

  it('an unaligned store that crosses into a forbidden page writes nothing', () => {
    const m = boot();
    const r = m.writeU32(DATA + 0x1ffe, 0xffff_ffff);
    expect(r).toMatchObject({ ok: false, fault: { kind: 'permission' } });
    expect(m.cpu.farEl1).toBe(BigInt(DATA + 0x2000));
    expect(m.memory.readU32(0x8010_1ffc)).toBe(0);
  });

  it('jumping to data is an instruction abort; an unmapped load a translation fault', () => {
    const m = boot();
    m.fetch(DATA);
    expect(decodeEsr(m.cpu.esrEl1)).toMatchObject({
      ec: ExceptionClass.InstructionAbortLower,
      ifsc: 0x0f,
    });
    const m2 = boot();
    // 0x7000_0000 is L1 index 1 (VA[38:30]); only L1 index 0 has a table: translation fault L1.
    m2.readU32(0x7000_0000);
    expect(decodeEsr(m2.cpu.esrEl1)).toMatchObject({
      ec: ExceptionClass.DataAbortLower,
      dfsc: 0x05,
      wnr: false,
    });
    // 0x20_0000 is L2 index 1 of the existing L2 table, which is empty: translation fault L2.
    const m3 = boot();
    m3.readU32(0x20_0000);
    expect(decodeEsr(m3.cpu.esrEl1)).toMatchObject({ dfsc: 0x06 });
  });

  it('a syscall round trip preserves every register the ABI does not return', () => {
    const m = boot();
    for (let i = 0; i < 31; i++) m.cpu.setX(i, BigInt(i) * 0x1_0000_0001n);
    m.cpu.pc = BigInt(CODE + 0x40);
    const before = Array.from(m.cpu.x);
    issueSyscall(m.cpu, 12, [10n, 20n, 30n]);
    const saved = m.cpu.saveContext();
    expect(readSyscall(m.cpu).number).toBe(12);
    // The kernel clobbers registers while it runs, then restores the task and writes results.
    for (let i = 0; i < 31; i++) m.cpu.setX(i, 0xbad);
    m.cpu.restoreContext(saved);
    writeSyscallResults(m.cpu, [0n, 42n]);
    m.cpu.eret();
    expect(m.cpu.el).toBe(0);
    expect(m.cpu.pc).toBe(BigInt(CODE + 0x44));
    const after = Array.from(m.cpu.x);
    expect(after.slice(0, 3)).toEqual([0n, 42n, 30n]); // x2 was an argument and is untouched
    expect(after.slice(3, 7)).toEqual(before.slice(3, 7));
    expect(after[7]).toBe(12n); // x7 holds the syscall number (SYSCALL_CONVENTIONS.aarch64)
    expect(after.slice(8)).toEqual(before.slice(8));
  });

  it('the timer preempts a task through PPI 30 and the task resumes after ERET', () => {
    const m = boot();
    m.gic.init();
    m.gic.configure(30, { priority: 0x80, edge: false });
    m.timer.armDeadline(m.timer.nanosToTicks(1_000_000)); // 1 ms = 62,500 ticks
    m.cpu.pc = BigInt(CODE + 0x80);
    expect(m.advance(62_499)).toBeUndefined();
    expect(m.advance(1)).toBe(VBAR + 0x480n); // IRQ from a lower EL (AArch64)
    expect(m.cpu.elrEl1).toBe(BigInt(CODE + 0x80));
    // Kernel: acknowledge, handle (re-arm), EOI; IRQs are masked at EL1 meanwhile.
    expect(m.gic.cpu.readIar1()).toBe(30);
    m.timer.armDeadline(62_500);
    m.gic.cpu.writeEoir1(30);
    expect(m.pollInterrupts()).toBeUndefined();
    m.cpu.eret();
    expect(m.cpu.el).toBe(0);
    expect(m.cpu.pc).toBe(BigInt(CODE + 0x80));
    expect(m.advance(62_500)).toBe(VBAR + 0x480n);
  });
});
