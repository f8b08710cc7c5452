// Every trap cause the hart can raise, with mcause/mepc/mtval/mstatus as the privileged spec
// defines them, plus interrupts (priority, enables, vectoring), mret and wfi.
import { describe, expect, it } from 'vitest';
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
  MSTATUS_MPIE,
  MSTATUS_MPP,
  MSTATUS_MPRV,
  MSTATUS_TW,
} from '../src/csr';
import { StopReason } from '../src/hart/execute';
import { ExceptionCause, InterruptCause, MCAUSE_INTERRUPT, PrivilegeMode } from '../src/trap';
import * as a from './asm';
import { makeMachine, RAM_BASE, RAM_SIZE, runProgram } from './harness';

const { c } = a;
const D = RAM_BASE + 0x1000;
const HANDLER = RAM_BASE + 0x800;

function trapOf(m: ReturnType<typeof makeMachine>) {
  return {
    mcause: m.hart.readCsr(CSR_MCAUSE),
    mepc: m.hart.readCsr(CSR_MEPC),
    mtval: m.hart.readCsr(CSR_MTVAL),
  };
}

/** U mode with full RWX on everything through one NAPOT entry covering all addresses. */
function userMachine(program: number[], registers: Record<number, number> = {}) {
  const m = makeMachine();
  m.bus.load(RAM_BASE, a.assemble([...program, a.ebreak()]));
  m.hart.writeCsr(CSR_PMPADDR0, 0xffff_ffff);
  m.hart.writeCsr(CSR_PMPCFG0, 0x1f);
  m.hart.writeCsr(CSR_MTVEC, HANDLER);
  m.hart.mode = PrivilegeMode.User;
  for (const [r, v] of Object.entries(registers)) m.hart.setRegister(Number(r), v);
  return m;
}

