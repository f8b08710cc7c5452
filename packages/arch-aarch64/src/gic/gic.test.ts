import { describe, expect, it } from 'vitest';
import {
  GICD_CTLR,
  GICD_ICENABLER,
  GICD_ICFGR,
  GICD_IPRIORITYR,
  GICD_IROUTER,
  GICD_ISENABLER,
  GICD_ISPENDR,
  GICD_PIDR2,
  GICD_TYPER,
} from './distributor';
import { Gic } from './gic';
import { GICR_ICFGR0, GICR_ISENABLER0, GICR_WAKER } from './redistributor';
import { INTID_SPURIOUS } from './state';

function ready(priorityBits?: number) {
  const gic = new Gic(priorityBits === undefined ? {} : { priorityBits });
  gic.init();
  return gic;
}

describe('GICv3 registers', () => {
  it('identifies itself', () => {
    const gic = new Gic();
    // 96 INTIDs: ITLinesNumber = 96/32 - 1 = 2; IDbits 9 << 19 = 0x480000.
    expect(gic.distributor.readU32(GICD_TYPER)).toBe(0x0048_0002);
    // ArchRev = PIDR2[7:4] = 3.
    expect((gic.distributor.readU32(GICD_PIDR2) >>> 4) & 0xf).toBe(3);
    // ARE (bit 4) and DS (bit 6) read as one; groups disabled at reset.
    expect(gic.distributor.readU32(GICD_CTLR)).toBe(0x50);
    // ProcessorSleep (bit 1) and ChildrenAsleep (bit 2) at reset.
    expect(gic.redistributor.readU32(GICR_WAKER)).toBe(0x6);
    expect(gic.redistributor.readU32(GICR_ICFGR0)).toBe(0xaaaa_aaaa);
  });

  it('set/clear-enable registers act on one bits only', () => {
    const gic = new Gic();
    // SPI 40 is bit 8 of GICD_ISENABLER1 (offset 0x104).
    gic.distributor.writeU32(GICD_ISENABLER + 4, 0x100);
    gic.distributor.writeU32(GICD_ISENABLER + 4, 0x200); // SPI 41; 40 stays enabled
    expect(gic.distributor.readU32(GICD_ISENABLER + 4)).toBe(0x300);
    gic.distributor.writeU32(GICD_ICENABLER + 4, 0x100);
    expect(gic.distributor.readU32(GICD_ICENABLER + 4)).toBe(0x200);
  });

  it('banks INTIDs 0-31 in the redistributor (RAZ/WI in the distributor)', () => {
    const gic = new Gic();
    gic.distributor.writeU32(GICD_ISENABLER, 0xffff_ffff);
    expect(gic.distributor.readU32(GICD_ISENABLER)).toBe(0);
    expect(gic.redistributor.readU32(GICR_ISENABLER0)).toBe(0);
    gic.redistributor.writeU32(GICR_ISENABLER0, 1 << 30);
    expect(gic.redistributor.readU32(GICR_ISENABLER0)).toBe(0x4000_0000);
  });

  it('keeps only the implemented priority bits', () => {
    const gic = new Gic(); // 5 bits: mask 0xF8
    // INTIDs 40-43 in GICD_IPRIORITYR10 (offset 0x428); bytes 0x44,0x33,0x22,0x11 → 0x40,0x30,0x20,0x10.
    gic.distributor.writeU32(GICD_IPRIORITYR + 40, 0x1122_3344);
    expect(gic.distributor.readU32(GICD_IPRIORITYR + 40)).toBe(0x1020_3040);
  });

  it('accepts byte writes to IPRIORITYR, as drivers do', () => {
    const gic = new Gic();
    // INTID 42 is byte 2 of GICD_IPRIORITYR10 (0x428): 0xA7 keeps 0xA0 with 5 bits.
    gic.distributor.writeU8(GICD_IPRIORITYR + 42, 0xa7);
    expect(gic.distributor.readU32(GICD_IPRIORITYR + 40)).toBe(0x00a0_0000);
    expect(gic.distributor.readU8(GICD_IPRIORITYR + 42)).toBe(0xa0);
    // PPI 30 is byte 2 of GICR_IPRIORITYR7 (SGI_base + 0x41C).
    gic.redistributor.writeU8(0x1_0000 + 0x400 + 30, 0x48);
    expect(gic.redistributor.readU32(0x1_0000 + 0x41c)).toBe(0x0048_0000);
    // Byte writes elsewhere are ignored.
    gic.distributor.writeU8(GICD_ISENABLER + 5, 0xff);
    expect(gic.distributor.readU32(GICD_ISENABLER + 4)).toBe(0);
  });

  it('configures trigger and routing through ICFGR and IROUTER', () => {
    const gic = new Gic();
    gic.configure(40, { priority: 0x80, edge: true });
    // SPI 40: ICFGR2 (0xC08), bit 2*(40 mod 16)+1 = 17.
    expect(gic.distributor.readU32(GICD_ICFGR + 8)).toBe(1 << 17);
    // IROUTER40 at 0x6000 + 8*40 = 0x6140; IRM (bit 31) + Aff0 = 1 written, RES0 bits dropped.
    gic.distributor.writeU32(GICD_IROUTER + 8 * 40, 0xffff_ffff);
    expect(gic.distributor.readU32(0x6140)).toBe(0x80ff_ffff);
  });
});

