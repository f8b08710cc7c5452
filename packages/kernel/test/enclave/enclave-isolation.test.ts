// What an enclave's outsiders can see: a task probing every word of enclave memory is refused
// every time (and takes a VM fault when it does not catch it); a fault inside the enclave reaches
// an outside handler with its words zeroed, and the handler can restart the thread but not set
// its registers; a supervisor's TCB_GetFault shows label and time only; leases of enclave memory
// cannot be borrowed by an outside server. The invariant checker runs after every kernel entry.

import { encodeMessageInfo, FaultLabel, type HostTask, KernelError, LeaseAttribute } from '@k5/abi';
import { borrowRead, expectOk, Sys, tcbGetFault, tcbSetPriority } from '@k5/userspace';
import { describe, expect, it } from 'vitest';
import type { Tcb } from '../../src/objects/kobject';
import { enclaveOf, enclaveSystem, IPC_OFFSET, SECRET_OFFSET, SLOT } from './enclave-system';

const SECRET = 0xc0ffee;

/** Writes its secret, then serves: request 1 = fault at an address outside the enclave. */
function faultingEnclave(faultAt: number): HostTask {
  return function* (ctx) {
    const sys = new Sys(ctx);
    const base = ctx.ipcBufferAddress() - IPC_OFFSET;
    ctx.write32(base + SECRET_OFFSET, SECRET);
    yield* sys.recv(SLOT.ep, SLOT.reply);
    for (;;) {
      if (sys.getMR(0) === 1) ctx.read32(faultAt); // an access outside its memory: a VM fault
      sys.setMR(0, 7);
      yield* sys.replyRecv(SLOT.ep, encodeMessageInfo(0, 1), SLOT.reply);
    }
  };
}

