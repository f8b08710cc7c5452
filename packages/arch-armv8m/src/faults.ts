// Fault status decoding: SCB_CFSR (MMFSR, BFSR, UFSR), SCB_HFSR, SCB_MMFAR and SCB_BFAR, turned
// into one structured record that the kernel's fault messages can be built from: a memory fault
// with its address (when the address register is valid) and access kind, a bus fault, a
// UsageFault cause, or a HardFault with the reason it was escalated or taken. Also the reverse:
// the CFSR bits a checker's MemManage verdict sets. Relies on `mpu/checker.ts` types only.

import type { MpuFault } from './mpu/checker';

/** SCB_CFSR address (MMFSR [7:0], BFSR [15:8], UFSR [31:16]; write 1 to clear). */
export const SCB_CFSR = 0xe000ed28;
/** SCB_HFSR address. */
export const SCB_HFSR = 0xe000ed2c;
/** SCB_MMFAR address. */
export const SCB_MMFAR = 0xe000ed34;
/** SCB_BFAR address. */
export const SCB_BFAR = 0xe000ed38;

/** CFSR bits with their architectural names. */
export const CFSR = Object.freeze({
  /** MMFSR.IACCVIOL: instruction access violation (no MMFAR). */
  IACCVIOL: 1 << 0,
  /** MMFSR.DACCVIOL: data access violation (MMFAR valid). */
  DACCVIOL: 1 << 1,
  /** MMFSR.MUNSTKERR: MemManage fault on exception return unstacking. */
  MUNSTKERR: 1 << 3,
  /** MMFSR.MSTKERR: MemManage fault on exception entry stacking. */
  MSTKERR: 1 << 4,
  /** MMFSR.MLSPERR: MemManage fault during lazy FP state preservation. */
  MLSPERR: 1 << 5,
  /** MMFSR.MMARVALID: MMFAR holds the faulting address. */
  MMARVALID: 1 << 7,
  /** BFSR.IBUSERR: instruction bus error. */
  IBUSERR: 1 << 8,
  /** BFSR.PRECISERR: precise data bus error (BFAR valid when BFARVALID). */
  PRECISERR: 1 << 9,
  /** BFSR.IMPRECISERR: imprecise data bus error. */
  IMPRECISERR: 1 << 10,
  /** BFSR.UNSTKERR: bus error on unstacking. */
  UNSTKERR: 1 << 11,
  /** BFSR.STKERR: bus error on stacking. */
  STKERR: 1 << 12,
  /** BFSR.LSPERR: bus error during lazy FP state preservation. */
  LSPERR: 1 << 13,
  /** BFSR.BFARVALID: BFAR holds the faulting address. */
  BFARVALID: 1 << 15,
  /** UFSR.UNDEFINSTR: undefined instruction. */
  UNDEFINSTR: 1 << 16,
  /** UFSR.INVSTATE: invalid state (EPSR.T = 0 or bad IT). */
  INVSTATE: 1 << 17,
  /** UFSR.INVPC: invalid EXC_RETURN or integrity check. */
  INVPC: 1 << 18,
  /** UFSR.NOCP: coprocessor (FP) access while disabled or absent. */
  NOCP: 1 << 19,
  /** UFSR.STKOF: stack limit (MSPLIM/PSPLIM) violation (Armv8-M). */
  STKOF: 1 << 20,
  /** UFSR.UNALIGNED: unaligned access trapped. */
  UNALIGNED: 1 << 24,
  /** UFSR.DIVBYZERO: division by zero trapped. */
  DIVBYZERO: 1 << 25,
});

/** HFSR bits. */
export const HFSR = Object.freeze({
  /** VECTTBL: bus fault on a vector table read. */
  VECTTBL: 1 << 1,
  /** FORCED: a configurable fault was escalated to HardFault. */
  FORCED: 1 << 30,
  /** DEBUGEVT: a debug event while halting debug is disabled. */
  DEBUGEVT: 1 << 31,
});

/** Causes of a UsageFault, named after the UFSR bits. */
export type UsageFaultCause =
  | 'undefined-instruction'
  | 'invalid-state'
  | 'invalid-pc'
  | 'no-coprocessor'
  | 'stack-overflow'
  | 'unaligned'
  | 'divide-by-zero';

/** What was being done when a memory or bus fault happened. */
export type FaultAccess =
  | 'read'
  | 'write'
  | 'data'
  | 'execute'
  | 'stacking'
  | 'unstacking'
  | 'lazy-fp';

/** A decoded fault. */
export type FaultRecord =
  | {
      readonly kind: 'memory';
      /** MMFAR when MMARVALID, else undefined. */
      readonly address: number | undefined;
      /** `data` when the status cannot tell read from write (MMFSR does not record it). */
      readonly access: FaultAccess;
      /** The set MMFSR bit names. */
      readonly bits: readonly string[];
    }
  | {
      readonly kind: 'bus';
      /** BFAR when BFARVALID, else undefined. */
      readonly address: number | undefined;
      readonly access: FaultAccess;
      /** Whether the error was imprecise (the PC does not point at the access). */
      readonly imprecise: boolean;
      readonly bits: readonly string[];
    }
  | { readonly kind: 'usage'; readonly cause: UsageFaultCause; readonly bits: readonly string[] }
  | {
      readonly kind: 'hard';
      readonly vectorTable: boolean;
      readonly forced: boolean;
      readonly debugEvent: boolean;
    }
  | { readonly kind: 'none' };

