import { SYSCALL_CONVENTIONS } from '@k5/abi';
import { AccessKind, type ContextId } from '@k5/kernel';
import { describe, expect, it } from 'vitest';
import { Aarch64Cpu, ProcessorMode } from '../context';
import { FaultStatusCode } from '../mmu/fault';
import { Aarch64Port, DEFAULT_TABLE_BASE } from './aarch64-port';

const R = AccessKind.Read;
const W = AccessKind.Write;
const X = AccessKind.Execute;
const RW = R | W;

const zeroFlushes = { VAE1: 0, VALE1: 0, VAAE1: 0, VAALE1: 0, ASIDE1: 0, VMALLE1: 0 };

describe('Aarch64Port registers and syscalls', () => {
  it('follows SYSCALL_CONVENTIONS.aarch64: number in x7, slots in x0-x6', () => {
    const port = new Aarch64Port();
    expect(port.convention).toBe(SYSCALL_CONVENTIONS.aarch64);
    expect(port.registerCount).toBe(34);
    const c = port.createContext();
    for (let i = 0; i < 8; i++) port.writeRegister(c, i, 100 + i);
    port.writeRegister(c, 8, 0xdead);
    expect(port.syscallNumber(c)).toBe(107);
    expect([0, 1, 2, 3, 4, 5, 6].map((s) => port.argument(c, s))).toEqual([
      100, 101, 102, 103, 104, 105, 106,
    ]);
    port.setResult(c, 6, 0xffff_ffff);
    expect(port.readRegister(c, 6)).toBe(0xffff_ffff);
    expect(port.readRegister(c, 7)).toBe(107); // results never touch the number register
    expect(() => port.argument(c, 7)).toThrow(/slot 7/);
  });

  it('starts a context zeroed at EL0t and keeps contexts apart', () => {
    const port = new Aarch64Port();
    const a = port.createContext();
    const b = port.createContext();
    for (let i = 0; i < 34; i++) port.writeRegister(a, i, 0x1111_0000 + i);
    expect(Array.from({ length: 34 }, (_, i) => port.readRegister(b, i))).toEqual(
      new Array(34).fill(0),
    );
    expect(port.readRegister(a, 33)).toBe(0x1000_0000); // 0x11110021 sanitised: V kept, EL0t
    expect(port.readRegister(a, 30)).toBe(0x1111_001e);
  });

  it('moves contexts to and from a CPU model, installing the address space first', () => {
    const port = new Aarch64Port();
    const c = port.createContext();
    port.setMemoryMap(c, [{ base: 0x2000_0000, size: 0x1000, access: RW | X }]);
    port.writeRegister(c, 32, 0x2000_0100);
    port.writeRegister64(c, 9, 0x1_2345_6789n);
    const cpu = new Aarch64Cpu();
    port.resumeOn(cpu, c);
    expect(port.mmu.ttbr0).toEqual({ asid: port.asidOf(c), baddr: port.tableRootOf(c) });
    expect(cpu.eret()).toBe(true);
    expect(cpu.el).toBe(0);
    expect(cpu.pc).toBe(0x2000_0100n);
    expect(cpu.getX(9)).toBe(0x1_2345_6789n);
    // The task runs, then traps; the kernel saves it (EL1 in SPSR would not survive).
    cpu.setX(9, 42n);
    cpu.pstate = 0x4000_0000 | ProcessorMode.EL0t;
    cpu.takeException({ kind: 0, returnAddress: 0x2000_0104n });
    port.saveFrom(cpu, c);
    expect(port.readRegister(c, 9)).toBe(42);
    expect(port.readRegister(c, 32)).toBe(0x2000_0104);
    expect(port.readRegister(c, 33)).toBe(0x4000_0000);
  });
});

