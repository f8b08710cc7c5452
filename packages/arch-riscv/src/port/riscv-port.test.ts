import { SYSCALL_CONVENTIONS } from '@k5/abi';
import { AccessKind, type ContextId } from '@k5/kernel';
import { describe, expect, it } from 'vitest';
import { PMP_L } from '../pmp/registers';
import { RiscvPort } from './riscv-port';

const NAPOT_RW = 0x1b; // A = NAPOT, W and R
const NAPOT_RX = 0x1d; // A = NAPOT, X and R

describe('RiscvPort registers and the ecall ABI', () => {
  it("follows @k5/abi's riscv convention: number in a7 (x17), slots in a0..a6, pc at index 32", () => {
    const port = new RiscvPort();
    expect(port.convention).toBe(SYSCALL_CONVENTIONS.riscv);
    expect(port.registerCount).toBe(33);
    const ctx = port.createContext();
    for (let i = 1; i < 32; i++) port.writeRegister(ctx, i, 0x100 + i);
    port.writeRegister(ctx, 32, 0x8000_0004);
    expect(port.syscallNumber(ctx)).toBe(0x111);
    expect([0, 1, 2, 3, 4, 5, 6].map((s) => port.argument(ctx, s))).toEqual([
      0x10a, 0x10b, 0x10c, 0x10d, 0x10e, 0x10f, 0x110,
    ]);
    port.setResult(ctx, 3, -1);
    expect(port.frame(ctx).x[13]).toBe(0xffff_ffff);
    expect(port.readRegister(ctx, 32)).toBe(0x8000_0004);
    expect(port.frame(ctx).pc).toBe(0x8000_0004);
    port.writeRegister(ctx, 0, 5);
    expect(port.readRegister(ctx, 0)).toBe(0);
    expect(() => port.argument(ctx, 7)).toThrow(/slots are 0..6/);
  });

  it('reuses a destroyed context zeroed, and refuses a stale one', () => {
    const port = new RiscvPort();
    const a = port.createContext();
    port.writeRegister(a, 8, 99);
    port.destroyContext(a);
    expect(() => port.readRegister(a, 8)).toThrow(/does not exist/);
    const b = port.createContext();
    expect(b).toBe(a);
    expect(port.readRegister(b, 8)).toBe(0);
  });
});

describe('RiscvPort memory protection', () => {
  const grants = [
    { base: 0x2000_0400, size: 0x400, access: AccessKind.Read | AccessKind.Write },
    { base: 0x2000_1000, size: 0x1000, access: AccessKind.Read | AccessKind.Execute },
  ];

  it('solves a map after the locked entries and loads it into the hart on switch', () => {
    const port = new RiscvPort({ lockedRegions: [{ base: 0x1000_0000, size: 0x100 }] });
    const ctx = port.createContext();
    port.setMemoryMap(ctx, grants);
    const layout = port.pmpLayout(ctx);
    expect(layout.used).toBe(2);
    // NAPOT pmpaddr = base/4 + size/8 - 1.
    expect(layout.entries.slice(0, 2)).toEqual([
      { index: 1, cfg: NAPOT_RW, addr: 0x0800_0100 + 0x7f },
      { index: 2, cfg: NAPOT_RX, addr: 0x0800_0400 + 0x1ff },
    ]);
    const pmp = port.hart.pmp;
    expect(pmp.entryConfig(1)).toBe(0);
    port.switchTo(ctx);
    expect(port.activeContext).toBe(ctx);
    expect([pmp.entryConfig(1), pmp.readAddr(1), pmp.entryConfig(2), pmp.readAddr(2)]).toEqual([
      NAPOT_RW,
      0x0800_017f,
      NAPOT_RX,
      0x0800_05ff,
    ]);
    expect(pmp.entryConfig(0) & PMP_L).toBe(PMP_L);
    // A map change of the running thread reaches the hart at once.
    port.setMemoryMap(ctx, grants.slice(1));
    expect(pmp.entryConfig(1)).toBe(NAPOT_RX);
    port.switchTo(null);
    expect(pmp.entryConfig(1)).toBe(0);
    expect(pmp.entryConfig(0) & PMP_L).toBe(PMP_L);
  });

  it('checkAccess answers as the PMP checker does for U mode, per thread', () => {
    const port = new RiscvPort();
    const a = port.createContext();
    const b = port.createContext();
    port.setMemoryMap(a, grants);
    const ok = (ctx: ContextId, addr: number, n: number, k: AccessKind) =>
      port.checkAccess(ctx, addr, n, k);
    expect(ok(a, 0x2000_0400, 4, AccessKind.Write)).toBe(true);
    expect(ok(a, 0x2000_07fc, 4, AccessKind.Read)).toBe(true);
    expect(ok(a, 0x2000_07fe, 4, AccessKind.Read)).toBe(false);
    expect(ok(a, 0x2000_0400, 4, AccessKind.Execute)).toBe(false);
    expect(ok(a, 0x2000_1ffc, 4, AccessKind.Execute)).toBe(true);
    expect(ok(a, 0x2000_1000, 4, AccessKind.Write)).toBe(false);
    expect(ok(b, 0x2000_0400, 4, AccessKind.Read)).toBe(false);
    expect(ok(a, -4, 4, AccessKind.Read)).toBe(false);
    expect(ok(a, 0xffff_fffe, 4, AccessKind.Read)).toBe(false);
  });

  it('records a map that does not fit as a typed error and grants nothing', () => {
    // 14 of 16 entries locked; three separate regions with different rights need three.
    const locked = Array.from({ length: 14 }, (_, i) => ({ base: 0x1000_0000 + i * 8, size: 8 }));
    const seen: string[] = [];
    const port = new RiscvPort({
      lockedRegions: locked,
      onMemoryMapError: (_c, e) => seen.push(e.code),
    });
    const ctx = port.createContext();
    port.setMemoryMap(ctx, [
      { base: 0x2000_0000, size: 0x100, access: AccessKind.Read },
      { base: 0x2000_0400, size: 0x100, access: AccessKind.Read | AccessKind.Write },
      { base: 0x2000_0800, size: 0x100, access: AccessKind.Read | AccessKind.Execute },
    ]);
    expect(seen).toEqual(['pmp-does-not-fit']);
    expect(port.memoryMapError(ctx)?.message).toMatch(/need 3 PMP entries but only 2 are free/);
    expect(port.checkAccess(ctx, 0x2000_0000, 4, AccessKind.Read)).toBe(false);
    port.setMemoryMap(ctx, [{ base: 0x2000_0000, size: 0x100, access: AccessKind.Read }]);
    expect(port.memoryMapError(ctx)).toBeNull();
    expect(port.checkAccess(ctx, 0x2000_0000, 4, AccessKind.Read)).toBe(true);
  });
});

describe('RiscvPort timer', () => {
  it('arms mtimecmp with the absolute deadline and disarms with null', () => {
    const port = new RiscvPort();
    port.setTimer(1234);
    expect(port.clint.getMtimecmp(0)).toBe(1234n);
    expect(port.timerDeadline).toBe(1234);
    port.setTimer(null);
    expect(port.clint.getMtimecmp(0)).toBe(2n ** 64n - 1n);
  });
});