/** Inputs of {@link decodeFault}. */
export interface FaultStatus {
  /** SCB_CFSR. */
  readonly cfsr: number;
  /** SCB_HFSR (only consulted when CFSR is clear or for a HardFault). */
  readonly hfsr?: number;
  /** SCB_MMFAR. */
  readonly mmfar?: number;
  /** SCB_BFAR. */
  readonly bfar?: number;
  /** A simulator that knows the direction of the data access can say so. */
  readonly dataAccess?: 'read' | 'write';
  /** SFSR (TrustZone-M), when the fault is a SecureFault: then CFSR is 0 and {@link decodeFault} says `none`. */
  readonly sfsr?: number;
  /** SFAR, valid when SFSR.SFARVALID is set. */
  readonly sfar?: number;
}

const USAGE: readonly [number, UsageFaultCause][] = [
  [CFSR.UNDEFINSTR, 'undefined-instruction'],
  [CFSR.INVSTATE, 'invalid-state'],
  [CFSR.INVPC, 'invalid-pc'],
  [CFSR.NOCP, 'no-coprocessor'],
  [CFSR.STKOF, 'stack-overflow'],
  [CFSR.UNALIGNED, 'unaligned'],
  [CFSR.DIVBYZERO, 'divide-by-zero'],
];

/** Names of the CFSR bits set in a value, in bit order. */
export function cfsrBitNames(cfsr: number): string[] {
  return Object.entries(CFSR)
    .filter(([, bit]) => (cfsr & bit) !== 0)
    .map(([name]) => name);
}

/**
 * Decodes fault status into one record. Priority when several sub-registers report: MemManage, then
 * BusFault, then UsageFault (the order of their exception numbers); with CFSR clear, HFSR decides.
 * MMFAR/BFAR are used only with MMARVALID/BFARVALID, as the architecture requires.
 */
export function decodeFault(status: FaultStatus): FaultRecord {
  const cfsr = status.cfsr >>> 0;
  const mm = cfsr & 0xff;
  const bf = cfsr & 0xff00;
  const uf = cfsr & 0xffff0000;
  if (mm !== 0) {
    const access: FaultAccess =
      mm & CFSR.IACCVIOL
        ? 'execute'
        : mm & CFSR.MSTKERR
          ? 'stacking'
          : mm & CFSR.MUNSTKERR
            ? 'unstacking'
            : mm & CFSR.MLSPERR
              ? 'lazy-fp'
              : (status.dataAccess ?? 'data');
    const address = mm & CFSR.MMARVALID ? (status.mmfar ?? 0) >>> 0 : undefined;
    return { kind: 'memory', address, access, bits: cfsrBitNames(mm) };
  }
  if (bf !== 0) {
    const access: FaultAccess =
      bf & CFSR.IBUSERR
        ? 'execute'
        : bf & CFSR.STKERR
          ? 'stacking'
          : bf & CFSR.UNSTKERR
            ? 'unstacking'
            : bf & CFSR.LSPERR
              ? 'lazy-fp'
              : (status.dataAccess ?? 'data');
    const address = bf & CFSR.BFARVALID ? (status.bfar ?? 0) >>> 0 : undefined;
    return {
      kind: 'bus',
      address,
      access,
      imprecise: (bf & CFSR.IMPRECISERR) !== 0,
      bits: cfsrBitNames(bf),
    };
  }
  if (uf !== 0) {
    const cause = USAGE.find(([bit]) => (uf & bit) !== 0)![1];
    return { kind: 'usage', cause, bits: cfsrBitNames(uf) };
  }
  const hfsr = (status.hfsr ?? 0) >>> 0;
  if (hfsr !== 0) {
    return {
      kind: 'hard',
      vectorTable: (hfsr & HFSR.VECTTBL) !== 0,
      forced: (hfsr & HFSR.FORCED) !== 0,
      debugEvent: (hfsr & HFSR.DEBUGEVT) >>> 0 !== 0,
    };
  }
  return { kind: 'none' };
}

/**
 * The CFSR bits and fault address register values a checker fault sets: IACCVIOL for a fetch (MMFAR
 * not valid), DACCVIOL with MMARVALID and MMFAR for data; a BusFault from the PPB sets PRECISERR with
 * BFARVALID and BFAR.
 */
export function faultStatusFor(fault: MpuFault): { cfsr: number; mmfar?: number; bfar?: number } {
  if (fault.fault === 'BusFault') {
    return { cfsr: CFSR.PRECISERR | CFSR.BFARVALID, bfar: fault.address };
  }
  if (fault.access === 'execute') return { cfsr: CFSR.IACCVIOL };
  return { cfsr: CFSR.DACCVIOL | CFSR.MMARVALID, mmfar: fault.address };
}
