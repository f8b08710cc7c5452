import { describe, expect, it } from 'vitest';
import { AsidAllocator } from './asid';
import type { TlbiOperation } from './tlb';

function recorder() {
  const ops: TlbiOperation[] = [];
  return { ops, tlbi: (op: TlbiOperation) => ops.push(op) };
}

describe('AsidAllocator', () => {
  it('hands out distinct ASIDs and reuses them without maintenance', () => {
    const alloc = new AsidAllocator();
    const tlb = recorder();
    const a = AsidAllocator.newHandle();
    const b = AsidAllocator.newHandle();
    expect(alloc.activate(a, tlb)).toEqual({ asid: 1, rolledOver: false });
    expect(alloc.activate(b, tlb)).toEqual({ asid: 2, rolledOver: false });
    for (let i = 0; i < 10; i++) {
      expect(alloc.activate(i % 2 ? a : b, tlb).asid).toBe(i % 2 ? 1 : 2);
    }
    expect(tlb.ops).toEqual([]);
    expect(alloc.counters).toMatchObject({ allocations: 2, reuses: 10, rollovers: 0 });
  });

  it('rolls over once when the ASIDs run out, with one full flush', () => {
    const alloc = new AsidAllocator({ limit: 3 });
    const tlb = recorder();
    const spaces = [0, 1, 2, 3].map(() => AsidAllocator.newHandle());
    for (const s of spaces.slice(0, 3)) alloc.activate(s, tlb);
    expect(tlb.ops).toEqual([]);
    const r = alloc.activate(spaces[3]!, tlb);
    expect(r).toEqual({ asid: 1, rolledOver: true });
    expect(tlb.ops).toEqual([{ op: 'VMALLE1' }]);
    expect(alloc.generation).toBe(2);
    // The others are stale: they get fresh ASIDs of generation 2, distinct from space 3's.
    const again = spaces.slice(0, 2).map((s) => alloc.activate(s, tlb).asid);
    expect(again).toEqual([2, 3]);
    expect(alloc.counters.rollovers).toBe(1);
  });

  it('releases with TLBI ASIDE1 so the ASID can be reused at once', () => {
    const alloc = new AsidAllocator({ limit: 1 });
    const tlb = recorder();
    const a = AsidAllocator.newHandle();
    alloc.activate(a, tlb);
    alloc.release(a, tlb);
    expect(tlb.ops).toEqual([{ op: 'ASIDE1', asid: 1 }]);
    expect(alloc.free).toBe(1);
    expect(alloc.activate(AsidAllocator.newHandle(), tlb)).toEqual({ asid: 1, rolledOver: false });
  });

  it.each([[{ asidBits: 8 as const, limit: 256 }], [{ limit: 0 }], [{ asidBits: 12 as 8 }]])(
    'rejects %o',
    (options) => {
      expect(() => new AsidAllocator(options)).toThrow(
        expect.objectContaining({ name: 'Aarch64Error' }),
      );
    },
  );
});
