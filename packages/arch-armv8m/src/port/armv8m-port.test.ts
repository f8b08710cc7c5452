// Unit tests of ArmV8mPort without a kernel: the simulator's SVC entry and exception return
// through the frame model, the memory-map errors, SysTick one-shot deadlines, NVIC masking and
// the fault messages built from CFSR.

import { FaultLabel, Syscall } from '@k5/abi';
import { AccessKind, type ContextId } from '@k5/kernel';
import { describe, expect, it } from 'vitest';
import { CFSR, HFSR } from '../faults';
import { ExceptionNumber, IRQ_BASE } from '../nvic';
import { CONTROL_NPRIV, CONTROL_SPSEL, XPSR_STACK_ALIGN, XPSR_T } from '../registers';
import { SYST_RVR } from '../systick';
import { ArmV8mPort } from './armv8m-port';
import { faultMessage } from './fault-message';
import { solveGrants } from './grants';
import { ArmV8mPortError } from './port-errors';

const RW = AccessKind.Read | AccessKind.Write;

function thread(port: ArmV8mPort, sp: number, seed: number): ContextId {
  const ctx = port.createContext();
  for (let r = 0; r <= 12; r++) port.writeRegister(ctx, r, seed + r);
  port.writeRegister(ctx, 13, sp);
  port.writeRegister(ctx, 14, 0x0800_0201);
  port.writeRegister(ctx, 15, 0x0800_0100 + seed);
  port.setMemoryMap(ctx, [{ base: sp - 0x400, size: 0x400, access: RW }]);
  return ctx;
}

describe('the simulator path: exception return into a thread and SVC entry', () => {
  it('returnToThread loads every register into the CPU in unprivileged Thread mode on PSP', () => {
    const port = new ArmV8mPort();
    const ctx = thread(port, 0x2000_1000, 0x100);
    const frame = port.returnToThread(ctx);
    expect(frame).toBe(0x2000_1000 - 32);
    const cpu = port.cpu;
    for (let r = 0; r <= 12; r++) expect(cpu.get(r)).toBe(0x100 + r);
    expect(cpu.handlerMode).toBe(false);
    expect(cpu.control & (CONTROL_NPRIV | CONTROL_SPSEL)).toBe(CONTROL_NPRIV | CONTROL_SPSEL);
    expect(cpu.sp).toBe(0x2000_1000);
    expect(cpu.lr).toBe(0x0800_0201);
    expect(cpu.pc).toBe(0x0800_0200);
    expect(port.loadedContext).toBe(ctx);
  });

  it('an SVC saves the thread through the stacked frame; results come back in r4-r10', () => {
    const port = new ArmV8mPort();
    const ctx = thread(port, 0x2000_1000, 0x100);
    port.returnToThread(ctx);
    const cpu = port.cpu;
    cpu.set(11, Syscall.Yield);
    cpu.set(4, 0x44);
    cpu.set(0, 0x1234);
    cpu.set(12, 0xcc);
    const entry = port.enterFromSvc(ctx, 0x0800_0202);
    expect(entry.frameAddress).toBe(0x2000_0fe0);
    // The frame in memory holds r0 and the return address, as the hardware stacked them.
    expect(port.memory.readWord(0x2000_0fe0)).toBe(0x1234);
    expect(port.memory.readWord(0x2000_0fe0 + 0x18)).toBe(0x0800_0202);
    expect(cpu.ipsr).toBe(ExceptionNumber.SVCall);
    expect(port.syscallNumber(ctx)).toBe(Syscall.Yield);
    expect(port.argument(ctx, 0)).toBe(0x44);
    expect(port.readRegister(ctx, 0)).toBe(0x1234);
    expect(port.readRegister(ctx, 12)).toBe(0xcc);
    expect(port.readRegister(ctx, 13)).toBe(0x2000_1000);
    expect(port.readRegister(ctx, 15)).toBe(0x0800_0202);
    expect(port.savedContext(ctx).psp).toBe(0x2000_0fe0);
    port.setResult(ctx, 0, 0x99);
    port.returnToThread(ctx);
    expect(cpu.get(4)).toBe(0x99);
    expect(cpu.get(0)).toBe(0x1234);
    expect(cpu.pc).toBe(0x0800_0202);
  });

  it('a stack pointer not 8-byte aligned gets a padding word and comes back unchanged', () => {
    const port = new ArmV8mPort();
    const ctx = thread(port, 0x2000_0ffc, 0x10);
    const frame = port.returnToThread(ctx);
    // (0x2000_0ffc - 32) & ~4 = 0x2000_0fd8, bit 9 of the stacked xPSR records the padding.
    expect(frame).toBe(0x2000_0fd8);
    expect(port.cpu.sp).toBe(0x2000_0ffc);
    port.enterFromSvc(ctx);
    expect(port.memory.readWord(port.cpu.psp + 0x1c) & XPSR_STACK_ALIGN).toBe(XPSR_STACK_ALIGN);
    expect(port.readRegister(ctx, 13)).toBe(0x2000_0ffc);
    expect(port.readRegister(ctx, 16)).toBe(XPSR_T);
  });

  it('switching between two threads through the CPU keeps both register files', () => {
    const port = new ArmV8mPort();
    const a = thread(port, 0x2000_1000, 0x1000);
    const b = thread(port, 0x2000_2000, 0x2000);
    for (let round = 0; round < 3; round++) {
      for (const [ctx, seed] of [
        [a, 0x1000],
        [b, 0x2000],
      ] as const) {
        port.returnToThread(ctx);
        for (let r = 0; r <= 12; r++) expect(port.cpu.get(r)).toBe(seed + round * 0x10 + r);
        expect(port.loadedContext).toBe(ctx);
        // The thread runs and changes every register, then traps.
        for (let r = 0; r <= 12; r++) port.cpu.set(r, seed + (round + 1) * 0x10 + r);
        port.enterFromSvc(ctx);
      }
    }
    for (let r = 0; r <= 12; r++) {
      expect(port.readRegister(a, r)).toBe(0x1000 + 0x30 + r);
      expect(port.readRegister(b, r)).toBe(0x2000 + 0x30 + r);
    }
  });

  it('refuses to stack a frame for a thread without a stack', () => {
    const port = new ArmV8mPort();
    const ctx = port.createContext();
    expect(() => port.returnToThread(ctx)).toThrow(/give the thread a stack/);
  });
});

