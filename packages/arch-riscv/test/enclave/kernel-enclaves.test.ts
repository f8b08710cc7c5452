// Real Enclave objects (Enclave_Load, Enclave_AddThread) on RiscvPort under the kernel and the
// MachineCodeRunner: a machine-code enclave thread holding random register values is preempted
// by its budget running out and by PLIC interrupts while ordinary tasks run in between; they
// find no enclave register on the hart or in any other context, the guard closed, and the
// enclave finishes with every register as it loaded it. A malicious machine-code task probing
// every word of the enclave takes a real load access fault on each, delivered as a VmFault; a
// host-task enclave serves a client and awaits WebCrypto under runAsync.
import { encodeMessageInfo, FaultLabel, type HostTask, Rights } from '@k5/abi';
import { AccessKind, type ContextId, hostEnclaveImage, ThreadState } from '@k5/kernel';
import { cnodeDelete, expectOk, Sys, tcbSetPriority } from '@k5/userspace';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InterruptCause } from '../../src/index';
import { type BootedScenario, bootEnclaveScenario, enclaveImage, RESULTS } from './kernel-system';
import { addi, assemble, bne, ebreak, jalr, lw } from '../asm';
import { csrEntry } from './port-machine';

const PC = 32;
const SLOT = { ep: 1, reply: 2, fault: 3 } as const;

const IRQ = 5;

describe('a machine-code enclave thread under the kernel', () => {
  it('is preempted by budget and interrupts without leaking a register, and resumes exactly', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 0xffff_ffff }), { minLength: 30, maxLength: 30 }),
        (values) => {
          const secrets = new Set(values);
          const leaks: string[] = [];
          let rounds = 0;
          const interrupts: { cause: number; inEnclave: boolean; clean: boolean }[] = [];
          let b!: BootedScenario;
          const observer: HostTask = function* (ctx) {
            const sys = new Sys(ctx);
            for (;;) {
              const { port, kernel } = b.system;
              const e = b.enclaveThread();
              if (e.state === ThreadState.Inactive) return;
              rounds++;
              if (port.hart.registers().some((v) => v !== 0)) leaks.push('hart registers');
              for (const t of kernel.threads()) {
                if (t === e) continue;
                for (let r = 0; r < port.registerCount; r++) {
                  if (secrets.has(port.readRegister(t.context, r)))
                    leaks.push(`thread ${t.id} x${r}`);
                }
              }
              if (csrEntry(port, 1).perms !== '---') leaks.push('guard open');
              // An interrupt arrives while the enclave runs next.
              port.interrupts.unmask(IRQ);
              port.plic.pulse(IRQ);
              yield* sys.work(150);
            }
          };
          b = bootEnclaveScenario({
            image: enclaveImage(values, 1500),
            budget: [300, 1000],
            enclavePriority: 120,
            programs: { observer },
            sliceCycles: 200,
            neighbours: (env) => [
              { name: 'observer', entry: env.boot.programs.observer!, priority: 100 },
            ],
            onInterrupt: (i) => {
              const { port } = b.system;
              interrupts.push({
                cause: i.cause,
                inEnclave: port.activeContext === b.enclaveThread().context,
                clean: port.hart.registers().every((v) => v === 0),
              });
            },
          });
          expect(b.system.run({ checkInvariants: true }).reason).toBe('idle');
          expect(b.rootError()).toBeNull();
          expect(leaks).toEqual([]);
          expect(rounds).toBeGreaterThanOrEqual(3);
          const external = interrupts.filter((i) => i.cause === InterruptCause.MachineExternal);
          expect(external.length).toBeGreaterThanOrEqual(2);
          expect(interrupts.every((i) => i.inEnclave && i.clean)).toBe(true);
          const { base } = b.enclaveMemory();
          const results = new DataView(b.system.port.bus.dump(base + RESULTS, 4 * 30).buffer);
          expect(values.map((_, i) => results.getUint32(4 * i, true))).toEqual(values);
        },
      ),
      { numRuns: 6 },
    );
  });
});

