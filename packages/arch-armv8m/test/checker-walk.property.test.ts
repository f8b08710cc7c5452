// Property: a multi-byte check (which walks the access in constant pieces) agrees with checking
// each byte on its own, for random PMSAv8 and PMSAv7 register contents: allowed exactly when every
// byte is, and a fault reports the first faulting byte with that byte's reason.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeRasr,
  type MemoryAccess,
  MPU_CTRL,
  MPU_MAIR0,
  type MpuCheckResult,
  Pmsav7Mpu,
  Pmsav8Mpu,
} from '../src/index';

const WINDOW = 0x20000000;
const access = fc.constantFrom<MemoryAccess>('read', 'write', 'execute');
const probe = fc.record({
  offset: fc.integer({ min: 0, max: 0x400 }),
  size: fc.integer({ min: 1, max: 96 }),
  access,
  privileged: fc.boolean(),
});

function bytewise(check: (a: number) => MpuCheckResult, address: number, size: number) {
  for (let a = address; a < address + size; a++) {
    const r = check(a);
    if (!r.allowed) return r;
  }
  return { allowed: true as const };
}

describe('checkers walk accesses exactly', () => {
  it('PMSAv8', () => {
    const region = fc.record({
      base: fc.integer({ min: 0, max: 31 }),
      granules: fc.integer({ min: 1, max: 12 }),
      ap: fc.integer({ min: 0, max: 3 }),
      xn: fc.boolean(),
      attr: fc.integer({ min: 0, max: 1 }),
      en: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(region, { maxLength: 8 }),
        fc.integer({ min: 0, max: 7 }),
        probe,
        (regions, ctrl, p) => {
          const mpu = new Pmsav8Mpu({ regions: 8 });
          mpu.write(MPU_MAIR0, 0x04ff);
          regions.forEach((r, i) => {
            const base = WINDOW + r.base * 32;
            const limit = base + r.granules * 32 - 32;
            mpu.setRegion(
              i,
              base | (r.ap << 1) | (r.xn ? 1 : 0),
              limit | (r.attr << 1) | (r.en ? 1 : 0),
            );
          });
          if ((ctrl & 3) === 2) ctrl |= 1; // HFNMIENA without ENABLE is rejected
          mpu.write(MPU_CTRL, ctrl);
          const address = WINDOW - 0x40 + p.offset;
          const got = mpu.check(address, p.size, p.access, p.privileged);
          const want = bytewise((a) => mpu.check(a, 1, p.access, p.privileged), address, p.size);
          expect(got).toEqual(want);
        },
      ),
      { numRuns: process.env.K5_SOAK === '1' ? 20_000 : 500 },
    );
  });

  it('PMSAv7', () => {
    const region = fc.record({
      base: fc.integer({ min: 0, max: 0x3ff }),
      log2: fc.integer({ min: 5, max: 11 }),
      ap: fc.constantFrom(0, 1, 2, 3, 5, 6, 7),
      xn: fc.boolean(),
      srd: fc.integer({ min: 0, max: 255 }),
      en: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(region, { maxLength: 8 }), probe, (regions, p) => {
        const mpu = new Pmsav7Mpu({ regions: 8 });
        regions.forEach((r, i) => {
          const rasr = encodeRasr({
            xn: r.xn,
            ap: r.ap,
            tex: 1,
            s: false,
            c: true,
            b: true,
            srd: r.log2 >= 8 ? r.srd : 0,
            sizeLog2: r.log2,
            enable: r.en,
          });
          mpu.setRegion(i, WINDOW + r.base * 32, rasr);
        });
        mpu.write(MPU_CTRL, 0b101);
        const address = WINDOW + p.offset * 8;
        const got = mpu.check(address, p.size, p.access, p.privileged);
        const want = bytewise((a) => mpu.check(a, 1, p.access, p.privileged), address, p.size);
        expect(got).toEqual(want);
      }),
      { numRuns: process.env.K5_SOAK === '1' ? 20_000 : 500 },
    );
  });
});
