// A tiny RV32IMAC assembler for tests: one function per instruction, each returning the
// encoding as a number (16-bit encodings for the `c.*` forms, recognisable by their low two
// bits not being 0b11). Field layouts follow the unprivileged spec's base formats (R, I, S,
// B, U, J) and the C extension's formats (CR, CI, CSS, CIW, CL, CS, CA, CB, CJ). Pinned by
// `asm.test.ts` against encodings worked out by hand.

const fits = (value: number, bits: number, signed: boolean): boolean =>
  signed ? value >= -(2 ** (bits - 1)) && value < 2 ** (bits - 1) : value >= 0 && value < 2 ** bits;

function need(ok: boolean, what: string): void {
  if (!ok) throw new RangeError(`asm: ${what}`);
}

function reg(r: number): number {
  need(Number.isInteger(r) && r >= 0 && r < 32, `bad register ${r}`);
  return r;
}

const bit = (v: number, i: number) => (v >>> i) & 1;
const bits = (v: number, hi: number, lo: number) => (v >>> lo) & ((1 << (hi - lo + 1)) - 1);

/** R-type. */
export function rType(
  f7: number,
  rs2: number,
  rs1: number,
  f3: number,
  rd: number,
  opcode: number,
) {
  return (
    ((f7 << 25) | (reg(rs2) << 20) | (reg(rs1) << 15) | (f3 << 12) | (reg(rd) << 7) | opcode) >>> 0
  );
}

/** I-type (imm is a signed 12-bit value, or 0..4095 raw). */
export function iType(imm: number, rs1: number, f3: number, rd: number, opcode: number) {
  need(fits(imm, 12, true) || fits(imm, 12, false), `imm12 out of range: ${imm}`);
  return (((imm & 0xfff) << 20) | (reg(rs1) << 15) | (f3 << 12) | (reg(rd) << 7) | opcode) >>> 0;
}

/** S-type. */
export function sType(imm: number, rs2: number, rs1: number, f3: number, opcode: number) {
  need(fits(imm, 12, true), `store offset out of range: ${imm}`);
  return (
    ((bits(imm, 11, 5) << 25) |
      (reg(rs2) << 20) |
      (reg(rs1) << 15) |
      (f3 << 12) |
      (bits(imm, 4, 0) << 7) |
      opcode) >>>
    0
  );
}

/** B-type (offset in bytes, even, ±4 KiB). */
export function bType(offset: number, rs2: number, rs1: number, f3: number) {
  need(fits(offset, 13, true) && offset % 2 === 0, `branch offset out of range: ${offset}`);
  return (
    ((bit(offset, 12) << 31) |
      (bits(offset, 10, 5) << 25) |
      (reg(rs2) << 20) |
      (reg(rs1) << 15) |
      (f3 << 12) |
      (bits(offset, 4, 1) << 8) |
      (bit(offset, 11) << 7) |
      0x63) >>>
    0
  );
}

/** U-type (imm20 is the upper 20 bits). */
export function uType(imm20: number, rd: number, opcode: number) {
  need(fits(imm20, 20, false) || fits(imm20, 20, true), `imm20 out of range: ${imm20}`);
  return (((imm20 & 0xfffff) << 12) | (reg(rd) << 7) | opcode) >>> 0;
}

/** J-type (offset in bytes, even, ±1 MiB). */
export function jType(offset: number, rd: number) {
  need(fits(offset, 21, true) && offset % 2 === 0, `jump offset out of range: ${offset}`);
  return (
    ((bit(offset, 20) << 31) |
      (bits(offset, 10, 1) << 21) |
      (bit(offset, 11) << 20) |
      (bits(offset, 19, 12) << 12) |
      (reg(rd) << 7) |
      0x6f) >>>
    0
  );
}

