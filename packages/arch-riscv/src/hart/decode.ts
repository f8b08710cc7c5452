// Instruction decoding for RV32IMAC + Zicsr + Zifencei (+ mret/wfi): 32-bit and 16-bit
// (C extension) encodings become one packed "info" word and an immediate, stored in the RAM
// region's decoded-instruction cache. Compressed instructions expand into the base
// operation they stand for, with a length of 2. Owns the `Op` numbering, which the run loop
// in `execute.ts` switches on with literal case labels (V8 builds a jump table only for
// literal labels), so the two must change together. Relies on nothing else.

/** Operation ids of decoded instructions (0 means "not decoded yet"). */
export const enum Op {
  LUI = 1,
  AUIPC = 2,
  JAL = 3,
  JALR = 4,
  BEQ = 5,
  BNE = 6,
  BLT = 7,
  BGE = 8,
  BLTU = 9,
  BGEU = 10,
  LB = 11,
  LH = 12,
  LW = 13,
  LBU = 14,
  LHU = 15,
  SB = 16,
  SH = 17,
  SW = 18,
  ADDI = 19,
  SLTI = 20,
  SLTIU = 21,
  XORI = 22,
  ORI = 23,
  ANDI = 24,
  SLLI = 25,
  SRLI = 26,
  SRAI = 27,
  ADD = 28,
  SUB = 29,
  SLL = 30,
  SLT = 31,
  SLTU = 32,
  XOR = 33,
  SRL = 34,
  SRA = 35,
  OR = 36,
  AND = 37,
  FENCE = 38,
  FENCE_I = 39,
  ECALL = 40,
  EBREAK = 41,
  MRET = 42,
  WFI = 43,
  CSRRW = 44,
  CSRRS = 45,
  CSRRC = 46,
  CSRRWI = 47,
  CSRRSI = 48,
  CSRRCI = 49,
  MUL = 50,
  MULH = 51,
  MULHSU = 52,
  MULHU = 53,
  DIV = 54,
  DIVU = 55,
  REM = 56,
  REMU = 57,
  LR_W = 58,
  SC_W = 59,
  AMOSWAP_W = 60,
  AMOADD_W = 61,
  AMOXOR_W = 62,
  AMOAND_W = 63,
  AMOOR_W = 64,
  AMOMIN_W = 65,
  AMOMAX_W = 66,
  AMOMINU_W = 67,
  AMOMAXU_W = 68,
  ILLEGAL = 69,
}

/** Names of the ops, indexed by op id (for diagnostics and tests). */
export const OP_NAMES: readonly string[] = [
  '',
  ...'lui auipc jal jalr beq bne blt bge bltu bgeu lb lh lw lbu lhu sb sh sw addi slti sltiu xori ori andi slli srli srai add sub sll slt sltu xor srl sra or and fence fence.i ecall ebreak mret wfi csrrw csrrs csrrc csrrwi csrrsi csrrci mul mulh mulhsu mulhu div divu rem remu lr.w sc.w amoswap.w amoadd.w amoxor.w amoand.w amoor.w amomin.w amomax.w amominu.w amomaxu.w illegal'.split(
    ' ',
  ),
];

/** The register index the decoder substitutes for a destination x0 (a write-only sink). */
export const SINK_REGISTER = 32;

// Packed info word: op in bits 7:0, rd in 13:8 (0..32), rs1 in 18:14, rs2 in 23:19, and
// bit 24 set for a 16-bit instruction.
const RD_SHIFT = 8;
const RS1_SHIFT = 14;
const RS2_SHIFT = 19;
/** Info bit marking a compressed (2-byte) instruction. */
export const INFO_COMPRESSED = 1 << 24;

/** Ops whose rd is a plain destination (x0 may be redirected to the sink). */
function writesRd(op: number): boolean {
  return (
    op !== Op.ILLEGAL &&
    !(op >= Op.BEQ && op <= Op.BGEU) &&
    !(op >= Op.SB && op <= Op.SW) &&
    !(op >= Op.FENCE && op <= Op.CSRRCI)
  );
}

function pack(op: number, rd: number, rs1: number, rs2: number): number {
  if (rd === 0 && writesRd(op)) rd = SINK_REGISTER;
  return op | (rd << RD_SHIFT) | (rs1 << RS1_SHIFT) | (rs2 << RS2_SHIFT);
}