describe('memory maps that do not fit', () => {
  it('a misaligned grant is a typed error, reported and failing closed', () => {
    const reported: ArmV8mPortError[] = [];
    const port = new ArmV8mPort({ onMapError: (_ctx, e) => reported.push(e) });
    const ctx = port.createContext();
    port.setMemoryMap(ctx, [{ base: 0x2000_0010, size: 0x10, access: AccessKind.Read }]);
    const error = port.mapError(ctx);
    expect(error).toBeInstanceOf(ArmV8mPortError);
    expect(error?.code).toBe('unsolvable-memory-map');
    expect(error?.solverError?.code).toBe('misaligned');
    expect(reported).toEqual([error]);
    expect(port.checkAccess(ctx, 0x2000_0010, 4, AccessKind.Read)).toBe(false);
    // A later map that fits clears the error.
    port.setMemoryMap(ctx, [{ base: 0x2000_0000, size: 0x20, access: AccessKind.Read }]);
    expect(port.mapError(ctx)).toBeNull();
    expect(port.checkAccess(ctx, 0x2000_0010, 4, AccessKind.Read)).toBe(true);
  });

  it('more separate grants than free regions: too-many-regions', () => {
    // 4 regions, 1 reserved: 3 for the thread; 4 grants with gaps between them need 4.
    const grants = [0, 1, 2, 3].map((i) => ({
      base: 0x2000_0000 + i * 0x100,
      size: 0x40,
      access: AccessKind.Read,
    }));
    expect(() => solveGrants(grants, 4, 1)).toThrow(ArmV8mPortError);
    const port = new ArmV8mPort({ mpuRegions: 4, reservedRegions: 1 });
    const ctx = port.createContext();
    port.setMemoryMap(ctx, grants);
    expect(port.mapError(ctx)?.solverError?.code).toBe('too-many-regions');
    port.setMemoryMap(ctx, grants.slice(0, 3));
    expect(port.solution(ctx)?.regions.map((r) => r.region)).toEqual([1, 2, 3]);
  });

  it('write without read is refused rather than widened', () => {
    const port = new ArmV8mPort();
    const ctx = port.createContext();
    port.setMemoryMap(ctx, [{ base: 0x2000_0000, size: 0x100, access: AccessKind.Write }]);
    expect(port.mapError(ctx)?.solverError?.code).toBe('write-without-read');
  });

  it('rejects bad options and unknown contexts with typed errors', () => {
    expect(() => new ArmV8mPort({ mpuRegions: 4, reservedRegions: 4 })).toThrow(ArmV8mPortError);
    const port = new ArmV8mPort();
    const ctx = port.createContext();
    port.destroyContext(ctx);
    expect(() => port.readRegister(ctx, 0)).toThrow(
      expect.objectContaining({ code: 'unknown-context' }),
    );
    // The id is reused for the next context, which starts zeroed.
    expect(port.createContext()).toBe(ctx);
    expect(port.readRegister(ctx, 0)).toBe(0);
  });

  it('refuses an access that leaves the address space instead of throwing', () => {
    const port = new ArmV8mPort();
    const ctx = port.createContext();
    expect(port.checkAccess(ctx, 0xffff_fffe, 4, AccessKind.Read)).toBe(false);
  });
});

