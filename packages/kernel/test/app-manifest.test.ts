// Manifest validation: a good manifest passes untouched; every problem of a bad one is reported
// at once, each with the path a person would look up.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkManifest, ManifestError, validateManifest } from '../src/app/index';
import { planAppMemory } from '../src/app/layout';
import { GOOD } from './app-fixture';

const paths = (v: unknown) => checkManifest(v).map((p) => p.path);

describe('checkManifest', () => {
  it('accepts a good manifest and returns it typed', () => {
    expect(checkManifest(GOOD)).toEqual([]);
    expect(validateManifest(GOOD)).toBe(GOOD);
  });

  it('lists every problem at once, with paths', () => {
    const bad = {
      ...GOOD,
      extra: 1,
      board: { ...GOOD.board, memory: { base: 0x2000_0000, size: 0 } },
      tasks: [
        { ...GOOD.tasks[0]!, priority: 256, budget: 2000 },
        {
          ...GOOD.tasks[1]!,
          name: 'server',
          stack: 100,
          caps: [
            { kind: 'endpoint', slot: 1, endpoint: 'nope', rights: ['fly'] },
            { kind: 'faults', slot: 1 },
            { kind: 'irq', slot: 3, irq: 8, notification: 'events' },
          ],
        },
      ],
    };
    expect(paths(bad)).toEqual([
      'extra',
      'board.memory.size',
      'tasks[0].priority',
      'tasks[0].budget',
      'tasks[1].name',
      'tasks[1].stack',
      'tasks[1].caps[0].endpoint',
      'tasks[1].caps[0].rights[0]',
      'tasks[1].caps[1].slot',
      'tasks[1].caps[1].kind',
      'tasks[1].caps[2].irq',
    ]);
  });

  it.each([
    [{ ...GOOD, tasks: [] }, 'tasks', 'at least one task'],
    [
      { ...GOOD, tasks: [{ ...GOOD.tasks[1]!, period: 10 }] },
      'tasks[0].budget',
      'give both or neither',
    ],
    [{ ...GOOD, regions: [{ name: 'r', size: 64, base: 0x20 }] }, 'regions[0].base', 'aligned'],
    [{ ...GOOD, endpoints: ['a', 'a'] }, 'endpoints[1]', 'already used'],
    [
      { ...GOOD, tasks: [GOOD.tasks[0]!, { ...GOOD.tasks[1]!, supervisor: true }] },
      'tasks',
      'at most one task may be the supervisor',
    ],
    [
      {
        ...GOOD,
        tasks: [
          {
            ...GOOD.tasks[1]!,
            caps: [{ kind: 'endpoint', slot: 16, endpoint: 'pings', rights: [] }],
          },
        ],
      },
      'tasks[0].caps[0].slot',
      'integer 1..15',
    ],
    [
      {
        ...GOOD,
        regions: Array.from({ length: 7 }, (_, i) => ({ name: `r${i}`, size: 32 })),
        tasks: [
          {
            ...GOOD.tasks[1]!,
            regions: Array.from({ length: 7 }, (_, i) => ({ region: `r${i}`, access: 'read' })),
          },
        ],
      },
      'tasks[0].regions',
      'at most 6 regions',
    ],
    ['not a manifest', '(manifest)', 'must be an object'],
  ])('case %#', (manifest, path, message) => {
    const found = checkManifest(manifest).find((p) => p.path === path);
    expect(found?.message).toContain(message);
  });

  it('throws a ManifestError whose message lists the problems', () => {
    expect(() => validateManifest({ ...GOOD, name: '' })).toThrow(ManifestError);
    expect(() => validateManifest({ ...GOOD, name: '' })).toThrow(/1 problem:\n {2}name: must be/);
  });

  it('never throws on arbitrary values (property)', () => {
    fc.assert(
      fc.property(fc.anything(), (v) => {
        expect(Array.isArray(checkManifest(v))).toBe(true);
        expect(Array.isArray(checkManifest({ ...GOOD, tasks: [v] }))).toBe(true);
      }),
    );
  });
});

describe('planAppMemory', () => {
  it('places every block naturally aligned, inside memory, without overlaps', () => {
    const plan = planAppMemory(GOOD);
    const { base, size } = GOOD.board.memory;
    const sorted = [...plan.blocks].sort((a, b) => a.base - b.base);
    for (const [i, b] of sorted.entries()) {
      expect(b.base % 2 ** b.sizeBits).toBe(0);
      expect(b.base).toBeGreaterThanOrEqual(base);
      expect(b.base + 2 ** b.sizeBits).toBeLessThanOrEqual(base + size);
      if (i > 0)
        expect(b.base).toBeGreaterThanOrEqual(sorted[i - 1]!.base + 2 ** sorted[i - 1]!.sizeBits);
    }
    expect(plan.blocks.map((b) => b.name)).toContain('client.stack');
  });

  it('reports a system that does not fit', () => {
    expect(() =>
      planAppMemory({ ...GOOD, board: { ...GOOD.board, memory: { base: 0, size: 2048 } } }),
    ).toThrow(/does not fit in board.memory/);
  });
});