describe('Aarch64Port address spaces', () => {
  it('maps grants identity and checks accesses through the MMU with EL0 rights', () => {
    const port = new Aarch64Port();
    const c = port.createContext();
    port.setMemoryMap(c, [
      { base: 0x2000_0000, size: 0x2000, access: RW },
      { base: 0x2000_4000, size: 0x1000, access: R | X },
    ]);
    expect(port.checkAccess(c, 0x2000_1ffc, 4, W)).toBe(true);
    expect(port.checkAccess(c, 0x2000_4000, 4, R)).toBe(true);
    expect(port.checkAccess(c, 0x2000_4000, 4, X)).toBe(true);
    expect(port.checkAccess(c, 0x2000_0000, 4, X)).toBe(false); // UXN
    expect(port.lastFault?.fault).toEqual({
      kind: 'permission',
      level: 3,
      statusCode: FaultStatusCode.PermissionL3,
    });
    // Instruction abort from EL0: EC 0x20 << 26 | IL | IFSC 0x0F = 0x8200000F.
    expect(port.lastFault?.esr).toBe(0x8200_000f);
    expect(port.checkAccess(c, 0x2000_4000, 4, W)).toBe(false); // read-only
    expect(port.checkAccess(c, 0x2000_2000, 4, R)).toBe(false); // hole: translation L3
    expect(port.lastFault?.fault?.statusCode).toBe(FaultStatusCode.TranslationL3);
    // A range crossing into the hole fails at the first unmapped byte.
    expect(port.checkAccess(c, 0x2000_1ffe, 4, R)).toBe(false);
    expect(port.lastFault?.address).toBe(0x2000_2000);
    expect(port.checkAccess(c, 0xffff_fffe, 4, R)).toBe(false); // beyond 32 bits
  });

  it('uses a 2 MiB block for an aligned 2 MiB grant: two tables, one leaf', () => {
    const port = new Aarch64Port();
    const before = port.tables.available;
    const c = port.createContext();
    port.setMemoryMap(c, [{ base: 0x2020_0000, size: 0x20_0000, access: RW }]);
    // T0SZ 32: a level-1 root plus one level-2 table; no level-3 table for a block.
    expect(before - port.tables.available).toBe(2);
    expect(port.checkAccess(c, 0x203f_fffc, 4, W)).toBe(true);
    expect(port.mmu.tlb.entries().map((e) => e.entry.level)).toEqual([2]);
  });

  it('switches between threads by TTBR0 + ASID without any TLB maintenance', () => {
    const port = new Aarch64Port();
    const a = port.createContext();
    const b = port.createContext();
    port.setMemoryMap(a, [{ base: 0x2000_0000, size: 0x1000, access: RW }]);
    port.setMemoryMap(b, [{ base: 0x2000_1000, size: 0x1000, access: RW }]);
    for (let i = 0; i < 10; i++) {
      expect(port.checkAccess(a, 0x2000_0000, 4, R)).toBe(true);
      expect(port.checkAccess(b, 0x2000_1000, 4, R)).toBe(true);
      // Each thread sees only its own page.
      expect(port.checkAccess(b, 0x2000_0000, 4, R)).toBe(false);
    }
    expect(port.asidOf(a)).not.toBe(port.asidOf(b));
    expect(port.counters.switches).toBe(20);
    expect(port.mmu.tlb.counters.flushes).toEqual(zeroFlushes);
    // Two walks (one per thread) filled the TLB; every later access hit.
    expect(port.mmu.tlb.counters.fills).toBe(2);
    expect(port.mmu.tlb.counters.hits).toBe(18);
  });

  it('changing rights is break-before-make: the cached RW entry is invalidated', () => {
    const port = new Aarch64Port();
    const c = port.createContext();
    port.setMemoryMap(c, [{ base: 0x2000_0000, size: 0x1000, access: RW }]);
    expect(port.checkAccess(c, 0x2000_0000, 4, W)).toBe(true); // cached as RW
    port.setMemoryMap(c, [{ base: 0x2000_0000, size: 0x1000, access: R }]);
    // Break: the leaf goes with TLBI VALE1; its level-3 and level-2 tables, now empty, are
    // unhooked with TLBI VAE1 each (a walk cache may hold them). Make: the new leaf is written.
    expect(port.mmu.tlb.counters.flushes).toEqual({ ...zeroFlushes, VALE1: 1, VAE1: 2 });
    expect(port.checkAccess(c, 0x2000_0000, 4, W)).toBe(false);
    expect(port.checkAccess(c, 0x2000_0000, 4, R)).toBe(true);
    // Setting the same map again changes nothing and issues nothing.
    port.setMemoryMap(c, [{ base: 0x2000_0000, size: 0x1000, access: R }]);
    expect(port.counters.unmapped).toBe(1);
    expect(port.mmu.tlb.counters.flushes.VALE1).toBe(1);
  });

  it('checks sub-page grants exactly although the MMU maps the whole page', () => {
    const port = new Aarch64Port();
    const c = port.createContext();
    port.setMemoryMap(c, [{ base: 0x2000_0400, size: 0x400, access: RW }]);
    expect(port.checkAccess(c, 0x2000_0400, 4, W)).toBe(true);
    expect(port.checkAccess(c, 0x2000_0000, 4, R)).toBe(false);
    expect(port.lastFault).toMatchObject({ address: 0x2000_0000, fault: null, esr: 0 });
    expect(port.checkAccess(c, 0x2000_0800, 4, R)).toBe(false);
  });

  it('destroying a context releases its ASID with TLBI ASIDE1 and returns its frames', () => {
    const port = new Aarch64Port();
    const free = port.tables.available;
    const c = port.createContext();
    port.setMemoryMap(c, [{ base: 0x2000_0000, size: 0x1000, access: RW }]);
    expect(port.checkAccess(c, 0x2000_0000, 4, R)).toBe(true);
    port.destroyContext(c);
    expect(port.tables.available).toBe(free);
    expect(port.mmu.tlb.counters.flushes).toEqual({ ...zeroFlushes, ASIDE1: 1 });
    expect(port.mmu.tlb.size).toBe(0);
    expect(port.mmu.ttbr0.asid).toBe(0); // idle tables installed
    expect(port.checkAccess(c, 0x2000_0000, 4, R)).toBe(false);
    expect(() => port.readRegister(c, 0)).toThrow(/destroyed/);
    // The context number is reused with fresh tables and a fresh ASID.
    const again = port.createContext();
    expect(again).toBe(c);
    expect(port.checkAccess(again, 0x2000_0000, 4, R)).toBe(false);
  });

  it('rolls the ASID generation over with one full flush when ASIDs run out', () => {
    const port = new Aarch64Port({ asidLimit: 2 });
    const ctxs: ContextId[] = [port.createContext(), port.createContext(), port.createContext()];
    ctxs.forEach((c, i) => {
      port.setMemoryMap(c, [{ base: 0x2000_0000 + i * 0x1000, size: 0x1000, access: RW }]);
    });
    for (const c of ctxs) port.switchTo(c);
    expect(port.asids.counters.rollovers).toBe(1);
    expect(port.mmu.tlb.counters.flushes.VMALLE1).toBe(1);
  });

  it('refuses to map when the table pool is exhausted, with a typed error', () => {
    const port = new Aarch64Port({ tableFrames: 3 });
    const c = port.createContext(); // idle + this root: 1 frame left
    expect(() => port.setMemoryMap(c, [{ base: 0x2000_0000, size: 0x1000, access: RW }])).toThrow(
      /no frame left|tables/,
    );
    expect(port.checkAccess(c, 0x2000_0000, 4, R)).toBe(false);
  });

  it('places tables in the pool it is given', () => {
    const port = new Aarch64Port({ tableBase: 0x9000_0000 });
    const c = port.createContext();
    expect(port.tableRootOf(c)).toBe(0x9000_1000); // the idle table took the first frame
    const other = new Aarch64Port();
    expect(other.tableRootOf(other.createContext())).toBe(DEFAULT_TABLE_BASE + 0x1000);
  });
});

