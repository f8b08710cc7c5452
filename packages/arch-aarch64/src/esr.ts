// ESR_EL1, the Exception Syndrome Register: exception classes (EC), the IL bit and the ISS
// layouts of the classes a kernel handles (SVC, BRK, data and instruction aborts, alignment,
// unknown/undefined). Encode and decode are exact inverses for every syndrome this file models;
// other classes keep their raw ISS. ESR_EL1 is a 64-bit register whose bits [63:32] (ISS2) are 0
// for everything here, so it is a Number. Relies on mmu/fault.ts.

import { checkField } from './errors';
import { AccessKind, type ExceptionLevel, type FaultStatusCode, type MmuFault } from './mmu/fault';

/** EC [31:26]. */
export const ESR_EC_SHIFT = 26;
/** IL [25]: 1 = 32-bit instruction (always 1 for A64 and for most classes). */
export const ESR_IL_BIT = 25;
/** ISS [24:0]. */
export const ESR_ISS_MASK = 0x1ff_ffff;

/** Data abort ISS: ISV [24], the syndrome fields SAS/SSE/SRT/SF/AR are valid. */
export const ISS_ISV_BIT = 24;
/** SAS [23:22]: access size, log2 bytes. */
export const ISS_SAS_SHIFT = 22;
/** SSE [21]: sign-extended load. */
export const ISS_SSE_BIT = 21;
/** SRT [20:16]: the transfer register. */
export const ISS_SRT_SHIFT = 16;
/** SF [15]: 64-bit transfer register (Xn rather than Wn). */
export const ISS_SF_BIT = 15;
/** AR [14]: acquire/release semantics. */
export const ISS_AR_BIT = 14;
/** FnV [10]: FAR is not valid. */
export const ISS_FNV_BIT = 10;
/** EA [9]: external abort type. */
export const ISS_EA_BIT = 9;
/** CM [8]: cache maintenance. */
export const ISS_CM_BIT = 8;
/** S1PTW [7]: stage-2 fault on a stage-1 walk. */
export const ISS_S1PTW_BIT = 7;
/** WnR [6]: 1 = write. */
export const ISS_WNR_BIT = 6;
/** DFSC/IFSC [5:0]. */
export const ISS_FSC_MASK = 0x3f;

/** Exception classes (ESR_ELx.EC). */
export enum ExceptionClass {
  /** 0x00: unknown reason, including undefined instructions. */
  Unknown = 0x00,
  /** 0x01: trapped WFI/WFE. */
  WfxTrap = 0x01,
  /** 0x07: trapped SIMD/FP access. */
  FpAccessTrap = 0x07,
  /** 0x0E: illegal execution state (PSTATE.IL). */
  IllegalState = 0x0e,
  /** 0x11: SVC from AArch32. */
  Svc32 = 0x11,
  /** 0x15: SVC from AArch64. */
  Svc64 = 0x15,
  /** 0x18: trapped MSR/MRS/system instruction. */
  SysRegTrap = 0x18,
  /** 0x20: instruction abort from a lower EL. */
  InstructionAbortLower = 0x20,
  /** 0x21: instruction abort from the same EL. */
  InstructionAbortSame = 0x21,
  /** 0x22: PC alignment fault. */
  PcAlignment = 0x22,
  /** 0x24: data abort from a lower EL. */
  DataAbortLower = 0x24,
  /** 0x25: data abort from the same EL. */
  DataAbortSame = 0x25,
  /** 0x26: SP alignment fault. */
  SpAlignment = 0x26,
  /** 0x2C: trapped floating-point exception (AArch64). */
  FpException64 = 0x2c,
  /** 0x2F: SError interrupt. */
  SError = 0x2f,
  /** 0x30: breakpoint from a lower EL. */
  BreakpointLower = 0x30,
  /** 0x31: breakpoint from the same EL. */
  BreakpointSame = 0x31,
  /** 0x32: software step from a lower EL. */
  SoftwareStepLower = 0x32,
  /** 0x33: software step from the same EL. */
  SoftwareStepSame = 0x33,
  /** 0x34: watchpoint from a lower EL. */
  WatchpointLower = 0x34,
  /** 0x35: watchpoint from the same EL. */
  WatchpointSame = 0x35,
  /** 0x3C: BRK instruction (AArch64). */
  Brk64 = 0x3c,
}