// ---- RV32I ----
export const lui = (rd: number, imm20: number) => uType(imm20, rd, 0x37);
export const auipc = (rd: number, imm20: number) => uType(imm20, rd, 0x17);
export const jal = (rd: number, offset: number) => jType(offset, rd);
export const jalr = (rd: number, rs1: number, imm: number) => iType(imm, rs1, 0, rd, 0x67);
export const beq = (rs1: number, rs2: number, off: number) => bType(off, rs2, rs1, 0);
export const bne = (rs1: number, rs2: number, off: number) => bType(off, rs2, rs1, 1);
export const blt = (rs1: number, rs2: number, off: number) => bType(off, rs2, rs1, 4);
export const bge = (rs1: number, rs2: number, off: number) => bType(off, rs2, rs1, 5);
export const bltu = (rs1: number, rs2: number, off: number) => bType(off, rs2, rs1, 6);
export const bgeu = (rs1: number, rs2: number, off: number) => bType(off, rs2, rs1, 7);
export const lb = (rd: number, rs1: number, imm: number) => iType(imm, rs1, 0, rd, 0x03);
export const lh = (rd: number, rs1: number, imm: number) => iType(imm, rs1, 1, rd, 0x03);
export const lw = (rd: number, rs1: number, imm: number) => iType(imm, rs1, 2, rd, 0x03);
export const lbu = (rd: number, rs1: number, imm: number) => iType(imm, rs1, 4, rd, 0x03);
export const lhu = (rd: number, rs1: number, imm: number) => iType(imm, rs1, 5, rd, 0x03);
export const sb = (rs2: number, rs1: number, imm: number) => sType(imm, rs2, rs1, 0, 0x23);
export const sh = (rs2: number, rs1: number, imm: number) => sType(imm, rs2, rs1, 1, 0x23);
export const sw = (rs2: number, rs1: number, imm: number) => sType(imm, rs2, rs1, 2, 0x23);
export const addi = (rd: number, rs1: number, imm: number) => iType(imm, rs1, 0, rd, 0x13);
export const slti = (rd: number, rs1: number, imm: number) => iType(imm, rs1, 2, rd, 0x13);
export const sltiu = (rd: number, rs1: number, imm: number) => iType(imm, rs1, 3, rd, 0x13);
export const xori = (rd: number, rs1: number, imm: number) => iType(imm, rs1, 4, rd, 0x13);
export const ori = (rd: number, rs1: number, imm: number) => iType(imm, rs1, 6, rd, 0x13);
export const andi = (rd: number, rs1: number, imm: number) => iType(imm, rs1, 7, rd, 0x13);
const shamt = (s: number) => {
  need(fits(s, 5, false), `shift amount out of range: ${s}`);
  return s;
};
export const slli = (rd: number, rs1: number, s: number) => iType(shamt(s), rs1, 1, rd, 0x13);
export const srli = (rd: number, rs1: number, s: number) => iType(shamt(s), rs1, 5, rd, 0x13);
export const srai = (rd: number, rs1: number, s: number) =>
  iType(0x400 | shamt(s), rs1, 5, rd, 0x13);
const op = (f7: number, f3: number) => (rd: number, rs1: number, rs2: number) =>
  rType(f7, rs2, rs1, f3, rd, 0x33);
export const add = op(0, 0);
export const sub = op(0x20, 0);
export const sll = op(0, 1);
export const slt = op(0, 2);
export const sltu = op(0, 3);
export const xor = op(0, 4);
export const srl = op(0, 5);
export const sra = op(0x20, 5);
export const or = op(0, 6);
export const and = op(0, 7);
/** `fence iorw, iorw`. */
export const fence = () => iType(0x0ff, 0, 0, 0, 0x0f);
export const fenceI = () => iType(0, 0, 1, 0, 0x0f);
export const ecall = () => iType(0, 0, 0, 0, 0x73);
export const ebreak = () => iType(1, 0, 0, 0, 0x73);
export const mret = () => iType(0x302, 0, 0, 0, 0x73);
export const wfi = () => iType(0x105, 0, 0, 0, 0x73);

// ---- Zicsr ----
export const csrrw = (rd: number, csr: number, rs1: number) => iType(csr, rs1, 1, rd, 0x73);
export const csrrs = (rd: number, csr: number, rs1: number) => iType(csr, rs1, 2, rd, 0x73);
export const csrrc = (rd: number, csr: number, rs1: number) => iType(csr, rs1, 3, rd, 0x73);
export const csrrwi = (rd: number, csr: number, z: number) => iType(csr, reg(z), 5, rd, 0x73);
export const csrrsi = (rd: number, csr: number, z: number) => iType(csr, reg(z), 6, rd, 0x73);
export const csrrci = (rd: number, csr: number, z: number) => iType(csr, reg(z), 7, rd, 0x73);

// ---- M ----
export const mul = op(1, 0);
export const mulh = op(1, 1);
export const mulhsu = op(1, 2);
export const mulhu = op(1, 3);
export const div = op(1, 4);
export const divu = op(1, 5);
export const rem = op(1, 6);
export const remu = op(1, 7);