describe('synchronous exceptions', () => {
  it('instruction address misaligned exists only without C: jal to a halfword', () => {
    const m = runProgram([a.addi(0, 0, 0), a.jal(1, 6)], {}, { compressed: false });
    expect(trapOf(m)).toEqual({
      mcause: ExceptionCause.InstructionAddressMisaligned,
      mepc: RAM_BASE + 4,
      mtval: RAM_BASE + 10,
    });
    // The faulting jump does not write its link register.
    expect(m.hart.getRegister(1)).toBe(0);
  });

  it('instruction address misaligned: taken branch without C; not-taken branch is fine', () => {
    const taken = runProgram([a.beq(0, 0, 6)], {}, { compressed: false });
    expect(trapOf(taken)).toMatchObject({ mcause: 0, mepc: RAM_BASE, mtval: RAM_BASE + 6 });
    const notTaken = runProgram([a.bne(0, 0, 6)], {}, { compressed: false });
    expect(trapOf(notTaken).mcause).toBe(ExceptionCause.Breakpoint);
  });

  it('with C, a jump to a halfword boundary is legal', () => {
    // 0: jal x0, 6 | 4: c.nop | 6: c.li x5, 7 | 8: ebreak
    const m = runProgram([a.jal(0, 6), c.nop(), c.li(5, 7)]);
    expect(trapOf(m).mcause).toBe(ExceptionCause.Breakpoint);
    expect(m.hart.getRegister(5)).toBe(7);
  });

  it('instruction access fault: jump to unmapped memory', () => {
    const m = runProgram([a.jalr(0, 0, 0x100)]);
    expect(trapOf(m)).toEqual({
      mcause: ExceptionCause.InstructionAccessFault,
      mepc: 0x100,
      mtval: 0x100,
    });
  });

  it('instruction access fault: 32-bit instruction straddling the end of RAM reports pc + 2', () => {
    const m = makeMachine();
    const last = RAM_BASE + RAM_SIZE - 2;
    m.bus.write(last, 2, 0x0013); // low half of a 32-bit nop
    m.hart.pc = last;
    m.hart.run(10);
    expect(trapOf(m)).toEqual({ mcause: 1, mepc: last, mtval: (last + 2) >>> 0 });
  });

  it('instruction access fault: PMP denies X in U mode (tval = pc)', () => {
    const m = makeMachine();
    m.bus.load(RAM_BASE, a.assemble([a.addi(5, 0, 1)]));
    m.hart.writeCsr(CSR_PMPADDR0, 0xffff_ffff);
    m.hart.writeCsr(CSR_PMPCFG0, 0x18 | 0x3); // NAPOT, R+W, no X
    m.hart.mode = PrivilegeMode.User;
    m.hart.run(10);
    expect(trapOf(m)).toEqual({ mcause: 1, mepc: RAM_BASE, mtval: RAM_BASE });
    expect(m.hart.getRegister(5)).toBe(0);
    expect(m.hart.mode).toBe(PrivilegeMode.Machine);
  });

  it('instruction access fault: U-mode jump from executable words into non-executable ones', () => {
    const m = makeMachine();
    // 0: jal x0, +0x100 | entry 0: NA4 over word 0 (X), entry 1: NAPOT 64 KiB RAM (R+W)
    m.bus.load(RAM_BASE, a.assemble([a.jal(0, 0x100)]));
    m.bus.load(RAM_BASE + 0x100, a.assemble([a.addi(5, 0, 1)]));
    m.hart.writeCsr(CSR_PMPADDR0, RAM_BASE >>> 2);
    m.hart.writeCsr(CSR_PMPADDR0 + 1, ((RAM_BASE >>> 2) | (RAM_SIZE / 8 - 1)) >>> 0);
    m.hart.writeCsr(CSR_PMPCFG0, 0x10 | 0x4 | ((0x18 | 0x3) << 8));
    m.hart.mode = PrivilegeMode.User;
    m.hart.run(10);
    expect(trapOf(m)).toEqual({ mcause: 1, mepc: RAM_BASE + 0x100, mtval: RAM_BASE + 0x100 });
    expect(m.hart.getRegister(5)).toBe(0);
  });

  it('instruction access fault: a locked entry written by M-mode code binds its very next fetch', () => {
    const program = [
      ...a.li(1, ((RAM_BASE >>> 2) | (RAM_SIZE / 8 - 1)) >>> 0),
      a.csrrw(0, CSR_PMPADDR0, 1),
      a.addi(2, 0, 0x98), // L | NAPOT | R: no X, even for M mode
      a.csrrw(0, CSR_PMPCFG0, 2),
      a.addi(5, 0, 1),
    ];
    const m = runProgram(program);
    // li is lui + addi: the addi after the cfg write is at +20.
    expect(trapOf(m)).toEqual({ mcause: 1, mepc: RAM_BASE + 20, mtval: RAM_BASE + 20 });
    expect(m.hart.getRegister(5)).toBe(0);
  });

  it.each([
    ['all-zero halfword', [0x0000], 0],
    ['unknown 32-bit opcode', [0xffff_ffff], 0xffff_ffff],
    ['c.flw (no F extension)', [0x6000], 0x6000],
    ['shift with shamt[5] set', [a.slli(1, 1, 1) | (1 << 25)], a.slli(1, 1, 1) | (1 << 25)],
    ['unimplemented CSR', [a.csrrs(1, 0x7c0, 0)], a.csrrs(1, 0x7c0, 0)],
    ['write to read-only CSR mvendorid', [a.csrrw(0, 0xf11, 1)], a.csrrw(0, 0xf11, 1)],
    ['sret (no S mode)', [0x1020_0073], 0x1020_0073],
  ])('illegal instruction: %s, mtval = instruction bits', (_name, program, bits) => {
    const m = runProgram(program);
    expect(trapOf(m)).toEqual({
      mcause: ExceptionCause.IllegalInstruction,
      mepc: RAM_BASE,
      mtval: bits,
    });
  });

  it('reading a read-only CSR with csrrs x0 is legal (no write happens)', () => {
    const m = runProgram([a.csrrs(5, 0xf11, 0)]);
    expect(trapOf(m).mcause).toBe(ExceptionCause.Breakpoint);
  });

  it('compressed encodings are illegal without C', () => {
    const m = runProgram([c.li(5, 1), c.nop()], {}, { compressed: false });
    expect(trapOf(m)).toEqual({ mcause: 2, mepc: RAM_BASE, mtval: c.li(5, 1) });
  });

  it.each([
    ['mret', a.mret()],
    ['M-mode CSR access', a.csrrs(5, CSR_MSTATUS, 0)],
  ])('illegal instruction in U mode: %s', (_name, insn) => {
    const m = userMachine([insn]);
    m.hart.run(10);
    expect(trapOf(m)).toEqual({ mcause: 2, mepc: RAM_BASE, mtval: insn });
    expect(m.hart.readCsr(CSR_MSTATUS) & MSTATUS_MPP).toBe(0);
  });

  it('wfi in U mode is illegal when mstatus.TW is set, a no-op wait otherwise', () => {
    const trapped = userMachine([a.wfi()]);
    trapped.hart.writeCsr(CSR_MSTATUS, MSTATUS_TW);
    trapped.hart.run(10);
    expect(trapOf(trapped)).toEqual({ mcause: 2, mepc: RAM_BASE, mtval: a.wfi() });
    const waits = userMachine([a.wfi()]);
    expect(waits.hart.run(10)).toBe(StopReason.WaitForInterrupt);
  });

  it('U-mode cycle/instret reads need mcounteren', () => {
    const denied = userMachine([a.csrrs(5, 0xc00, 0)]);
    denied.hart.run(10);
    expect(trapOf(denied).mcause).toBe(2);
    const allowed = userMachine([a.csrrs(5, 0xc02, 0)]);
    allowed.hart.writeCsr(0x306, 0b101);
    allowed.hart.run(10);
    expect(trapOf(allowed).mcause).toBe(ExceptionCause.Breakpoint);
  });

  it('breakpoint: ebreak leaves its pc in mepc and writes mtval = 0 (as QEMU does)', () => {
    const m = runProgram([a.addi(0, 0, 0)]);
    m.hart.writeCsr(CSR_MTVAL, 0x1234);
    m.hart.pc = RAM_BASE;
    m.hart.run(10);
    expect(trapOf(m)).toEqual({ mcause: 3, mepc: RAM_BASE + 4, mtval: 0 });
  });

  it.each([
    ['lw', a.lw(3, 1, 1), 4, D + 1],
    ['lh', a.lh(3, 1, 3), 4, D + 3],
    ['lhu', a.lhu(3, 1, 1), 4, D + 1],
    ['lr.w', a.lrW(3, 2), 4, D + 2],
    ['sw', a.sw(3, 1, 2), 6, D + 2],
    ['sh', a.sh(3, 1, 1), 6, D + 1],
    ['sc.w', a.scW(3, 4, 2), 6, D + 2],
    ['amoadd.w', a.amoaddW(3, 4, 2), 6, D + 2],
  ])('address misaligned: %s (not emulated)', (_name, insn, cause, addr) => {
    const m = runProgram([insn], { 1: D, 2: D + 2 });
    expect(trapOf(m)).toEqual({ mcause: cause, mepc: RAM_BASE, mtval: addr });
  });

  it.each([
    ['lw', a.lw(3, 1, 0), 5],
    ['lbu', a.lbu(3, 1, 0), 5],
    ['lr.w', a.lrW(3, 1), 5],
    ['sw', a.sw(3, 1, 0), 7],
    ['sb', a.sb(3, 1, 0), 7],
    ['sc.w after lr elsewhere', a.scW(3, 4, 1), 1 /* fails without access: no trap */],
    ['amoswap.w', a.amoswapW(3, 4, 1), 7],
  ])('access fault on unmapped memory: %s', (_name, insn, cause) => {
    const m = runProgram([insn], { 1: 0x100 });
    if (cause === 1) {
      expect(trapOf(m).mcause).toBe(ExceptionCause.Breakpoint);
      expect(m.hart.getRegister(3)).toBe(1);
      return;
    }
    expect(trapOf(m)).toEqual({ mcause: cause, mepc: RAM_BASE, mtval: 0x100 });
  });

  it('access fault from PMP in U mode: load and store checked separately', () => {
    const m = makeMachine();
    m.bus.load(RAM_BASE, a.assemble([a.lw(3, 1, 0), a.sw(3, 1, 0), a.ebreak()]));
    // entry 0: code+data RAM, R+X only (NAPOT 64 KiB at RAM_BASE)
    m.hart.writeCsr(CSR_PMPADDR0, ((RAM_BASE >>> 2) | (RAM_SIZE / 8 - 1)) >>> 0);
    m.hart.writeCsr(CSR_PMPCFG0, 0x18 | 0x5);
    m.hart.writeCsr(CSR_MTVEC, HANDLER);
    m.hart.mode = PrivilegeMode.User;
    m.hart.setRegister(1, D);
    m.hart.run(10);
    expect(trapOf(m)).toEqual({ mcause: 7, mepc: RAM_BASE + 4, mtval: D });
  });

  it('ecall from U and from M', () => {
    const u = userMachine([a.addi(0, 0, 0), a.ecall()]);
    u.hart.run(10);
    expect(trapOf(u)).toEqual({ mcause: 8, mepc: RAM_BASE + 4, mtval: 0 });
    expect(u.hart.mode).toBe(PrivilegeMode.Machine);
    expect(u.hart.pc).toBe(HANDLER);
    const mm = runProgram([a.ecall()]);
    expect(trapOf(mm)).toEqual({ mcause: 11, mepc: RAM_BASE, mtval: 0 });
  });

  it('trap entry: MPIE takes MIE, MIE clears, MPP records the mode; ecall does not retire', () => {
    const m = makeMachine();
    m.bus.load(RAM_BASE, a.assemble([a.ecall()]));
    m.hart.writeCsr(CSR_MSTATUS, MSTATUS_MIE);
    m.hart.run(1);
    expect(m.hart.readCsr(CSR_MSTATUS)).toBe(MSTATUS_MPIE | MSTATUS_MPP);
    expect(m.hart.instret).toBe(0);
    expect(m.hart.cycles).toBe(1);
  });
});

