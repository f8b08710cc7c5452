import { describe, expect, it } from 'vitest';
import { RiscvError } from '../errors';
import { PMP_L, PMP_R, PMP_W, PMP_X, PmpAddressMatching, PmpRegisters } from './registers';

const TOR = PmpAddressMatching.Tor << 3;
const NA4 = PmpAddressMatching.Na4 << 3;
const NAPOT = PmpAddressMatching.Napot << 3;

describe('PmpRegisters: pmpcfg', () => {
  it('packs four entries per RV32 pmpcfg register, entry 4n in the low byte', () => {
    const pmp = new PmpRegisters();
    pmp.writeCfg(1, NAPOT | PMP_R | ((TOR | PMP_X) << 8) | ((NA4 | PMP_R | PMP_W) << 16));
    expect(pmp.entryConfig(4)).toBe(NAPOT | PMP_R);
    expect(pmp.entryConfig(5)).toBe(TOR | PMP_X);
    expect(pmp.entryConfig(6)).toBe(NA4 | PMP_R | PMP_W);
    expect(pmp.entryConfig(7)).toBe(0);
    expect(pmp.readCfg(1)).toBe(0x00_13_0c_19);
  });

  it.each([
    ['W without R loses W', PMP_W, 0],
    ['W+X without R keeps X only', PMP_W | PMP_X, PMP_X],
    ['bits 6:5 read as zero', 0x60 | PMP_R, PMP_R],
    ['R+W+X+NAPOT unchanged', NAPOT | PMP_R | PMP_W | PMP_X, 0x1f],
  ])('WARL: %s', (_name, written, read) => {
    const pmp = new PmpRegisters();
    pmp.writeCfg(0, written);
    expect(pmp.readCfg(0)).toBe(read);
  });

  it('unimplemented entries read as zero and ignore writes', () => {
    const pmp = new PmpRegisters({ entries: 16 });
    pmp.writeCfg(4, 0x1f1f1f1f);
    pmp.writeAddr(16, 0x1234);
    expect(pmp.readCfg(4)).toBe(0);
    expect(pmp.readAddr(16)).toBe(0);
    const big = new PmpRegisters({ entries: 64 });
    big.writeCfg(15, 0x1f << 24);
    big.writeAddr(63, 0x1234);
    expect(big.readCfg(15) >>> 24).toBe(0x1f);
    expect(big.readAddr(63)).toBe(0x1234);
  });

  it('a locked entry ignores cfg and addr writes until reset; its neighbours do not', () => {
    const pmp = new PmpRegisters();
    pmp.writeAddr(0, 0x100);
    pmp.writeCfg(0, NA4 | PMP_R | PMP_L);
    pmp.writeCfg(0, (TOR | PMP_X) << 8); // entry 0 -> 0 ignored; entry 1 written
    pmp.writeAddr(0, 0x200);
    expect(pmp.entryConfig(0)).toBe(NA4 | PMP_R | PMP_L);
    expect(pmp.entryConfig(1)).toBe(TOR | PMP_X);
    expect(pmp.readAddr(0)).toBe(0x100);
    pmp.reset();
    expect(pmp.readCfg(0)).toBe(0);
    pmp.writeAddr(0, 0x200);
    expect(pmp.readAddr(0)).toBe(0x200);
  });

  it('a locked TOR entry also locks its predecessor pmpaddr; a locked NAPOT entry does not', () => {
    const tor = new PmpRegisters();
    tor.writeAddr(0, 0x100);
    tor.writeCfg(0, (TOR | PMP_R | PMP_L) << 8);
    tor.writeAddr(0, 0x50);
    tor.writeAddr(1, 0x50);
    expect(tor.readAddr(0)).toBe(0x100);
    expect(tor.readAddr(1)).toBe(0);
    expect(tor.addrLocked(0)).toBe(true);
    const napot = new PmpRegisters();
    napot.writeCfg(0, (NAPOT | PMP_R | PMP_L) << 8);
    napot.writeAddr(0, 0x50);
    expect(napot.readAddr(0)).toBe(0x50);
  });

  it('rejects bad construction options and CSR indices with a typed error', () => {
    expect(() => new PmpRegisters({ entries: 8 as 16 })).toThrow(RiscvError);
    expect(() => new PmpRegisters({ granularity: -1 })).toThrow(RiscvError);
    expect(() => new PmpRegisters().readCfg(16)).toThrow(RiscvError);
    expect(() => new PmpRegisters().writeAddr(64, 0)).toThrow(RiscvError);
  });
});

