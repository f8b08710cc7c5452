import { FaultLabel } from '@k5/abi';
import { AccessKind } from '@k5/kernel';
import { describe, expect, it } from 'vitest';
import { ExceptionCause } from '../trap';
import { faultForTrap } from './trap-fault';

const PC = 0x8000_0010;
const SP = 0x8000_0ff0;

describe('faultForTrap', () => {
  it.each([
    [
      ExceptionCause.InstructionAccessFault,
      0x9000_0000,
      FaultLabel.VmFault,
      [PC, 0x9000_0000, 1, AccessKind.Execute],
    ],
    [
      ExceptionCause.LoadAccessFault,
      0x2000_0000,
      FaultLabel.VmFault,
      [PC, 0x2000_0000, 0, AccessKind.Read],
    ],
    [
      ExceptionCause.StoreAccessFault,
      0xffff_fffc,
      FaultLabel.VmFault,
      [PC, 0xffff_fffc, 0, AccessKind.Write],
    ],
    [
      ExceptionCause.IllegalInstruction,
      0xffff_ffff,
      FaultLabel.UserException,
      [PC, SP, 2, 0xffff_ffff],
    ],
    [ExceptionCause.Breakpoint, 0, FaultLabel.UserException, [PC, SP, 3, 0]],
    [
      ExceptionCause.LoadAddressMisaligned,
      0x2000_0001,
      FaultLabel.UserException,
      [PC, SP, 4, 0x2000_0001],
    ],
    [
      ExceptionCause.StoreAddressMisaligned,
      0x2000_0002,
      FaultLabel.UserException,
      [PC, SP, 6, 0x2000_0002],
    ],
  ])('mcause %i, mtval %i → label %i, words %j', (cause, mtval, label, words) => {
    expect(faultForTrap(cause, mtval | 0, PC, SP)).toEqual({ label, words });
  });
});