describe('Enclave isolation', () => {
  it('refuses every word of enclave memory to an outside task, and faults it when uncaught', () => {
    let refused = 0;
    let allowed = 0;
    let probed = 0;
    const faults: { label: number; words: number[] }[] = [];
    let system: ReturnType<typeof enclaveSystem> | null = null;
    const rogue: HostTask = function* (ctx) {
      const e = enclaveOf(system!.s);
      for (let a = e.base; a < e.base + e.size; a += 4) {
        probed++;
        try {
          ctx.read32(a);
          allowed++;
        } catch {
          refused++;
        }
        try {
          ctx.write32(a, 0xdead);
          allowed++;
        } catch {
          refused++;
        }
      }
      ctx.read32(e.base + SECRET_OFFSET); // uncaught: the kernel sees a VM fault
      yield* [];
    };
    const handler: HostTask = function* (ctx) {
      const sys = new Sys(ctx);
      yield* sys.recv(SLOT.faultEp, SLOT.reply);
      const n = sys.length;
      faults.push({ label: sys.label, words: Array.from({ length: n }, (_, i) => sys.getMR(i)) });
    };
    system = enclaveSystem({
      entries: [faultingEnclave(0)],
      extra: [
        { name: 'handler', task: handler, priority: 60, faultHandler: true },
        { name: 'rogue', task: rogue, priority: 50, faultHandled: true },
      ],
    });
    system.s.run({ checkInvariants: true });
    expect(system.rootError()).toBeNull();
    const e = enclaveOf(system.s);
    expect(probed).toBe(e.size / 4);
    expect(refused).toBe(2 * probed);
    expect(allowed).toBe(0);
    // Nothing was written: the secret is intact.
    expect(system.s.kernel.memory.read32(e.base + SECRET_OFFSET)).toBe(SECRET);
    expect(faults).toHaveLength(1);
    expect(faults[0]!.label).toBe(FaultLabel.VmFault);
    // A rogue's own fault is not redacted: it is no enclave. The address is in the message.
    expect(faults[0]!.words).toContain(e.base + SECRET_OFFSET);
  });

  it('redacts an enclave fault for an outside handler, whose reply restarts but cannot redirect it', () => {
    const seen: { label: number; words: number[] }[] = [];
    const supervisorView: number[][] = [];
    const answers: number[] = [];
    const OUTSIDE = 0x100; // not in RAM: any access faults
    const handler: HostTask = function* (ctx) {
      const sys = new Sys(ctx);
      yield* sys.recv(SLOT.faultEp, SLOT.reply);
      seen.push({
        label: sys.label,
        words: Array.from({ length: sys.length }, (_, i) => sys.getMR(i)),
      });
      // Try to send the enclave somewhere else: ip, sp, a0.
      sys.setMR(0, 0x0800_0000);
      sys.setMR(1, 0x1234);
      sys.setMR(2, 0x5678);
      yield* sys.send(SLOT.reply, encodeMessageInfo(0, 3));
    };
    const client: HostTask = function* (ctx) {
      const sys = new Sys(ctx);
      sys.setMR(0, 1); // the crash request
      yield* sys.call(SLOT.ep, encodeMessageInfo(0, 1));
      answers.push(sys.label);
    };
    const { s, rootError } = enclaveSystem({
      entries: [faultingEnclave(OUTSIDE)],
      enclaveFaultHandled: true,
      extra: [
        { name: 'handler', task: handler, priority: 60, faultHandler: true },
        { name: 'client', task: client, priority: 40, client: true },
      ],
      *rootAfter(sys, env, caps) {
        // Drop below everyone so that the fault happens first, then read it as a supervisor would.
        const self = env.boot.caps.rootTcb;
        expectOk('lower root', yield* tcbSetPriority(sys, self, self, 1));
        const code = yield* tcbGetFault(sys, caps.enclaveTcb);
        supervisorView.push([
          code,
          sys.length,
          ...Array.from({ length: sys.length }, (_, i) => sys.getMR(i)),
        ]);
      },
    });
    s.run({ checkInvariants: true, maxSteps: 10_000 });
    expect(rootError()).toBeNull();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.label).toBe(FaultLabel.VmFault);
    expect(seen[0]!.words.length).toBeGreaterThan(0);
    expect(seen[0]!.words.every((w) => w === 0)).toBe(true);
    // The enclave's own record is complete; outsiders do not get it.
    const e = s.kernel.enclaves()[0]!;
    const thread = s.kernel.object(e.threads[0]!) as Tcb;
    expect(thread.lastFaultWords).toContain(OUTSIDE);
    // GetFault: [error, length, label, generation, time, count] and no words.
    expect(supervisorView[0]![0]).toBe(0);
    expect(supervisorView[0]![2]).toBe(FaultLabel.VmFault);
    expect(supervisorView[0]![5]).toBe(0);
    // The reply restarted the faulting access rather than jumping to 0x0800_0000: it faults again.
    expect(
      s.kernel.port.readRegister(thread.context, s.kernel.port.convention.spRegister),
    ).not.toBe(0x1234);
    const pc = s.kernel.port.readRegister(thread.context, s.kernel.port.convention.pcRegister);
    expect(pc).toBe(e.entries[0]);
    expect(thread.enclave).not.toBeNull();
  });

  it('refuses an outside server a lease of enclave memory', () => {
    const results: { code: number; copied: number }[] = [];
    const enclave: HostTask = function* (ctx) {
      // The enclave calls out, lending its secret word (the kernel accepts the lease: the
      // enclave may touch that memory; the borrow is what is refused).
      const sys = new Sys(ctx);
      const base = ctx.ipcBufferAddress() - IPC_OFFSET;
      ctx.write32(base + SECRET_OFFSET, SECRET);
      sys.setLeases([
        { address: base + SECRET_OFFSET, length: 4, attributes: LeaseAttribute.Read },
      ]);
      yield* sys.call(SLOT.ep, encodeMessageInfo(0, 0));
    };
    const server: HostTask = function* (ctx) {
      const sys = new Sys(ctx);
      yield* sys.recv(SLOT.ep, SLOT.reply);
      // Its own first mapped region (the fixture maps one 256-byte region after the IPC buffer).
      const dest = ctx.ipcBufferAddress() + 1024;
      const code = yield* borrowRead(sys, SLOT.reply, 0, 0, dest, 4);
      results.push({ code, copied: ctx.read32(dest) });
      yield* sys.send(SLOT.reply, encodeMessageInfo(0, 0));
    };
    const { s, rootError } = enclaveSystem({
      entries: [enclave],
      enclaveIsClient: true,
      extra: [{ name: 'server', task: server, priority: 60, server: true }],
    });
    s.run({ checkInvariants: true });
    expect(rootError()).toBeNull();
    expect(results).toEqual([{ code: KernelError.IllegalOperation, copied: 0 }]);
  });
});
