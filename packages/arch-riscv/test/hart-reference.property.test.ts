// Property: random programs of ALU, M-extension, compressed, load/store and forward
// branch/jump instructions give the same registers and memory on the hart (decoded, cached, fast path)
// as on a deliberately naive reference written here from the spec (BigInt products,
// explicit division rules, byte-wise little-endian memory).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as a from './asm';
import { RAM_BASE, runProgram } from './harness';

const DATA = RAM_BASE + 0x2000; // held in x31, never written by the programs
const DATA_SIZE = 256;

type Insn =
  | { k: 'rr'; op: string; rd: number; rs1: number; rs2: number }
  | { k: 'ri'; op: string; rd: number; rs1: number; imm: number }
  | { k: 'lui'; rd: number; imm: number }
  | { k: 'load'; op: string; rd: number; off: number }
  | { k: 'store'; op: string; rs2: number; off: number }
  | { k: 'c'; op: string; rd: number; rs2: number; imm: number }
  | { k: 'br'; op: string; rd: number; rs1: number; rs2: number; skip: number };

const RR = [
  'add',
  'sub',
  'sll',
  'slt',
  'sltu',
  'xor',
  'srl',
  'sra',
  'or',
  'and',
  'mul',
  'mulh',
  'mulhsu',
  'mulhu',
  'div',
  'divu',
  'rem',
  'remu',
];
const RI = ['addi', 'slti', 'sltiu', 'xori', 'ori', 'andi', 'slli', 'srli', 'srai'];
const LOADS: Record<string, number> = { lb: 1, lbu: 1, lh: 2, lhu: 2, lw: 4 };
const STORES: Record<string, number> = { sb: 1, sh: 2, sw: 4 };
const CFORMS = [
  'c.addi',
  'c.li',
  'c.lui',
  'c.mv',
  'c.add',
  'c.sub',
  'c.xor',
  'c.or',
  'c.and',
  'c.slli',
  'c.srli',
  'c.srai',
  'c.andi',
];

const BRANCHES = [
  'beq',
  'bne',
  'blt',
  'bge',
  'bltu',
  'bgeu',
  'jal',
  'c.beqz',
  'c.bnez',
  'c.j',
  'c.jal',
];
const reg = fc.integer({ min: 1, max: 15 });
const creg = fc.integer({ min: 8, max: 15 });
const insn: fc.Arbitrary<Insn> = fc.oneof(
  fc.record({
    k: fc.constant('rr' as const),
    op: fc.constantFrom(...RR),
    rd: reg,
    rs1: fc.integer({ min: 0, max: 15 }),
    rs2: fc.integer({ min: 0, max: 15 }),
  }),
  fc.record({
    k: fc.constant('ri' as const),
    op: fc.constantFrom(...RI),
    rd: reg,
    rs1: fc.integer({ min: 0, max: 15 }),
    imm: fc.integer({ min: -2048, max: 2047 }),
  }),
  fc.record({ k: fc.constant('lui' as const), rd: reg, imm: fc.integer({ min: 0, max: 0xfffff }) }),
  fc.record({
    k: fc.constant('load' as const),
    op: fc.constantFrom(...Object.keys(LOADS)),
    rd: reg,
    off: fc.integer({ min: 0, max: DATA_SIZE - 4 }),
  }),
  fc.record({
    k: fc.constant('store' as const),
    op: fc.constantFrom(...Object.keys(STORES)),
    rs2: fc.integer({ min: 0, max: 15 }),
    off: fc.integer({ min: 0, max: DATA_SIZE - 4 }),
  }),
  fc.record({
    k: fc.constant('c' as const),
    op: fc.constantFrom(...CFORMS),
    rd: creg,
    rs2: creg,
    imm: fc.integer({ min: -32, max: 31 }),
  }),
  fc.record({
    k: fc.constant('br' as const),
    op: fc.constantFrom(...BRANCHES),
    rd: reg,
    rs1: creg,
    rs2: fc.integer({ min: 0, max: 15 }),
    skip: fc.integer({ min: 0, max: 3 }),
  }),
);

const isCompressed = (i: Insn) => i.k === 'c' || (i.k === 'br' && i.op.startsWith('c.'));
const lengthOf = (i: Insn) => (isCompressed(i) ? 2 : 4);

/** Byte offset from each branch to its target: past itself and `skip` more instructions. */
function branchOffsets(program: Insn[]): number[] {
  return program.map((i, n) => {
    if (i.k !== 'br') return 0;
    let offset = lengthOf(i);
    for (let j = n + 1; j < Math.min(program.length, n + 1 + i.skip); j++)
      offset += lengthOf(program[j]!);
    return offset;
  });
}

