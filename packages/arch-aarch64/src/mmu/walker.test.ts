import { describe, expect, it } from 'vitest';
import { SparseMemory, writeU64 } from '../memory';
import { FaultStatusCode } from './fault';
import { AccessKind } from './fault';
import { DEFAULT_TCR, type TcrFields } from './tcr';
import { createWalkContext, translate, walk } from './walker';

// A hand-built 4-level tree (tables written as raw descriptors, never through the encoder):
//   VA 0x80_8060_4123 = L0 index 1 (bits 47:39), L1 index 2 (38:30), L2 index 3 (29:21),
//   L3 index 4 (20:12), offset 0x123.
//   root (L0) at 0x1000, L1 table at 0x2000, L2 at 0x3000, L3 at 0x4000.
const VA = 0x80_8060_4123;
const ROOT = 0x1000;
// Table descriptor = next table address | 0b11.
const TABLE = (pa: number) => BigInt(pa) | 3n;
// Page: OA 0x5_0000_0000 | 0xF47 (0b11 page, AttrIndx 1, AP 01, SH 11, AF, nG).
const PAGE_RW_EL0 = 0x5_0000_0f47n;

function tree(overrides: { l0?: bigint; l1?: bigint; l2?: bigint; l3?: bigint } = {}) {
  const mem = new SparseMemory();
  writeU64(mem, ROOT + 1 * 8, overrides.l0 ?? TABLE(0x2000));
  writeU64(mem, 0x2000 + 2 * 8, overrides.l1 ?? TABLE(0x3000));
  writeU64(mem, 0x3000 + 3 * 8, overrides.l2 ?? TABLE(0x4000));
  writeU64(mem, 0x4000 + 4 * 8, overrides.l3 ?? PAGE_RW_EL0);
  return mem;
}

const ctxFor = (tcr: Partial<TcrFields> = {}, baddr = ROOT) =>
  createWalkContext({ ...DEFAULT_TCR, ...tcr }, { asid: 1, baddr });