describe('GICv3 acknowledge / EOI / priority', () => {
  it('returns 1023 until the redistributor is awake and groups are enabled', () => {
    const gic = new Gic();
    gic.configure(33, { priority: 0x80 });
    gic.setPending(33);
    expect(gic.cpu.readIar1()).toBe(INTID_SPURIOUS);
    gic.init();
    expect(gic.cpu.readIar1()).toBe(33);
  });

  it('acknowledges the highest priority first; lower priorities wait for EOI', () => {
    const gic = ready();
    gic.configure(33, { priority: 0x80 });
    gic.configure(34, { priority: 0x40 });
    gic.setPending(33);
    gic.setPending(34);
    expect(gic.cpu.readHppir1()).toBe(34);
    expect(gic.cpu.readIar1()).toBe(34);
    expect(gic.cpu.runningPriority).toBe(0x40);
    expect(gic.cpu.readIar1()).toBe(INTID_SPURIOUS); // 0x80 cannot preempt 0x40
    gic.cpu.writeEoir1(34);
    expect(gic.cpu.runningPriority).toBe(0xff);
    expect(gic.cpu.readIar1()).toBe(33);
  });

  it('a higher priority preempts, and the running priority unwinds on EOI', () => {
    const gic = ready();
    gic.configure(33, { priority: 0x80 });
    gic.configure(34, { priority: 0x40 });
    gic.setPending(33);
    expect(gic.cpu.readIar1()).toBe(33);
    gic.setPending(34);
    expect(gic.cpu.irqPending).toBe(true);
    expect(gic.cpu.readIar1()).toBe(34);
    expect(gic.cpu.runningPriority).toBe(0x40);
    gic.cpu.writeEoir1(34);
    expect(gic.cpu.runningPriority).toBe(0x80);
    gic.cpu.writeEoir1(33);
    expect(gic.cpu.runningPriority).toBe(0xff);
    expect(gic.cpu.counters).toEqual({ acknowledged: 2, spurious: 0, eois: 2 });
  });

  it('PMR masks priorities at or above it', () => {
    const gic = ready();
    gic.configure(35, { priority: 0x40 });
    gic.setPending(35);
    gic.cpu.priorityMask = 0x40;
    expect(gic.cpu.readIar1()).toBe(INTID_SPURIOUS);
    gic.cpu.priorityMask = 0x48;
    expect(gic.cpu.readIar1()).toBe(35);
  });

  it('BPR1 groups priorities: same group priority does not preempt', () => {
    const gic = ready();
    expect(gic.cpu.binaryPoint).toBe(3); // minimum with 5 bits: (7 - 5) + 1
    gic.cpu.binaryPoint = 0;
    expect(gic.cpu.binaryPoint).toBe(3);
    gic.configure(33, { priority: 0x80 });
    gic.configure(34, { priority: 0x78 });
    gic.setPending(33);
    gic.cpu.readIar1();
    gic.setPending(34);
    // BPR1 = 3: group priority = bits [7:3]; 0x78 < 0x80 preempts.
    expect(gic.cpu.irqPending).toBe(true);
    // BPR1 = 5: group priority = bits [7:5]; 0x78 → 0x60 still preempts 0x80 ...
    gic.cpu.binaryPoint = 5;
    expect(gic.cpu.irqPending).toBe(true);
    // ... but 0x90 → group 0x80 does not (equal group priority).
    gic.configure(34, { priority: 0x90 });
    expect(gic.cpu.irqPending).toBe(false);
  });

  it('level-sensitive: active and pending while the line stays high', () => {
    const gic = ready();
    gic.configure(50, { priority: 0x20, edge: false });
    gic.setLine(50, true);
    expect(gic.cpu.readIar1()).toBe(50);
    // ISPENDR1 bit 18 (INTID 50) still reads as pending, ISACTIVER too.
    expect(gic.distributor.readU32(GICD_ISPENDR + 4) & (1 << 18)).not.toBe(0);
    expect(gic.cpu.readIar1()).toBe(INTID_SPURIOUS); // active: not signalled again
    gic.cpu.writeEoir1(50);
    expect(gic.cpu.readIar1()).toBe(50); // line still high
    gic.cpu.writeEoir1(50);
    gic.setLine(50, false);
    expect(gic.cpu.readIar1()).toBe(INTID_SPURIOUS);
  });

  it('edge-triggered: one rising edge, one acknowledge', () => {
    const gic = ready();
    gic.configure(51, { priority: 0x20, edge: true });
    gic.setLine(51, true);
    gic.setLine(51, false);
    expect(gic.cpu.readIar1()).toBe(51);
    gic.cpu.writeEoir1(51);
    expect(gic.cpu.readIar1()).toBe(INTID_SPURIOUS);
  });

  it('breaks priority ties by the lowest INTID', () => {
    const gic = ready();
    for (const id of [60, 45, 52]) {
      gic.configure(id, { priority: 0x50 });
      gic.setPending(id);
    }
    expect(gic.cpu.readIar1()).toBe(45);
  });

  it('with EOImode = 1 the EOI only drops priority; DIR deactivates', () => {
    const gic = ready();
    gic.cpu.eoiMode = true;
    gic.configure(33, { priority: 0x10 });
    gic.setPending(33);
    gic.cpu.readIar1();
    gic.cpu.writeEoir1(33);
    expect(gic.cpu.runningPriority).toBe(0xff);
    gic.setPending(33);
    expect(gic.cpu.readIar1()).toBe(INTID_SPURIOUS); // still active
    gic.cpu.writeDir(33);
    expect(gic.cpu.readIar1()).toBe(33);
  });

  it.each<[string, bigint, boolean]>([
    // INTID 5 << 24, TargetList bit 0.
    ['SGI 5 to this PE', (5n << 24n) | 1n, true],
    ['IRM = 1: every other PE', (5n << 24n) | (1n << 40n) | 1n, false],
    ['Aff1 = 1: another cluster', (5n << 24n) | (1n << 16n) | 1n, false],
    ['TargetList bit 1 only', (5n << 24n) | 2n, false],
  ])('ICC_SGI1R_EL1: %s', (_n, value, delivered) => {
    const gic = ready();
    gic.configure(5, { priority: 0 });
    gic.cpu.writeSgi1r(value);
    expect(gic.cpu.readIar1()).toBe(delivered ? 5 : INTID_SPURIOUS);
  });

  it('an SPI routed to another PE is not delivered here', () => {
    const gic = ready();
    gic.configure(40, { priority: 0 });
    gic.distributor.writeU32(GICD_IROUTER + 8 * 40, 1); // Aff0 = 1
    gic.setPending(40);
    expect(gic.cpu.readIar1()).toBe(INTID_SPURIOUS);
    gic.distributor.writeU32(GICD_IROUTER + 8 * 40, 0x8000_0000); // IRM: any PE
    expect(gic.cpu.readIar1()).toBe(40);
  });

  it('rejects out-of-order EOIs and unimplemented INTIDs with typed errors', () => {
    const gic = ready();
    gic.configure(33, { priority: 0x80 });
    gic.setPending(33);
    gic.cpu.readIar1();
    expect(() => gic.cpu.writeEoir1(34)).toThrow(expect.objectContaining({ code: 'bad-register' }));
    expect(() => gic.configure(96, { priority: 0 })).toThrow(
      expect.objectContaining({ code: 'out-of-range' }),
    );
    expect(() => gic.setLine(3, true)).toThrow(expect.objectContaining({ code: 'out-of-range' }));
    expect(() => new Gic({ spiCount: 33 })).toThrow(
      expect.objectContaining({ code: 'out-of-range' }),
    );
  });
});
