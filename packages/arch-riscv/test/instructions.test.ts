// One row per instruction behaviour: a program (ending in ebreak), registers before, and the
// registers (and memory words) the spec says must hold after. Expected values are worked
// out by hand; the encodings come from the pinned test assembler.
import { describe, expect, it } from 'vitest';
import { ExceptionCause } from '../src/trap';
import * as a from './asm';
import { RAM_BASE, runProgram } from './harness';

const { c } = a;
const D = RAM_BASE + 0x1000; // data area, in x1 for memory rows
const INT_MIN = 0x8000_0000;
const M1 = 0xffff_ffff; // -1 as u32

interface Row {
  program: number[];
  before?: Record<number, number>;
  after: Record<number, number>;
  memory?: Record<number, number>;
}

function check(row: Row): void {
  const { hart, bus } = runProgram(row.program, row.before ?? {}, {
    maxCycles: 1000,
  });
  expect(hart.readCsr(0x342)).toBe(ExceptionCause.Breakpoint);
  for (const [r, v] of Object.entries(row.after)) {
    expect(hart.getRegister(Number(r)), `x${r}`).toBe(v >>> 0);
  }
  for (const [addr, v] of Object.entries(row.memory ?? {})) {
    expect(bus.read(Number(addr), 4), `mem[0x${Number(addr).toString(16)}]`).toBe(v >>> 0);
  }
}

const rv32i: Record<string, Row> = {
  add: { program: [a.add(3, 1, 2)], before: { 1: 5, 2: 7 }, after: { 3: 12 } },
  'add wraps': {
    program: [a.add(3, 1, 2)],
    before: { 1: 0x7fff_ffff, 2: 1 },
    after: { 3: INT_MIN },
  },
  'add to x0 is discarded': { program: [a.add(0, 1, 2)], before: { 1: 5, 2: 7 }, after: { 0: 0 } },
  sub: { program: [a.sub(3, 1, 2)], before: { 1: 5, 2: 7 }, after: { 3: 0xffff_fffe } },
  sll: { program: [a.sll(3, 1, 2)], before: { 1: 1, 2: 31 }, after: { 3: INT_MIN } },
  'sll uses rs2[4:0]': { program: [a.sll(3, 1, 2)], before: { 1: 1, 2: 33 }, after: { 3: 2 } },
  'slt signed': { program: [a.slt(3, 1, 2)], before: { 1: M1, 2: 1 }, after: { 3: 1 } },
  'sltu unsigned': { program: [a.sltu(3, 1, 2)], before: { 1: M1, 2: 1 }, after: { 3: 0 } },
  xor: { program: [a.xor(3, 1, 2)], before: { 1: 0b1100, 2: 0b1010 }, after: { 3: 0b0110 } },
  or: { program: [a.or(3, 1, 2)], before: { 1: 0b1100, 2: 0b1010 }, after: { 3: 0b1110 } },
  and: { program: [a.and(3, 1, 2)], before: { 1: 0b1100, 2: 0b1010 }, after: { 3: 0b1000 } },
  srl: { program: [a.srl(3, 1, 2)], before: { 1: INT_MIN, 2: 31 }, after: { 3: 1 } },
  sra: { program: [a.sra(3, 1, 2)], before: { 1: INT_MIN, 2: 31 }, after: { 3: M1 } },
  'addi negative': { program: [a.addi(3, 1, -1)], before: { 1: 0 }, after: { 3: M1 } },
  slti: { program: [a.slti(3, 1, 0)], before: { 1: M1 }, after: { 3: 1 } },
  'sltiu sign-extends then compares unsigned': {
    program: [a.sltiu(3, 1, -1)],
    before: { 1: 5 },
    after: { 3: 1 },
  },
  'xori -1 is not': {
    program: [a.xori(3, 1, -1)],
    before: { 1: 0x0f0f_0f0f },
    after: { 3: 0xf0f0_f0f0 },
  },
  ori: { program: [a.ori(3, 1, 0x0f0)], before: { 1: 0x00f }, after: { 3: 0x0ff } },
  andi: { program: [a.andi(3, 1, -16)], before: { 1: 0x1234_5678 }, after: { 3: 0x1234_5670 } },
  slli: { program: [a.slli(3, 1, 31)], before: { 1: 3 }, after: { 3: INT_MIN } },
  srli: { program: [a.srli(3, 1, 28)], before: { 1: 0xf000_0000 }, after: { 3: 0xf } },
  srai: { program: [a.srai(3, 1, 28)], before: { 1: 0x8000_0000 }, after: { 3: 0xffff_fff8 } },
  lui: { program: [a.lui(3, 0x80000)], after: { 3: INT_MIN } },
  auipc: { program: [a.addi(0, 0, 0), a.auipc(3, 1)], after: { 3: RAM_BASE + 4 + 0x1000 } },
  'jal links and skips': {
    program: [a.jal(1, 8), a.addi(5, 0, 1)],
    after: { 1: RAM_BASE + 4, 5: 0 },
  },
  'jal backwards': {
    // 0: j +8; 4: j +8 (to 12); 8: j -4 (to 4); 12: ebreak
    program: [a.jal(0, 8), a.jal(0, 8), a.jal(0, -4)],
    after: { 0: 0 },
  },
  'jalr clears bit 0 and links': {
    program: [a.auipc(2, 0), a.jalr(1, 2, 13), a.addi(5, 0, 1)],
    after: { 1: RAM_BASE + 8, 5: 0 },
  },
  'jalr with rd = rs1 uses the old rs1': {
    program: [a.auipc(2, 0), a.jalr(2, 2, 12), a.addi(5, 0, 1)],
    after: { 2: RAM_BASE + 8, 5: 0 },
  },
};

