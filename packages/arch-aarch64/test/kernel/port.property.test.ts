// Model-based test of the port's protection against the grants it was given: random memory
// maps for two threads, changed while their translations are cached (and with few ASIDs, so
// roll-overs happen), interleaved with random accesses. Two properties after every access:
// the port never allows what no grant allows (soundness, byte by byte), and it allows every
// access that one grant contains (completeness). A stale TLB entry breaks the first.
import { AccessKind, type MemoryGrant } from '@k5/kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Aarch64Port } from '../../src/index';

const BASE = 0x2000_0000;
const SPAN = 0x40_0000; // 4 MiB: two 2 MiB blocks' worth, so blocks and pages both appear
const KINDS = [AccessKind.Read, AccessKind.Write, AccessKind.Execute] as const;
const RIGHTS = [
  AccessKind.Read | AccessKind.Execute,
  AccessKind.Read | AccessKind.Write | AccessKind.Execute,
  AccessKind.Write,
  AccessKind.Read,
];

const grant = fc
  .record({
    bits: fc.integer({ min: 5, max: 22 }),
    slot: fc.nat(),
    rights: fc.constantFrom(...RIGHTS),
  })
  .map(({ bits, slot, rights }): MemoryGrant => {
    const size = 2 ** bits;
    return { base: BASE + (slot % (SPAN / size)) * size, size, access: rights };
  });

type Command =
  | { kind: 'map'; thread: number; grants: MemoryGrant[] }
  | { kind: 'access'; thread: number; pick: number; offset: number; size: number; what: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    kind: fc.constant('map' as const),
    thread: fc.integer({ min: 0, max: 1 }),
    grants: fc.array(grant, { maxLength: 8 }),
  }),
  fc.record({
    kind: fc.constant('access' as const),
    thread: fc.integer({ min: 0, max: 1 }),
    pick: fc.nat(),
    offset: fc.integer({ min: -8, max: 8 }),
    size: fc.constantFrom(1, 4),
    what: fc.integer({ min: 0, max: 2 }),
  }),
);

/** Every byte lies in some grant that allows `kind`. */
function everyByteGranted(
  grants: readonly MemoryGrant[],
  address: number,
  size: number,
  kind: number,
) {
  for (let a = address; a < address + size; a++) {
    if (!grants.some((g) => a >= g.base && a < g.base + g.size && (g.access & kind) === kind))
      return false;
  }
  return true;
}

/** One grant contains the whole access and allows `kind`. */
function oneGrantContains(
  grants: readonly MemoryGrant[],
  address: number,
  size: number,
  kind: number,
) {
  return grants.some(
    (g) => address >= g.base && address + size <= g.base + g.size && (g.access & kind) === kind,
  );
}

describe('Aarch64Port protection agrees with the grants', () => {
  it('is sound and complete across map changes, cached translations and ASID roll-overs', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<number | undefined>(undefined, 1, 2),
        fc.array(command, { minLength: 1, maxLength: 40 }),
        (asidLimit, commands) => {
          const port = new Aarch64Port({
            tableFrames: 64,
            ...(asidLimit === undefined ? {} : { asidLimit }),
          });
          const ctxs = [port.createContext(), port.createContext()];
          const maps: MemoryGrant[][] = [[], []];
          for (const c of commands) {
            if (c.kind === 'map') {
              port.setMemoryMap(ctxs[c.thread]!, c.grants);
              maps[c.thread] = c.grants;
              continue;
            }
            const grants = maps[c.thread]!;
            // Aim near grant edges (where mistakes live), or anywhere in the span.
            const edges = grants.flatMap((g) => [g.base, g.base + g.size]);
            const at =
              edges.length > 0 && c.pick % 4 !== 0
                ? edges[c.pick % edges.length]! + c.offset
                : BASE + ((c.pick * 4099) % SPAN);
            const kind = KINDS[c.what]!;
            const allowed = port.checkAccess(ctxs[c.thread]!, at, c.size, kind);
            if (allowed) expect(everyByteGranted(grants, at, c.size, kind)).toBe(true);
            if (oneGrantContains(grants, at, c.size, kind)) expect(allowed).toBe(true);
          }
          // Nothing but roll-overs ever flushes the whole TLB.
          expect(port.mmu.tlb.counters.flushes.VMALLE1).toBe(port.asids.counters.rollovers);
        },
      ),
      { numRuns: 300 },
    );
  });
});