// ---- A (aq = rl = 0) ----
const amo = (f5: number) => (rd: number, rs2: number, rs1: number) =>
  rType(f5 << 2, rs2, rs1, 2, rd, 0x2f);
export const lrW = (rd: number, rs1: number) => amo(0x02)(rd, 0, rs1);
export const scW = amo(0x03);
export const amoswapW = amo(0x01);
export const amoaddW = amo(0x00);
export const amoxorW = amo(0x04);
export const amoandW = amo(0x0c);
export const amoorW = amo(0x08);
export const amominW = amo(0x10);
export const amomaxW = amo(0x14);
export const amominuW = amo(0x18);
export const amomaxuW = amo(0x1c);

// ---- C ----
function creg(r: number): number {
  need(r >= 8 && r <= 15, `compressed register must be x8..x15, got x${r}`);
  return r - 8;
}
const cjOffset = (o: number) => {
  need(fits(o, 12, true) && o % 2 === 0, `c.j offset out of range: ${o}`);
  return (
    (bit(o, 11) << 12) |
    (bit(o, 4) << 11) |
    (bits(o, 9, 8) << 9) |
    (bit(o, 10) << 8) |
    (bit(o, 6) << 7) |
    (bit(o, 7) << 6) |
    (bits(o, 3, 1) << 3) |
    (bit(o, 5) << 2)
  );
};
const ci = (f3: number, rd: number, imm6: number, q: number) =>
  (f3 << 13) | (bit(imm6, 5) << 12) | (reg(rd) << 7) | (bits(imm6, 4, 0) << 2) | q;
const imm6 = (v: number) => {
  need(fits(v, 6, true), `6-bit immediate out of range: ${v}`);
  return v;
};