// Branches: [beq-like x1, x2, +8; addi x5, x0, 1; ebreak]: x5 = 0 when taken.
const branches: Array<
  [string, (r1: number, r2: number, o: number) => number, number, number, boolean]
> = [
  ['beq equal', a.beq, 3, 3, true],
  ['beq different', a.beq, 3, 4, false],
  ['bne different', a.bne, 3, 4, true],
  ['bne equal', a.bne, 3, 3, false],
  ['blt signed', a.blt, M1, 1, true],
  ['blt not', a.blt, 1, M1, false],
  ['bge equal', a.bge, 5, 5, true],
  ['bge signed', a.bge, M1, 1, false],
  ['bltu unsigned', a.bltu, 1, M1, true],
  ['bltu not', a.bltu, M1, 1, false],
  ['bgeu unsigned', a.bgeu, M1, 1, true],
  ['bgeu not', a.bgeu, 1, 2, false],
];
for (const [name, op, v1, v2, taken] of branches) {
  rv32i[name] = {
    program: [op(1, 2, 8), a.addi(5, 0, 1)],
    before: { 1: v1, 2: v2 },
    after: { 5: taken ? 0 : 1 },
  };
}

const memory: Record<string, Row> = {
  'sw then lw': {
    program: [a.sw(2, 1, 4), a.lw(3, 1, 4)],
    before: { 1: D, 2: 0x8bad_f00d },
    after: { 3: 0x8bad_f00d },
    memory: { [D + 4]: 0x8bad_f00d },
  },
  'lb sign-extends': {
    program: [a.sw(2, 1, 0), a.lb(3, 1, 3), a.lb(4, 1, 0)],
    before: { 1: D, 2: 0x8bad_f00d },
    after: { 3: 0xffff_ff8b, 4: 0x0d },
  },
  'lbu zero-extends': {
    program: [a.sw(2, 1, 0), a.lbu(3, 1, 3)],
    before: { 1: D, 2: 0x8bad_f00d },
    after: { 3: 0x8b },
  },
  'lh sign-extends': {
    program: [a.sw(2, 1, 0), a.lh(3, 1, 2), a.lh(4, 1, 0)],
    before: { 1: D, 2: 0x8bad_700d },
    after: { 3: 0xffff_8bad, 4: 0x700d },
  },
  'lhu zero-extends': {
    program: [a.sw(2, 1, 0), a.lhu(3, 1, 2)],
    before: { 1: D, 2: 0x8bad_f00d },
    after: { 3: 0x8bad },
  },
  'sb writes one byte': {
    program: [a.sw(0, 1, 0), a.sb(2, 1, 1)],
    before: { 1: D, 2: 0x1234_56ff },
    memory: { [D]: 0x0000_ff00 },
    after: {},
  },
  'sh writes two bytes': {
    program: [a.sw(0, 1, 0), a.sh(2, 1, 2)],
    before: { 1: D, 2: 0x1234_abcd },
    memory: { [D]: 0xabcd_0000 },
    after: {},
  },
  'negative offset': {
    program: [a.sw(2, 1, -4), a.lw(3, 1, -4)],
    before: { 1: D, 2: 77 },
    after: { 3: 77 },
    memory: { [D - 4]: 77 },
  },
};

