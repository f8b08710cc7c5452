// Property: every valid manifest from a family of random systems boots, its tasks hold exactly
// the capabilities and mappings the manifest gives them, the invariant checker holds after every
// kernel entry, and tasks run to completion.
import type { HostTask } from '@k5/abi';
import { Sys } from '@k5/userspace';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bootApp, checkManifest } from '../src/app/index';
import type { AppManifest, ManifestCap, ManifestTask } from '../src/app/manifest';

const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

const manifestArb = fc
  .record({
    endpoints: fc.integer({ min: 0, max: 3 }),
    notifications: fc.integer({ min: 0, max: 2 }),
    regions: fc.array(fc.integer({ min: 5, max: 10 }), { maxLength: 4 }),
    tasks: fc.integer({ min: 1, max: 4 }),
  })
  .chain(({ endpoints, notifications, regions, tasks }) => {
    const eps = names('ep', endpoints);
    const ntfns = names('n', notifications);
    const regionNames = names('r', regions.length);
    const capArb: fc.Arbitrary<Omit<ManifestCap, 'slot'>>[] = [
      fc.constant({ kind: 'reply' as const }),
    ];
    if (eps.length > 0)
      capArb.push(
        fc.record({
          kind: fc.constant('endpoint' as const),
          endpoint: fc.constantFrom(...eps),
          rights: fc.subarray(['read', 'write', 'grant', 'grant-reply'] as const),
          badge: fc.integer({ min: 0, max: 0xffff }),
        }),
      );
    if (ntfns.length > 0)
      capArb.push(
        fc.record({
          kind: fc.constant('notification' as const),
          notification: fc.constantFrom(...ntfns),
          rights: fc.subarray(['read', 'write'] as const),
        }),
      );
    const taskArb = (i: number): fc.Arbitrary<ManifestTask> =>
      fc
        .record({
          name: fc.constant(`t${i}`),
          priority: fc.integer({ min: 0, max: 255 }),
          stack: fc.constantFrom(64, 256, 1024),
          regions: fc.subarray(regionNames).chain((rs) =>
            fc.tuple(
              ...rs.map((r) =>
                fc.record({
                  region: fc.constant(r),
                  access: fc.constantFrom('read', 'read-write') as fc.Arbitrary<
                    'read' | 'read-write'
                  >,
                }),
              ),
            ),
          ),
          caps: fc
            .array(fc.oneof(...capArb), { maxLength: 6 })
            .map((cs) => cs.map((c, slot) => ({ ...c, slot: slot + 1 }) as ManifestCap)),
          budget: fc.constant(undefined),
        })
        .map(({ budget: _b, ...t }) => t);
    return fc.tuple(...Array.from({ length: tasks }, (_, i) => taskArb(i))).map(
      (ts): AppManifest => ({
        name: 'random',
        board: { name: 'test', memory: { base: 0x2000_0000, size: 128 * 1024 } },
        endpoints: eps,
        notifications: ntfns,
        regions: regions.map((bits, i) => ({ name: `r${i}`, size: 2 ** bits })),
        tasks: ts,
      }),
    );
  });

describe('bootApp on random manifests', () => {
  it('boots exactly what the manifest says and keeps the invariants', () => {
    fc.assert(
      fc.property(manifestArb, (m) => {
        expect(checkManifest(m)).toEqual([]);
        const done: string[] = [];
        const program = (name: string): HostTask =>
          function* (ctx) {
            const sys = new Sys(ctx);
            yield* sys.work(10);
            done.push(name);
          };
        const app = bootApp(m, {
          programs: Object.fromEntries(m.tasks.map((t) => [t.name, program(t.name)])),
        });
        expect(app.kernel.checkInvariants()).toEqual([]);
        for (const [i, t] of app.tasks.entries()) {
          const spec = m.tasks[i]!;
          expect(t.tcb.mappings).toHaveLength(2 + (spec.regions?.length ?? 0));
          expect(t.tcb.priority).toBe(spec.priority);
          const cnode = t.tcb.cspaceSlot.cap!.obj as unknown as {
            slots: { cap: { type: number } | null }[];
          };
          const used = cnode.slots.filter((s) => s.cap !== null).length;
          expect(used).toBe(spec.caps?.length ?? 0);
        }
        app.run({ checkInvariants: true });
        expect(done.sort()).toEqual(m.tasks.map((t) => t.name).sort());
      }),
      { numRuns: 60 },
    );
  });
});
