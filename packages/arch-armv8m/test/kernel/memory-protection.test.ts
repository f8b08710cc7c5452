// Memory protection on the ARMv8-M port: the MPU registers loaded while a thread runs are the
// PMSAv8 solution of its memory map (kernel regions untouched), and a host task reading memory
// outside its regions gets a VmFault delivered to its fault endpoint with the faulting address,
// while the port latches the MemManage status (DACCVIOL | MMARVALID, MMFAR).

import { AccessKind } from '@k5/kernel';
import { FAULT_LAYOUTS, FaultLabel, faultWordIndex, type HostTask } from '@k5/abi';
import { Sys } from '@k5/userspace';
import { describe, expect, it } from 'vitest';
import {
  type ArmV8mPort,
  CFSR,
  ExceptionNumber,
  MpuAccessPermission,
  type Pmsav8RegionRegisters,
} from '../../src/index';
import { runScenario, SLOT } from './harness';

const MPU_REGIONS = 8;
/** Region 0: flash, read-only and privileged only (AP = 0b10), executable. */
const KERNEL_FLASH: Pmsav8RegionRegisters = {
  rbar: 0x0800_0000 | (MpuAccessPermission.PrivilegedReadOnly << 1),
  rlar: 0x0803_ffe0 | 1,
};
/** Inside the default 256 KiB of RAM at 0x2000_0000, but in no thread's regions. */
const UNMAPPED = 0x2003_0000;

describe('MPU configuration on switch', () => {
  it('the registers of the running thread are its solved regions, after each switch', () => {
    const snapshots: Record<string, Pmsav8RegionRegisters[]> = {};
    const programs = (port: ArmV8mPort): Record<string, HostTask> => {
      const snap = (name: string) => {
        snapshots[name] = Array.from({ length: MPU_REGIONS }, (_, r) =>
          port.mpu.regionRegisters(r),
        );
      };
      const task = (name: string): HostTask =>
        function* (ctx) {
          const sys = new Sys(ctx);
          for (let round = 0; round < 2; round++) {
            ctx.write32(ctx.ipcBufferAddress() + 0x100, round);
            snap(`${name} ${round}`);
            yield* sys.yield();
          }
        };
      return { a: task('a'), b: task('b') };
    };
    const s = runScenario(
      programs,
      [
        { program: 'a', priority: 100 },
        { program: 'b', priority: 100 },
      ],
      { port: { mpuRegions: MPU_REGIONS, kernelRegions: [KERNEL_FLASH] } },
    );
    const [bufA, bufB] = s.report.buffers;
    expect(bufA).not.toBe(bufB);
    // By hand: one 1 KiB read-write-execute grant (regionAccess(ReadWrite) = R|W|X) becomes
    // region 1 with RBAR = base | AP 0b01 (RW any privilege) << 1 | XN 0 and
    // RLAR = (base + 0x400 - 0x20) | AttrIndx 0 | EN; regions 2..7 are disabled.
    const expected = (base: number) => [
      KERNEL_FLASH,
      { rbar: (base | 0b010) >>> 0, rlar: (base + 0x3e0) | 1 },
      ...Array.from({ length: MPU_REGIONS - 2 }, () => ({ rbar: 0, rlar: 0 })),
    ];
    expect(snapshots['a 0']).toEqual(expected(bufA!));
    expect(snapshots['b 0']).toEqual(expected(bufB!));
    expect(snapshots['a 1']).toEqual(expected(bufA!));
    expect(snapshots['b 1']).toEqual(expected(bufB!));
    // MAIR0 byte 0 is the Normal write-back attribute the solver relies on.
    expect(s.port.mpu.attribute(0)).toBe(0xff);
  });

  it('a thread cannot reach the other thread buffer nor kernel flash as unprivileged', () => {
    const s = runScenario({ idle: function* () {} }, [], {
      port: { kernelRegions: [KERNEL_FLASH] },
    });
    const port = s.port;
    const ctx = port.createContext();
    port.setMemoryMap(ctx, [{ base: 0x2000_0400, size: 0x400, access: AccessKind.Read }]);
    expect(port.checkAccess(ctx, 0x2000_0400, 4, AccessKind.Read)).toBe(true);
    expect(port.checkAccess(ctx, 0x2000_07fc, 4, AccessKind.Read)).toBe(true);
    // One byte past the grant: the solver granted nothing extra.
    expect(port.checkAccess(ctx, 0x2000_07fd, 4, AccessKind.Read)).toBe(false);
    expect(port.lastFault).toMatchObject({ reason: 'background', address: 0x2000_0800 });
    expect(port.checkAccess(ctx, 0x2000_0400, 4, AccessKind.Write)).toBe(false);
    expect(port.lastFault).toMatchObject({ reason: 'permission', region: 1 });
    expect(port.checkAccess(ctx, 0x0800_0000, 4, AccessKind.Read)).toBe(false);
    expect(port.lastFault).toMatchObject({ reason: 'permission', region: 0 });
  });
});

