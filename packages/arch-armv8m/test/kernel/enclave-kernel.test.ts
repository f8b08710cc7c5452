// The kernel's Enclave object on ArmV8mPort. Enclave_Load reaches port.addEnclave: the SAU makes
// the 4 KiB enclave Secure and the granules of its two entries Non-secure callable; Enclave_
// AddThread reaches port.setEnclave: the thread runs Secure unprivileged on MPU_S. A rogue ordinary
// task probing every word of enclave memory is refused each time (SecureFault AUVIOL at that
// address) and its uncaught probe reaches its fault handler as the kernel's VmFault; it may fetch
// the SG at an entry, nowhere else. Destroying the enclave gives its memory back. The invariant
// checker runs after every kernel entry.

import { encodeMessageInfo, FaultLabel, type HostTask, KernelError } from '@k5/abi';
import { AccessKind } from '@k5/kernel';
import { cnodeDelete, Sys } from '@k5/userspace';
import { describe, expect, it } from 'vitest';
import {
  type PortFault,
  SAU_RBAR,
  SAU_RLAR,
  SAU_RNR,
  SecurityAttribute,
  SFSR,
} from '../../src/index';
import { ENTRY_OFFSET, enclaveScenario, IPC_OFFSET, SLOT } from './enclave-system';

const SECRET_OFFSET = 0x800;
const SECRET = 0x5ec2_e7ed;

/** The enclave: keeps a secret in its memory, then serves requests forever. */
const keeper: HostTask = function* (ctx) {
  const sys = new Sys(ctx);
  ctx.write32(ctx.ipcBufferAddress() - IPC_OFFSET + SECRET_OFFSET, SECRET);
  yield* sys.recv(SLOT.ep, SLOT.reply);
  for (;;) yield* sys.replyRecv(SLOT.ep, encodeMessageInfo(0, 0), SLOT.reply);
};
const unusedEntry: HostTask = function* () {
  yield* [];
};