/** The access-syndrome fields a data abort carries when ISV = 1. */
export interface DataAccessSyndrome {
  /** SAS: 0 byte, 1 halfword, 2 word, 3 doubleword. */
  sas: 0 | 1 | 2 | 3;
  /** SSE: sign-extended. */
  sse: boolean;
  /** SRT: register number 0-30 (31 = XZR/WZR). */
  srt: number;
  /** SF: 64-bit register. */
  sf: boolean;
  /** AR: acquire/release. */
  ar: boolean;
}

/** A decoded syndrome. `il` is the IL bit. */
export type Syndrome =
  | { ec: ExceptionClass.Svc64 | ExceptionClass.Svc32; il: boolean; imm16: number }
  | { ec: ExceptionClass.Brk64; il: boolean; comment: number }
  | {
      ec: ExceptionClass.DataAbortLower | ExceptionClass.DataAbortSame;
      il: boolean;
      /** DFSC. */
      dfsc: number;
      /** WnR. */
      wnr: boolean;
      /** FnV: FAR not valid. */
      fnv: boolean;
      /** EA. */
      ea: boolean;
      /** CM. */
      cm: boolean;
      /** S1PTW. */
      s1ptw: boolean;
      /** Present iff ISV = 1. */
      access?: DataAccessSyndrome;
    }
  | {
      ec: ExceptionClass.InstructionAbortLower | ExceptionClass.InstructionAbortSame;
      il: boolean;
      /** IFSC. */
      ifsc: number;
      /** FnV. */
      fnv: boolean;
      /** EA. */
      ea: boolean;
      /** S1PTW. */
      s1ptw: boolean;
    }
  | { ec: Exclude<ExceptionClass, HandledClass>; il: boolean; iss: number };

type HandledClass =
  | ExceptionClass.Svc64
  | ExceptionClass.Svc32
  | ExceptionClass.Brk64
  | ExceptionClass.DataAbortLower
  | ExceptionClass.DataAbortSame
  | ExceptionClass.InstructionAbortLower
  | ExceptionClass.InstructionAbortSame;

const bit = (v: boolean, n: number) => (v ? 1 << n : 0);
const has = (v: number, n: number) => ((v >>> n) & 1) === 1;

/** Encodes ESR_EL1 (32 significant bits). Throws `field-range` for a field out of range. */
export function encodeEsr(s: Syndrome): number {
  let iss: number;
  switch (s.ec) {
    case ExceptionClass.Svc64:
    case ExceptionClass.Svc32:
      checkField('SVC imm16', s.imm16, 16);
      iss = s.imm16;
      break;
    case ExceptionClass.Brk64:
      checkField('BRK comment', s.comment, 16);
      iss = s.comment;
      break;
    case ExceptionClass.DataAbortLower:
    case ExceptionClass.DataAbortSame:
      checkField('DFSC', s.dfsc, 6);
      iss =
        s.dfsc |
        bit(s.wnr, ISS_WNR_BIT) |
        bit(s.s1ptw, ISS_S1PTW_BIT) |
        bit(s.cm, ISS_CM_BIT) |
        bit(s.ea, ISS_EA_BIT) |
        bit(s.fnv, ISS_FNV_BIT);
      if (s.access !== undefined) {
        checkField('SAS', s.access.sas, 2);
        checkField('SRT', s.access.srt, 5);
        iss |=
          (1 << ISS_ISV_BIT) |
          (s.access.sas << ISS_SAS_SHIFT) |
          bit(s.access.sse, ISS_SSE_BIT) |
          (s.access.srt << ISS_SRT_SHIFT) |
          bit(s.access.sf, ISS_SF_BIT) |
          bit(s.access.ar, ISS_AR_BIT);
      }
      break;
    case ExceptionClass.InstructionAbortLower:
    case ExceptionClass.InstructionAbortSame:
      checkField('IFSC', s.ifsc, 6);
      iss = s.ifsc | bit(s.s1ptw, ISS_S1PTW_BIT) | bit(s.ea, ISS_EA_BIT) | bit(s.fnv, ISS_FNV_BIT);
      break;
    default:
      checkField('ISS', s.iss, 25);
      iss = s.iss;
  }
  checkField('EC', s.ec, 6);
  return ((s.ec << ESR_EC_SHIFT) | bit(s.il, ESR_IL_BIT) | iss) >>> 0;
}