describe('one-shot deadlines on SysTick', () => {
  it('fires exactly at the deadline and stops', () => {
    let now = 100;
    const port = new ArmV8mPort({ now: () => now });
    port.setTimer(150);
    // 50 ticks away: RVR = 49, and the counter reaches 0 after 50 clocks.
    expect(port.systick.read(SYST_RVR)).toBe(49);
    expect(port.advanceTimer(49)).toBe(false);
    now += 49;
    expect(port.timerPending).toBe(false);
    expect(port.advanceTimer(1)).toBe(true);
    expect(port.timerPending).toBe(true);
    expect(port.systick.enabled).toBe(false);
    expect(port.advanceTimer(1000)).toBe(false);
  });

  it('a deadline now or past pends at once; null disarms', () => {
    const port = new ArmV8mPort({ now: () => 500 });
    port.setTimer(400);
    expect(port.timerPending).toBe(true);
    port.setTimer(null);
    expect(port.timerPending).toBe(false);
    expect(port.systick.enabled).toBe(false);
    expect(port.timerDeadline).toBeNull();
  });

  it('a deadline beyond 2^24 clocks is re-armed when the first period ends', () => {
    const port = new ArmV8mPort();
    port.setTimer(2 ** 24 + 10);
    expect(port.advanceTimer(2 ** 24)).toBe(false);
    expect(port.systick.read(SYST_RVR)).toBe(9);
    expect(port.advanceTimer(9)).toBe(false);
    expect(port.advanceTimer(1)).toBe(true);
  });

  it('a remainder of one clock after a long period pends at the wrap', () => {
    const port = new ArmV8mPort();
    port.setTimer(2 ** 24 + 1);
    expect(port.advanceTimer(2 ** 24)).toBe(true);
    expect(port.timerPending).toBe(true);
    expect(port.systick.enabled).toBe(false);
  });
});

describe('interrupts through the NVIC', () => {
  it('mask and unmask are NVIC enable bits; a pending line is reported when it can preempt', () => {
    const port = new ArmV8mPort({ irqs: 32 });
    expect(port.interrupts.lineCount).toBe(32);
    port.raiseInterrupt(5);
    // Lines start disabled (masked), as the NVIC does out of reset.
    expect(port.pendingInterrupt()).toBeUndefined();
    port.interrupts.unmask(5);
    expect(port.nvic.state(IRQ_BASE + 5).enabled).toBe(true);
    expect(port.pendingInterrupt()).toBe(5);
    port.cpu.primask = 1;
    expect(port.pendingInterrupt()).toBeUndefined();
    port.cpu.primask = 0;
    port.interrupts.mask(5);
    expect(port.pendingInterrupt()).toBeUndefined();
  });

  it('takes the higher-priority line first and tail-chains into the other', () => {
    const port = new ArmV8mPort({ irqs: 32 });
    port.interrupts.unmask(3);
    port.interrupts.unmask(7);
    port.nvic.setPriority(IRQ_BASE + 3, 0x80);
    port.nvic.setPriority(IRQ_BASE + 7, 0x40);
    port.raiseInterrupt(3);
    port.raiseInterrupt(7);
    expect(port.pendingInterrupt()).toBe(7);
    port.acknowledgeInterrupt(7);
    // While 7 is active, 3 (lower priority) cannot preempt.
    expect(port.pendingInterrupt()).toBeUndefined();
    expect(port.completeInterrupt(7)).toBe(3);
  });
});

describe('fault messages from CFSR', () => {
  it('a data access violation is a VmFault with MMFAR', () => {
    expect(
      faultMessage(
        { cfsr: CFSR.DACCVIOL | CFSR.MMARVALID, mmfar: 0x2000_4000 },
        0x0800_0100,
        0x2000_1000,
      ),
    ).toEqual({
      label: FaultLabel.VmFault,
      words: [0x0800_0100, 0x2000_4000, 0, 0x82],
      exception: ExceptionNumber.MemManage,
    });
  });

  it('an instruction access violation is a fetch VmFault at the PC', () => {
    expect(faultMessage({ cfsr: CFSR.IACCVIOL }, 0x2000_0000, 0x2000_1000)).toEqual({
      label: FaultLabel.VmFault,
      words: [0x2000_0000, 0x2000_0000, 1, 1],
      exception: ExceptionNumber.MemManage,
    });
  });

  it('a UsageFault is a UserException with the exception number and CFSR', () => {
    expect(faultMessage({ cfsr: CFSR.DIVBYZERO }, 0x0800_0010, 0x2000_0ff0)).toEqual({
      label: FaultLabel.UserException,
      words: [0x0800_0010, 0x2000_0ff0, 6, 1 << 25],
      exception: ExceptionNumber.UsageFault,
    });
  });

  it('a HardFault carries HFSR; no status, no message', () => {
    expect(faultMessage({ cfsr: 0, hfsr: HFSR.FORCED }, 4, 8)?.words).toEqual([4, 8, 3, 1 << 30]);
    expect(faultMessage({ cfsr: 0 }, 4, 8)).toBeUndefined();
  });

  it('the port builds the message from the thread registers and the latched status', () => {
    const port = new ArmV8mPort();
    const ctx = thread(port, 0x2000_1000, 0);
    expect(port.checkAccess(ctx, 0x2000_2000, 4, AccessKind.Write)).toBe(false);
    expect(port.faultMessage(ctx)?.words).toEqual([
      0x0800_0100,
      0x2000_2000,
      0,
      CFSR.DACCVIOL | CFSR.MMARVALID,
    ]);
  });
});