describe('a kernel Enclave on ArmV8mPort', () => {
  it('is Secure memory with NSC gateways; a rogue task is refused every word and faults', () => {
    const refusals: (PortFault | null)[] = [];
    let probed = 0;
    let allowed = 0;
    const handled: { label: number; words: number[] }[] = [];
    let base = 0;
    let size = 0;
    const probeAll = (port: () => { lastFault: PortFault | null }): HostTask =>
      function* (ctx) {
        ({ base, size } = info());
        for (let a = base; a < base + size; a += 4) {
          probed++;
          for (const access of ['read', 'write'] as const) {
            try {
              if (access === 'read') ctx.read32(a);
              else ctx.write32(a, 0xdead);
              allowed++;
            } catch {
              refusals.push(port().lastFault);
            }
          }
        }
        ctx.read32(base + SECRET_OFFSET); // uncaught: the kernel's VM fault
        yield* [];
      };
    const handler: HostTask = function* (ctx) {
      const sys = new Sys(ctx);
      yield* sys.recv(SLOT.faultEp, SLOT.reply);
      handled.push({
        label: sys.label,
        words: Array.from({ length: sys.length }, (_, i) => sys.getMR(i)),
      });
    };
    let portRef: { lastFault: PortFault | null } | undefined;
    const info = () => scenario.system.kernel.enclaves()[0]!;
    const scenario = enclaveScenario({
      entries: [keeper, unusedEntry],
      tasks: [
        { name: 'handler', task: handler, priority: 60, faultHandler: true },
        { name: 'rogue', task: probeAll(() => portRef!), priority: 50, faultHandled: true },
      ],
    });
    const { system, port } = scenario;
    portRef = port;
    // The root runs first (priority 200): the enclave is loaded before the rogue runs.
    system.run({ checkInvariants: true });
    expect(scenario.rootError()).toBeNull();
    expect(size).toBe(0x1000);
    expect(port.enclaves.get(info().id)).toEqual({
      id: info().id,
      base,
      size,
      entries: [base + ENTRY_OFFSET, base + ENTRY_OFFSET + 0x40],
    });
    // SAU: Non-secure below and above, NSC on the entry granules, the rest of the enclave Secure.
    const attr = (a: number) => port.sau.attribute(a).attribute;
    expect(attr(base - 1)).toBe(SecurityAttribute.NonSecure);
    expect(attr(base)).toBe(SecurityAttribute.Secure);
    expect(attr(base + ENTRY_OFFSET)).toBe(SecurityAttribute.NonSecureCallable);
    expect(attr(base + ENTRY_OFFSET + 0x40)).toBe(SecurityAttribute.NonSecureCallable);
    expect(attr(base + SECRET_OFFSET)).toBe(SecurityAttribute.Secure);
    expect(attr(base + size)).toBe(SecurityAttribute.NonSecure);
    // The rogue was refused every word, read and write, each by the SAU at that very address.
    expect(probed).toBe(size / 4);
    expect(allowed).toBe(0);
    expect(refusals).toHaveLength(2 * probed);
    refusals.forEach((f, i) => {
      const a = base + Math.floor(i / 2) * 4;
      expect(f).toMatchObject({ fault: 'SecureFault', cause: 'AUVIOL', sfar: a });
    });
    expect(system.kernel.memory.read32(base + SECRET_OFFSET)).toBe(SECRET);
    // Its uncaught probe: a VmFault at the address, through its fault endpoint.
    expect(handled).toHaveLength(1);
    expect(handled[0]!.label).toBe(FaultLabel.VmFault);
    expect(handled[0]!.words[1]).toBe(base + SECRET_OFFSET);
    // The enclave thread runs Secure; the rogue Non-secure, reaching only the gateway SGs.
    const threads = system.kernel.threads();
    const enclaveThread = threads.find((t) => t.enclave !== null)!;
    expect(port.securityOf(enclaveThread.context)).toBe('secure');
    expect(port.enclaveOf(enclaveThread.context)?.id).toBe(info().id);
    const rogue = threads.find((t) => t.enclave === null && t.mappings.length > 0)!.context;
    expect(port.securityOf(rogue)).toBe('non-secure');
    expect(port.checkAccess(rogue, base + ENTRY_OFFSET, 4, AccessKind.Execute)).toBe(true);
    expect(port.checkAccess(rogue, base + ENTRY_OFFSET + 4, 4, AccessKind.Execute)).toBe(false);
    expect(port.lastFault).toMatchObject({ cause: 'INVEP' });
    expect(port.sfsr & SFSR.INVEP).toBe(SFSR.INVEP);
  });

  it('destroying the enclave returns its memory to ordinary memory', () => {
    const seen: { enclaves: number; regions: number[][] }[] = [];
    let portRef: ReturnType<typeof enclaveScenario>['port'] | undefined;
    const sauRegions = () =>
      Array.from({ length: portRef!.sau.regionCount }, (_, n) => {
        portRef!.sau.write(SAU_RNR, n);
        return [portRef!.sau.read(SAU_RBAR), portRef!.sau.read(SAU_RLAR)];
      });
    const scenario = enclaveScenario({
      entries: [keeper],
      *rootAfter(sys, { env, enclave }) {
        seen.push({ enclaves: portRef!.enclaves.size, regions: sauRegions() });
        // The root holds the only cap: deleting it destroys the enclave.
        expect(
          yield* cnodeDelete(sys, env.boot.caps.rootCNode, enclave, env.boot.rootCNodeDepth),
        ).toBe(0);
        seen.push({ enclaves: portRef!.enclaves.size, regions: sauRegions() });
      },
    });
    portRef = scenario.port;
    const initial = sauRegions();
    scenario.system.run({ checkInvariants: true });
    expect(scenario.rootError()).toBeNull();
    expect(seen[0]!.enclaves).toBe(1);
    expect(seen[0]!.regions).not.toEqual(initial);
    expect(seen[1]!.enclaves).toBe(0);
    expect(seen[1]!.regions).toEqual(initial);
    // Its former thread is Non-secure again.
    for (const t of scenario.system.kernel.threads()) {
      expect(scenario.port.securityOf(t.context)).toBe('non-secure');
    }
  });
});

describe('a kernel Enclave the SAU cannot hold', () => {
  it('is refused by Enclave_Load with IllegalOperation, changing nothing', () => {
    // Two SAU regions cannot hold Non-secure memory below and above an enclave plus its gateway.
    const scenario = enclaveScenario({ entries: [keeper], port: { sauRegions: 2 } });
    scenario.system.run({ checkInvariants: true });
    const error = scenario.rootError() as { step?: string; code?: number } | null;
    expect(error).toMatchObject({
      step: 'loading the enclave',
      code: KernelError.IllegalOperation,
    });
    expect(scenario.port.enclaves.size).toBe(0);
    expect(scenario.system.kernel.enclaves().every((e) => e.measurement === null)).toBe(true);
  });

  it('checks enclave isolation in the invariant checker without latching port faults', () => {
    const scenario = enclaveScenario({ entries: [keeper] });
    scenario.system.run({ checkInvariants: true });
    const { port } = scenario;
    expect(port.lastFault).toBeNull();
    expect(port.sfsr).toBe(0);
    expect(scenario.system.kernel.checkInvariants()).toEqual([]);
    expect(port.lastFault).toBeNull();
  });
});