export const c = {
  /** c.addi4spn rd', nzuimm (multiple of 4, 4..1020). */
  addi4spn(rd: number, uimm: number) {
    need(uimm > 0 && uimm < 1024 && uimm % 4 === 0, `c.addi4spn imm: ${uimm}`);
    return (
      (bits(uimm, 5, 4) << 11) |
      (bits(uimm, 9, 6) << 7) |
      (bit(uimm, 2) << 6) |
      (bit(uimm, 3) << 5) |
      (creg(rd) << 2)
    );
  },
  /** c.lw rd', uimm(rs1'). */
  lw(rd: number, rs1: number, uimm: number) {
    need(uimm >= 0 && uimm < 128 && uimm % 4 === 0, `c.lw offset: ${uimm}`);
    return (
      (2 << 13) |
      (bits(uimm, 5, 3) << 10) |
      (creg(rs1) << 7) |
      (bit(uimm, 2) << 6) |
      (bit(uimm, 6) << 5) |
      (creg(rd) << 2)
    );
  },
  /** c.sw rs2', uimm(rs1'). */
  sw(rs2: number, rs1: number, uimm: number) {
    need(uimm >= 0 && uimm < 128 && uimm % 4 === 0, `c.sw offset: ${uimm}`);
    return (
      (6 << 13) |
      (bits(uimm, 5, 3) << 10) |
      (creg(rs1) << 7) |
      (bit(uimm, 2) << 6) |
      (bit(uimm, 6) << 5) |
      (creg(rs2) << 2)
    );
  },
  nop: () => ci(0, 0, 0, 1),
  addi: (rd: number, imm: number) => ci(0, rd, imm6(imm), 1),
  jal: (offset: number) => (1 << 13) | cjOffset(offset) | 1,
  li: (rd: number, imm: number) => ci(2, rd, imm6(imm), 1),
  /** c.addi16sp nzimm (multiple of 16, -512..496). */
  addi16sp(imm: number) {
    need(imm !== 0 && imm % 16 === 0 && fits(imm, 10, true), `c.addi16sp imm: ${imm}`);
    return (
      (3 << 13) |
      (bit(imm, 9) << 12) |
      (2 << 7) |
      (bit(imm, 4) << 6) |
      (bit(imm, 6) << 5) |
      (bits(imm, 8, 7) << 3) |
      (bit(imm, 5) << 2) |
      1
    );
  },
  /** c.lui rd, nzimm6 (the value of bits 17:12, sign-extended). */
  lui: (rd: number, imm: number) => ci(3, rd, imm6(imm), 1),
  srli: (rd: number, s: number) => (4 << 13) | (creg(rd) << 7) | (bits(s, 4, 0) << 2) | 1,
  srai: (rd: number, s: number) =>
    (4 << 13) | (1 << 10) | (creg(rd) << 7) | (bits(s, 4, 0) << 2) | 1,
  andi: (rd: number, imm: number) =>
    (4 << 13) |
    (bit(imm6(imm), 5) << 12) |
    (2 << 10) |
    (creg(rd) << 7) |
    (bits(imm, 4, 0) << 2) |
    1,
  sub: (rd: number, rs2: number) => (0x8c << 8) | (creg(rd) << 7) | (0 << 5) | (creg(rs2) << 2) | 1,
  xor: (rd: number, rs2: number) => (0x8c << 8) | (creg(rd) << 7) | (1 << 5) | (creg(rs2) << 2) | 1,
  or: (rd: number, rs2: number) => (0x8c << 8) | (creg(rd) << 7) | (2 << 5) | (creg(rs2) << 2) | 1,
  and: (rd: number, rs2: number) => (0x8c << 8) | (creg(rd) << 7) | (3 << 5) | (creg(rs2) << 2) | 1,
  j: (offset: number) => (5 << 13) | cjOffset(offset) | 1,
  /** c.beqz rs1', offset (even, ±256). */
  beqz(rs1: number, o: number) {
    need(fits(o, 9, true) && o % 2 === 0, `c.beqz offset: ${o}`);
    return (
      (6 << 13) |
      (bit(o, 8) << 12) |
      (bits(o, 4, 3) << 10) |
      (creg(rs1) << 7) |
      (bits(o, 7, 6) << 5) |
      (bits(o, 2, 1) << 3) |
      (bit(o, 5) << 2) |
      1
    );
  },
  bnez(rs1: number, o: number) {
    return c.beqz(rs1, o) | (1 << 13);
  },
  slli: (rd: number, s: number) => ci(0, rd, shamt(s), 2),
  /** c.lwsp rd, uimm(sp) (multiple of 4, 0..252). */
  lwsp(rd: number, uimm: number) {
    need(uimm >= 0 && uimm < 256 && uimm % 4 === 0, `c.lwsp offset: ${uimm}`);
    return (
      (2 << 13) |
      (bit(uimm, 5) << 12) |
      (reg(rd) << 7) |
      (bits(uimm, 4, 2) << 4) |
      (bits(uimm, 7, 6) << 2) |
      2
    );
  },
  jr: (rs1: number) => (8 << 12) | (reg(rs1) << 7) | 2,
  mv: (rd: number, rs2: number) => (8 << 12) | (reg(rd) << 7) | (reg(rs2) << 2) | 2,
  ebreak: () => (9 << 12) | 2,
  jalr: (rs1: number) => (9 << 12) | (reg(rs1) << 7) | 2,
  add: (rd: number, rs2: number) => (9 << 12) | (reg(rd) << 7) | (reg(rs2) << 2) | 2,
  /** c.swsp rs2, uimm(sp) (multiple of 4, 0..252). */
  swsp(rs2: number, uimm: number) {
    need(uimm >= 0 && uimm < 256 && uimm % 4 === 0, `c.swsp offset: ${uimm}`);
    return (6 << 13) | (bits(uimm, 5, 2) << 9) | (bits(uimm, 7, 6) << 7) | (reg(rs2) << 2) | 2;
  },
};

/** `li rd, value` for any 32-bit value, as `lui` + `addi` (or one `addi`). */
export function li(rd: number, value: number): number[] {
  const v = value | 0;
  if (v >= -2048 && v < 2048) return [addi(rd, 0, v)];
  const lo = (v << 20) >> 20;
  const hi = ((v - lo) >>> 12) & 0xfffff;
  return lo === 0 ? [lui(rd, hi)] : [lui(rd, hi), addi(rd, rd, lo)];
}

/** Lays out instructions as little-endian bytes: 2 bytes for `c.*` encodings, else 4. */
export function assemble(instructions: readonly number[]): Uint8Array {
  const out: number[] = [];
  for (const insn of instructions) {
    const size = (insn & 3) === 3 ? 4 : 2;
    for (let i = 0; i < size; i++) out.push((insn >>> (8 * i)) & 0xff);
  }
  return Uint8Array.from(out);
}
