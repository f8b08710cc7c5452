// The Enclave kernel object end to end through a real root task: loading measures image and
// layout exactly as measureEnclave does, the enclave thread starts at its entry and serves
// ordinary clients only through its endpoint, and every way around that (probing its memory,
// reading or writing its registers, restarting it elsewhere, deriving its keys, leasing its
// memory) is refused. The invariant checker runs after every kernel entry.

import {
  encodeMessageInfo,
  type HostTask,
  InvocationLabel,
  KernelError,
  MAX_ENCLAVE_ENTRIES,
  ObjectType,
} from '@k5/abi';
import {
  enclaveDeriveKey,
  enclaveLoad,
  enclaveMeasurement,
  expectOk,
  loadEnclave,
  RootTaskError,
  Sys,
  tcbConfigure,
  tcbReadRegisters,
  tcbRestart,
  tcbSuspend,
  tcbWriteRegisters,
} from '@k5/userspace';
import { describe, expect, it } from 'vitest';
import { AccessKind } from '../../src/arch/port';
import { deleteCap } from '../../src/cspace/delete';
import { measureEnclave } from '../../src/enclave/enclave-identity';
import { type CNode, type Enclave, ThreadState } from '../../src/objects/kobject';
import {
  ENCLAVE_BITS,
  ENTRY_OFFSET,
  enclaveOf,
  enclaveSystem,
  IPC_OFFSET,
  SECRET_OFFSET,
  SLOT,
  STACK_SIZE,
} from './enclave-system';

const SECRET = 0x5ec2e7;

/** The enclave: keeps a secret in its memory and adds it to every request. */
const adder: HostTask = function* (ctx) {
  const sys = new Sys(ctx);
  const base = ctx.ipcBufferAddress() - IPC_OFFSET;
  ctx.write32(base + SECRET_OFFSET, SECRET);
  let badge = yield* sys.recv(SLOT.ep, SLOT.reply);
  for (;;) {
    void badge;
    sys.setMR(0, (sys.getMR(0) + ctx.read32(base + SECRET_OFFSET)) >>> 0);
    badge = yield* sys.replyRecv(SLOT.ep, encodeMessageInfo(0, 1), SLOT.reply);
  }
};

