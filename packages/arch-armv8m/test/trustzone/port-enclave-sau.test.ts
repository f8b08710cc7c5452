// How ArmV8mPort maps kernel enclaves onto the SAU: addEnclave replans the SAU so that enclave
// memory is Secure (in no region), the granules of the declared entries are Non-secure callable,
// and the rest of Non-secure memory stays Non-secure; too few SAU regions is a typed refusal that
// changes nothing; a bad domain is refused; removeEnclave gives the memory back. A property test
// checks the attribution of random addresses against random enclave sets.

import type { EnclaveDomain } from '@k5/kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ArmV8mPort,
  ArmV8mPortError,
  gatewayGranules,
  planEnclaveSau,
  SAU_CTRL,
  SAU_RBAR,
  SAU_RLAR,
  SAU_RNR,
  type Sau,
  SecurityAttribute,
} from '../../src/index';
import { ENCLAVE } from './port-fixture';

function sauRegisters(sau: Sau): [number, number][] {
  return Array.from({ length: sau.regionCount }, (_, n) => {
    sau.write(SAU_RNR, n);
    return [sau.read(SAU_RBAR), sau.read(SAU_RLAR)];
  });
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof ArmV8mPortError) return e.code;
    throw e;
  }
  return undefined;
}

const SECOND: EnclaveDomain = { id: 8, base: 0x2001_0000, size: 0x100, entries: [0x2001_0080] };

