// The hart with a CLINT and a PLIC on its bus: exact timer interrupt timing, WFI skipping to
// the next deadline, guest MMIO access (msip, mtime, claim/complete), PMP on device accesses.
import { describe, expect, it } from 'vitest';
import { CLINT_DEFAULT_BASE, CLINT_MSIP, CLINT_MTIME, CLINT_SIZE, Clint } from '../src/clint';
import {
  CSR_MCAUSE,
  CSR_MEPC,
  CSR_MIE,
  CSR_MSTATUS,
  CSR_MTVAL,
  CSR_MTVEC,
  CSR_PMPADDR0,
  CSR_PMPCFG0,
  MIP_MEIP,
  MIP_MSIP,
  MIP_MTIP,
  MSTATUS_MIE,
} from '../src/csr';
import { StopReason } from '../src/hart/execute';
import {
  PLIC_CLAIM,
  PLIC_DEFAULT_BASE,
  PLIC_ENABLE,
  PLIC_PRIORITY,
  PLIC_SIZE,
  Plic,
} from '../src/plic';
import { MCAUSE_INTERRUPT, PrivilegeMode } from '../src/trap';
import * as a from './asm';
import { makeMachine, RAM_BASE } from './harness';

const HANDLER = RAM_BASE + 0x800;

function platform(program: number[]) {
  const m = makeMachine();
  const clint = new Clint({ harts: [m.hart] });
  const plic = new Plic({ sources: 8, contexts: [{ target: m.hart }] });
  m.bus.addDevice(CLINT_DEFAULT_BASE, CLINT_SIZE, clint, 'clint');
  m.bus.addDevice(PLIC_DEFAULT_BASE, PLIC_SIZE, plic, 'plic');
  m.hart.attachClock(clint);
  m.bus.load(RAM_BASE, a.assemble(program));
  m.hart.writeCsr(CSR_MTVEC, HANDLER);
  return { ...m, clint, plic };
}

const LOOP = [a.addi(5, 5, 1), a.jal(0, -4)];

describe('hart + CLINT', () => {
  it('takes the timer interrupt at exactly the deadline cycle', () => {
    const p = platform(LOOP);
    p.clint.armDeadline(0, 1000);
    p.hart.writeCsr(CSR_MIE, MIP_MTIP);
    p.hart.writeCsr(CSR_MSTATUS, MSTATUS_MIE);
    expect(p.hart.run(100_000)).toBe(StopReason.Trap);
    expect(p.hart.readCsr(CSR_MCAUSE)).toBe((MCAUSE_INTERRUPT | 7) >>> 0);
    expect(p.hart.instret).toBe(1000);
    // The trap itself costs one cycle, which mtime also sees.
    expect(p.hart.cycles).toBe(1001);
    expect(p.clint.mtime).toBe(1001n);
    expect(p.hart.getRegister(5)).toBe(500);
  });

  it('cyclesPerTick divides the time base', () => {
    const m = makeMachine();
    const clint = new Clint({ harts: [m.hart], cyclesPerTick: 10 });
    m.hart.attachClock(clint);
    m.bus.load(RAM_BASE, a.assemble(LOOP));
    clint.armDeadline(0, 7);
    m.hart.writeCsr(CSR_MIE, MIP_MTIP);
    m.hart.writeCsr(CSR_MSTATUS, MSTATUS_MIE);
    m.hart.run(10_000);
    expect(m.hart.instret).toBe(70);
  });

  it('WFI skips ahead to the next deadline and resumes after the wfi (MIE clear)', () => {
    const p = platform([a.wfi(), a.addi(6, 0, 1), a.ebreak()]);
    p.clint.armDeadline(0, 500);
    p.hart.writeCsr(CSR_MIE, MIP_MTIP);
    expect(p.hart.run(100_000)).toBe(StopReason.Trap);
    expect(p.hart.readCsr(CSR_MCAUSE)).toBe(3);
    expect(p.hart.getRegister(6)).toBe(1);
    // wfi (cycle 1), idle until mtime = 500, addi (501), the ebreak trap (502).
    expect(p.clint.mtime).toBe(502n);
  });

  it('WFI with the deadline beyond the budget idles the whole budget, so time moves on', () => {
    const p = platform([a.wfi(), ...LOOP]);
    p.clint.armDeadline(0, 250_000);
    p.hart.writeCsr(CSR_MIE, MIP_MTIP);
    expect(p.hart.run(100_000)).toBe(StopReason.WaitForInterrupt);
    expect(p.hart.cycles).toBe(100_000);
    expect(p.hart.run(100_000)).toBe(StopReason.WaitForInterrupt);
    expect(p.hart.run(100_000)).toBe(StopReason.Budget);
    expect(p.clint.mtime).toBe(300_000n);
    expect(p.hart.waiting).toBe(false);
  });

  it('guest writes msip through MMIO and takes the software interrupt right after the store', () => {
    const p = platform([
      ...a.li(1, CLINT_DEFAULT_BASE + CLINT_MSIP),
      a.addi(2, 0, 1),
      a.sw(2, 1, 0),
      a.addi(7, 0, 1),
    ]);
    p.hart.writeCsr(CSR_MIE, MIP_MSIP);
    p.hart.writeCsr(CSR_MSTATUS, MSTATUS_MIE);
    p.hart.run(100);
    expect(p.hart.readCsr(CSR_MCAUSE)).toBe((MCAUSE_INTERRUPT | 3) >>> 0);
    expect(p.hart.readCsr(CSR_MEPC)).toBe(RAM_BASE + 12);
    expect(p.hart.getRegister(7)).toBe(0);
  });

  it('guest reads of mtime see the cycles run so far in the same slice', () => {
    const p = platform([
      ...a.li(1, CLINT_DEFAULT_BASE + CLINT_MTIME),
      a.addi(0, 0, 0),
      a.lw(3, 1, 0),
    ]);
    p.hart.run(100);
    // lui + addi + nop retired before the load: mtime = 3.
    expect(p.hart.getRegister(3)).toBe(3);
  });
});