describe('Aarch64Port timer and interrupts', () => {
  it('setTimer programs CNTP_CVAL/CTL and the deadline raises PPI 30', () => {
    const port = new Aarch64Port();
    port.setTimer(1000);
    expect(port.timer.cval64).toBe(1000n);
    expect(port.timerDeadline).toBe(1000);
    port.timer.advance(999);
    expect(port.gic.cpu.irqPending).toBe(false);
    port.timer.advance(1);
    expect(port.gic.cpu.irqPending).toBe(true);
    expect(port.gic.cpu.readIar1()).toBe(30);
    port.setTimer(null);
    expect(port.timerDeadline).toBe(null);
    expect(port.timer.interruptAsserted).toBe(false);
    port.setTimer(12.5);
    expect(port.timer.cval64).toBe(13n); // rounded up: never early
  });

  it('masks and unmasks kernel lines as GIC SPIs (line n = INTID 32 + n)', () => {
    const port = new Aarch64Port();
    expect(port.interrupts.lineCount).toBe(64);
    port.gic.setLine(35, true);
    expect(port.gic.cpu.irqPending).toBe(false); // masked at reset
    port.interrupts.unmask(3);
    expect(port.gic.state.enabled[35]).toBe(1);
    expect(port.gic.cpu.irqPending).toBe(true);
    port.interrupts.mask(3);
    expect(port.gic.cpu.irqPending).toBe(false);
    expect(() => port.interrupts.unmask(64)).toThrow(/outside 0\.\.63/);
  });
});
