import { describe, expect, it } from 'vitest';
import {
  nonSecureBranch,
  SAU_CTRL,
  SAU_RBAR,
  SAU_RLAR,
  SAU_RNR,
  SAU_TYPE,
  Sau,
  SecurityAttribute,
  SG_OPCODE,
  unintendedGateways,
} from './sau';

const { Secure, NonSecure, NonSecureCallable } = SecurityAttribute;

// Region 0: Non-secure flash 0x08040000..0x0807ffff; region 1: NSC veneers 0x0803e000..0x0803ffff;
// region 2: Non-secure SRAM 0x20018000..0x2003ffff; region 3 overlaps region 2 at 0x20030000..
function sau(): Sau {
  const s = new Sau({ regions: 8 });
  s.setRegion(0, 0x08040000, 0x0807ffff, false);
  s.setRegion(1, 0x0803e000, 0x0803ffff, true);
  s.setRegion(2, 0x20018000, 0x2003ffff, false);
  s.setRegion(3, 0x20030000, 0x2003001f, false);
  s.write(SAU_CTRL, 1);
  return s;
}

describe('SAU registers', () => {
  it('SAU_TYPE reports SREGION and RLAR keeps LADDR|NSC|ENABLE', () => {
    const s = new Sau({ regions: 8 });
    expect(s.read(SAU_TYPE)).toBe(8);
    s.write(SAU_RNR, 5);
    s.write(SAU_RBAR, 0x2000001f); // BADDR[31:5]: low 5 bits are RES0
    s.write(SAU_RLAR, 0x200003ff); // LADDR 0x200003e0 | NSC (0x2) | ENABLE (0x1); bits [4:2] RES0
    expect(s.read(SAU_RBAR)).toBe(0x20000000);
    expect(s.read(SAU_RLAR)).toBe(0x200003e3);
    expect(() => s.write(SAU_RNR, 8)).toThrow(/not implemented/);
    s.write(SAU_CTRL, 0xffffffff);
    expect(s.read(SAU_CTRL)).toBe(3);
  });
});

describe('SAU attribution', () => {
  it.each([
    ['Non-secure flash', 0x08040000, NonSecure],
    ['last byte of Non-secure flash (inclusive limit)', 0x0807ffff, NonSecure],
    ['after it', 0x08080000, Secure],
    ['NSC veneers', 0x0803e000, NonSecureCallable],
    ['Secure flash', 0x08000000, Secure],
    ['two regions hit: Secure', 0x20030000, Secure],
    ['one region again', 0x20030020, NonSecure],
  ])('%s', (_name, address, attribute) => {
    expect(sau().attribute(address).attribute).toBe(attribute);
  });

  it('with the SAU disabled everything is Secure, or Non-secure with ALLNS', () => {
    const s = sau();
    s.write(SAU_CTRL, 0);
    expect(s.attribute(0x08040000).attribute).toBe(Secure);
    s.write(SAU_CTRL, 2);
    expect(s.attribute(0x08000000).attribute).toBe(NonSecure);
  });

  it('the IDAU can only make an address more secure', () => {
    const s = new Sau({
      regions: 1,
      idau: (a) =>
        a >= 0x10000000 && a < 0x20000000
          ? Secure
          : a >= 0x30000000
            ? NonSecureCallable
            : NonSecure,
    });
    s.setRegion(0, 0x00000000, 0xdfffffff, false);
    s.write(SAU_CTRL, 1);
    expect(s.attribute(0x00000100).attribute).toBe(NonSecure);
    expect(s.attribute(0x10000100).attribute).toBe(Secure);
    expect(s.attribute(0x30000100).attribute).toBe(NonSecureCallable);
  });

  it('SCS and System-space fetches are exempt', () => {
    expect(sau().attribute(0xe000ed00)).toEqual({ attribute: Secure, exempt: true });
    expect(sau().attribute(0xe0100000).exempt).toBe(false);
    expect(sau().attribute(0xe0100000, true).exempt).toBe(true);
  });
});

describe('SG gateway rule', () => {
  it.each([
    ['Non-secure target', 0x08040000, 0, 'non-secure'],
    ['SG in NSC memory', 0x0803e000, SG_OPCODE, 'secure-entry'],
    ['not SG in NSC memory', 0x0803e000, 0xbf00bf00, 'secure-fault'],
    ['SG in Secure (not NSC) memory', 0x08000000, SG_OPCODE, 'secure-fault'],
  ])('%s', (_name, target, word, kind) => {
    expect(nonSecureBranch(sau(), target, word).kind).toBe(kind);
  });

  it('finds SG words in NSC memory that are not intended veneers', () => {
    const words: [number, number][] = [
      [0x0803e000, SG_OPCODE],
      [0x0803e008, SG_OPCODE],
      [0x0803e010, 0x12345678],
      [0x08000000, SG_OPCODE],
    ];
    expect(unintendedGateways(sau(), words, new Set([0x0803e000]))).toEqual([0x0803e008]);
  });
});