describe('table walk', () => {
  it('walks four levels to a page', () => {
    const r = translate(tree(), ctxFor(), VA, AccessKind.Read, 0);
    expect(r).toMatchObject({ ok: true, pa: 0x5_0000_0123 });
    if (r.ok) {
      expect(r.entry).toMatchObject({
        level: 3,
        size: 4096,
        vaBase: VA - 0x123,
        attrIndx: 1,
        nG: true,
      });
    }
  });

  it('stops at a 2 MiB block at level 2', () => {
    // Block: OA 0x4060_0000 (2 MiB aligned) | 0b01 | AF (0x400) | AP 01 (0x40) = 0x40600441.
    const mem = tree({ l2: 0x4060_0441n });
    const r = translate(mem, ctxFor(), VA, AccessKind.Write, 0);
    // PA = block OA + VA[20:0] = 0x40600000 + 0x4123.
    expect(r).toMatchObject({ ok: true, pa: 0x4060_4123, entry: { level: 2, size: 2 ** 21 } });
  });

  it('stops at a 1 GiB block at level 1', () => {
    // Block: OA 0x1_C000_0000 | 0x441.
    const r = translate(tree({ l1: 0x1_c000_0441n }), ctxFor(), VA, AccessKind.Read, 1);
    // PA = 0x1_C000_0000 + VA[29:0] (0x0060_4123).
    expect(r).toMatchObject({ ok: true, pa: 0x1_c060_4123, entry: { level: 1 } });
  });

  it.each<[string, Parameters<typeof tree>[0], FaultStatusCode]>([
    ['L0 invalid', { l0: 0n }, FaultStatusCode.TranslationL0],
    ['L0 block encoding', { l0: 0x441n }, FaultStatusCode.TranslationL0],
    ['L1 invalid', { l1: 0x3000n /* bit 0 clear */ }, FaultStatusCode.TranslationL1],
    ['L2 invalid', { l2: 0n }, FaultStatusCode.TranslationL2],
    ['L3 invalid', { l3: 0x5_0000_0f46n /* bit 0 clear */ }, FaultStatusCode.TranslationL3],
    ['L3 reserved 0b01', { l3: 0x5_0000_0f45n }, FaultStatusCode.TranslationL3],
    // IPS 0b010 = 40-bit PA: anything at or above 0x100_0000_0000 is out of range.
    ['L1 table above PA size', { l1: TABLE(0x100_0000_3000) }, FaultStatusCode.AddressSizeL1],
    ['L2 block above PA size', { l2: 0x200_4060_0441n }, FaultStatusCode.AddressSizeL2],
    ['L3 page above PA size', { l3: 0x100_0000_0f47n }, FaultStatusCode.AddressSizeL3],
    // AF (bit 10, 0x400) cleared from each leaf kind.
    ['L1 block with AF = 0', { l1: 0x1_c000_0041n }, FaultStatusCode.AccessFlagL1],
    ['L2 block with AF = 0', { l2: 0x4060_0041n }, FaultStatusCode.AccessFlagL2],
    ['L3 page with AF = 0', { l3: 0x5_0000_0b47n }, FaultStatusCode.AccessFlagL3],
  ])('%s', (_name, overrides, code) => {
    const r = walk(tree(overrides), ctxFor({ ips: 2 }), VA);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.fault.statusCode).toBe(code);
  });

  it.each<[string, number, Partial<TcrFields>, number, FaultStatusCode]>([
    ['VA beyond the 48-bit range', 2 ** 48, {}, ROOT, FaultStatusCode.TranslationL0],
    [
      'VA beyond a 39-bit range (T0SZ 25)',
      2 ** 39,
      { t0sz: 25 },
      ROOT,
      FaultStatusCode.TranslationL0,
    ],
    ['EPD0 set', VA, { epd0: true }, ROOT, FaultStatusCode.TranslationL0],
    ['TTBR0 BADDR above a 40-bit PA', VA, { ips: 2 }, 2 ** 40, FaultStatusCode.AddressSizeL0],
  ])('%s', (_name, va, tcr, baddr, code) => {
    const r = walk(tree(), ctxFor(tcr, baddr), va);
    expect(r).toMatchObject({ ok: false, fault: { statusCode: code, level: 0 } });
  });

  it('address size faults come before access flag faults at the same level', () => {
    // AF = 0 and OA above 40 bits: the address size fault wins.
    const r = walk(tree({ l3: 0x100_0000_0b47n }), ctxFor({ ips: 2 }), VA);
    expect(r).toMatchObject({ ok: false, fault: { kind: 'address-size', level: 3 } });
  });

  it('starts at level 1 with T0SZ 25 and level 2 with T0SZ 34', () => {
    // T0SZ 25: root is an L1 table indexed by VA[38:30]. VA 0x80604123 -> L1 index 2.
    const mem = new SparseMemory();
    writeU64(mem, 0x1000 + 2 * 8, 0x1_c000_0441n);
    expect(translate(mem, ctxFor({ t0sz: 25 }), 0x8060_4123, AccessKind.Read, 0)).toMatchObject({
      ok: true,
      pa: 0x1_c060_4123,
    });
    // T0SZ 34: root is an L2 table indexed by VA[29:21]. VA 0x00604123 -> L2 index 3.
    const mem2 = new SparseMemory();
    writeU64(mem2, 0x1000 + 3 * 8, 0x4060_0441n);
    expect(translate(mem2, ctxFor({ t0sz: 34 }), 0x0060_4123, AccessKind.Read, 0)).toMatchObject({
      ok: true,
      pa: 0x4060_4123,
    });
  });

  it('indexes a 32-entry level-0 table with T0SZ 20 (44-bit VA)', () => {
    // VA 2^43 -> L0 index VA[43:39] = 16.
    const mem = new SparseMemory();
    writeU64(mem, 0x1000 + 16 * 8, TABLE(0x2000));
    writeU64(mem, 0x2000, 0x4000_0441n); // L1 index 0: 1 GiB block at 0x40000000
    const r = translate(mem, ctxFor({ t0sz: 20 }), 2 ** 43 + 0x10, AccessKind.Read, 0);
    expect(r).toMatchObject({ ok: true, pa: 0x4000_0010 });
  });
});