const rv32m: Record<string, Row> = {
  'mul low bits': {
    program: [a.mul(3, 1, 2)],
    before: { 1: 0x7fff_ffff, 2: 2 },
    after: { 3: 0xffff_fffe },
  },
  'mul negative': { program: [a.mul(3, 1, 2)], before: { 1: M1, 2: 5 }, after: { 3: 0xffff_fffb } },
  'mulh -1 × -1': { program: [a.mulh(3, 1, 2)], before: { 1: M1, 2: M1 }, after: { 3: 0 } },
  'mulh INT_MIN²': {
    program: [a.mulh(3, 1, 2)],
    before: { 1: INT_MIN, 2: INT_MIN },
    after: { 3: 0x4000_0000 },
  },
  'mulh 3 × -2': { program: [a.mulh(3, 1, 2)], before: { 1: 3, 2: 0xffff_fffe }, after: { 3: M1 } },
  'mulhu max²': {
    program: [a.mulhu(3, 1, 2)],
    before: { 1: M1, 2: M1 },
    after: { 3: 0xffff_fffe },
  },
  'mulhu small': {
    program: [a.mulhu(3, 1, 2)],
    before: { 1: 0x1_0000, 2: 0x1_0000 },
    after: { 3: 1 },
  },
  'mulhsu -1 × max': { program: [a.mulhsu(3, 1, 2)], before: { 1: M1, 2: M1 }, after: { 3: M1 } },
  'mulhsu 2 × max': { program: [a.mulhsu(3, 1, 2)], before: { 1: 2, 2: M1 }, after: { 3: 1 } },
  'div truncates toward zero': {
    program: [a.div(3, 1, 2)],
    before: { 1: 7, 2: 0xffff_fffe },
    after: { 3: 0xffff_fffd },
  },
  'div by zero is -1': { program: [a.div(3, 1, 2)], before: { 1: 7, 2: 0 }, after: { 3: M1 } },
  'div INT_MIN / -1 overflows to INT_MIN': {
    program: [a.div(3, 1, 2)],
    before: { 1: INT_MIN, 2: M1 },
    after: { 3: INT_MIN },
  },
  divu: { program: [a.divu(3, 1, 2)], before: { 1: M1, 2: 2 }, after: { 3: 0x7fff_ffff } },
  'divu by zero is all ones': {
    program: [a.divu(3, 1, 2)],
    before: { 1: 7, 2: 0 },
    after: { 3: M1 },
  },
  'rem takes the dividend sign': {
    program: [a.rem(3, 1, 2)],
    before: { 1: 0xffff_fff9, 2: 2 },
    after: { 3: M1 },
  },
  'rem by zero is the dividend': {
    program: [a.rem(3, 1, 2)],
    before: { 1: 0xffff_fff9, 2: 0 },
    after: { 3: 0xffff_fff9 },
  },
  'rem INT_MIN % -1 is 0': {
    program: [a.rem(3, 1, 2)],
    before: { 1: INT_MIN, 2: M1 },
    after: { 3: 0 },
  },
  remu: { program: [a.remu(3, 1, 2)], before: { 1: M1, 2: 10 }, after: { 3: 5 } },
  'remu by zero is the dividend': {
    program: [a.remu(3, 1, 2)],
    before: { 1: M1, 2: 0 },
    after: { 3: M1 },
  },
};