function align(i: Insn): Insn {
  if (i.k === 'load' || i.k === 'store') {
    const size = LOADS[i.op] ?? STORES[i.op]!;
    return { ...i, off: i.off - (i.off % size) };
  }
  if (i.k === 'ri' && (i.op === 'slli' || i.op === 'srli' || i.op === 'srai'))
    return { ...i, imm: i.imm & 31 };
  if (i.k === 'c' && (i.op === 'c.slli' || i.op === 'c.srli' || i.op === 'c.srai'))
    return { ...i, imm: i.imm & 31 || 1 };
  if (i.k === 'c' && (i.op === 'c.lui' || i.op === 'c.addi') && i.imm === 0)
    return { ...i, imm: 1 };
  return i;
}

function encode(i: Insn, offset: number): number {
  const f = a as unknown as Record<string, (...args: number[]) => number>;
  switch (i.k) {
    case 'br':
      if (i.op === 'jal') return a.jal(i.rd, offset);
      if (i.op === 'c.j') return a.c.j(offset);
      if (i.op === 'c.jal') return a.c.jal(offset);
      if (i.op === 'c.beqz') return a.c.beqz(i.rs1, offset);
      if (i.op === 'c.bnez') return a.c.bnez(i.rs1, offset);
      return f[i.op]!(i.rs1, i.rs2, offset);
    case 'rr':
      return f[i.op]!(i.rd, i.rs1, i.rs2);
    case 'ri':
      return f[i.op]!(i.rd, i.rs1, i.imm);
    case 'lui':
      return a.lui(i.rd, i.imm);
    case 'load':
      return f[i.op]!(i.rd, 31, i.off);
    case 'store':
      return f[i.op]!(i.rs2, 31, i.off);
    case 'c': {
      const c = a.c as unknown as Record<string, (...args: number[]) => number>;
      const name = i.op.slice(2);
      if (['mv', 'add', 'sub', 'xor', 'or', 'and'].includes(name)) return c[name]!(i.rd, i.rs2);
      return c[name]!(i.rd, i.imm);
    }
  }
}

// ---- The naive reference ----

const u = (v: number) => v >>> 0;
const s32 = (v: bigint) => Number(BigInt.asIntN(32, v));

function rr(op: string, x: number, y: number): number {
  const ux = BigInt(u(x));
  const uy = BigInt(u(y));
  const sx = BigInt(x | 0);
  const sy = BigInt(y | 0);
  switch (op) {
    case 'add':
      return (x + y) | 0;
    case 'sub':
      return (x - y) | 0;
    case 'sll':
      return s32(ux << BigInt(y & 31));
    case 'slt':
      return (x | 0) < (y | 0) ? 1 : 0;
    case 'sltu':
      return u(x) < u(y) ? 1 : 0;
    case 'xor':
      return x ^ y;
    case 'srl':
      return s32(ux >> BigInt(y & 31));
    case 'sra':
      return s32(sx >> BigInt(y & 31));
    case 'or':
      return x | y;
    case 'and':
      return x & y;
    case 'mul':
      return s32(sx * sy);
    case 'mulh':
      return s32((sx * sy) >> 32n);
    case 'mulhsu':
      return s32((sx * uy) >> 32n);
    case 'mulhu':
      return s32((ux * uy) >> 32n);
    case 'div':
      if (sy === 0n) return -1;
      if (sx === -(2n ** 31n) && sy === -1n) return x | 0;
      return s32(sx / sy); // BigInt division truncates toward zero
    case 'divu':
      return sy === 0n ? -1 : s32(ux / uy);
    case 'rem':
      if (sy === 0n) return x | 0;
      if (sx === -(2n ** 31n) && sy === -1n) return 0;
      return s32(sx % sy);
    case 'remu':
      return sy === 0n ? x | 0 : s32(ux % uy);
  }
  throw new Error(op);
}

function ri(op: string, x: number, imm: number): number {
  switch (op) {
    case 'addi':
      return (x + imm) | 0;
    case 'slti':
      return (x | 0) < imm ? 1 : 0;
    case 'sltiu':
      return u(x) < u(imm) ? 1 : 0;
    case 'xori':
      return x ^ imm;
    case 'ori':
      return x | imm;
    case 'andi':
      return x & imm;
    case 'slli':
      return rr('sll', x, imm);
    case 'srli':
      return rr('srl', x, imm);
    case 'srai':
      return rr('sra', x, imm);
  }
  throw new Error(op);
}