describe('mret', () => {
  it('returns to MPP at mepc, MIE ← MPIE, MPIE ← 1, MPP ← U, MPRV cleared when leaving M', () => {
    const m = makeMachine();
    m.bus.load(RAM_BASE, a.assemble([a.mret()]));
    m.hart.writeCsr(CSR_MEPC, D);
    m.hart.writeCsr(CSR_MSTATUS, MSTATUS_MPIE | MSTATUS_MPRV); // MPP = U
    m.hart.run(1);
    expect(m.hart.mode).toBe(PrivilegeMode.User);
    expect(m.hart.pc).toBe(D);
    expect(m.hart.readCsr(CSR_MSTATUS)).toBe(MSTATUS_MIE | MSTATUS_MPIE);
  });

  it('guest trap handler emulates ecall and returns past it', () => {
    const m = makeMachine({ stopOnTrap: false });
    const handler = [
      a.csrrs(6, CSR_MEPC, 0),
      a.addi(6, 6, 4),
      a.csrrw(0, CSR_MEPC, 6),
      a.addi(7, 7, 1),
      a.mret(),
    ];
    m.bus.load(HANDLER, a.assemble(handler));
    m.bus.load(RAM_BASE, a.assemble([a.ecall(), a.addi(5, 0, 42), a.ecall(), a.jal(0, 0)]));
    m.hart.writeCsr(CSR_PMPADDR0, 0xffff_ffff);
    m.hart.writeCsr(CSR_PMPCFG0, 0x1f);
    m.hart.writeCsr(CSR_MTVEC, HANDLER);
    m.hart.mode = PrivilegeMode.User;
    m.hart.run(100);
    expect(m.hart.getRegister(5)).toBe(42);
    expect(m.hart.getRegister(7)).toBe(2);
    expect(m.hart.mode).toBe(PrivilegeMode.User);
    expect(m.hart.pc).toBe(RAM_BASE + 12);
  });
});