describe('permission check', () => {
  // Leaf AP in bits [7:6]; UXN = bit 54 (hi 0x400000), PXN = bit 53 (hi 0x200000).
  const page = (ap: number, hi = 0) => (BigInt(hi) << 32n) | 0x5_0000_0f07n | (BigInt(ap) << 6n);
  it.each<[string, bigint | undefined, bigint | undefined, AccessKind, 0 | 1, boolean, boolean]>([
    // [name, l3 page, l1 table override, access, el, wxn, allowed]
    ['EL0 read of AP=00', page(0), undefined, AccessKind.Read, 0, false, false],
    ['EL1 write of AP=00', page(0), undefined, AccessKind.Write, 1, false, true],
    ['EL0 write of AP=01', page(1), undefined, AccessKind.Write, 0, false, true],
    ['EL1 write of AP=10', page(2), undefined, AccessKind.Write, 1, false, false],
    ['EL0 read of AP=10', page(2), undefined, AccessKind.Read, 0, false, false],
    ['EL0 read of AP=11', page(3), undefined, AccessKind.Read, 0, false, true],
    ['EL0 write of AP=11', page(3), undefined, AccessKind.Write, 0, false, false],
    ['EL0 exec, UXN = 0', page(3), undefined, AccessKind.Execute, 0, false, true],
    ['EL0 exec, UXN = 1', page(3, 0x40_0000), undefined, AccessKind.Execute, 0, false, false],
    ['EL1 exec, PXN = 1', page(2, 0x20_0000), undefined, AccessKind.Execute, 1, false, false],
    [
      'EL1 exec of EL0-writable page (implicit PXN)',
      page(1),
      undefined,
      AccessKind.Execute,
      1,
      false,
      false,
    ],
    ['EL0 execute-only (AP=00, UXN=0)', page(0), undefined, AccessKind.Execute, 0, false, true],
    ['WXN: EL0 exec of EL0-writable page', page(1), undefined, AccessKind.Execute, 0, true, false],
    ['WXN: EL1 exec of EL1-writable page', page(0), undefined, AccessKind.Execute, 1, true, false],
    ['WXN: EL1 exec of read-only page', page(2), undefined, AccessKind.Execute, 1, true, true],
    // APTable bits [62:61] = hi bits 30:29; UXNTable bit 60 = hi 0x10000000; PXNTable 0x08000000.
    [
      'APTable 01 removes EL0 access',
      page(1),
      0x2000_0000_0000_3003n,
      AccessKind.Read,
      0,
      false,
      false,
    ],
    [
      'APTable 01 keeps EL1 write',
      page(1),
      0x2000_0000_0000_3003n,
      AccessKind.Write,
      1,
      false,
      true,
    ],
    [
      'APTable 10 removes write at EL1',
      page(0),
      0x4000_0000_0000_3003n,
      AccessKind.Write,
      1,
      false,
      false,
    ],
    ['APTable 10 keeps EL0 read', page(1), 0x4000_0000_0000_3003n, AccessKind.Read, 0, false, true],
    ['UXNTable', page(3), 0x1000_0000_0000_3003n, AccessKind.Execute, 0, false, false],
    ['PXNTable', page(2), 0x0800_0000_0000_3003n, AccessKind.Execute, 1, false, false],
    [
      'PXNTable leaves EL0 exec',
      page(3),
      0x0800_0000_0000_3003n,
      AccessKind.Execute,
      0,
      false,
      true,
    ],
  ])('%s', (_name, l3, l1, access, el, wxn, allowed) => {
    const mem = tree({ l3, ...(l1 === undefined ? {} : { l1 }) });
    const r = translate(mem, ctxFor(), VA, access, el, wxn);
    expect(r.ok).toBe(allowed);
    if (!r.ok) expect(r.fault.statusCode).toBe(FaultStatusCode.PermissionL3);
  });

  it('reports a permission fault on a block at its level', () => {
    // L2 block, AP = 10 (EL1 RO): 0x4060_0000 | 0x401 | 2<<6.
    const r = translate(tree({ l2: 0x4060_0481n }), ctxFor(), VA, AccessKind.Write, 1);
    expect(r).toMatchObject({ ok: false, fault: { statusCode: FaultStatusCode.PermissionL2 } });
  });
});
