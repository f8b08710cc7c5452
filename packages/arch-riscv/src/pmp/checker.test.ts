import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PrivilegeMode } from '../trap';
import { PmpAccess, PmpChecker, paintPermissionMap, permissionMapMask } from './checker';
import { PMP_L, PMP_R, PMP_W, PMP_X, PmpAddressMatching, PmpRegisters } from './registers';

const U = PrivilegeMode.User;
const M = PrivilegeMode.Machine;
const NA4 = PmpAddressMatching.Na4 << 3;
const NAPOT = PmpAddressMatching.Napot << 3;
const TOR = PmpAddressMatching.Tor << 3;

function napot(base: number, size: number): number {
  return ((base >>> 2) | (size / 8 - 1)) >>> 0;
}

describe('PmpChecker', () => {
  it('the lowest-numbered matching entry decides', () => {
    const pmp = new PmpRegisters();
    pmp.writeAddr(0, napot(0x1000, 0x100));
    pmp.writeAddr(1, napot(0x1000, 0x1000));
    pmp.writeCfg(0, NAPOT | PMP_R | ((NAPOT | PMP_R | PMP_W) << 8));
    const check = new PmpChecker(pmp);
    expect(check.check(0x1000, 4, PmpAccess.Write, U)).toEqual({
      allowed: false,
      entry: 0,
      reason: 'match',
    });
    expect(check.check(0x1800, 4, PmpAccess.Write, U)).toEqual({
      allowed: true,
      entry: 1,
      reason: 'match',
    });
    expect(check.allows(0x10fc, 4, PmpAccess.Read, U)).toBe(true);
  });

  it('an access only partly inside the first touching entry fails, in M mode too', () => {
    const pmp = new PmpRegisters();
    pmp.writeAddr(0, 0x1000 >>> 2);
    pmp.writeCfg(0, NA4 | PMP_R | PMP_W | PMP_X);
    const check = new PmpChecker(pmp);
    expect(check.check(0xffe, 4, PmpAccess.Read, M)).toEqual({
      allowed: false,
      entry: 0,
      reason: 'partial-match',
    });
    expect(check.check(0x1000, 8, PmpAccess.Read, U).reason).toBe('partial-match');
    expect(check.allows(0x1000, 4, PmpAccess.Read, U)).toBe(true);
  });

  it('no match: U denied, M allowed; with no PMP at all, U allowed', () => {
    const check = new PmpChecker(new PmpRegisters());
    expect(check.check(0x1000, 4, PmpAccess.Read, U)).toEqual({
      allowed: false,
      entry: -1,
      reason: 'no-match-user',
    });
    expect(check.check(0x1000, 4, PmpAccess.Read, M)).toEqual({
      allowed: true,
      entry: -1,
      reason: 'no-match-machine',
    });
    const none = new PmpChecker(new PmpRegisters({ entries: 0 }));
    expect(none.check(0x1000, 4, PmpAccess.Execute, U)).toEqual({
      allowed: true,
      entry: -1,
      reason: 'no-pmp',
    });
  });

  it("M mode ignores an unlocked entry's permissions but obeys a locked one", () => {
    const pmp = new PmpRegisters();
    pmp.writeAddr(0, napot(0x2000, 0x100));
    pmp.writeAddr(1, napot(0x3000, 0x100));
    pmp.writeCfg(0, NAPOT | ((NAPOT | PMP_R | PMP_L) << 8));
    const check = new PmpChecker(pmp);
    expect(check.allows(0x2000, 4, PmpAccess.Write, M)).toBe(true);
    expect(check.allows(0x2000, 4, PmpAccess.Write, U)).toBe(false);
    expect(check.allows(0x3000, 4, PmpAccess.Read, M)).toBe(true);
    expect(check.allows(0x3000, 4, PmpAccess.Write, M)).toBe(false);
    expect(check.allows(0x3000, 4, PmpAccess.Execute, M)).toBe(false);
  });

  it('an AMO needs read and write', () => {
    const pmp = new PmpRegisters();
    pmp.writeAddr(0, 0xffff_ffff);
    pmp.writeCfg(0, NAPOT | PMP_R);
    const check = new PmpChecker(pmp);
    expect(check.allows(0x10, 4, PmpAccess.Read | PmpAccess.Write, U)).toBe(false);
    expect(check.allows(0x10, 4, PmpAccess.Read, U)).toBe(true);
  });
});

describe('paintPermissionMap agrees with PmpChecker for aligned accesses', () => {
  const entry = fc.record({
    a: fc.constantFrom(0, TOR, NA4, NAPOT),
    perms: fc.integer({ min: 0, max: 7 }),
    locked: fc.boolean(),
    addr: fc.integer({ min: 0, max: 0x3ff }).map((v) => (0x1000 >>> 2) + v - 0x40),
  });
  it('for random register files, every word, both modes, every access kind', () => {
    fc.assert(
      fc.property(
        fc.array(entry, { maxLength: 16 }),
        fc.integer({ min: 0, max: 2 }),
        (entries, g) => {
          const pmp = new PmpRegisters({ granularity: g });
          entries.forEach((e, i) => {
            pmp.writeAddr(i, e.addr);
            pmp.writeEntryConfig(i, e.a | e.perms | (e.locked ? PMP_L : 0));
          });
          const base = 0xf00;
          const map = new Uint8Array(0x600 / 4);
          paintPermissionMap(pmp, base, map);
          const check = new PmpChecker(pmp);
          for (let w = 0; w < map.length; w += 3) {
            for (const size of [1, 2, 4]) {
              const address = base + w * 4 + (size === 4 ? 0 : 4 - size);
              for (const mode of [U, M]) {
                for (const access of [PmpAccess.Read, PmpAccess.Write, PmpAccess.Execute]) {
                  const fast = (map[w]! & permissionMapMask(access, mode)) !== 0;
                  expect(fast).toBe(check.allows(address, size, access, mode));
                }
              }
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