describe('interrupts', () => {
  function idleMachine() {
    const m = makeMachine();
    m.bus.load(RAM_BASE, a.assemble([a.addi(5, 5, 1), a.jal(0, -4)]));
    m.hart.writeCsr(CSR_MTVEC, HANDLER);
    return m;
  }

  it.each([
    [InterruptCause.MachineSoftware, MIP_MSIP],
    [InterruptCause.MachineTimer, MIP_MTIP],
    [InterruptCause.MachineExternal, MIP_MEIP],
  ])('cause %i is taken when enabled in mie and mstatus.MIE', (cause, bit) => {
    const m = idleMachine();
    m.hart.writeCsr(CSR_MIE, bit);
    m.hart.writeCsr(CSR_MSTATUS, MSTATUS_MIE);
    m.hart.run(3);
    m.hart.setInterruptLine(cause, true);
    expect(m.hart.run(10)).toBe(StopReason.Trap);
    const pc = m.hart.readCsr(CSR_MEPC);
    expect(trapOf(m)).toEqual({ mcause: (MCAUSE_INTERRUPT | cause) >>> 0, mepc: pc, mtval: 0 });
    expect([RAM_BASE, RAM_BASE + 4]).toContain(pc);
    expect(m.hart.pc).toBe(HANDLER);
  });

  it('priority: external, then software, then timer', () => {
    const m = idleMachine();
    m.hart.writeCsr(CSR_MIE, MIP_MSIP | MIP_MTIP | MIP_MEIP);
    m.hart.writeCsr(CSR_MSTATUS, MSTATUS_MIE);
    for (const cause of [
      InterruptCause.MachineTimer,
      InterruptCause.MachineSoftware,
      InterruptCause.MachineExternal,
    ]) {
      m.hart.setInterruptLine(cause, true);
    }
    const order: number[] = [];
    for (const cause of [11, 3, 7]) {
      m.hart.writeCsr(CSR_MSTATUS, MSTATUS_MIE);
      m.hart.run(5);
      order.push(m.hart.readCsr(CSR_MCAUSE) & 0xff);
      m.hart.setInterruptLine(cause, false);
    }
    expect(order).toEqual([11, 3, 7]);
  });

  it('not taken in M mode with MIE clear, or when masked in mie', () => {
    const m = idleMachine();
    m.hart.writeCsr(CSR_MIE, MIP_MTIP);
    m.hart.setInterruptLine(InterruptCause.MachineTimer, true);
    expect(m.hart.run(10)).toBe(StopReason.Budget);
    m.hart.writeCsr(CSR_MIE, MIP_MSIP);
    m.hart.writeCsr(CSR_MSTATUS, MSTATUS_MIE);
    expect(m.hart.run(10)).toBe(StopReason.Budget);
  });

  it('taken in U mode even with mstatus.MIE clear', () => {
    const m = userMachine([a.addi(5, 5, 1), a.jal(0, -4)]);
    m.hart.writeCsr(CSR_MIE, MIP_MTIP);
    m.hart.setInterruptLine(InterruptCause.MachineTimer, true);
    expect(m.hart.run(10)).toBe(StopReason.Trap);
    expect(m.hart.readCsr(CSR_MCAUSE)).toBe((MCAUSE_INTERRUPT | 7) >>> 0);
    expect(m.hart.readCsr(CSR_MSTATUS) & MSTATUS_MPP).toBe(0);
  });

  it('vectored mtvec sends interrupts to BASE + 4 × cause and exceptions to BASE', () => {
    const m = idleMachine();
    m.hart.writeCsr(CSR_MTVEC, HANDLER | 1);
    m.hart.writeCsr(CSR_MIE, MIP_MEIP);
    m.hart.writeCsr(CSR_MSTATUS, MSTATUS_MIE);
    m.hart.setInterruptLine(InterruptCause.MachineExternal, true);
    m.hart.run(5);
    expect(m.hart.pc).toBe(HANDLER + 44);
    const e = runProgram([a.ecall()]);
    e.hart.writeCsr(CSR_MTVEC, HANDLER | 1);
    e.hart.pc = RAM_BASE;
    e.hart.run(1);
    expect(e.hart.pc).toBe(HANDLER);
  });

  it('an interrupt enabled by a CSR write is taken right after that instruction', () => {
    const m = makeMachine();
    m.bus.load(RAM_BASE, a.assemble([a.csrrsi(0, CSR_MSTATUS, 8), a.addi(5, 0, 1)]));
    m.hart.writeCsr(CSR_MIE, MIP_MSIP);
    m.hart.setInterruptLine(InterruptCause.MachineSoftware, true);
    m.hart.run(10);
    expect(m.hart.readCsr(CSR_MEPC)).toBe(RAM_BASE + 4);
    expect(m.hart.getRegister(5)).toBe(0);
  });
});

