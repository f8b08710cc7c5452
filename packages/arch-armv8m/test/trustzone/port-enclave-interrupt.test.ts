// An interrupt preempting an enclave thread on ArmV8mPort: takeInterrupt stacks the basic frame and
// the additional state context (0xfefa125b, reserved, r4-r11) on the enclave's Secure stack and
// clears r0-r12 and the flags, so the Non-secure handler sees none of the enclave's values (its
// registers, its banked stack pointers and CONTROL, and no Non-secure thread can read the stack);
// saveFromException (the Secure kernel) reads the enclave back exactly, and returnToThread restores
// every register, also after an ordinary thread ran in between. A damaged signature is refused.

import { AccessKind, type ContextId } from '@k5/kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  APSR_FLAGS,
  type ArmV8mPort,
  ArmV8mPortError,
  type DeliveredInterrupt,
  ExceptionNumber,
  IRQ_BASE,
  XPSR_T,
} from '../../src/index';
import { ENCLAVE, portWithEnclave } from './port-fixture';

const UART = IRQ_BASE + 5;

interface Secret {
  r: number[];
  lr: number;
  pc: number;
  flags: number;
}

interface Snapshot {
  r: number[];
  lr: number;
  pc: number;
  xpsr: number;
  sp: number;
}

function snapshot(port: ArmV8mPort): Snapshot {
  const cpu = port.cpu;
  return {
    r: Array.from({ length: 13 }, (_, i) => cpu.get(i)),
    lr: cpu.lr,
    pc: cpu.pc,
    xpsr: cpu.xpsr,
    sp: cpu.sp,
  };
}

/** Everything on the CPU a Non-secure handler can read without a fault. */
function nonSecureView(port: ArmV8mPort): number[] {
  const cpu = port.cpu;
  return [
    ...Array.from({ length: 13 }, (_, i) => cpu.get(i)),
    cpu.lr,
    cpu.pc,
    cpu.xpsr & APSR_FLAGS,
    cpu.msp,
    cpu.psp,
    cpu.control,
  ];
}

/** The kernel resumes the enclave, which then computes `secret` into its registers. */
function enclaveRunning(secret: Secret) {
  const fixture = portWithEnclave();
  const { port, enclaveThread } = fixture;
  port.switchTo(enclaveThread);
  port.returnToThread(enclaveThread);
  const cpu = port.cpu;
  secret.r.forEach((v, i) => {
    cpu.set(i, v);
  });
  cpu.lr = secret.lr;
  cpu.pc = secret.pc;
  cpu.xpsr = (XPSR_T | secret.flags) >>> 0;
  return { ...fixture, before: snapshot(port) };
}

// Secrets at or above 0x1000 and below the EXC_RETURN range, so that finding one in the Non-secure
// view can only be a leak; PCs inside the enclave's code.
const word = fc.integer({ min: 0x1000, max: 0xefff_ffff });
const secretState = fc.record({
  r: fc.array(word, { minLength: 13, maxLength: 13 }),
  lr: word,
  pc: fc.integer({ min: 0, max: 0x7f }).map((h) => ENCLAVE.base + 0x200 + h * 2),
  flags: fc.integer({ min: 0, max: 0xffff_ffff }).map((f) => (f & APSR_FLAGS) >>> 0),
});

function registersOf(port: ArmV8mPort, ctx: ContextId): number[] {
  return Array.from({ length: 17 }, (_, i) => port.readRegister(ctx, i));
}

