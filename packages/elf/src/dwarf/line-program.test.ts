import { describe, expect, it } from 'vitest';
import { ElfError } from '../errors';
import type { FormContext } from './forms';
import { parseLineProgramHeader } from './line';
import { runLineProgram } from './line-program';

const cstr = (s: string) => [...new TextEncoder().encode(s), 0];

// A DWARF 4 header: min_inst_length 2, line_base -3, line_range 12, opcode_base 14 (opcode 13 is
// a standard opcode this reader does not know, with 2 operands). Files: a.c, b.c.
function lineSection(program: number[]): Uint8Array {
  const std = [0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1, 2];
  const tables = [0, ...cstr('a.c'), 0, 0, 0, ...cstr('b.c'), 0, 0, 0, 0];
  const afterHeaderLength = [2, 1, 1, 0xfd, 12, 14, ...std, ...tables];
  const body = [4, 0, afterHeaderLength.length, 0, 0, 0, ...afterHeaderLength, ...program];
  return new Uint8Array([body.length, 0, 0, 0, ...body]);
}

const context = (line: Uint8Array): FormContext => ({
  sections: {
    info: new Uint8Array(0),
    abbrev: new Uint8Array(0),
    str: new Uint8Array(0),
    lineStr: new Uint8Array(0),
    strOffsets: new Uint8Array(0),
    addr: new Uint8Array(0),
    line,
  },
  little: true,
  version: 4,
  offsetSize: 4,
  addressSize: 4,
  unitOffset: 0,
  strOffsetsBase: 0,
  addrBase: 0,
});

const run = (program: number[]) => {
  const ctx = context(lineSection(program));
  return runLineProgram(parseLineProgramHeader(0, ctx), ctx);
};

describe('runLineProgram', () => {
  it('runs special, standard and extended opcodes', () => {
    const { rows, definedFiles } = run([
      0,
      5,
      2,
      0x00,
      0x10,
      0,
      0, // DW_LNE_set_address 0x1000
      31, // special: one operation (2 bytes), line +2
      3,
      0x7f, // DW_LNS_advance_line -1
      1, // DW_LNS_copy
      13,
      0xac,
      0x02,
      1, // unknown standard opcode 13 and its two ULEB128 operands
      8, // DW_LNS_const_add_pc: (255 - 14) / 12 = 20 operations = 40 bytes
      9,
      6,
      0, // DW_LNS_fixed_advance_pc 6
      4,
      2, // DW_LNS_set_file 2
      5,
      7, // DW_LNS_set_column 7
      6, // DW_LNS_negate_stmt
      10, // DW_LNS_set_prologue_end
      0,
      10,
      3,
      ...cstr('gen.c'),
      0,
      0,
      0, // DW_LNE_define_file
      0,
      2,
      4,
      3, // DW_LNE_set_discriminator 3
      0,
      3,
      0x80,
      0xaa,
      0xbb, // an unknown extended opcode with 2 bytes of payload
      2,
      3, // DW_LNS_advance_pc 3 operations
      17, // special: no advance, line +0
      2,
      1, // DW_LNS_advance_pc 1
      0,
      1,
      1, // DW_LNE_end_sequence
      1, // DW_LNS_copy in a fresh sequence
    ]);
    const base = { opIndex: 0, basicBlock: false, epilogueBegin: false, isa: 0 };
    expect(rows).toEqual([
      {
        ...base,
        address: 0x1002n,
        file: 1,
        line: 3,
        column: 0,
        isStmt: true,
        endSequence: false,
        prologueEnd: false,
        discriminator: 0,
      },
      {
        ...base,
        address: 0x1002n,
        file: 1,
        line: 2,
        column: 0,
        isStmt: true,
        endSequence: false,
        prologueEnd: false,
        discriminator: 0,
      },
      {
        ...base,
        address: 0x1036n,
        file: 2,
        line: 2,
        column: 7,
        isStmt: false,
        endSequence: false,
        prologueEnd: true,
        discriminator: 3,
      },
      {
        ...base,
        address: 0x1038n,
        file: 2,
        line: 2,
        column: 7,
        isStmt: false,
        endSequence: true,
        prologueEnd: false,
        discriminator: 0,
      },
      {
        ...base,
        address: 0n,
        file: 1,
        line: 1,
        column: 0,
        isStmt: true,
        endSequence: false,
        prologueEnd: false,
        discriminator: 0,
      },
    ]);
    expect(definedFiles.map((f) => f.path)).toEqual(['gen.c']);
  });

  it.each([
    ['an operand past the end', [9, 1]],
    ['an extended opcode longer than the program', [0, 9, 2, 0]],
  ])('throws ElfError for %s', (_name, program) => {
    expect(() => run(program)).toThrow(ElfError);
  });
});