// AMOs: memory word at D starts as x5 (stored first); x3 receives the old value.
function amoRow(
  op: (rd: number, rs2: number, rs1: number) => number,
  old: number,
  src: number,
  result: number,
): Row {
  return {
    program: [a.sw(5, 1, 0), op(3, 2, 1)],
    before: { 1: D, 2: src, 5: old },
    after: { 3: old },
    memory: { [D]: result },
  };
}
const rv32a: Record<string, Row> = {
  'lr.w / sc.w succeeds': {
    program: [a.sw(5, 1, 0), a.lrW(2, 1), a.scW(3, 4, 1)],
    before: { 1: D, 4: 99, 5: 42 },
    after: { 2: 42, 3: 0 },
    memory: { [D]: 99 },
  },
  'sc.w without reservation fails': {
    program: [a.sw(5, 1, 0), a.scW(3, 4, 1)],
    before: { 1: D, 4: 99, 5: 42 },
    after: { 3: 1 },
    memory: { [D]: 42 },
  },
  'second sc.w fails': {
    program: [a.lrW(2, 1), a.scW(3, 4, 1), a.scW(6, 5, 1)],
    before: { 1: D, 4: 99, 5: 42 },
    after: { 3: 0, 6: 1 },
    memory: { [D]: 99 },
  },
  'amoswap.w': amoRow(a.amoswapW, 5, 9, 9),
  'amoadd.w': amoRow(a.amoaddW, 5, 9, 14),
  'amoxor.w': amoRow(a.amoxorW, 0b1100, 0b1010, 0b0110),
  'amoand.w': amoRow(a.amoandW, 0b1100, 0b1010, 0b1000),
  'amoor.w': amoRow(a.amoorW, 0b1100, 0b1010, 0b1110),
  'amomin.w signed': amoRow(a.amominW, M1, 1, M1),
  'amomax.w signed': amoRow(a.amomaxW, M1, 1, 1),
  'amominu.w unsigned': amoRow(a.amominuW, M1, 1, 1),
  'amomaxu.w unsigned': amoRow(a.amomaxuW, M1, 1, M1),
};

const MSCRATCH = 0x340;
const zicsr: Record<string, Row> = {
  'csrrw swaps': {
    program: [a.csrrw(0, MSCRATCH, 1), a.csrrw(3, MSCRATCH, 2)],
    before: { 1: 0x1111, 2: 0x2222 },
    after: { 3: 0x1111 },
  },
  'csrrs sets bits': {
    program: [a.csrrw(0, MSCRATCH, 1), a.csrrs(3, MSCRATCH, 2), a.csrrs(4, MSCRATCH, 0)],
    before: { 1: 0b1100, 2: 0b0011 },
    after: { 3: 0b1100, 4: 0b1111 },
  },
  'csrrc clears bits': {
    program: [a.csrrw(0, MSCRATCH, 1), a.csrrc(3, MSCRATCH, 2), a.csrrs(4, MSCRATCH, 0)],
    before: { 1: 0b1111, 2: 0b0101 },
    after: { 3: 0b1111, 4: 0b1010 },
  },
  csrrwi: {
    program: [a.csrrwi(0, MSCRATCH, 31), a.csrrs(4, MSCRATCH, 0)],
    after: { 4: 31 },
  },
  'csrrsi / csrrci': {
    program: [
      a.csrrwi(0, MSCRATCH, 0b10000),
      a.csrrsi(3, MSCRATCH, 0b00011),
      a.csrrci(4, MSCRATCH, 0b10001),
      a.csrrs(5, MSCRATCH, 0),
    ],
    after: { 3: 0b10000, 4: 0b10011, 5: 0b00010 },
  },
  'minstret reads instructions retired before it': {
    program: [a.addi(0, 0, 0), a.addi(0, 0, 0), a.csrrs(3, 0xb02, 0)],
    after: { 3: 2 },
  },
  'a minstret write is what the next instruction reads': {
    program: [a.csrrw(0, 0xb02, 1), a.csrrs(3, 0xb02, 0)],
    before: { 1: 100 },
    after: { 3: 100 },
  },
  'misa reports RV32IMAC+U': {
    program: [a.csrrs(3, 0x301, 0)],
    after: { 3: 0x4000_0000 | (1 << 0) | (1 << 2) | (1 << 8) | (1 << 12) | (1 << 20) },
  },
  'fence and fence.i are no-ops for registers': {
    program: [a.fence(), a.fenceI(), a.addi(3, 0, 1)],
    after: { 3: 1 },
  },
};

