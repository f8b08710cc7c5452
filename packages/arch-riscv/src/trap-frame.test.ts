import { describe, expect, it } from 'vitest';
import * as a from '../test/asm';
import { makeMachine, RAM_BASE } from '../test/harness';
import { CSR_MCAUSE, CSR_MEPC, CSR_MSTATUS, CSR_PMPADDR0, CSR_PMPCFG0, MSTATUS_MPP } from './csr';
import { RiscvError } from './errors';
import { StopReason } from './hart/execute';
import { TRAP_FRAME_PC, TRAP_FRAME_SIZE, TrapFrame, trapFrameRegisterOffset } from './trap-frame';
import { ExceptionCause, PrivilegeMode } from './trap';

/** Two U-mode "threads" at different entry points, each counting in x5 and ecalling. */
function twoThreads() {
  const m = makeMachine();
  // thread A at +0x000: x5 += 1; ecall; loop | thread B at +0x100: x5 += 100; ecall; loop
  m.bus.load(RAM_BASE, a.assemble([a.addi(5, 5, 1), a.ecall(), a.jal(0, -8)]));
  m.bus.load(RAM_BASE + 0x100, a.assemble([a.addi(5, 5, 100), a.ecall(), a.jal(0, -8)]));
  m.hart.writeCsr(CSR_PMPADDR0, 0xffff_ffff);
  m.hart.writeCsr(CSR_PMPCFG0, 0x1f);
  return m;
}

describe('TrapFrame', () => {
  it('layout: x1..x31 at (n-1)×4, then pc; 128 bytes', () => {
    expect(trapFrameRegisterOffset(1)).toBe(0);
    expect(trapFrameRegisterOffset(31)).toBe(120);
    expect(TRAP_FRAME_PC).toBe(124);
    expect(TRAP_FRAME_SIZE).toBe(128);
    const f = new TrapFrame();
    f.set(1, 0x11);
    f.set(31, 0xdead_beef);
    f.pc = 0x8000_0004;
    const bytes = f.toBytes();
    expect([...bytes.slice(0, 4)]).toEqual([0x11, 0, 0, 0]);
    expect([...bytes.slice(120, 128)]).toEqual([0xef, 0xbe, 0xad, 0xde, 0x04, 0, 0, 0x80]);
    const back = TrapFrame.fromBytes(bytes);
    expect(back.get(31)).toBe(0xdead_beef);
    expect(back.pc).toBe(0x8000_0004);
  });

  it('x0 stays zero; bad indices are typed errors', () => {
    const f = new TrapFrame();
    f.set(0, 5);
    expect(f.get(0)).toBe(0);
    expect(() => f.get(32)).toThrow(RiscvError);
    expect(() => trapFrameRegisterOffset(0)).toThrow(RiscvError);
    expect(() => TrapFrame.fromBytes(new Uint8Array(8))).toThrow(RiscvError);
  });

  it("switching two U-mode threads on ecall preserves each one's registers and pc", () => {
    const m = twoThreads();
    const threads = [new TrapFrame(), new TrapFrame()];
    threads[0]!.pc = RAM_BASE;
    threads[1]!.pc = RAM_BASE + 0x100;
    threads[1]!.set(6, 0x66);
    let current = 0;
    threads[0]!.resume(m.hart);
    for (let i = 0; i < 6; i++) {
      expect(m.hart.run(100)).toBe(StopReason.Trap);
      expect(m.hart.readCsr(CSR_MCAUSE)).toBe(ExceptionCause.EnvironmentCallFromUMode);
      const frame = threads[current]!.capture(m.hart);
      expect(frame.mode).toBe(PrivilegeMode.User);
      frame.pc += 4; // past the ecall
      current ^= 1;
      // Clobber the live registers as a kernel would, to prove the frame restores them.
      for (let r = 1; r < 32; r++) m.hart.setRegister(r, 0xbad0 + r);
      threads[current]!.resume(m.hart);
      expect(m.hart.mode).toBe(PrivilegeMode.User);
    }
    // Each ran three times.
    expect(threads[0]!.get(5)).toBe(3);
    expect(threads[1]!.get(5)).toBe(300);
    expect(threads[1]!.get(6)).toBe(0x66);
    expect(m.hart.getRegister(5)).toBe(3);
  });

  it('resume sets MPP from the frame before mret', () => {
    const m = makeMachine();
    const f = new TrapFrame();
    f.pc = RAM_BASE + 8;
    f.mode = PrivilegeMode.Machine;
    f.resume(m.hart);
    expect(m.hart.mode).toBe(PrivilegeMode.Machine);
    expect(m.hart.pc).toBe(RAM_BASE + 8);
    expect(m.hart.readCsr(CSR_MSTATUS) & MSTATUS_MPP).toBe(0);
    expect(m.hart.readCsr(CSR_MEPC)).toBe(RAM_BASE + 8);
  });
});