describe('PmpRegisters: granularity G', () => {
  it('G = 2: NAPOT reads bits G-2:0 as ones, OFF/TOR read bits G-1:0 as zeros', () => {
    const pmp = new PmpRegisters({ granularity: 2 });
    expect(pmp.granuleBytes).toBe(16);
    pmp.writeAddr(0, 0xffff_ffff);
    expect(pmp.readAddr(0)).toBe(0xffff_fffc);
    pmp.writeCfg(0, NAPOT | PMP_R);
    pmp.writeAddr(0, 0x1000);
    expect(pmp.readAddr(0)).toBe(0x1001);
    // The stored bits are kept: back to OFF, the low bits read as zero again.
    pmp.writeCfg(0, 0);
    pmp.writeAddr(1, 0x1003);
    expect(pmp.readAddr(1)).toBe(0x1000);
  });

  it('G ≥ 1: NA4 is not selectable (becomes OFF)', () => {
    const pmp = new PmpRegisters({ granularity: 1 });
    pmp.writeCfg(0, NA4 | PMP_R);
    expect(pmp.matching(0)).toBe(PmpAddressMatching.Off);
    expect(pmp.entryConfig(0)).toBe(PMP_R);
  });

  it('G = 1: TOR ignores bit 0 of pmpaddr', () => {
    const pmp = new PmpRegisters({ granularity: 1 });
    pmp.writeAddr(0, 0x101);
    pmp.writeCfg(0, TOR | PMP_R);
    expect(pmp.range(0)).toEqual({ start: 0, end: 0x400 });
  });

  it('G = 2: the smallest NAPOT region is one 16-byte granule (bit 0 forced to one)', () => {
    const pmp = new PmpRegisters({ granularity: 2 });
    pmp.writeCfg(0, NAPOT | PMP_R);
    pmp.writeAddr(0, 0x40);
    expect(pmp.range(0)).toEqual({ start: 0x100, end: 0x110 });
  });
});

describe('PmpRegisters: decoded ranges', () => {
  function one(cfg: number, addr: number, prevAddr = 0) {
    const pmp = new PmpRegisters();
    pmp.writeAddr(0, prevAddr);
    pmp.writeAddr(1, addr);
    pmp.writeCfg(0, cfg << 8);
    return pmp.range(1);
  }
  it.each([
    ['NA4', NA4, 0x100, 0, { start: 0x400, end: 0x404 }],
    ['NAPOT 8 bytes', NAPOT, 0x100, 0, { start: 0x400, end: 0x408 }],
    ['NAPOT 16 bytes', NAPOT, 0x101, 0, { start: 0x400, end: 0x410 }],
    [
      'NAPOT 64 KiB at 0x8000_0000',
      NAPOT,
      0x2000_0000 | 0x1fff,
      0,
      { start: 0x8000_0000, end: 0x8001_0000 },
    ],
    ['NAPOT all ones: everything', NAPOT, 0xffff_ffff, 0, { start: 0, end: 2 ** 35 }],
    ['TOR from the previous pmpaddr', TOR, 0x200, 0x100, { start: 0x400, end: 0x800 }],
    ['TOR empty when bottom ≥ top', TOR, 0x100, 0x100, undefined],
    ['OFF matches nothing', 0, 0x100, 0, undefined],
  ])('%s', (_name, cfg, addr, prev, want) => {
    expect(one(cfg, addr, prev)).toEqual(want);
  });

  it('TOR in entry 0 starts at address 0', () => {
    const pmp = new PmpRegisters();
    pmp.writeAddr(0, 0x40);
    pmp.writeCfg(0, TOR | PMP_R);
    expect(pmp.range(0)).toEqual({ start: 0, end: 0x100 });
  });

  it('version changes on effective writes only', () => {
    const pmp = new PmpRegisters();
    const v0 = pmp.version;
    pmp.writeAddr(0, 0);
    expect(pmp.version).toBe(v0);
    pmp.writeAddr(0, 1);
    expect(pmp.version).toBe(v0 + 1);
  });
});
