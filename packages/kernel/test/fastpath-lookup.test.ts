// The fastpath's capability lookup (lookupCapFast) finds exactly the capability the slow path's
// resolveAddressBits finds at full word depth, and null whenever that lookup faults or the slot
// is empty: random CSpaces of one to three guarded CNodes, addresses that mostly follow the tree.
// The fastpath's inline one-level case (lookupCapOneLevel) finds what lookupCapFast finds.
import { ObjectType, Rights, WORD_BITS } from '@k5/abi';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Cap } from '../src/cspace/cap';
import { lookupCapFast, newResolved, resolveAddressBits } from '../src/cspace/lookup';
import { lookupCapOneLevel } from '../src/ipc/fastpath';
import { CNode, Endpoint } from '../src/objects/kobject';

interface Level {
  radix: number;
  guardBits: number;
  guard: number;
  /** Slot holding the next level's CNode cap. */
  link: number;
}

const level = fc
  .record({
    radix: fc.integer({ min: 1, max: 6 }),
    guardBits: fc.integer({ min: 0, max: 14 }),
    guard: fc.nat(),
    link: fc.nat(),
  })
  .map((l) => ({
    ...l,
    guard: l.guardBits === 0 ? 0 : l.guard % 2 ** l.guardBits,
    link: l.link % 2 ** l.radix,
  }));

/** Builds the CSpace: every CNode holds endpoint caps in some slots besides its link. */
function build(levels: Level[], filled: number[]): Cap {
  let id = 1;
  const ep = new Endpoint(id++, 0, 4, null);
  const nodes = levels.map((l) => new CNode(id++, 0, l.radix, null));
  nodes.forEach((node, i) => {
    for (const f of filled) {
      const s = node.slots[f % node.slots.length]!;
      s.cap = new Cap(ObjectType.Endpoint, ep, Rights.All, f);
    }
    const next = levels[i + 1];
    if (next !== undefined) {
      node.slots[levels[i]!.link]!.cap = new Cap(
        ObjectType.CNode,
        nodes[i + 1]!,
        Rights.All,
        0,
        next.guard,
        next.guardBits,
      );
    }
  });
  const top = levels[0]!;
  return new Cap(ObjectType.CNode, nodes[0]!, Rights.All, 0, top.guard, top.guardBits);
}

/** An address that follows the links (guards and link indexes), then random low bits. */
function followingAddress(levels: Level[], low: number): number {
  let cptr = 0;
  let used = 0;
  for (const l of levels) {
    if (used + l.guardBits + l.radix > WORD_BITS) break;
    cptr = cptr * 2 ** l.guardBits + l.guard;
    cptr = cptr * 2 ** l.radix + l.link;
    used += l.guardBits + l.radix;
  }
  const rest = WORD_BITS - used;
  return (cptr * 2 ** rest + (low % 2 ** rest)) >>> 0;
}

describe('lookupCapFast', () => {
  it('finds what resolveAddressBits finds at word depth, null on a fault', () => {
    fc.assert(
      fc.property(
        fc.array(level, { minLength: 1, maxLength: 3 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.nat(),
        fc.boolean(),
        (levels, filled, low, follow) => {
          const root = build(levels, filled);
          const cptr = follow ? followingAddress(levels, low) : low >>> 0;
          const slow = resolveAddressBits(root, cptr, WORD_BITS, newResolved());
          const want = slow.fault !== null ? null : slow.slot!.cap;
          expect(lookupCapFast(root, cptr)).toBe(want);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('a missing or non-CNode root finds nothing', () => {
    const ep = new Endpoint(1, 0, 4, null);
    expect(lookupCapFast(null, 0)).toBeNull();
    expect(lookupCapFast(new Cap(ObjectType.Endpoint, ep, Rights.All), 0)).toBeNull();
  });
});

describe('lookupCapOneLevel', () => {
  /** A CNode whose guard and radix take the whole word (the usual CSpace). */
  const wholeWord = fc
    .record({ radix: fc.integer({ min: 1, max: 8 }), guard: fc.nat() })
    .map(({ radix, guard }) => ({
      radix,
      guardBits: WORD_BITS - radix,
      guard: guard % 2 ** (WORD_BITS - radix),
      link: 0,
    }));

  it('finds what lookupCapFast finds in a one-level CSpace, for any address', () => {
    fc.assert(
      fc.property(
        wholeWord,
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.nat(),
        fc.boolean(),
        (l, filled, low, follow) => {
          const root = build([l], filled);
          const cptr = follow ? followingAddress([l], low) : low >>> 0;
          expect(lookupCapOneLevel(root, cptr)).toBe(lookupCapFast(root, cptr));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('falls back to lookupCapFast for every other CSpace shape', () => {
    fc.assert(
      fc.property(
        fc.array(level, { minLength: 1, maxLength: 3 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.nat(),
        fc.boolean(),
        (levels, filled, low, follow) => {
          const root = build(levels, filled);
          const cptr = follow ? followingAddress(levels, low) : low >>> 0;
          expect(lookupCapOneLevel(root, cptr)).toBe(lookupCapFast(root, cptr));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('a missing or non-CNode root finds nothing', () => {
    const ep = new Endpoint(1, 0, 4, null);
    expect(lookupCapOneLevel(null, 0)).toBeNull();
    expect(lookupCapOneLevel(new Cap(ObjectType.Endpoint, ep, Rights.All), 0)).toBeNull();
  });
});
