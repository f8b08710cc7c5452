// The `.debug_line` line-number program: the state machine of DWARF 5 section 6.2 run over a
// header's opcodes, giving the address-to-line matrix (one row per emitted state). Handles
// special, standard (including unknown ones, skipped by their operand counts) and extended
// opcodes, and VLIW op_index advance. Every opcode consumes bytes, so the run always ends.

import { ByteReader } from '../bytes/byte-reader';
import { ElfError } from '../errors';
import type { FormContext } from './forms';
import type { LineFileEntry, LineProgramHeader } from './line';

/** One row of the line-number matrix. */
export interface LineRow {
  /** Address of the first byte of the instruction. */
  readonly address: bigint;
  /** Operation index within a VLIW instruction (0 elsewhere). */
  readonly opIndex: number;
  /** File index (see `lineFile` for how it maps to the file table). */
  readonly file: number;
  /** Source line, from 1 (0 means "no line"). */
  readonly line: number;
  /** Source column, from 1 (0 means "left edge"). */
  readonly column: number;
  /** A recommended breakpoint location. */
  readonly isStmt: boolean;
  /** The start of a basic block. */
  readonly basicBlock: boolean;
  /** True for the row just past the end of a sequence (its address is not an instruction). */
  readonly endSequence: boolean;
  /** Where a function's prologue ends (a breakpoint after set-up). */
  readonly prologueEnd: boolean;
  /** Where a function's epilogue begins. */
  readonly epilogueBegin: boolean;
  /** Instruction set architecture of the instruction (target-defined). */
  readonly isa: number;
  /** Which block the instruction belongs to when several share a line. */
  readonly discriminator: number;
}

/** The rows of a line program and the file entries `DW_LNE_define_file` added (DWARF 2-4). */
export interface LineProgramRows {
  /** Rows in program order; each sequence ends with an `endSequence` row. */
  readonly rows: readonly LineRow[];
  /** File entries added by `DW_LNE_define_file`, in order. */
  readonly definedFiles: readonly LineFileEntry[];
}

const DW_LNS = {
  copy: 1,
  advance_pc: 2,
  advance_line: 3,
  set_file: 4,
  set_column: 5,
  negate_stmt: 6,
  set_basic_block: 7,
  const_add_pc: 8,
  fixed_advance_pc: 9,
  set_prologue_end: 10,
  set_epilogue_begin: 11,
  set_isa: 12,
} as const;
const DW_LNE = { end_sequence: 1, set_address: 2, define_file: 3, set_discriminator: 4 } as const;

/**
 * Runs the line-number program of `header`.
 *
 * @param unit - the owning unit's form context (for the byte order and address size).
 * @throws {@link ElfError} when an opcode's operands run past the program.
 */