/** The op of a packed info word. */
export function infoOp(info: number): number {
  return info & 0xff;
}
/** The destination register of a packed info word (32 is the x0 sink). */
export function infoRd(info: number): number {
  return (info >>> RD_SHIFT) & 63;
}
/** The first source register of a packed info word (or a CSR zimm). */
export function infoRs1(info: number): number {
  return (info >>> RS1_SHIFT) & 31;
}
/** The second source register of a packed info word. */
export function infoRs2(info: number): number {
  return (info >>> RS2_SHIFT) & 31;
}

function signExtend(value: number, bits: number): number {
  const shift = 32 - bits;
  return (value << shift) >> shift;
}

function bit(value: number, position: number): number {
  return (value >>> position) & 1;
}

function bits(value: number, hi: number, lo: number): number {
  return (value >>> lo) & ((1 << (hi - lo + 1)) - 1);
}

/**
 * Decodes a 32-bit instruction into `info[index]` / `imm[index]`. Illegal encodings become
 * `Op.ILLEGAL` with the instruction bits as immediate (they go to mtval).
 */
export function decode32(insn: number, info: Int32Array, imm: Int32Array, index: number): void {
  const opcode = insn & 0x7f;
  const rd = bits(insn, 11, 7);
  const f3 = bits(insn, 14, 12);
  const rs1 = bits(insn, 19, 15);
  const rs2 = bits(insn, 24, 20);
  const f7 = insn >>> 25;
  const immI = insn >> 20;
  let op: number = Op.ILLEGAL;
  let value = 0;
  switch (opcode) {
    case 0x37:
      op = Op.LUI;
      value = insn & 0xfffff000;
      break;
    case 0x17:
      op = Op.AUIPC;
      value = insn & 0xfffff000;
      break;
    case 0x6f:
      op = Op.JAL;
      value = signExtend(
        (bit(insn, 31) << 20) |
          (bits(insn, 19, 12) << 12) |
          (bit(insn, 20) << 11) |
          (bits(insn, 30, 21) << 1),
        21,
      );
      break;
    case 0x67:
      if (f3 === 0) {
        op = Op.JALR;
        value = immI;
      }
      break;
    case 0x63:
      if (f3 !== 2 && f3 !== 3) {
        op = [Op.BEQ, Op.BNE, 0, 0, Op.BLT, Op.BGE, Op.BLTU, Op.BGEU][f3]!;
        value = signExtend(
          (bit(insn, 31) << 12) |
            (bit(insn, 7) << 11) |
            (bits(insn, 30, 25) << 5) |
            (bits(insn, 11, 8) << 1),
          13,
        );
      }
      break;
    case 0x03: {
      const load = [Op.LB, Op.LH, Op.LW, 0, Op.LBU, Op.LHU, 0, 0][f3]!;
      if (load !== 0) {
        op = load;
        value = immI;
      }
      break;
    }
    case 0x23:
      if (f3 <= 2) {
        op = Op.SB + f3;
        value = signExtend((f7 << 5) | rd, 12);
      }
      break;
    case 0x13:
      value = immI;
      if (f3 === 1) {
        if (f7 === 0) op = Op.SLLI;
        value = rs2;
      } else if (f3 === 5) {
        if (f7 === 0) op = Op.SRLI;
        else if (f7 === 0x20) op = Op.SRAI;
        value = rs2;
      } else {
        op = [Op.ADDI, 0, Op.SLTI, Op.SLTIU, Op.XORI, 0, Op.ORI, Op.ANDI][f3]!;
      }
      break;
    case 0x33:
      if (f7 === 0) op = [Op.ADD, Op.SLL, Op.SLT, Op.SLTU, Op.XOR, Op.SRL, Op.OR, Op.AND][f3]!;
      else if (f7 === 0x20) {
        if (f3 === 0) op = Op.SUB;
        else if (f3 === 5) op = Op.SRA;
      } else if (f7 === 1) op = Op.MUL + f3;
      break;
    case 0x0f:
      if (f3 === 0) op = Op.FENCE;
      else if (f3 === 1) op = Op.FENCE_I;
      break;
    case 0x73:
      if (f3 === 0) {
        if (rd === 0 && rs1 === 0) {
          const f12 = insn >>> 20;
          if (f12 === 0) op = Op.ECALL;
          else if (f12 === 1) op = Op.EBREAK;
          else if (f12 === 0x302) op = Op.MRET;
          else if (f12 === 0x105) op = Op.WFI;
        }
      } else if (f3 !== 4) {
        op = [0, Op.CSRRW, Op.CSRRS, Op.CSRRC, 0, Op.CSRRWI, Op.CSRRSI, Op.CSRRCI][f3]!;
        value = insn >>> 20;
      }
      break;
    case 0x2f:
      if (f3 === 2) op = decodeAmo(insn >>> 27, rs2);
      break;
  }
  if (op === Op.ILLEGAL) {
    info[index] = Op.ILLEGAL;
    imm[index] = insn;
    return;
  }
  info[index] = pack(op, rd, rs1, rs2);
  imm[index] = value;
}

