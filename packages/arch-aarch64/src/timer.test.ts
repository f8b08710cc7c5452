import { describe, expect, it } from 'vitest';
import { Gic } from './gic/gic';
import { INTID_SPURIOUS } from './gic/state';
import { CNTP_CTL_ENABLE, CNTP_CTL_IMASK, GenericTimer } from './timer';

describe('generic timer', () => {
  it('TVAL is the signed 32-bit view of CVAL - CNTPCT', () => {
    const t = new GenericTimer();
    t.advance(1000);
    t.tval = 500; // CVAL = 1500
    expect(t.cval64).toBe(1500n);
    t.advance(700);
    // 1500 - 1700 = -200
    expect(t.tval).toBe(-200);
    // A negative TVAL write puts CVAL in the past: 1700 + (-100) = 1600.
    t.tval = -100;
    expect(t.cval64).toBe(1600n);
    // Writing 0xFFFFFFFF means -1 (sign-extended from bit 31).
    t.tval = 0xffff_ffff;
    expect(t.cval64).toBe(1699n);
    // A CVAL 2^32 + 5 ticks ahead reads back as 5 (only 32 bits are seen).
    t.cval64 = 1700n + 2n ** 32n + 5n;
    expect(t.tval).toBe(5);
  });

  it.each<[string, number, bigint, number]>([
    // [name, CTL written, CVAL, CTL read back] with CNTPCT = 100
    ['disabled: ISTATUS reads 0 even when expired', 0, 50n, 0b000],
    ['enabled, not expired', CNTP_CTL_ENABLE, 150n, 0b001],
    ['enabled, expired: ISTATUS', CNTP_CTL_ENABLE, 100n, 0b101],
    ['masked, expired: ISTATUS still set', CNTP_CTL_ENABLE | CNTP_CTL_IMASK, 10n, 0b111],
  ])('CNTP_CTL_EL0: %s', (_n, ctl, cval, read) => {
    const t = new GenericTimer();
    t.advance(100);
    t.cval64 = cval;
    t.ctlRegister = ctl | 0b100; // ISTATUS is read-only: writing it changes nothing
    expect(t.ctlRegister).toBe(read);
    expect(t.interruptAsserted).toBe(read === 0b101);
  });

  it('drives PPI 30 of the GIC as a level', () => {
    const gic = new Gic();
    gic.init();
    gic.configure(30, { priority: 0x80, edge: false });
    const t = new GenericTimer({ sink: gic });
    t.armDeadline(1000);
    t.advance(999);
    expect(gic.cpu.readIar1()).toBe(INTID_SPURIOUS);
    t.advance(1);
    expect(gic.cpu.readIar1()).toBe(30);
    // The handler re-arms the timer before the EOI; the line drops, nothing is pending.
    t.armDeadline(5000);
    gic.cpu.writeEoir1(30);
    expect(gic.cpu.readIar1()).toBe(INTID_SPURIOUS);
    expect(t.ticksUntilDeadline()).toBe(5000n);
    t.advance(6000);
    expect(t.ticksUntilDeadline()).toBe(0n);
    expect(gic.cpu.readIar1()).toBe(30);
    gic.cpu.writeEoir1(30);
    // IMASK lowers the line without disabling the timer.
    t.ctlRegister = CNTP_CTL_ENABLE | CNTP_CTL_IMASK;
    expect(gic.cpu.readIar1()).toBe(INTID_SPURIOUS);
    t.cancel();
    expect(t.ticksUntilDeadline()).toBeUndefined();
  });

  it('converts nanoseconds to ticks rounding up', () => {
    const t = new GenericTimer({ frequency: 62_500_000 });
    // 62.5 MHz = 16 ns per tick: 1 ms = 62,500 ticks; 17 ns = 1.0625 ticks → 2.
    expect(t.nanosToTicks(1_000_000)).toBe(62_500n);
    expect(t.nanosToTicks(17)).toBe(2n);
  });

  it.each([[1.5], [Number.NaN], [Number.POSITIVE_INFINITY]])(
    'rejects %s ticks with a typed error',
    (v) => {
      const t = new GenericTimer();
      expect(() => t.advance(v)).toThrow(expect.objectContaining({ code: 'field-range' }));
      expect(() => {
        t.tval = v;
      }).toThrow(expect.objectContaining({ code: 'field-range' }));
      expect(() => t.armDeadline(v)).toThrow(expect.objectContaining({ code: 'field-range' }));
    },
  );

  it('rejects time going backwards and a bad frequency', () => {
    expect(() => new GenericTimer().advance(-1)).toThrow(
      expect.objectContaining({ code: 'out-of-range' }),
    );
    expect(() => new GenericTimer({ frequency: 0 })).toThrow(
      expect.objectContaining({ code: 'out-of-range' }),
    );
  });
});

describe('generic timer properties', () => {
  it('compares unsigned: CVAL = 2^64 - 1 never fires for a running counter', () => {
    // A negative TVAL written at CNTPCT = 0 wraps CVAL to 0xFFFF_FFFF_FFFF_FFFF (as KVM's
    // arch_timer_unsigned selftest checks on hardware): no interrupt.
    const t = new GenericTimer();
    t.tval = -1;
    t.ctlRegister = CNTP_CTL_ENABLE;
    t.advance(1_000_000);
    expect(t.cval64).toBe(2n ** 64n - 1n);
    expect(t.istatus).toBe(false);
  });

  it('a TVAL write reads back as the same signed 32-bit value until time moves', async () => {
    const fc = (await import('fast-check')).default;
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 62n }),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.nat(1000),
        (start, tval, step) => {
          const t = new GenericTimer();
          t.advance(start);
          t.tval = tval;
          expect(t.tval).toBe(tval);
          t.ctlRegister = CNTP_CTL_ENABLE;
          t.advance(step);
          expect(t.tval).toBe(Number(BigInt.asIntN(32, BigInt(tval) - BigInt(step))));
          // The condition is an unsigned 64-bit CNTPCT >= CVAL, CVAL = start + tval wrapped.
          const cval = BigInt.asUintN(64, start + BigInt(tval));
          expect(t.istatus).toBe(start + BigInt(step) >= cval);
        },
      ),
    );
  });
});
