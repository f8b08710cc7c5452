import { LookupFailure, ObjectType, Rights } from '@k5/abi';
import { describe, expect, it } from 'vitest';
import { CNode, Endpoint } from '../objects/kobject';
import { Cap } from './cap';
import { newResolved, resolveAddressBits } from './lookup';

// Two levels: a root of radix 4 with guard 0b101 (3 bits), whose slot 2 holds a CNode of radix 8
// with guard 0 of 17 bits; an endpoint at [2][0x33]. 3+4+17+8 = 32 bits.
const root = new CNode(1, 0, 4, null);
const inner = new CNode(2, 0, 8, null);
const ep = new Endpoint(3, 0, 4, null);
const rootCap = new Cap(ObjectType.CNode, root, Rights.All, 0, 0b101, 3);
root.slots[2]!.cap = new Cap(ObjectType.CNode, inner, Rights.All, 0, 0, 17);
inner.slots[0x33]!.cap = new Cap(ObjectType.Endpoint, ep, Rights.All);
root.slots[5]!.cap = new Cap(ObjectType.Endpoint, ep, Rights.All);

const addr = (g: number, i: number, g2: number, j: number) =>
  ((g << 29) | (i << 25) | (g2 << 8) | j) >>> 0;

describe('resolveAddressBits', () => {
  it.each([
    [
      'two levels to the endpoint',
      addr(5, 2, 0, 0x33),
      32,
      { slot: inner.slots[0x33], bitsRemaining: 0, fault: null },
    ],
    [
      'stops early at a non-CNode cap',
      addr(5, 5, 0, 0),
      32,
      { slot: root.slots[5], bitsRemaining: 25, fault: null },
    ],
    [
      'stops at one level when depth = 7',
      0b1010010,
      7,
      { slot: root.slots[2], bitsRemaining: 0, fault: null },
    ],
  ])('%s', (_n, cptr, depth, want) => {
    expect(resolveAddressBits(rootCap, cptr, depth, newResolved())).toEqual(want);
  });

  it.each([
    [
      'guard mismatch at the root',
      addr(4, 2, 0, 0x33),
      32,
      [LookupFailure.GuardMismatch, 32, 0b101, 3],
    ],
    ['guard mismatch below', addr(5, 2, 1, 0x33), 32, [LookupFailure.GuardMismatch, 25, 0, 17]],
    ['guard longer than the bits left', 0b10, 2, [LookupFailure.GuardMismatch, 2, 0b101, 3]],
    ['depth mismatch: level needs more bits', 0b10100, 5, [LookupFailure.DepthMismatch, 5, 7, 0]],
    ['depth mismatch below', addr(5, 2, 0, 0) >>> 4, 28, [LookupFailure.DepthMismatch, 21, 25, 0]],
  ])('%s', (_n, cptr, depth, [kind, bitsLeft, found, guardSize]) => {
    const r = resolveAddressBits(rootCap, cptr, depth, newResolved());
    expect(r.fault).toEqual({ kind, bitsLeft, bitsFound: found, guardSize });
  });

  it('a non-CNode root is InvalidRoot', () => {
    const r = resolveAddressBits(
      new Cap(ObjectType.Endpoint, ep, Rights.All),
      0,
      32,
      newResolved(),
    );
    expect(r.fault?.kind).toBe(LookupFailure.InvalidRoot);
    expect(resolveAddressBits(null, 0, 32, newResolved()).fault?.kind).toBe(
      LookupFailure.InvalidRoot,
    );
  });
});