describe('a malicious machine-code task', () => {
  it('takes a load access fault, delivered as a VmFault, on every word of enclave memory, even with a grant over it', () => {
    const faults: number[][] = [];
    const handler: HostTask = function* (ctx) {
      const sys = new Sys(ctx);
      yield* sys.recv(SLOT.fault, SLOT.reply);
      for (;;) {
        const words = [0, 1, 2, 3].map((i) => sys.getMR(i));
        faults.push([sys.label, ...words]);
        if (sys.label !== FaultLabel.VmFault || words[2] === 1) return;
        // Resume the probe after the faulting load (a fault reply sets its ip).
        sys.setMR(0, words[0]! + 4);
        yield* sys.replyRecv(SLOT.fault, encodeMessageInfo(0, 1), SLOT.reply);
      }
    };
    let code = 0;
    let probeCtx = -1 as ContextId;
    const b = bootEnclaveScenario({
      image: enclaveImage([1, 2, 3], 10),
      budget: [1000, 1000],
      enclavePriority: 50,
      programs: { handler },
      neighbours: (env, caps) => {
        const { base, size } = b.enclaveMemory();
        return [
          {
            name: 'handler',
            entry: env.boot.programs.handler!,
            priority: 200,
            caps: [
              { slot: SLOT.fault, from: caps.faultEndpoint, rights: Rights.Read },
              { slot: SLOT.reply, from: caps.replies[0]!, rights: Rights.All },
            ],
          },
          {
            name: 'probe',
            priority: 100,
            regions: [{ sizeBits: 10, rights: Rights.Read }],
            faultEndpoint: caps.faultEndpoint,
            beforeStart: ([at]) => {
              code = at!;
              // A kernel bug (simulated) maps the enclave to the probe: only the guard stands.
              const port = b.system.port;
              const probe = b.system.kernel
                .threads()
                .find((t) => port.memoryMap(t.context).some((g) => g.base === code))!;
              probeCtx = probe.context;
              port.setMemoryMap(probeCtx, [
                ...port.memoryMap(probeCtx),
                { base, size, access: AccessKind.Read | AccessKind.Write | AccessKind.Execute },
              ]);
              b.system.runner.load(
                code,
                assemble([
                  lw(7, 10, 0),
                  addi(10, 10, 4),
                  bne(10, 11, -8),
                  jalr(0, 12, 0),
                  ebreak(),
                ]),
              );
              const regs = new Array<number>(33).fill(0);
              regs[PC] = code;
              regs[10] = base;
              regs[11] = base + size;
              regs[12] = base; // then jump to the enclave's entry
              return regs;
            },
          },
        ];
      },
    });
    expect(b.system.run({ checkInvariants: true }).reason).toBe('idle');
    expect(b.rootError()).toBeNull();
    const { base, size } = b.enclaveMemory();
    const loads = faults.slice(0, size / 4);
    expect(loads).toEqual(
      Array.from({ length: size / 4 }, (_, i) => [
        FaultLabel.VmFault,
        code,
        base + 4 * i,
        0,
        AccessKind.Read,
      ]),
    );
    // The jump to the entry faults on the fetch; the handler then stops answering.
    expect(faults[size / 4]).toEqual([FaultLabel.VmFault, base, base, 1, AccessKind.Execute]);
    expect(faults).toHaveLength(size / 4 + 1);
    // The grant was in force all along: the guard refused every access.
    expect(b.system.port.memoryMap(probeCtx).some((g) => g.base === base)).toBe(true);
    expect(b.system.runner.stats.faults).toBe(size / 4 + 2); // and the enclave's own ebreak
  });
});