describe('VM faults through the MPU', () => {
  it('a read outside the task regions reaches its fault endpoint with the address', () => {
    const received: number[] = [];
    let faulterPc = -1;
    const programs = (): Record<string, HostTask> => ({
      handler: function* (ctx) {
        const sys = new Sys(ctx);
        yield* sys.recv(SLOT.endpoint, SLOT.reply);
        received.push(
          sys.label,
          sys.length,
          sys.getMR(0),
          sys.getMR(1),
          sys.getMR(2),
          sys.getMR(3),
        );
      },
      faulter: function* (ctx) {
        faulterPc = ctx.getRegister(ctx.convention.pcRegister);
        // Its own IPC buffer is mapped: this read is allowed.
        ctx.read32(ctx.ipcBufferAddress());
        yield* new Sys(ctx).work(10);
        ctx.read32(UNMAPPED);
        received.push(-1); // never reached
      },
    });
    const s = runScenario(programs, [
      { program: 'handler', priority: 150 },
      { program: 'faulter', priority: 100, faultToEndpoint: true },
    ]);
    const layout = FAULT_LAYOUTS[FaultLabel.VmFault]!;
    expect(layout.words).toEqual(['ip', 'address', 'isInstructionFetch', 'status']);
    expect(received).toHaveLength(6);
    const [label, length, ...words] = received;
    expect(label).toBe(FaultLabel.VmFault);
    expect(length).toBe(layout.words.length);
    expect(words[faultWordIndex(FaultLabel.VmFault, 'ip')]).toBe(faulterPc);
    expect(words[faultWordIndex(FaultLabel.VmFault, 'address')]).toBe(UNMAPPED);
    expect(words[faultWordIndex(FaultLabel.VmFault, 'isInstructionFetch')]).toBe(0);
    // The host executor reports the access kind as the status word.
    expect(words[faultWordIndex(FaultLabel.VmFault, 'status')]).toBe(AccessKind.Read);
    // The MPU model decided it: a MemManage with no region hit, MMFAR = the address.
    expect(s.port.lastFault).toMatchObject({
      fault: 'MemManage',
      reason: 'background',
      address: UNMAPPED,
      access: 'read',
    });
    expect(s.port.faultStatus).toMatchObject({
      cfsr: CFSR.DACCVIOL | CFSR.MMARVALID,
      mmfar: UNMAPPED,
    });
    // What a simulator would hand the kernel for the same fault: CFSR as the status word.
    const faulter = s.tcbs()[1]!;
    expect(s.port.faultMessage(faulter.context)).toEqual({
      label: FaultLabel.VmFault,
      words: [faulterPc, UNMAPPED, 0, CFSR.DACCVIOL | CFSR.MMARVALID],
      exception: ExceptionNumber.MemManage,
    });
  });

  it('reading the other task buffer is a fault too: regions isolate tasks', () => {
    const addresses: number[] = [];
    const s = runScenario(
      (_port, report) => ({
        handler: function* (ctx) {
          const sys = new Sys(ctx);
          yield* sys.recv(SLOT.endpoint, SLOT.reply);
          addresses.push(sys.getMR(1));
        },
        faulter: function* (ctx) {
          yield* new Sys(ctx).work(10);
          ctx.read32(report.buffers[0]!);
        },
      }),
      [
        { program: 'handler', priority: 150 },
        { program: 'faulter', priority: 100, faultToEndpoint: true },
      ],
    );
    expect(addresses).toEqual([s.report.buffers[0]]);
  });
});