/** Decodes ESR_EL1 (bits [63:32] must already be dropped). */
export function decodeEsr(esr: number): Syndrome {
  const ec = (esr >>> ESR_EC_SHIFT) & 0x3f;
  const il = has(esr, ESR_IL_BIT);
  const iss = esr & ESR_ISS_MASK;
  switch (ec) {
    case ExceptionClass.Svc64:
    case ExceptionClass.Svc32:
      return { ec, il, imm16: iss & 0xffff };
    case ExceptionClass.Brk64:
      return { ec, il, comment: iss & 0xffff };
    case ExceptionClass.DataAbortLower:
    case ExceptionClass.DataAbortSame: {
      const s: Syndrome = {
        ec,
        il,
        dfsc: iss & ISS_FSC_MASK,
        wnr: has(iss, ISS_WNR_BIT),
        fnv: has(iss, ISS_FNV_BIT),
        ea: has(iss, ISS_EA_BIT),
        cm: has(iss, ISS_CM_BIT),
        s1ptw: has(iss, ISS_S1PTW_BIT),
      };
      if (has(iss, ISS_ISV_BIT)) {
        s.access = {
          sas: ((iss >>> ISS_SAS_SHIFT) & 3) as 0 | 1 | 2 | 3,
          sse: has(iss, ISS_SSE_BIT),
          srt: (iss >>> ISS_SRT_SHIFT) & 0x1f,
          sf: has(iss, ISS_SF_BIT),
          ar: has(iss, ISS_AR_BIT),
        };
      }
      return s;
    }
    case ExceptionClass.InstructionAbortLower:
    case ExceptionClass.InstructionAbortSame:
      return {
        ec,
        il,
        ifsc: iss & ISS_FSC_MASK,
        fnv: has(iss, ISS_FNV_BIT),
        ea: has(iss, ISS_EA_BIT),
        s1ptw: has(iss, ISS_S1PTW_BIT),
      };
    default:
      return { ec: ec as Exclude<ExceptionClass, HandledClass>, il, iss };
  }
}

/**
 * The syndrome of an MMU fault taken to EL1: an instruction abort for a fetch, a data abort
 * otherwise (WnR from the access), "lower" when the access came from EL0. `dataAccess` adds the
 * ISV syndrome of a single-register load/store; leave it out for stage-1 aborts taken to EL1,
 * where hardware reports ISV = 0 (QEMU's Cortex-A53 does, see the differential tests).
 */
export function abortSyndrome(
  fault: MmuFault | { statusCode: FaultStatusCode },
  access: AccessKind,
  fromEl: ExceptionLevel,
  dataAccess?: DataAccessSyndrome,
): Syndrome {
  if (access === AccessKind.Execute) {
    return {
      ec: fromEl === 0 ? ExceptionClass.InstructionAbortLower : ExceptionClass.InstructionAbortSame,
      il: true,
      ifsc: fault.statusCode,
      fnv: false,
      ea: false,
      s1ptw: false,
    };
  }
  return {
    ec: fromEl === 0 ? ExceptionClass.DataAbortLower : ExceptionClass.DataAbortSame,
    il: true,
    dfsc: fault.statusCode,
    wnr: access === AccessKind.Write,
    fnv: false,
    ea: false,
    cm: false,
    s1ptw: false,
    ...(dataAccess === undefined ? {} : { access: dataAccess }),
  };
}