describe('wfi', () => {
  it('waits with nothing pending, and resumes after the wfi when a line rises (even masked globally)', () => {
    const m = makeMachine();
    m.bus.load(RAM_BASE, a.assemble([a.wfi(), a.addi(5, 0, 1), a.ebreak()]));
    m.hart.writeCsr(CSR_MIE, MIP_MSIP);
    expect(m.hart.run(10)).toBe(StopReason.WaitForInterrupt);
    expect(m.hart.waiting).toBe(true);
    expect(m.hart.run(10)).toBe(StopReason.WaitForInterrupt);
    m.hart.setInterruptLine(InterruptCause.MachineSoftware, true);
    expect(m.hart.run(10)).toBe(StopReason.Trap);
    expect(m.hart.readCsr(CSR_MCAUSE)).toBe(3);
    expect(m.hart.getRegister(5)).toBe(1);
  });
});

describe('decoded-instruction cache', () => {
  it('a store over already-executed code takes effect (self-modifying loop)', () => {
    // 0: addi x5, x5, 1 | 4: bne x6, x0, +16 (to 20) | 8: sw x7, 0(x8) | 12: addi x6, x0, 1
    // 16: jal -16 (to 0) | 20: ebreak. The first pass patches the addi into addi x5, x5, 100.
    const m = makeMachine();
    m.bus.load(
      RAM_BASE,
      a.assemble([
        a.addi(5, 5, 1),
        a.bne(6, 0, 16),
        a.sw(7, 8, 0),
        a.addi(6, 0, 1),
        a.jal(0, -16),
        a.ebreak(),
      ]),
    );
    m.hart.setRegister(7, a.addi(5, 5, 100));
    m.hart.setRegister(8, RAM_BASE);
    m.hart.run(100);
    expect(m.hart.readCsr(CSR_MCAUSE)).toBe(3);
    expect(m.hart.getRegister(5)).toBe(101);
  });

  it('a bus write (loader) over decoded code takes effect', () => {
    const m = makeMachine();
    m.bus.load(RAM_BASE, a.assemble([a.addi(5, 0, 1), a.ebreak()]));
    m.hart.run(10);
    expect(m.hart.getRegister(5)).toBe(1);
    m.bus.load(RAM_BASE, a.assemble([a.addi(5, 0, 2)]));
    m.hart.pc = RAM_BASE;
    m.hart.run(10);
    expect(m.hart.getRegister(5)).toBe(2);
  });

  it('a halfword store into the upper half of a decoded 32-bit instruction invalidates it', () => {
    const m = makeMachine();
    // 0: c.nop | 2: addi x5, x0, 1 (32-bit, straddles words) | 6: c.ebreak
    m.bus.load(RAM_BASE, a.assemble([c.nop(), a.addi(5, 0, 1), c.ebreak()]));
    m.hart.run(10);
    expect(m.hart.getRegister(5)).toBe(1);
    m.bus.write(RAM_BASE + 4, 2, a.addi(5, 0, 3) >>> 16);
    m.hart.pc = RAM_BASE;
    m.hart.run(10);
    expect(m.hart.getRegister(5)).toBe(3);
  });
});
