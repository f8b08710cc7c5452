import { describe, expect, it } from 'vitest';
import { SparseWordMemory } from '../registers';
import {
  SAU_CTRL,
  SAU_RBAR,
  SAU_RLAR,
  SAU_RNR,
  Sau,
  SecurityAttribute,
  SG_OPCODE,
  unintendedGateways,
} from '../sau';
import { TrustZoneError } from './errors';
import {
  applySauPlan,
  GATEWAY_FILLER_HALFWORD,
  planSau,
  readHalfword,
  type TrustZoneEnclaveLayout,
  writeGatewayImage,
  writeHalfword,
} from './layout';

const KEYSTORE: TrustZoneEnclaveLayout = {
  name: 'keystore',
  memory: [
    { base: 0x1000_8000, size: 0x2000 },
    { base: 0x3000_4000, size: 0x1000 },
  ],
  gateway: { base: 0x1000_ff00, size: 0x100 },
  entries: [0x1000_ff00, 0x1000_ff08],
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof TrustZoneError) return e.code;
    throw e;
  }
  return undefined;
}

describe('planSau', () => {
  it('attributes task memory Non-secure, the gateway NSC, and leaves enclave memory Secure', () => {
    const plan = planSau(
      {
        nonSecure: [
          { base: 0x0804_0000, size: 0x4_0000 },
          { base: 0x2000_0000, size: 0x1_0000 },
          { base: 0x2001_0000, size: 0x1_0000 }, // touches the previous one: merged
        ],
        enclaves: [KEYSTORE],
      },
      8,
    );
    expect(plan.regions).toEqual([
      { base: 0x0804_0000, limit: 0x0807_ffff, nsc: false },
      { base: 0x2000_0000, limit: 0x2001_ffff, nsc: false },
      { base: 0x1000_ff00, limit: 0x1000_ffff, nsc: true },
    ]);
    const sau = new Sau({ regions: 8 });
    applySauPlan(sau, plan);
    expect(sau.attribute(0x2001_fffc).attribute).toBe(SecurityAttribute.NonSecure);
    expect(sau.attribute(0x1000_ff08).attribute).toBe(SecurityAttribute.NonSecureCallable);
    expect(sau.attribute(0x1000_8000).attribute).toBe(SecurityAttribute.Secure);
    expect(sau.attribute(0x3000_4ffc).attribute).toBe(SecurityAttribute.Secure);
    expect(sau.regionCount).toBe(8);
  });

  it('refuses Non-secure memory that touches an enclave, naming both', () => {
    expect(() =>
      planSau({ nonSecure: [{ base: 0x3000_4fe0, size: 0x40 }], enclaves: [KEYSTORE] }, 8),
    ).toThrow(/overlaps enclave keystore/);
    expect(
      codeOf(() =>
        planSau({ nonSecure: [{ base: 0x1000_ff80, size: 0x20 }], enclaves: [KEYSTORE] }, 8),
      ),
    ).toBe('overlap');
  });

  it('refuses two enclaves sharing memory and a gateway overlapping its own enclave', () => {
    const other = {
      ...KEYSTORE,
      name: 'other',
      gateway: { base: 0x1001_0000, size: 0x20 },
      entries: [0x1001_0000],
    };
    expect(() => planSau({ nonSecure: [], enclaves: [KEYSTORE, other] }, 8)).toThrow(
      /keystore and other share memory/,
    );
    const inside = {
      ...KEYSTORE,
      gateway: { base: 0x1000_8000, size: 0x20 },
      entries: [0x1000_8000],
    };
    expect(codeOf(() => planSau({ nonSecure: [], enclaves: [inside] }, 8))).toBe('overlap');
  });

  it('checks the SAU grid, the entries and the region budget', () => {
    expect(
      codeOf(() => planSau({ nonSecure: [{ base: 0x2000_0010, size: 0x20 }], enclaves: [] }, 8)),
    ).toBe('misaligned');
    expect(
      codeOf(() => planSau({ nonSecure: [{ base: 0xffff_ffe0, size: 0x40 }], enclaves: [] }, 8)),
    ).toBe('bad-range');
    for (const entries of [
      [],
      [0x1000_fefe],
      [0x1000_fffe],
      [0x1000_ff01],
      [0x1000_ff00, 0x1000_ff00],
    ]) {
      expect(
        codeOf(() => planSau({ nonSecure: [], enclaves: [{ ...KEYSTORE, entries }] }, 8)),
      ).toBe('bad-entry');
    }
    const three = [0, 1, 2].map((i) => ({ base: 0x2000_0000 + i * 0x100, size: 0x20 }));
    expect(() => planSau({ nonSecure: three, enclaves: [KEYSTORE] }, 3)).toThrow(
      /needs 4 SAU regions \(3 Non-secure, 1 Non-secure callable after merging\) but the SAU has 3/,
    );
  });
});

describe('the worked example of docs/arch-armv8m.md', () => {
  it('gives these SAU register values', () => {
    const sau = new Sau({ regions: 8 });
    applySauPlan(
      sau,
      planSau(
        {
          nonSecure: [
            { base: 0x0804_0000, size: 0x4_0000 },
            { base: 0x2000_0000, size: 0x1_0000 },
          ],
          enclaves: [
            {
              name: 'keystore',
              memory: [
                { base: 0x1000_8000, size: 0x1000 },
                { base: 0x3000_4000, size: 0x800 },
              ],
              gateway: { base: 0x1000_ff00, size: 0x40 },
              entries: [0x1000_ff00, 0x1000_ff08],
            },
          ],
        },
        8,
      ),
    );
    const regs = Array.from({ length: 8 }, (_, n) => {
      sau.write(SAU_RNR, n);
      return [sau.read(SAU_RBAR), sau.read(SAU_RLAR)];
    });
    expect(regs.slice(0, 3)).toEqual([
      [0x0804_0000, 0x0807_ffe1],
      [0x2000_0000, 0x2000_ffe1],
      [0x1000_ff00, 0x1000_ff23],
    ]);
    for (const [, rlar] of regs.slice(3)) expect(rlar! & 1).toBe(0);
    expect(sau.read(SAU_CTRL)).toBe(1);
  });
});

describe('gateway image', () => {
  it('holds SG at the declared entries only, UDF elsewhere', () => {
    const memory = new SparseWordMemory();
    writeGatewayImage(memory, KEYSTORE);
    const sau = new Sau({ regions: 8 });
    applySauPlan(sau, planSau({ nonSecure: [], enclaves: [KEYSTORE] }, 8));
    const words: [number, number][] = [];
    for (let a = KEYSTORE.gateway.base; a < KEYSTORE.gateway.base + KEYSTORE.gateway.size; a += 2) {
      words.push([a, ((readHalfword(memory, a) << 16) | readHalfword(memory, a + 2)) >>> 0]);
    }
    const sg = words.filter(([, w]) => w === SG_OPCODE).map(([a]) => a);
    expect(sg).toEqual([...KEYSTORE.entries]);
    expect(readHalfword(memory, 0x1000_ff04)).toBe(GATEWAY_FILLER_HALFWORD);
    expect(unintendedGateways(sau, words, new Set(KEYSTORE.entries))).toEqual([]);
  });

  it('reads and writes halfwords little-endian in word memory', () => {
    const memory = new SparseWordMemory();
    writeHalfword(memory, 0x100, 0x1234);
    writeHalfword(memory, 0x102, 0xabcd);
    expect(memory.readWord(0x100)).toBe(0xabcd1234);
    expect(readHalfword(memory, 0x102)).toBe(0xabcd);
  });
});