describe('addEnclave programs the SAU', () => {
  it('before any enclave: one Non-secure region over the whole space, SAU enabled', () => {
    const port = new ArmV8mPort();
    expect(sauRegisters(port.sau)[0]).toEqual([0, 0xffff_ffe1]);
    expect(port.sau.read(SAU_CTRL)).toBe(1);
    expect(port.sau.attribute(0x2000_8000).attribute).toBe(SecurityAttribute.NonSecure);
  });

  it('gives these register values for the fixture enclave (the worked example of the docs)', () => {
    const port = new ArmV8mPort();
    port.addEnclave(ENCLAVE);
    expect(sauRegisters(port.sau)).toEqual([
      [0x0000_0000, 0x2000_7fe1], // Non-secure below the enclave
      [0x2000_8400, 0xffff_ffe1], // Non-secure above it
      [0x2000_8000, 0x2000_8003], // NSC: the granule of entry 0x2000_8000
      [0x2000_8100, 0x2000_8103], // NSC: the granule of entry 0x2000_8102
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    const attr = (a: number) => port.sau.attribute(a).attribute;
    expect(attr(0x2000_7fff)).toBe(SecurityAttribute.NonSecure);
    expect(attr(0x2000_8000)).toBe(SecurityAttribute.NonSecureCallable);
    expect(attr(0x2000_8020)).toBe(SecurityAttribute.Secure);
    expect(attr(0x2000_811f)).toBe(SecurityAttribute.NonSecureCallable);
    expect(attr(0x2000_83ff)).toBe(SecurityAttribute.Secure);
    expect(attr(0x2000_8400)).toBe(SecurityAttribute.NonSecure);
    expect([...port.enclaves.keys()]).toEqual([7]);
  });

  it('an SG straddling a granule edge makes both granules Non-secure callable', () => {
    expect(gatewayGranules({ id: 1, base: 0x1000, size: 0x100, entries: [0x101e] })).toEqual([
      { base: 0x1000, size: 0x40 },
    ]);
    // Entries sharing a granule share one region; the Thumb bit is not an address bit.
    expect(
      gatewayGranules({ id: 1, base: 0x1000, size: 0x100, entries: [0x1000, 0x1009, 0x1040] }),
    ).toEqual([
      { base: 0x1000, size: 0x20 },
      { base: 0x1040, size: 0x20 },
    ]);
  });

  it('only the board Non-secure memory is Non-secure when nonSecureMemory is given', () => {
    const port = new ArmV8mPort({
      nonSecureMemory: [
        { base: 0x0800_0000, size: 0x8_0000 },
        { base: 0x2000_0000, size: 0x4_0000 },
      ],
    });
    port.addEnclave(ENCLAVE);
    const attr = (a: number) => port.sau.attribute(a).attribute;
    expect(attr(0x0800_0000)).toBe(SecurityAttribute.NonSecure);
    expect(attr(0x2000_8200)).toBe(SecurityAttribute.Secure);
    expect(attr(0x2003_fffc)).toBe(SecurityAttribute.NonSecure);
    expect(attr(0x3000_0000)).toBe(SecurityAttribute.Secure);
    expect(codeOf(() => new ArmV8mPort({ nonSecureMemory: [{ base: 0x10, size: 0x20 }] }))).toBe(
      'bad-option',
    );
  });
});

describe('refusals', () => {
  it('too few SAU regions: a typed refusal that leaves the SAU and the enclaves unchanged', () => {
    // 4 regions: the first enclave needs 2 Non-secure pieces and 2 gateways, the second 2 more.
    const port = new ArmV8mPort({ sauRegions: 4 });
    port.addEnclave(ENCLAVE);
    const before = sauRegisters(port.sau);
    const refusal = port.enclaveRefusal(SECOND);
    expect(refusal?.code).toBe('sau-exhausted');
    expect(refusal?.message).toMatch(/need 6 SAU regions .* but the SAU has 4/);
    expect(codeOf(() => port.addEnclave(SECOND))).toBe('sau-exhausted');
    expect(sauRegisters(port.sau)).toEqual(before);
    expect([...port.enclaves.keys()]).toEqual([7]);
    // Destroying the first makes room.
    port.removeEnclave(ENCLAVE.id);
    expect(port.enclaveRefusal(SECOND)).toBeNull();
    port.addEnclave(SECOND);
    expect([...port.enclaves.keys()]).toEqual([8]);
  });

  it('domains the SAU cannot express, shared memory and a second add are bad-enclave', () => {
    const port = new ArmV8mPort();
    port.addEnclave(ENCLAVE);
    const bad: EnclaveDomain[] = [
      { id: 1, base: 0x2001_0000, size: 0x300, entries: [0x2001_0000] }, // not a power of two
      { id: 1, base: 0x2001_0100, size: 0x200, entries: [0x2001_0100] }, // not naturally aligned
      { id: 1, base: 0x2001_0000, size: 0x10, entries: [0x2001_0000] }, // below one granule
      { id: 1, base: 0x2001_0000, size: 0x100, entries: [0x2001_00fe] }, // SG would leave it
      { id: 1, base: 0x2001_0000, size: 0x100, entries: [0x2000_0000] }, // entry outside
      { id: 1, base: 0x2000_8000, size: 0x100, entries: [0x2000_8000] }, // shares memory
      { ...ENCLAVE }, // already added
    ];
    for (const d of bad) expect(codeOf(() => port.addEnclave(d))).toBe('bad-enclave');
    expect([...port.enclaves.keys()]).toEqual([7]);
  });

  it('a thread cannot join an enclave the port was not given', () => {
    const port = new ArmV8mPort();
    const ctx = port.createContext();
    expect(codeOf(() => port.setEnclave(ctx, ENCLAVE))).toBe('unknown-enclave');
    port.addEnclave(ENCLAVE);
    expect(codeOf(() => port.setEnclave(ctx, { ...ENCLAVE, size: 0x800 }))).toBe('unknown-enclave');
    port.setEnclave(ctx, ENCLAVE);
    expect(port.securityOf(ctx)).toBe('secure');
  });
});

describe('removeEnclave', () => {
  it('restores the SAU of no enclaves, and an unknown id changes nothing', () => {
    const port = new ArmV8mPort();
    const initial = sauRegisters(port.sau);
    port.addEnclave(ENCLAVE);
    port.addEnclave(SECOND);
    port.removeEnclave(SECOND.id);
    port.removeEnclave(ENCLAVE.id);
    expect(sauRegisters(port.sau)).toEqual(initial);
    port.removeEnclave(99);
    expect(sauRegisters(port.sau)).toEqual(initial);
    expect(port.enclaves.size).toBe(0);
  });
});

// Enclaves each in their own 64 KiB slot (so they never overlap), 32 B..4 KiB, 1-3 entries.
const enclaveSet = fc
  .uniqueArray(fc.integer({ min: 0, max: 15 }), { minLength: 1, maxLength: 4 })
  .chain((slots) =>
    fc.tuple(
      ...slots.map((slot, i) =>
        fc.integer({ min: 5, max: 12 }).chain((bits) =>
          fc
            .record({
              offset: fc.integer({ min: 0, max: 2 ** (16 - bits) - 1 }),
              entries: fc.array(fc.integer({ min: 0, max: (2 ** bits - 4) / 2 }), {
                minLength: 1,
                maxLength: 3,
              }),
            })
            .map(({ offset, entries }): EnclaveDomain => {
              const base = 0x2000_0000 + slot * 0x1_0000 + offset * 2 ** bits;
              return { id: i, base, size: 2 ** bits, entries: entries.map((e) => base + e * 2) };
            }),
        ),
      ),
    ),
  );

describe('attribution property', () => {
  it('Non-secure outside every enclave, NSC exactly on entry granules, Secure elsewhere inside', () => {
    fc.assert(
      fc.property(enclaveSet, fc.array(fc.nat(0xf_ffff), { maxLength: 40 }), (enclaves, picks) => {
        const port = new ArmV8mPort({ sauRegions: 8 });
        let fitted = true;
        for (const d of enclaves) {
          if (port.enclaveRefusal(d)) {
            fitted = false;
            expect(codeOf(() => planEnclaveSau([{ base: 0, size: 2 ** 32 }], enclaves, 8))).toBe(
              'sau-exhausted',
            );
            break;
          }
          port.addEnclave(d);
        }
        if (!fitted) return;
        const addresses = [
          ...enclaves.flatMap((d) => [d.base - 1, d.base, d.base + d.size - 1, d.base + d.size]),
          ...enclaves.flatMap((d) => d.entries.flatMap((e) => [e, e + 3, e + 4])),
          ...picks.map((p) => 0x2000_0000 + p),
        ];
        for (const a of addresses) {
          const inside = enclaves.find((d) => a >= d.base && a < d.base + d.size);
          const granule = a - (a % 32);
          const nsc = inside?.entries.some((e) => e < granule + 32 && e + 4 > granule) ?? false;
          const expected = !inside
            ? SecurityAttribute.NonSecure
            : nsc
              ? SecurityAttribute.NonSecureCallable
              : SecurityAttribute.Secure;
          expect(port.sau.attribute(a).attribute).toBe(expected);
        }
      }),
      { numRuns: 300 },
    );
  });
});