describe('an interrupt preempting an enclave thread', () => {
  it('stacks signature, reserved, r4-r11 and the basic frame on its Secure stack', () => {
    const secret: Secret = {
      r: Array.from({ length: 13 }, (_, i) => 0x5ec0_0000 + i),
      lr: 0x2000_8233,
      pc: ENCLAVE.base + 0x240,
      flags: 0xf000_0000,
    };
    const { port, enclaveThread, task } = enclaveRunning(secret);
    const sp = port.cpu.sp;
    const entry = port.takeInterrupt(enclaveThread, UART);
    expect(entry).toEqual({
      exception: UART,
      preempted: 'secure',
      excReturn: 0xfffffffc,
      frameAddress: sp - 0x20,
      additionalState: sp - 0x48,
    });
    const stacked = Array.from({ length: 18 }, (_, i) =>
      port.memory.readWord(entry.additionalState! + i * 4),
    );
    expect(stacked).toEqual([
      0xfefa125b,
      0,
      ...secret.r.slice(4, 12),
      ...secret.r.slice(0, 4),
      secret.r[12],
      secret.lr,
      secret.pc,
      (XPSR_T | secret.flags) >>> 0,
    ]);
    expect([port.security, port.privileged, port.cpu.ipsr]).toEqual(['non-secure', true, UART]);
    // The stack lies in enclave memory: no Non-secure thread reads a word of it.
    for (let a = entry.additionalState!; a < sp; a += 4) {
      expect(port.checkAccess(task, a, 4, AccessKind.Read)).toBe(false);
    }
  });

  it('leaks no register value to the Non-secure side; the kernel still restores it exactly', () => {
    fc.assert(
      fc.property(secretState, fc.array(word, { minLength: 13, maxLength: 13 }), (secret, task) => {
        const { port, enclaveThread, task: other, before } = enclaveRunning(secret);
        port.takeInterrupt(enclaveThread, UART);
        const view = nonSecureView(port);
        expect(view.slice(0, 13)).toEqual(Array(13).fill(0));
        expect(view[15]).toBe(0); // flags
        for (const v of [...secret.r, secret.lr, secret.pc, before.sp]) {
          expect(view).not.toContain(v);
        }
        // The Secure kernel: its trusted view of the enclave is exact.
        port.saveFromException(enclaveThread);
        expect(port.security).toBe('secure');
        expect(registersOf(port, enclaveThread)).toEqual([
          ...before.r,
          before.sp,
          before.lr,
          before.pc,
          before.xpsr,
        ]);
        // An ordinary thread runs in between with its own registers: nothing of the enclave.
        task.forEach((v, i) => {
          port.writeRegister(other, i, v);
        });
        port.switchTo(other);
        port.returnToThread(other);
        expect(port.security).toBe('non-secure');
        const seen = Array.from({ length: 13 }, (_, i) => port.cpu.get(i));
        expect(seen).toEqual(task);
        port.enterFromSvc(other, 0x0800_1002);
        // Back to the enclave: every register as it was preempted.
        port.switchTo(enclaveThread);
        port.returnToThread(enclaveThread);
        expect(snapshot(port)).toEqual(before);
        expect([port.security, port.privileged]).toEqual(['secure', false]);
      }),
      { numRuns: 200 },
    );
  });

  it('what the Non-secure side sees does not depend on the enclave registers at all', () => {
    fc.assert(
      fc.property(secretState, secretState, (a, b) => {
        const pa = enclaveRunning(a);
        const pb = enclaveRunning(b);
        pa.port.takeInterrupt(pa.enclaveThread, ExceptionNumber.SysTick);
        pb.port.takeInterrupt(pb.enclaveThread, ExceptionNumber.SysTick);
        expect(nonSecureView(pa.port)).toEqual(nonSecureView(pb.port));
      }),
      { numRuns: 100 },
    );
  });

  it('deliverInterrupts preempts the running enclave before the kernel entry', () => {
    const secret: Secret = {
      r: Array(13).fill(0xabcd_0123),
      lr: 0x4444,
      pc: ENCLAVE.base + 0x210,
      flags: 0,
    };
    const { port, enclaveThread, before } = enclaveRunning(secret);
    port.interrupts.unmask(5);
    port.raiseInterrupt(5);
    const seenByKernel: number[][] = [];
    const sink = {
      timerInterrupt: () => {},
      interrupt: () => {
        seenByKernel.push(Array.from({ length: 13 }, (_, i) => port.cpu.get(i)));
      },
    };
    const delivered: DeliveredInterrupt[] = port.deliverInterrupts(sink, enclaveThread);
    expect(delivered).toEqual([{ kind: 'irq', irq: 5 }]);
    expect(seenByKernel).toEqual([Array(13).fill(0)]);
    expect(registersOf(port, enclaveThread).slice(0, 13)).toEqual(before.r);
    port.returnToThread(enclaveThread);
    expect(snapshot(port)).toEqual(before);
  });

  it('an ordinary thread preempted the same way keeps its frame on its own stack', () => {
    const { port, task } = portWithEnclave();
    port.writeRegister(task, 4, 0x1234);
    port.switchTo(task);
    port.returnToThread(task);
    const entry = port.takeInterrupt(task, UART);
    expect(entry).toMatchObject({ preempted: 'non-secure', excReturn: 0xffffffbc });
    expect(entry.additionalState).toBeUndefined();
    port.saveFromException(task);
    expect(port.readRegister(task, 4)).toBe(0x1234);
  });

  it('refuses a Secure stack whose integrity signature was damaged', () => {
    const { port, enclaveThread } = enclaveRunning({
      r: Array(13).fill(1),
      lr: 1,
      pc: ENCLAVE.base + 0x200,
      flags: 0,
    });
    const entry = port.takeInterrupt(enclaveThread, UART);
    port.memory.writeWord(entry.additionalState!, 0xfefa125a);
    let error: unknown;
    try {
      port.saveFromException(enclaveThread);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ArmV8mPortError);
    expect((error as ArmV8mPortError).code).toBe('integrity-signature');
  });
});