function decodeAmo(funct5: number, rs2: number): number {
  switch (funct5) {
    case 0x02:
      return rs2 === 0 ? Op.LR_W : Op.ILLEGAL;
    case 0x03:
      return Op.SC_W;
    case 0x01:
      return Op.AMOSWAP_W;
    case 0x00:
      return Op.AMOADD_W;
    case 0x04:
      return Op.AMOXOR_W;
    case 0x0c:
      return Op.AMOAND_W;
    case 0x08:
      return Op.AMOOR_W;
    case 0x10:
      return Op.AMOMIN_W;
    case 0x14:
      return Op.AMOMAX_W;
    case 0x18:
      return Op.AMOMINU_W;
    case 0x1c:
      return Op.AMOMAXU_W;
    default:
      return Op.ILLEGAL;
  }
}

/**
 * Decodes a 16-bit (C extension) instruction into `info[index]` / `imm[index]` as the base
 * instruction it expands to. RV32C without F/D: the floating-point forms, the RV64-only forms
 * and the reserved encodings (including the all-zero halfword) are illegal.
 */
export function decode16(insn: number, info: Int32Array, imm: Int32Array, index: number): void {
  const quadrant = insn & 3;
  const f3 = bits(insn, 15, 13);
  const rdFull = bits(insn, 11, 7);
  const rs2Full = bits(insn, 6, 2);
  const rdP = bits(insn, 4, 2) + 8;
  const rs1P = bits(insn, 9, 7) + 8;
  let op: number = Op.ILLEGAL;
  let rd = 0;
  let rs1 = 0;
  let rs2 = 0;
  let value = 0;
  if (quadrant === 0) {
    const lwOffset = (bits(insn, 12, 10) << 3) | (bit(insn, 6) << 2) | (bit(insn, 5) << 6);
    if (f3 === 0) {
      value =
        (bits(insn, 12, 11) << 4) |
        (bits(insn, 10, 7) << 6) |
        (bit(insn, 6) << 2) |
        (bit(insn, 5) << 3);
      if (value !== 0) [op, rd, rs1] = [Op.ADDI, rdP, 2];
    } else if (f3 === 2) {
      [op, rd, rs1, value] = [Op.LW, rdP, rs1P, lwOffset];
    } else if (f3 === 6) {
      [op, rs1, rs2, value] = [Op.SW, rs1P, rdP, lwOffset];
    }
  } else if (quadrant === 1) {
    const imm6 = signExtend((bit(insn, 12) << 5) | rs2Full, 6);
    const jOffset = signExtend(
      (bit(insn, 12) << 11) |
        (bit(insn, 11) << 4) |
        (bits(insn, 10, 9) << 8) |
        (bit(insn, 8) << 10) |
        (bit(insn, 7) << 6) |
        (bit(insn, 6) << 7) |
        (bits(insn, 5, 3) << 1) |
        (bit(insn, 2) << 5),
      12,
    );
    const bOffset = signExtend(
      (bit(insn, 12) << 8) |
        (bits(insn, 11, 10) << 3) |
        (bits(insn, 6, 5) << 6) |
        (bits(insn, 4, 3) << 1) |
        (bit(insn, 2) << 5),
      9,
    );
    switch (f3) {
      case 0:
        [op, rd, rs1, value] = [Op.ADDI, rdFull, rdFull, imm6];
        break;
      case 1:
        [op, rd, value] = [Op.JAL, 1, jOffset];
        break;
      case 2:
        [op, rd, rs1, value] = [Op.ADDI, rdFull, 0, imm6];
        break;
      case 3:
        if (rdFull === 2) {
          value = signExtend(
            (bit(insn, 12) << 9) |
              (bit(insn, 6) << 4) |
              (bit(insn, 5) << 6) |
              (bits(insn, 4, 3) << 7) |
              (bit(insn, 2) << 5),
            10,
          );
          if (value !== 0) [op, rd, rs1] = [Op.ADDI, 2, 2];
        } else if (imm6 !== 0) {
          [op, rd, value] = [Op.LUI, rdFull, imm6 << 12];
        }
        break;
      case 4: {
        const f2 = bits(insn, 11, 10);
        rd = rs1 = rs1P;
        if (f2 === 0 || f2 === 1) {
          // shamt[5] set is reserved on RV32.
          if (bit(insn, 12) === 0) [op, value] = [f2 === 0 ? Op.SRLI : Op.SRAI, rs2Full];
        } else if (f2 === 2) {
          [op, value] = [Op.ANDI, imm6];
        } else if (bit(insn, 12) === 0) {
          op = [Op.SUB, Op.XOR, Op.OR, Op.AND][bits(insn, 6, 5)]!;
          rs2 = rdP;
        }
        break;
      }
      case 5:
        [op, rd, value] = [Op.JAL, 0, jOffset];
        break;
      case 6:
      case 7:
        [op, rs1, rs2, value] = [f3 === 6 ? Op.BEQ : Op.BNE, rs1P, 0, bOffset];
        break;
    }
  } else if (quadrant === 2) {
    switch (f3) {
      case 0:
        if (bit(insn, 12) === 0) [op, rd, rs1, value] = [Op.SLLI, rdFull, rdFull, rs2Full];
        break;
      case 2:
        if (rdFull !== 0) {
          value = (bit(insn, 12) << 5) | (bits(insn, 6, 4) << 2) | (bits(insn, 3, 2) << 6);
          [op, rd, rs1] = [Op.LW, rdFull, 2];
        }
        break;
      case 4:
        if (bit(insn, 12) === 0) {
          if (rs2Full === 0) {
            if (rdFull !== 0) [op, rd, rs1, value] = [Op.JALR, 0, rdFull, 0];
          } else [op, rd, rs1, rs2] = [Op.ADD, rdFull, 0, rs2Full];
        } else if (rs2Full === 0) {
          if (rdFull === 0) op = Op.EBREAK;
          else [op, rd, rs1, value] = [Op.JALR, 1, rdFull, 0];
        } else [op, rd, rs1, rs2] = [Op.ADD, rdFull, rdFull, rs2Full];
        break;
      case 6:
        value = (bits(insn, 12, 9) << 2) | (bits(insn, 8, 7) << 6);
        [op, rs1, rs2] = [Op.SW, 2, rs2Full];
        break;
    }
  }
  if (op === Op.ILLEGAL) {
    info[index] = Op.ILLEGAL | INFO_COMPRESSED;
    imm[index] = insn;
    return;
  }
  info[index] = pack(op, rd, rs1, rs2) | INFO_COMPRESSED;
  imm[index] = value;
}