export function runLineProgram(header: LineProgramHeader, unit: FormContext): LineProgramRows {
  const data = unit.sections.line;
  if (header.programOffset > header.end || header.end > data.length) {
    throw new ElfError(
      'DWARF_MALFORMED',
      `.debug_line: the program of the header at offset ${header.offset} starts at ${header.programOffset}, past its end ${header.end}`,
      header.offset,
    );
  }
  const r = new ByteReader(
    data,
    unit.little,
    '.debug_line program',
    header.programOffset,
    header.end,
  );
  const minInst = BigInt(header.minimumInstructionLength);
  const maxOps = Math.max(1, header.maximumOperationsPerInstruction);
  const lineRange = header.lineRange;
  const rows: LineRow[] = [];
  const definedFiles: LineFileEntry[] = [];

  let address = 0n;
  let opIndex = 0;
  let file = 1;
  let line = 1;
  let column = 0;
  let isStmt = header.defaultIsStmt;
  let basicBlock = false;
  let endSequence = false;
  let prologueEnd = false;
  let epilogueBegin = false;
  let isa = 0;
  let discriminator = 0;

  const reset = () => {
    address = 0n;
    opIndex = 0;
    file = 1;
    line = 1;
    column = 0;
    isStmt = header.defaultIsStmt;
    basicBlock = false;
    endSequence = false;
    prologueEnd = false;
    epilogueBegin = false;
    isa = 0;
    discriminator = 0;
  };
  const emit = () => {
    rows.push({
      address,
      opIndex,
      file,
      line,
      column,
      isStmt,
      basicBlock,
      endSequence,
      prologueEnd,
      epilogueBegin,
      isa,
      discriminator,
    });
    basicBlock = false;
    prologueEnd = false;
    epilogueBegin = false;
    discriminator = 0;
  };
  const advance = (operationAdvance: number) => {
    const total = opIndex + operationAdvance;
    address = BigInt.asUintN(64, address + minInst * BigInt(Math.floor(total / maxOps)));
    opIndex = total % maxOps;
  };

  while (r.remaining > 0) {
    const opcode = r.u8('opcode');
    if (opcode >= header.opcodeBase) {
      if (lineRange === 0) {
        throw new ElfError(
          'DWARF_MALFORMED',
          '.debug_line: a special opcode with line_range 0',
          r.pos,
        );
      }
      const adjusted = opcode - header.opcodeBase;
      advance(Math.floor(adjusted / lineRange));
      line += header.lineBase + (adjusted % lineRange);
      emit();
      continue;
    }
    switch (opcode) {
      case 0: {
        const length = r.uleb('extended opcode length');
        if (length === 0) continue;
        const end = r.pos + length;
        r.need(length, 'extended opcode');
        const sub = r.u8('extended opcode');
        if (sub === DW_LNE.end_sequence) {
          endSequence = true;
          emit();
          reset();
        } else if (sub === DW_LNE.set_address) {
          address = r.uSized(length - 1, 'DW_LNE_set_address');
          opIndex = 0;
        } else if (sub === DW_LNE.define_file) {
          const path = r.cstring('DW_LNE_define_file name');
          const directoryIndex = r.uleb('directory index');
          const timestamp = r.ulebBig('modification time');
          const size = r.ulebBig('file size');
          definedFiles.push({ path, directoryIndex, timestamp, size, md5: undefined });
        } else if (sub === DW_LNE.set_discriminator) {
          discriminator = r.uleb('discriminator');
        }
        // Unknown (vendor) extended opcodes, and any bytes a known one left, are skipped.
        r.seek(end, 'extended opcode end');
        break;
      }
      case DW_LNS.copy:
        emit();
        break;
      case DW_LNS.advance_pc:
        advance(r.uleb('DW_LNS_advance_pc'));
        break;
      case DW_LNS.advance_line:
        line += r.sleb('DW_LNS_advance_line');
        break;
      case DW_LNS.set_file:
        file = r.uleb('DW_LNS_set_file');
        break;
      case DW_LNS.set_column:
        column = r.uleb('DW_LNS_set_column');
        break;
      case DW_LNS.negate_stmt:
        isStmt = !isStmt;
        break;
      case DW_LNS.set_basic_block:
        basicBlock = true;
        break;
      case DW_LNS.const_add_pc:
        advance(lineRange === 0 ? 0 : Math.floor((255 - header.opcodeBase) / lineRange));
        break;
      case DW_LNS.fixed_advance_pc:
        address = BigInt.asUintN(64, address + BigInt(r.u16('DW_LNS_fixed_advance_pc')));
        opIndex = 0;
        break;
      case DW_LNS.set_prologue_end:
        prologueEnd = true;
        break;
      case DW_LNS.set_epilogue_begin:
        epilogueBegin = true;
        break;
      case DW_LNS.set_isa:
        isa = r.uleb('DW_LNS_set_isa');
        break;
      default: {
        // A standard opcode this reader does not know: skip its ULEB128 operands.
        const operands = header.standardOpcodeLengths[opcode - 1] ?? 0;
        for (let i = 0; i < operands; i++) r.ulebBig('operand');
      }
    }
  }
  return { rows, definedFiles };
}
