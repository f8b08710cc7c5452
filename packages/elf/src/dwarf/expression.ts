// DWARF location expressions: just enough of the DW_OP encoding to walk an expression and find the
// static address it pushes (DW_OP_addr, DW_OP_addrx, DW_OP_GNU_addr_index), which is what a global
// variable's DW_AT_location holds. Operand sizes of every standard op are known, so addresses after
// other ops (a DW_OP_piece, say) are found too; an unknown op ends the walk.

import { ByteReader } from '../bytes/byte-reader';
import { DwOp } from './constants';
import { type FormContext, indexedAddress } from './forms';

type Operand =
  | 'u1'
  | 'u2'
  | 'u4'
  | 'u8'
  | 'uleb'
  | 'sleb'
  | 'addr'
  | 'offset'
  | 'block'
  | 'u1block'
  | 'ref';

// Operand layouts of the standard operations (DWARF 5 section 7.7.1), by opcode.
const OPERANDS = new Map<number, readonly Operand[]>([
  [0x06, []],
  [0x08, ['u1']],
  [0x09, ['u1']],
  [0x0a, ['u2']],
  [0x0b, ['u2']],
  [0x0c, ['u4']],
  [0x0d, ['u4']],
  [0x0e, ['u8']],
  [0x0f, ['u8']],
  [0x10, ['uleb']],
  [0x11, ['sleb']],
  [0x15, ['u1']],
  [0x23, ['uleb']],
  [0x28, ['u2']],
  [0x2f, ['u2']],
  [0x90, ['uleb']],
  [0x91, ['sleb']],
  [0x92, ['uleb', 'sleb']],
  [0x93, ['uleb']],
  [0x94, ['u1']],
  [0x95, ['u1']],
  [0x98, ['u2']],
  [0x99, ['u4']],
  [0x9a, ['offset']],
  [0x9d, ['uleb', 'uleb']],
  [0x9e, ['block']],
  [0xa0, ['ref', 'sleb']],
  [0xa2, ['uleb']],
  [0xa3, ['block']],
  [0xa4, ['uleb', 'u1block']],
  [0xa5, ['uleb', 'uleb']],
  [0xa6, ['u1', 'uleb']],
  [0xa7, ['u1', 'uleb']],
  [0xa8, ['uleb']],
  [0xa9, ['uleb']],
  [0xf3, ['block']],
  [0xfc, ['uleb']],
]);

function hasNoOperands(op: number): boolean {
  // dup..xderef, lit0..lit31, reg0..reg31, and the argument-less ops of DWARF 3-5.
  return (
    (op >= 0x12 && op <= 0x27 && op !== 0x15 && op !== 0x23) ||
    (op >= 0x29 && op <= 0x2e) ||
    (op >= 0x30 && op <= 0x6f) ||
    op === 0x96 ||
    op === 0x97 ||
    op === 0x9b ||
    op === 0x9c ||
    op === 0x9f ||
    op === 0xe0
  );
}

function skipOperand(r: ByteReader, kind: Operand, ctx: FormContext): void {
  switch (kind) {
    case 'u1':
      r.skip(1);
      break;
    case 'u2':
      r.skip(2);
      break;
    case 'u4':
      r.skip(4);
      break;
    case 'u8':
      r.skip(8);
      break;
    case 'uleb':
      r.ulebBig();
      break;
    case 'sleb':
      r.slebBig();
      break;
    case 'addr':
      r.skip(ctx.addressSize);
      break;
    case 'offset':
      r.skip(ctx.offsetSize);
      break;
    case 'ref':
      r.skip(ctx.version <= 2 ? ctx.addressSize : ctx.offsetSize);
      break;
    case 'block':
      r.skip(r.uleb('block length'));
      break;
    case 'u1block':
      r.skip(r.u8('block length'));
      break;
  }
}

/**
 * The first static address an expression pushes (DW_OP_addr, or DW_OP_addrx / DW_OP_GNU_addr_index
 * resolved through `.debug_addr`), or `undefined` when it pushes none this walker can see.
 *
 * @throws {@link ElfError} when an operand runs past the expression or an index past `.debug_addr`.
 */
export function expressionAddress(expr: Uint8Array, ctx: FormContext): bigint | undefined {
  const r = new ByteReader(expr, ctx.little, 'location expression');
  while (r.remaining > 0) {
    const op = r.u8('opcode');
    if (op === DwOp.addr) return r.uSized(ctx.addressSize, 'DW_OP_addr');
    if (op === DwOp.addrx || op === DwOp.GNU_addr_index)
      return indexedAddress(ctx, r.uleb('DW_OP_addrx'));
    if (op >= 0x70 && op <= 0x8f) {
      r.slebBig();
      continue;
    }
    if (hasNoOperands(op)) continue;
    const operands = OPERANDS.get(op);
    if (operands === undefined) return undefined;
    for (const kind of operands) skipOperand(r, kind, ctx);
  }
  return undefined;
}