describe('Enclave object', () => {
  it('measures at load exactly as measureEnclave, serves clients and keeps its secret', async () => {
    const answers: number[] = [];
    const client: HostTask = function* (ctx) {
      const sys = new Sys(ctx);
      for (const x of [1, 2, 40]) {
        sys.setMR(0, x);
        yield* sys.call(SLOT.ep, encodeMessageInfo(0, 1));
        answers.push(sys.getMR(0));
      }
    };
    let measured: Uint8Array | null = null;
    const { s, image, rootError } = enclaveSystem({
      entries: [adder],
      extra: [{ name: 'client', task: client, priority: 50, client: true }],
      *rootAfter(sys, _env, caps) {
        const r = yield* enclaveMeasurement(sys, caps.enclave);
        expect(r.error).toBe(0);
        measured = r.bytes;
      },
    });
    s.run({ checkInvariants: true });
    expect(rootError()).toBeNull();
    expect(answers).toEqual([1 + SECRET, 2 + SECRET, 40 + SECRET]);
    const e = enclaveOf(s);
    expect(e.size).toBe(2 ** ENCLAVE_BITS);
    const expected = await measureEnclave({
      arch: 'generic',
      image,
      regions: [
        { base: e.base, size: e.size, permissions: { read: true, write: true, execute: true } },
      ],
      entryPoints: [e.base + ENTRY_OFFSET],
      stackSize: STACK_SIZE,
    });
    const info = s.kernel.enclaves()[0]!;
    expect(info.measurement?.equals(expected)).toBe(true);
    expect(measured).toEqual(expected.toBytes());
    expect(info.entries).toEqual([e.base + ENTRY_OFFSET]);
    expect(info.threads).toHaveLength(1);
  });

  it('refuses register, CSpace, restart-address and key access from outside', () => {
    const codes: Record<string, number> = {};
    const { s, rootError } = enclaveSystem({
      entries: [adder],
      deviceSecret: new Uint8Array(32).fill(7),
      *rootAfter(sys, env, caps) {
        codes.read = yield* tcbReadRegisters(sys, caps.enclaveTcb, false, 4);
        codes.write = yield* tcbWriteRegisters(sys, caps.enclaveTcb, false, [1, 2, 3]);
        const cnode = yield* env.retype(ObjectType.CNode, 4);
        codes.configure = yield* tcbConfigure(sys, caps.enclaveTcb, cnode, 28, 0, 0);
        codes.restartAt = yield* tcbRestart(sys, caps.enclaveTcb, 0, { ip: 0x1234, sp: 0 });
        codes.deriveKey = (yield* enclaveDeriveKey(sys, caps.enclave, 'storage')).error;
        codes.loadAgain = yield* enclaveLoad(sys, caps.enclave, caps.ep, {
          imageLength: 0,
          stackSize: 1,
          entryOffsets: [0],
        });
        // Suspending is scheduling, which the enclave does not control: allowed.
        codes.suspend = yield* tcbSuspend(sys, caps.enclaveTcb);
      },
    });
    s.run({ checkInvariants: true });
    expect(rootError()).toBeNull();
    expect(codes).toEqual({
      read: KernelError.IllegalOperation,
      write: KernelError.IllegalOperation,
      configure: KernelError.IllegalOperation,
      restartAt: KernelError.IllegalOperation,
      deriveKey: KernelError.IllegalOperation,
      loadAgain: KernelError.IllegalOperation,
      suspend: 0,
    });
  });

  it('gives typed errors for every bad Enclave_Load and Enclave_AddThread argument', () => {
    const codes: Record<string, number> = {};
    const { s, rootError } = enclaveSystem({
      entries: [adder],
      *rootAfter(sys, env, caps) {
        const fresh = yield* env.retype(ObjectType.Enclave, 8);
        const region = yield* env.retype(ObjectType.Region, 6);
        const load = (entryOffsets: number[], imageLength = 16, stackSize = 16, from = region) =>
          enclaveLoad(sys, fresh, from, { imageLength, stackSize, entryOffsets });
        codes.noEntries = yield* load([]);
        codes.tooManyEntries = yield* load(
          Array.from({ length: MAX_ENCLAVE_ENTRIES + 1 }, (_, i) => i * 4),
        );
        codes.entryOutside = yield* load([256]);
        codes.repeatedEntry = yield* load([4, 4]);
        codes.noStack = yield* load([0], 16, 0);
        codes.tooBig = yield* load([0], 200, 100);
        codes.imageLongerThanRegion = yield* load([0], 65, 16);
        codes.notARegion = yield* load([0], 16, 16, caps.ep);
        // AddThread before load, then the thread rules.
        const t = yield* env.retype(ObjectType.Tcb, 0);
        codes.addBeforeLoad = yield* enclaveAddThreadRaw(sys, fresh, t, [0, 0, 0]);
        expectOk('load', yield* load([0, 8]));
        codes.badEntryIndex = yield* enclaveAddThreadRaw(sys, fresh, t, [2, 0, 0]);
        codes.misalignedBuffer = yield* enclaveAddThreadRaw(sys, fresh, t, [0, 0, 4]);
        codes.bufferOutside = yield* enclaveAddThreadRaw(sys, fresh, t, [0, 0, 248]);
        codes.notATcb = yield* enclaveAddThreadRaw(sys, fresh, caps.ep, [0, 0, 0]);
        codes.alreadyInEnclave = yield* enclaveAddThreadRaw(sys, fresh, caps.enclaveTcb, [0, 0, 0]);
        codes.truncated = yield* enclaveAddThreadRaw(sys, fresh, t, [0]);
      },
    });
    s.run({ checkInvariants: true });
    expect(rootError()).toBeNull();
    expect(codes).toEqual({
      noEntries: KernelError.RangeError,
      tooManyEntries: KernelError.RangeError,
      entryOutside: KernelError.InvalidArgument,
      repeatedEntry: KernelError.InvalidArgument,
      noStack: KernelError.RangeError,
      tooBig: KernelError.RangeError,
      imageLongerThanRegion: KernelError.RangeError,
      notARegion: KernelError.InvalidCapability,
      addBeforeLoad: KernelError.IllegalOperation,
      badEntryIndex: KernelError.RangeError,
      misalignedBuffer: KernelError.AlignmentError,
      bufferOutside: KernelError.InvalidArgument,
      notATcb: KernelError.InvalidCapability,
      alreadyInEnclave: KernelError.IllegalOperation,
      truncated: KernelError.TruncatedMessage,
    });
  });

  it('names the failed step when loadEnclave is refused (RootTaskError)', () => {
    let caught: unknown = null;
    const { s, rootError } = enclaveSystem({
      entries: [adder],
      *rootAfter(_sys, env) {
        try {
          yield* loadEnclave(env, {
            name: 'too small',
            sizeBits: 6,
            image: new Uint8Array(40),
            stackSize: 40,
            entryOffsets: [0],
          });
        } catch (e) {
          caught = e;
        }
      },
    });
    s.run({ checkInvariants: true });
    expect(rootError()).toBeNull();
    expect(caught).toBeInstanceOf(RootTaskError);
    expect(caught).toMatchObject({
      step: 'loading the enclave for too small',
      code: KernelError.RangeError,
    });
  });

  it('refuses to load on a port without enclave support', () => {
    // A GenericPort without the enclave hooks stands in for such a port.
    const codes: number[] = [];
    const { s } = enclaveSystem({
      entries: [adder],
      *rootAfter(sys, env) {
        const fresh = yield* env.retype(ObjectType.Enclave, 8);
        const region = yield* env.retype(ObjectType.Region, 6);
        const port = s.kernel.port as { addEnclave?: unknown };
        const saved = port.addEnclave;
        port.addEnclave = undefined;
        codes.push(
          yield* enclaveLoad(sys, fresh, region, {
            imageLength: 0,
            stackSize: 1,
            entryOffsets: [0],
          }),
        );
        port.addEnclave = saved;
      },
    });
    s.run({ checkInvariants: true });
    expect(codes).toEqual([KernelError.IllegalOperation]);
  });

  it('scrubs enclave memory and stops its threads when the last enclave cap goes', () => {
    const { s, rootError } = enclaveSystem({ entries: [adder] });
    s.run({ checkInvariants: true });
    expect(rootError()).toBeNull();
    const e = s.kernel.enclaves()[0]!;
    const memory = s.kernel.memory;
    expect(memory.read32(e.base + SECRET_OFFSET)).toBe(SECRET);
    const enclave = s.kernel.object(e.id) as Enclave;
    const thread = enclave.threads[0]!;
    expect(thread.state).toBe(ThreadState.BlockedOnReceive);
    // Every cap to it deleted, as CNode_Delete on each would.
    for (const o of s.kernel.objects()) {
      if (o.type !== ObjectType.CNode) continue;
      for (const slot of (o as CNode).slots)
        if (slot.cap?.obj === enclave) deleteCap(s.kernel.state, slot);
    }
    expect(enclave.live).toBe(false);
    expect(s.kernel.enclaves()).toHaveLength(0);
    const from = e.base - memory.base;
    expect(memory.bytes.subarray(from, from + e.size).every((b) => b === 0)).toBe(true);
    expect(thread.enclave).toBeNull();
    expect(thread.state).toBe(ThreadState.Inactive);
    expect(s.kernel.checkInvariants()).toEqual([]);
    // The memory is ordinary again for the port.
    const port = s.kernel.port;
    expect(port.checkAccess(thread.context, e.base, 4, AccessKind.Read)).toBe(false);
  });
});

function* enclaveAddThreadRaw(sys: Sys, enclave: number, tcb: number, args: number[]) {
  for (let i = 0; i < args.length; i++) sys.setMR(i, args[i]!);
  sys.setCap(0, tcb);
  yield* sys.call(enclave, encodeMessageInfo(InvocationLabel.EnclaveAddThread, args.length, 1));
  return sys.label;
}
