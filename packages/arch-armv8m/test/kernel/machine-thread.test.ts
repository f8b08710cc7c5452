// A thread that is not a host task: its "code" runs on the port's CPU register file, it traps
// with SVC through ArmV8mPort.enterFromSvc (the frame stacked into the kernel's RAM, inside the
// thread's own MPU region) and is resumed with returnToThread, exactly as a CPU simulator would
// drive it. It calls a host-task server and gets its answer in r6 (MR0), with r0-r3 and r12
// coming back from the frame untouched.

import { encodeMessageInfo, type HostTask, Syscall } from '@k5/abi';
import type { HostSystem } from '@k5/kernel';
import { Sys } from '@k5/userspace';
import { describe, expect, it } from 'vitest';
import type { ArmV8mPort, RegisterFile } from '../../src/index';
import { runScenario, SLOT } from './harness';

const MACHINE_ENTRY = 0x0800_4000;

const server: HostTask = function* (ctx) {
  const sys = new Sys(ctx);
  yield* sys.recv(SLOT.endpoint, SLOT.reply);
  for (;;) {
    sys.setMR(0, sys.getMR(0) * 2);
    yield* sys.replyRecv(SLOT.endpoint, encodeMessageInfo(0, 1), SLOT.reply);
  }
};

/** The machine thread's program: one step per trap, each writing a syscall into the CPU. */
const SCRIPT: ((cpu: RegisterFile) => void)[] = [
  (cpu) => {
    cpu.set(4, SLOT.endpoint);
    cpu.set(5, encodeMessageInfo(0, 1));
    cpu.set(6, 21);
    cpu.set(11, Syscall.Call);
  },
  (cpu) => {
    cpu.set(4, SLOT.endpoint);
    cpu.set(10, SLOT.reply);
    cpu.set(11, Syscall.Recv);
  },
];

describe('a machine-code thread on ArmV8mPort', () => {
  it('traps with SVC, is served by a host task, and resumes through an exception return', () => {
    const holder: { system?: HostSystem } = {};
    const seen: Record<string, number>[] = [];
    const frames: { psp: number; r0: number; allowed: boolean }[] = [];
    const s = runScenario(
      { server },
      [
        { program: 'server', priority: 150 },
        {
          program: 'machine',
          priority: 100,
          stackAtBufferEnd: true,
          registers: { 0: 0xdead_0000, 1: 0x1111, 12: 0xcccc, 15: MACHINE_ENTRY },
        },
      ],
      {
        port: {
          memory: {
            readWord: (a) => holder.system!.kernel.memory.read32(a),
            writeWord: (a, v) => holder.system!.kernel.memory.write32(a, v),
          },
        },
        drive(system) {
          holder.system = system;
          const k = system.kernel;
          const port = k.port as ArmV8mPort;
          let phase = 0;
          for (let guard = 0; guard < 10_000 && k.current; guard++) {
            const t = k.current;
            const pc = port.readRegister(t.context, 15);
            if (pc < MACHINE_ENTRY) {
              system.run({ maxSteps: 1, checkInvariants: true });
              continue;
            }
            port.returnToThread(t.context);
            const cpu = port.cpu;
            seen.push({
              r0: cpu.get(0),
              r1: cpu.get(1),
              r6: cpu.get(6),
              r12: cpu.get(12),
              sp: cpu.sp,
              pc: cpu.pc,
              privileged: cpu.privileged ? 1 : 0,
            });
            const step = SCRIPT[phase++];
            if (!step) break;
            step(cpu);
            port.enterFromSvc(t.context, cpu.pc + 2);
            frames.push({
              psp: cpu.psp,
              r0: k.memory.read32(cpu.psp),
              allowed: port.mpu.check(cpu.psp, 32, 'write', false).allowed,
            });
            k.syscall(t);
            k.assertInvariants();
          }
        },
      },
    );
    const stackTop = s.report.buffers[1]! + 0x400;
    expect(seen).toEqual([
      // First entry: the registers the root wrote.
      {
        r0: 0xdead_0000,
        r1: 0x1111,
        r6: 0,
        r12: 0xcccc,
        sp: stackTop,
        pc: MACHINE_ENTRY,
        privileged: 0,
      },
      // After the Call: MR0 (r6) = 21 * 2, the frame gave back r0, r1, r12, and PC is past the SVC.
      {
        r0: 0xdead_0000,
        r1: 0x1111,
        r6: 42,
        r12: 0xcccc,
        sp: stackTop,
        pc: MACHINE_ENTRY + 2,
        privileged: 0,
      },
    ]);
    // Each SVC stacked 32 bytes below the stack top, in RAM, inside the thread's MPU region.
    expect(frames).toEqual([
      { psp: stackTop - 32, r0: 0xdead_0000, allowed: true },
      { psp: stackTop - 32, r0: 0xdead_0000, allowed: true },
    ]);
    // The thread is now blocked in Recv: nothing is runnable.
    expect(s.system.kernel.current).toBeNull();
  });
});
