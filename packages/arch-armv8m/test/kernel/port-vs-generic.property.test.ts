// Differential property: for random memory maps of naturally aligned power-of-two grants (the
// kernel's kind), ArmV8mPort's MPU-based checkAccess agrees with the kernel's GenericPort, which
// checks the grant list directly, on every word access near the grants; or, when the map needs
// more regions than the MPU has, the port reports a typed too-many-regions error and refuses
// everything (fail closed).

import fc from 'fast-check';
import { AccessKind, GenericPort, type MemoryGrant } from '@k5/kernel';
import { describe, expect, it } from 'vitest';
import { ArmV8mPort } from '../../src/index';

const BASE = 0x2000_0000;
const ACCESS = [
  AccessKind.Read,
  AccessKind.Read | AccessKind.Execute,
  AccessKind.Read | AccessKind.Write,
  AccessKind.Read | AccessKind.Write | AccessKind.Execute,
];

const grantArb = fc
  .record({
    bits: fc.integer({ min: 5, max: 10 }),
    slot: fc.nat(31),
    within: fc.nat(31),
    access: fc.constantFrom(...ACCESS),
  })
  // Naturally aligned: a 1 KiB slot, then a block of 2^bits inside it.
  .map(({ bits, slot, within, access }) => ({
    base: BASE + slot * 1024 + (within % (1024 >> bits)) * 2 ** bits,
    size: 2 ** bits,
    access,
  }));

function disjoint(grants: readonly MemoryGrant[]): MemoryGrant[] {
  const out: MemoryGrant[] = [];
  for (const g of grants) {
    if (out.every((o) => g.base + g.size <= o.base || o.base + o.size <= g.base)) out.push(g);
  }
  return out;
}

describe('ArmV8mPort against GenericPort', () => {
  it('agrees on every word access, or reports that the map does not fit', () => {
    fc.assert(
      fc.property(
        fc.array(grantArb, { minLength: 0, maxLength: 10 }).map(disjoint),
        fc.constantFrom(4, 8, 16),
        (grants, regions) => {
          const arm = new ArmV8mPort({ mpuRegions: regions });
          const generic = new GenericPort();
          const a = arm.createContext();
          const g = generic.createContext();
          arm.setMemoryMap(a, grants);
          generic.setMemoryMap(g, grants);
          const error = arm.mapError(a);
          // Every edge of every grant (the last word before it, its first and last words, the
          // first word after it), its middle, and the edges of the whole area.
          const words = [BASE - 4, BASE, BASE + 0x8000 - 4, BASE + 0x8000];
          for (const x of grants) {
            const end = x.base + x.size;
            words.push(x.base - 4, x.base, x.base + x.size / 2, end - 4, end);
          }
          for (const addr of words) {
            for (const kind of [AccessKind.Read, AccessKind.Write, AccessKind.Execute]) {
              const got = arm.checkAccess(a, addr, 4, kind);
              if (error) expect(got).toBe(false);
              else expect(got).toBe(generic.checkAccess(g, addr, 4, kind));
            }
          }
          if (error) expect(error.solverError?.code).toBe('too-many-regions');
        },
      ),
      { numRuns: 300 },
    );
  });
});