function taken(op: string, x: number, y: number): boolean {
  switch (op) {
    case 'beq':
      return x === y;
    case 'bne':
      return x !== y;
    case 'blt':
      return (x | 0) < (y | 0);
    case 'bge':
      return (x | 0) >= (y | 0);
    case 'bltu':
      return u(x) < u(y);
    case 'bgeu':
      return u(x) >= u(y);
    case 'c.beqz':
      return x === 0;
    case 'c.bnez':
      return x !== 0;
    default:
      return true;
  }
}

function reference(program: Insn[], regs: number[], mem: Uint8Array): void {
  const read = (off: number, size: number) => {
    let v = 0;
    for (let b = size - 1; b >= 0; b--) v = v * 256 + mem[off + b]!;
    return v;
  };
  const set = (r: number, v: number) => {
    if (r !== 0) regs[r] = v | 0;
  };
  const address: number[] = [];
  let at = RAM_BASE;
  for (const i of program) {
    address.push(at);
    at += lengthOf(i);
  }
  for (let n = 0; n < program.length; n++) {
    const i = program[n]!;
    switch (i.k) {
      case 'br':
        if (i.op === 'jal') set(i.rd, address[n]! + 4);
        if (i.op === 'c.jal') set(1, address[n]! + 2);
        if (taken(i.op, regs[i.rs1]!, i.op.startsWith('c.') ? 0 : regs[i.rs2]!)) n += i.skip;
        break;
      case 'rr':
        set(i.rd, rr(i.op, regs[i.rs1]!, regs[i.rs2]!));
        break;
      case 'ri':
        set(i.rd, ri(i.op, regs[i.rs1]!, i.imm));
        break;
      case 'lui':
        set(i.rd, i.imm * 4096);
        break;
      case 'load': {
        const size = LOADS[i.op]!;
        const v = read(i.off, size);
        const signed = i.op === 'lb' || i.op === 'lh';
        set(i.rd, signed && v >= 2 ** (8 * size - 1) ? v - 2 ** (8 * size) : v);
        break;
      }
      case 'store': {
        const v = u(regs[i.rs2]!);
        for (let b = 0; b < STORES[i.op]!; b++) mem[i.off + b] = Math.floor(v / 256 ** b) & 0xff;
        break;
      }
      case 'c': {
        const d = regs[i.rd]!;
        const s = regs[i.rs2]!;
        const name = i.op.slice(2);
        const v =
          name === 'addi'
            ? d + i.imm
            : name === 'li'
              ? i.imm
              : name === 'lui'
                ? i.imm * 4096
                : name === 'mv'
                  ? s
                  : name === 'add'
                    ? d + s
                    : name === 'sub'
                      ? d - s
                      : name === 'xor'
                        ? d ^ s
                        : name === 'or'
                          ? d | s
                          : name === 'and'
                            ? d & s
                            : name === 'slli'
                              ? rr('sll', d, i.imm)
                              : name === 'srli'
                                ? rr('srl', d, i.imm)
                                : name === 'srai'
                                  ? rr('sra', d, i.imm)
                                  : d & i.imm;
        set(i.rd, v);
        break;
      }
    }
  }
}

describe('hart vs a naive reference', () => {
  it('random programs with forward branches agree on registers and memory', () => {
    fc.assert(
      fc.property(
        fc.array(insn, { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), {
          minLength: 16,
          maxLength: 16,
        }),
        fc.uint8Array({ minLength: DATA_SIZE, maxLength: DATA_SIZE }),
        (raw, initial, data) => {
          const program = raw.map(align);
          const regs = [0, ...initial.slice(1)];
          const before: Record<number, number> = { 31: DATA };
          regs.forEach((v, r) => {
            if (r > 0) before[r] = v;
          });
          const expectedMem = data.slice();
          reference(program, regs, expectedMem);
          const offsets = branchOffsets(program);
          const { hart, bus } = runProgram(
            program.map((i, n) => encode(i, offsets[n]!)),
            before,
            {
              maxCycles: 1000,
              setup: (b) => b.load(DATA, data),
            },
          );
          expect(hart.readCsr(0x342)).toBe(3);
          for (let r = 1; r < 16; r++) expect(hart.getRegister(r), `x${r}`).toBe(u(regs[r]!));
          expect([...bus.dump(DATA, DATA_SIZE)]).toEqual([...expectedMem]);
        },
      ),
      { numRuns: process.env.K5_SOAK ? 50_000 : 300 },
    );
  });
});