describe('hart + PLIC', () => {
  it('an external interrupt is claimed and completed by the guest handler', () => {
    const handler = [
      ...a.li(10, PLIC_DEFAULT_BASE + PLIC_CLAIM),
      a.lw(11, 10, 0), // claim
      a.sw(11, 10, 0), // complete
      a.ebreak(),
    ];
    const p = platform(LOOP);
    p.bus.load(HANDLER, a.assemble(handler));
    p.plic.write(PLIC_PRIORITY + 4 * 5, 4, 1);
    p.plic.write(PLIC_ENABLE, 4, 1 << 5);
    p.hart.writeCsr(CSR_MIE, MIP_MEIP);
    p.hart.writeCsr(CSR_MSTATUS, MSTATUS_MIE);
    p.hart.stopOnTrap = false;
    p.hart.run(50);
    p.plic.pulse(5);
    p.hart.stopOnTrap = true;
    expect(p.hart.run(50)).toBe(StopReason.Trap);
    expect(p.hart.readCsr(CSR_MCAUSE)).toBe((MCAUSE_INTERRUPT | 11) >>> 0);
    p.hart.stopOnTrap = false;
    p.hart.run(4); // handler up to its ebreak, which vectors back to HANDLER
    expect(p.hart.getRegister(11)).toBe(5);
    expect(p.plic.isPending(5)).toBe(false);
  });

  it('PMP guards device accesses from U mode', () => {
    const p = platform([...a.li(1, CLINT_DEFAULT_BASE), a.sw(0, 1, 0)]);
    // U mode may use RAM only (NAPOT over the 64 KiB test RAM).
    p.hart.writeCsr(CSR_PMPADDR0, ((RAM_BASE >>> 2) | 0x1fff) >>> 0);
    p.hart.writeCsr(CSR_PMPCFG0, 0x1f);
    p.hart.mode = PrivilegeMode.User;
    p.hart.run(10);
    expect(p.hart.readCsr(CSR_MCAUSE)).toBe(7);
    expect(p.hart.readCsr(CSR_MTVAL)).toBe(CLINT_DEFAULT_BASE);
  });
});