// x8..x15 are the compressed registers; sp is x2.
const rv32c: Record<string, Row> = {
  'c.addi4spn': { program: [c.addi4spn(8, 16)], before: { 2: 100 }, after: { 8: 116 } },
  'c.lw / c.sw': {
    program: [c.sw(9, 8, 124), c.lw(10, 8, 124)],
    before: { 8: D, 9: 0xcafe },
    after: { 10: 0xcafe },
    memory: { [D + 124]: 0xcafe },
  },
  'c.nop': { program: [c.nop(), c.nop()], after: { 0: 0 } },
  'c.addi': { program: [c.addi(5, -32)], before: { 5: 40 }, after: { 5: 8 } },
  'c.jal links pc + 2': {
    program: [c.jal(4), c.nop()],
    after: { 1: RAM_BASE + 2 },
  },
  'c.li': { program: [c.li(5, -1)], after: { 5: M1 } },
  'c.addi16sp': { program: [c.addi16sp(-64)], before: { 2: 1000 }, after: { 2: 936 } },
  'c.lui sign-extends': { program: [c.lui(5, -1)], after: { 5: 0xffff_f000 } },
  'c.srli': { program: [c.srli(8, 4)], before: { 8: INT_MIN }, after: { 8: 0x0800_0000 } },
  'c.srai': { program: [c.srai(8, 4)], before: { 8: INT_MIN }, after: { 8: 0xf800_0000 } },
  'c.andi': { program: [c.andi(8, -2)], before: { 8: 0xff }, after: { 8: 0xfe } },
  'c.sub': { program: [c.sub(8, 9)], before: { 8: 1, 9: 2 }, after: { 8: M1 } },
  'c.xor': { program: [c.xor(8, 9)], before: { 8: 0b1100, 9: 0b1010 }, after: { 8: 0b0110 } },
  'c.or': { program: [c.or(8, 9)], before: { 8: 0b1100, 9: 0b1010 }, after: { 8: 0b1110 } },
  'c.and': { program: [c.and(8, 9)], before: { 8: 0b1100, 9: 0b1010 }, after: { 8: 0b1000 } },
  'c.j skips': { program: [c.j(4), c.li(5, 1)], after: { 5: 0 } },
  'c.beqz taken': { program: [c.beqz(8, 4), c.li(5, 1)], before: { 8: 0 }, after: { 5: 0 } },
  'c.beqz not taken': { program: [c.beqz(8, 4), c.li(5, 1)], before: { 8: 3 }, after: { 5: 1 } },
  'c.bnez taken': { program: [c.bnez(8, 4), c.li(5, 1)], before: { 8: 3 }, after: { 5: 0 } },
  'c.slli': { program: [c.slli(5, 4)], before: { 5: 0x1000_0001 }, after: { 5: 0x10 } },
  'c.lwsp / c.swsp': {
    program: [c.swsp(5, 252), c.lwsp(6, 252)],
    before: { 2: D, 5: 0xbeef },
    after: { 6: 0xbeef },
    memory: { [D + 252]: 0xbeef },
  },
  'c.jr': {
    program: [a.auipc(5, 0), a.addi(5, 5, 12), c.jr(5), c.li(6, 1)],
    after: { 6: 0 },
  },
  'c.jalr links pc + 2': {
    program: [a.auipc(5, 0), a.addi(5, 5, 12), c.jalr(5), c.li(6, 1)],
    after: { 1: RAM_BASE + 10, 6: 0 },
  },
  'c.mv': { program: [c.mv(5, 6)], before: { 6: 1234 }, after: { 5: 1234 } },
  'c.add': { program: [c.add(5, 6)], before: { 5: 1, 6: 1234 }, after: { 5: 1235 } },
  'mixed 16/32-bit stream': {
    program: [c.li(5, 1), a.addi(5, 5, 2), c.addi(5, 4), a.addi(5, 5, 8)],
    after: { 5: 15 },
  },
};

describe('RV32I', () => {
  it.each(Object.entries(rv32i))('%s', (_n, row) => check(row));
});
describe('RV32I loads and stores', () => {
  it.each(Object.entries(memory))('%s', (_n, row) => check(row));
});
describe('RV32M', () => {
  it.each(Object.entries(rv32m))('%s', (_n, row) => check(row));
});
describe('RV32A', () => {
  it.each(Object.entries(rv32a))('%s', (_n, row) => check(row));
});
describe('Zicsr / Zifencei', () => {
  it.each(Object.entries(zicsr))('%s', (_n, row) => check(row));
});
describe('RV32C', () => {
  it.each(Object.entries(rv32c))('%s', (_n, row) => check(row));
  it('c.ebreak raises breakpoint', () => {
    const { hart } = runProgram([c.ebreak()]);
    expect(hart.readCsr(0x342)).toBe(ExceptionCause.Breakpoint);
    expect(hart.readCsr(0x341)).toBe(RAM_BASE);
  });
});
