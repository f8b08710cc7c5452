// Pins the test assembler against encodings worked out by hand from the spec's formats.
import { describe, expect, it } from 'vitest';
import * as a from './asm';

const { c } = a;

describe('test assembler: 32-bit encodings', () => {
  it.each([
    ['addi x1, x0, 1', a.addi(1, 0, 1), 0x0010_0093],
    ['nop', a.addi(0, 0, 0), 0x0000_0013],
    ['lui x5, 0x12345', a.lui(5, 0x12345), 0x1234_52b7],
    ['jal x1, 8', a.jal(1, 8), 0x0080_00ef],
    ['jal x0, -4', a.jal(0, -4), 0xffdf_f06f],
    ['bne x1, x2, -8', a.bne(1, 2, -8), 0xfe20_9ce3],
    ['sw x2, 8(x1)', a.sw(2, 1, 8), 0x0020_a423],
    ['lw x10, -4(x2)', a.lw(10, 2, -4), 0xffc1_2503],
    ['srai x5, x6, 3', a.srai(5, 6, 3), 0x4033_5293],
    ['sub x3, x4, x5', a.sub(3, 4, 5), 0x4052_01b3],
    ['mul x1, x2, x3', a.mul(1, 2, 3), 0x0231_00b3],
    ['csrrw x1, mscratch, x2', a.csrrw(1, 0x340, 2), 0x3401_10f3],
    ['csrrs x10, mcause, x0', a.csrrs(10, 0x342, 0), 0x3420_2573],
    ['lr.w x5, (x6)', a.lrW(5, 6), 0x1003_22af],
    ['amoadd.w x1, x2, (x3)', a.amoaddW(1, 2, 3), 0x0021_a0af],
    ['ecall', a.ecall(), 0x0000_0073],
    ['ebreak', a.ebreak(), 0x0010_0073],
    ['mret', a.mret(), 0x3020_0073],
    ['wfi', a.wfi(), 0x1050_0073],
    ['fence.i', a.fenceI(), 0x0000_100f],
  ])('%s', (_name, got, want) => {
    expect(got >>> 0).toBe(want);
  });
});

describe('test assembler: 16-bit encodings', () => {
  it.each([
    ['c.nop', c.nop(), 0x0001],
    ['c.ebreak', c.ebreak(), 0x9002],
    ['c.jr ra', c.jr(1), 0x8082],
    ['c.mv a0, a1', c.mv(10, 11), 0x852e],
    ['c.li a0, 1', c.li(10, 1), 0x4505],
    ['c.addi sp, -16', c.addi(2, -16), 0x1141],
    ['c.addi16sp -64', c.addi16sp(-64), 0x7139],
    ['c.swsp ra, 12', c.swsp(1, 12), 0xc606],
    ['c.lwsp ra, 12', c.lwsp(1, 12), 0x40b2],
    ['c.lw a0, 0(a0)', c.lw(10, 10, 0), 0x4108],
    ['c.sw a1, 4(a0)', c.sw(11, 10, 4), 0xc14c],
    ['c.j 0', c.j(0), 0xa001],
    ['c.beqz a0, 8', c.beqz(10, 8), 0xc501],
    ['c.addi4spn s0, 16', c.addi4spn(8, 16), 0x0800],
    ['c.lui a0, 1', c.lui(10, 1), 0x6505],
    ['c.slli a0, 2', c.slli(10, 2), 0x050a],
    ['c.sub s0, s1', c.sub(8, 9), 0x8c05],
    ['c.and a0, a1', c.and(10, 11), 0x8d6d],
  ])('%s', (_name, got, want) => {
    expect(got).toBe(want);
  });

  it('lays out 16- and 32-bit encodings little-endian', () => {
    expect([...a.assemble([c.nop(), a.addi(1, 0, 1)])]).toEqual([
      0x01, 0x00, 0x93, 0x00, 0x10, 0x00,
    ]);
  });

  it('rejects out-of-range operands', () => {
    expect(() => a.addi(1, 0, 4096)).toThrow(RangeError);
    expect(() => a.beq(1, 2, 3)).toThrow(RangeError);
    expect(() => c.lw(1, 8, 0)).toThrow(RangeError);
  });
});