/** A decoded instruction, for tools and tests (the hart itself uses the packed form). */
export interface DecodedInstruction {
  /** Lower-case mnemonic of the base operation (`addi` for `c.li`). */
  readonly name: string;
  /** Destination register (0 when the instruction writes x0 or none). */
  readonly rd: number;
  /** First source register (or a CSR instruction's 5-bit immediate). */
  readonly rs1: number;
  /** Second source register. */
  readonly rs2: number;
  /** Immediate (CSR number for CSR instructions; instruction bits when illegal). */
  readonly imm: number;
  /** Length in bytes: 2 or 4. */
  readonly length: 2 | 4;
}

/** Decodes one instruction (32-bit, or 16-bit when its low two bits are not `0b11`). */
export function decodeInstruction(insn: number): DecodedInstruction {
  const info = new Int32Array(1);
  const imm = new Int32Array(1);
  if ((insn & 3) === 3) decode32(insn >>> 0, info, imm, 0);
  else decode16(insn & 0xffff, info, imm, 0);
  const word = info[0]!;
  const rd = infoRd(word);
  return {
    name: OP_NAMES[infoOp(word)]!,
    rd: rd === SINK_REGISTER ? 0 : rd,
    rs1: infoRs1(word),
    rs2: infoRs2(word),
    imm: infoOp(word) === Op.ILLEGAL ? imm[0]! >>> 0 : imm[0]!,
    length: word & INFO_COMPRESSED ? 2 : 4,
  };
}