describe('a host-task enclave on the machine-code runner', () => {
  it("serves a client from its own memory, awaits WebCrypto, and stays out of the client's reach", async () => {
    const name = 'hasher';
    const entry: HostTask = function* (ctx) {
      const sys = new Sys(ctx);
      yield* sys.recv(1, 2);
      const word = sys.getMR(0);
      const own = ctx.read32(ctx.ipcBufferAddress() - 0xc00); // its image's first word
      const digest = yield* ctx.await(
        globalThis.crypto.subtle.digest('SHA-256', new Uint32Array([word])),
      );
      sys.setMR(0, own);
      sys.setMR(1, new DataView(digest).getUint32(0));
      yield* sys.replyRecv(1, encodeMessageInfo(0, 2), 2);
    };
    const got: number[] = [];
    let clientCtx = -1;
    const client: HostTask = function* (ctx) {
      const sys = new Sys(ctx);
      sys.setMR(0, 0x1234_5678);
      yield* sys.call(1, encodeMessageInfo(0, 1));
      got.push(sys.getMR(0), sys.getMR(1));
    };
    const b = bootEnclaveScenario({
      image: hostEnclaveImage(name, [entry]),
      budget: [1000, 1000],
      enclavePriority: 120,
      programs: { client },
      enclaveCaps: (caps) => [
        { slot: 1, from: caps.endpoint, rights: Rights.Read },
        { slot: 2, from: caps.replies[0]!, rights: Rights.All },
      ],
      neighbours: (env, caps) => [
        {
          name: 'client',
          entry: env.boot.programs.client!,
          priority: 100,
          caps: [
            { slot: 1, from: caps.endpoint, rights: Rights.Write | Rights.GrantReply },
            { slot: 2, from: caps.replies[1]!, rights: Rights.All },
          ],
        },
      ],
    });
    // Registered with the system executor: the runner shares its registry.
    b.system.executor.addEnclaveProgram(name, [entry]);
    expect(b.system.run().reason).toBe('await');
    expect((await b.system.runner.runAsync({ checkInvariants: true })).reason).toBe('idle');
    expect(b.rootError()).toBeNull();
    const expected = new DataView(
      await globalThis.crypto.subtle.digest('SHA-256', new Uint32Array([0x1234_5678])),
    ).getUint32(0);
    // "K5HE" little endian, then the digest's first word.
    expect(got).toEqual([0x4548_354b, expected]);
    const { base, size } = b.enclaveMemory();
    const clientThread = b.system.kernel.threads().find((t) => t.priority === 100)!;
    clientCtx = clientThread.context;
    for (let a = base; a < base + size; a += 4) {
      expect(b.system.port.checkAccess(clientThread.context, a, 4, AccessKind.Read)).toBe(false);
    }
    expect(b.system.port.checkAccess(b.enclaveThread().context, base, 4, AccessKind.Read)).toBe(
      true,
    );
    expect(clientCtx).toBeGreaterThanOrEqual(0);
  });
});

describe('destroying an enclave under the kernel', () => {
  it('gives its memory back: zeroed, its guard off, its thread out, ordinary for the port', () => {
    let enclaveCptr = 0;
    const seen: { guard: string; inside: number | null }[] = [];
    let memory = { base: 0, size: 0 };
    const b = bootEnclaveScenario({
      image: enclaveImage([7, 8, 9], 10),
      budget: [1000, 1000],
      enclavePriority: 120,
      rootAfter: function* (sys, env, enclave) {
        enclaveCptr = enclave;
        const root = env.boot.caps.rootTcb;
        // Let the enclave run to its end first.
        expectOk('lower', yield* tcbSetPriority(sys, root, root, 10));
        const t = b.enclaveThread();
        memory = b.enclaveMemory();
        seen.push({
          guard: csrEntry(b.system.port, 1).perms,
          inside: b.system.port.enclaveOf(t.context),
        });
        expectOk(
          'delete',
          yield* cnodeDelete(sys, env.boot.caps.rootCNode, enclave, env.boot.rootCNodeDepth),
        );
      },
    });
    expect(b.system.run({ checkInvariants: true }).reason).toBe('idle');
    expect(b.rootError()).toBeNull();
    expect(enclaveCptr).toBeGreaterThan(0);
    expect(b.system.kernel.enclaves()).toEqual([]);
    const { port } = b.system;
    const t = b.system.kernel.threads().find((x) => x.priority === 120)!;
    // While it lived, its guard was closed to the root and its thread was in it.
    expect(seen).toEqual([{ guard: '---', inside: expect.any(Number) }]);
    expect(port.enclaveOf(t.context)).toBeNull();
    expect(csrEntry(port, 1).a).toBe(0);
    expect(port.monitor!.threadFrames.available).toBe(port.monitor!.threadFrames.capacity);
    for (let r = 0; r < 33; r++) expect(port.readRegister(t.context, r)).toBe(0);
    expect(memory.size).toBe(4096);
    expect(port.bus.dump(memory.base, memory.size)).toEqual(new Uint8Array(memory.size));
  });
});
