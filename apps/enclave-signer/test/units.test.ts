// Unit checks of the app's helpers: byte strings through message registers (any length that
// fits, and typed refusals for what does not), the key-material encoding, and the timeline built
// from a hand-written trace.

import { type HostTaskContext, MSG_MAX_LENGTH, SYSCALL_CONVENTIONS } from '@k5/abi';
import type { TraceEvent } from '@k5/kernel';
import { Sys } from '@k5/userspace';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeKeyMaterial, encodeKeyMaterial } from '../src/key-material';
import { getBytes, maxBytesFrom, putBytes } from '../src/message-bytes';
import { cpuTicks, formatTimeline, timeline } from '../src/timeline';

/** A Sys over a fake register file and word memory. */
function fakeSys(): Sys {
  const regs = new Array<number>(40).fill(0);
  const mem = new Map<number, number>();
  const ctx: HostTaskContext = {
    convention: SYSCALL_CONVENTIONS.armv8m,
    getRegister: (i) => regs[i]!,
    setRegister: (i, v) => {
      regs[i] = v >>> 0;
    },
    ipcBufferAddress: () => 0x1000,
    read32: (a) => mem.get(a) ?? 0,
    write32: (a, v) => {
      mem.set(a, v >>> 0);
    },
    read8: () => 0,
    write8: () => undefined,
    // biome-ignore lint/correctness/useYield: the fake machine never waits for host promises
    *await() {
      throw new Error('not used');
    },
  };
  return new Sys(ctx);
}

describe('byte strings in message registers', () => {
  it('round-trip any bytes that fit, from any first register', () => {
    fc.assert(
      fc.property(fc.nat({ max: 8 }), fc.uint8Array({ maxLength: maxBytesFrom(8) }), (first, b) => {
        const sys = fakeSys();
        const length = putBytes(sys, first, b);
        expect(length).toBe(first + 1 + Math.ceil(b.length / 4));
        expect(length).toBeLessThanOrEqual(MSG_MAX_LENGTH);
        expect(getBytes(sys, first, length)).toEqual(b);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses bytes that do not fit, and a length the message does not carry', () => {
    const sys = fakeSys();
    expect(() => putBytes(sys, 0, new Uint8Array(maxBytesFrom(0) + 1))).toThrow(RangeError);
    putBytes(sys, 0, new Uint8Array(40));
    expect(() => getBytes(sys, 0, 5)).toThrow(/does not fit/);
    expect(() => getBytes(sys, 0, 0)).toThrow(RangeError);
  });
});

describe('key material', () => {
  it('round-trips a private key and a 65-byte public key', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ minLength: 65, maxLength: 65 }),
        (privateKey, publicKey) => {
          const decoded = decodeKeyMaterial(encodeKeyMaterial({ privateKey, publicKey }));
          expect(decoded.privateKey).toEqual(privateKey);
          expect(decoded.publicKey).toEqual(publicKey);
        },
      ),
    );
  });

  it('refuses a public key of another length and truncated material', () => {
    const privateKey = new Uint8Array(10);
    expect(() => encodeKeyMaterial({ privateKey, publicKey: new Uint8Array(64) })).toThrow(
      RangeError,
    );
    const bytes = encodeKeyMaterial({ privateKey, publicKey: new Uint8Array(65) });
    expect(() => decodeKeyMaterial(bytes.subarray(0, bytes.length - 1))).toThrow(RangeError);
  });
});

describe('timeline', () => {
  const names = new Map([
    [1, 'client'],
    [2, '[enclave e]'],
  ]);
  const trace: TraceEvent[] = [
    { kind: 'switch', time: 0, from: 0, to: 1 },
    {
      kind: 'ipc',
      time: 0,
      from: 1,
      to: 2,
      badge: 0,
      length: 1,
      caps: 0,
      call: true,
    },
    { kind: 'switch', time: 0, from: 1, to: 2 },
    { kind: 'switch', time: 5, from: 2, to: 2 },
    { kind: 'budget', time: 40, thread: 2, sc: 9, event: 'expired' },
    { kind: 'switch', time: 40, from: 2, to: 0 },
    { kind: 'switch', time: 100, from: 0, to: 2 },
    { kind: 'fault', time: 110, thread: 2, label: 4, handled: false },
    { kind: 'switch', time: 110, from: 2, to: 1 },
  ];

  it('merges repeated switches, notes what happened and charges time to each thread', () => {
    const tl = timeline(trace, names, 120);
    expect(tl.map((e) => [e.name, e.start, e.end])).toEqual([
      ['client', 0, 0],
      ['[enclave e]', 0, 40],
      ['idle', 40, 100],
      ['[enclave e]', 100, 110],
      ['client', 110, 120],
    ]);
    expect(tl[0]!.notes).toEqual(['client calls [enclave e]']);
    expect(tl[1]!.notes).toEqual(['[enclave e]: budget expired']);
    expect(tl[3]!.notes).toEqual(['[enclave e] faults (VmFault)']);
    expect(cpuTicks(tl).get('[enclave e]')).toBe(50);
    const lines = formatTimeline(tl, '[enclave e]');
    expect(lines.filter((l) => l.startsWith('>'))).toHaveLength(2);
  });
});
