// A security monitor on RiscvPort: thread layouts are solved after the monitor's entries, and
// memory that became an enclave's is out of every task's reach even when the kernel maps it
// to the task: its machine-code load faults into a VmFault at its fault endpoint, and the
// port's access check (which host tasks' accessors and leases use) says no.
import { type BootInfo, FaultLabel, type HostTask, ObjectType, Rights } from '@k5/abi';
import { AccessKind } from '@k5/kernel';
import { Sys, tcbResume } from '@k5/userspace';
import { describe, expect, it } from 'vitest';
import { bootRiscvSystem, type EnclaveId, RiscvPort, type RiscvSystem } from '../../src/index';
import { assemble, jal, lw } from '../asm';
import { PC, RISCV_REGISTERS, RootEnv, spawn } from '../kernel/fixture';

const MONITOR_RAM = 0x8000_0000;

describe('RiscvPort with a security monitor', () => {
  it('keeps enclave memory from a task the kernel mapped it to', () => {
    let system!: RiscvSystem;
    let enclave: EnclaveId | undefined;
    let data = 0;
    let code = 0;
    const fault: number[] = [];
    const handler: HostTask = function* (ctx) {
      const sys = new Sys(ctx);
      yield* sys.recv(1, 2);
      fault.push(sys.label, sys.getMR(0), sys.getMR(1), sys.getMR(2), sys.getMR(3));
    };
    const root = (boot: BootInfo): HostTask =>
      function* (ctx) {
        const env = new RootEnv(new Sys(ctx), boot);
        const faultEp = yield* env.retype(ObjectType.Endpoint, 0);
        const reply = yield* env.retype(ObjectType.Reply, 0);
        const h = yield* spawn(env, {
          entry: boot.programs.handler!,
          priority: 200,
          caps: [
            { slot: 1, from: faultEp, rights: Rights.Read },
            { slot: 2, from: reply, rights: Rights.All },
          ],
        });
        const probe = yield* spawn(env, {
          priority: 100,
          regions: [
            { sizeBits: 10, rights: Rights.ReadWrite },
            { sizeBits: 12, rights: Rights.ReadWrite },
          ],
          faultEndpoint: faultEp,
          beforeStart: ([c, d]) => {
            [code, data] = [c!, d!];
            // The kernel gave this memory to an enclave too (a bug, or a compromised root).
            enclave = system.port.monitor!.createEnclave({
              memory: { base: data, size: 0x1000 },
              entryPoints: [data],
              image: new Uint8Array([0x13, 0, 0, 0]),
            });
            system.runner.load(code, assemble([lw(6, 10, 0x10), jal(0, 0)]));
            const regs = new Array<number>(RISCV_REGISTERS).fill(0);
            regs[PC] = code;
            regs[10] = data;
            return regs;
          },
        });
        for (const t of [h.tcb, probe.tcb]) expect(yield* tcbResume(env.sys, t)).toBe(0);
      };
    system = bootRiscvSystem({ root, programs: { handler } });
    system.port.bus.addRam(MONITOR_RAM, 0x1000, 'monitor');
    const monitor = system.port.attachSecurityMonitor({
      memory: { base: MONITOR_RAM, size: 0x400 },
    });
    expect(system.run({ checkInvariants: true }).reason).toBe('idle');

    expect(enclave).toBeDefined();
    expect(fault).toEqual([FaultLabel.VmFault, code, data + 0x10, 0, AccessKind.Read]);
    const probe = system.kernel
      .threads()
      .find((t) => system.port.readRegister(t.context, PC) === code);
    expect(probe).toBeDefined();
    const ctx = probe!.context;
    // The kernel's grant is in the thread's layout, after the monitor's entries...
    const layout = system.port.pmpLayout(ctx);
    expect(layout.entries.every((e) => e.index >= monitor.firstOsEntry)).toBe(true);
    expect(
      system.port.describePmp(ctx).some((e) => e.start === data && e.end === data + 0x1000),
    ).toBe(true);
    // ...and ineffective: the guard comes first, for the hart and for the port's check alike.
    expect(system.port.checkAccess(ctx, data, 4, AccessKind.Read)).toBe(false);
    expect(system.port.checkAccess(ctx, MONITOR_RAM, 4, AccessKind.Read)).toBe(false);
    expect(system.port.checkAccess(ctx, code, 4, AccessKind.Execute)).toBe(true);
  });

  it('refuses a second monitor, and a monitor on a port that locks kernel regions', () => {
    const system = bootRiscvSystem({ root: () => function* () {} });
    system.port.bus.addRam(MONITOR_RAM, 0x1000, 'monitor');
    system.port.attachSecurityMonitor({ memory: { base: MONITOR_RAM, size: 0x400 } });
    expect(() =>
      system.port.attachSecurityMonitor({ memory: { base: MONITOR_RAM, size: 0x400 } }),
    ).toThrow(/already attached/);
    const locked = new RiscvPort({ lockedRegions: [{ base: 0x1000_0000, size: 0x1000 }] });
    locked.bus.addRam(MONITOR_RAM, 0x1000, 'monitor');
    expect(() =>
      locked.attachSecurityMonitor({ memory: { base: MONITOR_RAM, size: 0x400 } }),
    ).toThrow(/needs PMP entry 0/);
  });
});
