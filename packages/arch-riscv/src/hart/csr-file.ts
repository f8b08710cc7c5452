// The machine-mode CSR file of the reference hart: which CSRs exist, who may access them,
// and what a write does to each (WARL legalisation of mstatus.MPP, mtvec.MODE, mepc bit 0,
// the read-only mip bits, the 64-bit counters split into halves on RV32, the PMP CSRs).
// Relies on `state.ts` for the storage and on `pmp/registers.ts` for the PMP CSRs.

import {
  CSR_CYCLE,
  CSR_CYCLEH,
  CSR_INSTRET,
  CSR_INSTRETH,
  CSR_MARCHID,
  CSR_MCAUSE,
  CSR_MCONFIGPTR,
  CSR_MCOUNTEREN,
  CSR_MCYCLE,
  CSR_MCYCLEH,
  CSR_MEPC,
  CSR_MHARTID,
  CSR_MIE,
  CSR_MIMPID,
  CSR_MINSTRET,
  CSR_MINSTRETH,
  CSR_MIP,
  CSR_MISA,
  CSR_MSCRATCH,
  CSR_MSTATUS,
  CSR_MSTATUSH,
  CSR_MTVAL,
  CSR_MTVEC,
  CSR_MVENDORID,
  CSR_PMPADDR0,
  CSR_PMPCFG0,
  MCOUNTEREN_CY,
  MCOUNTEREN_IR,
  MIP_IMPLEMENTED,
  MSTATUS_MPP,
  MSTATUS_MPP_SHIFT,
  MSTATUS_WRITABLE,
  MTVEC_MODE,
  MTVEC_MODE_VECTORED,
  csrIsReadOnly,
  csrMinimumPrivilege,
} from '../csr';
import { PMPADDR_COUNT, PMPCFG_COUNT } from '../pmp/registers';
import { PrivilegeMode } from '../trap';
import type { HartState } from './state';

const TWO_32 = 2 ** 32;

function low(counter: number): number {
  return (counter % TWO_32) >>> 0;
}

function high(counter: number): number {
  return (Math.floor(counter / TWO_32) % TWO_32) >>> 0;
}

/** True when `csr` exists on this hart (whatever the current privilege). */
export function csrExists(s: HartState, csr: number): boolean {
  return csrReadRaw(s, csr) !== undefined;
}

/**
 * True when the current privilege may access `csr` (and write it, if `write`). False means
 * the access raises illegal instruction.
 */
export function csrAccessible(s: HartState, csr: number, write: boolean): boolean {
  if (!csrExists(s, csr)) return false;
  if (s.mode < csrMinimumPrivilege(csr)) return false;
  if (write && csrIsReadOnly(csr)) return false;
  if (s.mode === PrivilegeMode.User) {
    // The unprivileged counter shadows are gated by mcounteren.
    if (csr === CSR_CYCLE || csr === CSR_CYCLEH) return (s.mcounteren & MCOUNTEREN_CY) !== 0;
    if (csr === CSR_INSTRET || csr === CSR_INSTRETH) return (s.mcounteren & MCOUNTEREN_IR) !== 0;
  }
  return true;
}

/** Reads a CSR without privilege checks; `undefined` when it does not exist. */
export function csrReadRaw(s: HartState, csr: number): number | undefined {
  if (csr >= CSR_PMPCFG0 && csr < CSR_PMPCFG0 + PMPCFG_COUNT) {
    return s.pmp.readCfg(csr - CSR_PMPCFG0);
  }
  if (csr >= CSR_PMPADDR0 && csr < CSR_PMPADDR0 + PMPADDR_COUNT) {
    return s.pmp.readAddr(csr - CSR_PMPADDR0);
  }
  switch (csr) {
    case CSR_MSTATUS:
      return s.mstatus >>> 0;
    case CSR_MSTATUSH:
      return 0;
    case CSR_MISA:
      return s.misa >>> 0;
    case CSR_MIE:
      return s.mie >>> 0;
    case CSR_MIP:
      return s.mip >>> 0;
    case CSR_MTVEC:
      return s.mtvec >>> 0;
    case CSR_MCOUNTEREN:
      return s.mcounteren >>> 0;
    case CSR_MSCRATCH:
      return s.mscratch >>> 0;
    case CSR_MEPC:
      return s.mepc >>> 0;
    case CSR_MCAUSE:
      return s.mcause >>> 0;
    case CSR_MTVAL:
      return s.mtval >>> 0;
    case CSR_MCYCLE:
    case CSR_CYCLE:
      return low(s.cycles);
    case CSR_MCYCLEH:
    case CSR_CYCLEH:
      return high(s.cycles);
    case CSR_MINSTRET:
    case CSR_INSTRET:
      return low(s.instret);
    case CSR_MINSTRETH:
    case CSR_INSTRETH:
      return high(s.instret);
    case CSR_MHARTID:
      return s.hartId >>> 0;
    case CSR_MVENDORID:
    case CSR_MARCHID:
    case CSR_MIMPID:
    case CSR_MCONFIGPTR:
      return 0;
    default:
      return undefined;
  }
}

/**
 * Writes a CSR without privilege checks, applying its WARL rules. Writes to read-only or
 * missing CSRs are ignored. `retiring` is true when the write comes from a CSR instruction
 * that will still be counted as retired afterwards (counter writes then compensate, so the
 * next instruction reads the value written).
 */
export function csrWriteRaw(s: HartState, csr: number, value: number, retiring = false): void {
  value >>>= 0;
  if (csr >= CSR_PMPCFG0 && csr < CSR_PMPCFG0 + PMPCFG_COUNT) {
    s.pmp.writeCfg(csr - CSR_PMPCFG0, value);
    return;
  }
  if (csr >= CSR_PMPADDR0 && csr < CSR_PMPADDR0 + PMPADDR_COUNT) {
    s.pmp.writeAddr(csr - CSR_PMPADDR0, value);
    return;
  }
  const bump = retiring ? 1 : 0;
  switch (csr) {
    case CSR_MSTATUS: {
      let next = value & MSTATUS_WRITABLE;
      // MPP is WARL over the implemented modes: S (1) and the reserved 2 become U.
      const mpp = (next & MSTATUS_MPP) >>> MSTATUS_MPP_SHIFT;
      if (mpp !== PrivilegeMode.Machine && mpp !== PrivilegeMode.User) next &= ~MSTATUS_MPP;
      s.mstatus = next;
      return;
    }
    case CSR_MIE:
      s.mie = value & MIP_IMPLEMENTED;
      return;
    case CSR_MTVEC: {
      // MODE values 2 and 3 are reserved: keep the previous mode. BASE is 4-byte aligned.
      const mode = value & MTVEC_MODE;
      const keep = mode > MTVEC_MODE_VECTORED ? s.mtvec & MTVEC_MODE : mode;
      s.mtvec = (value & ~3) | keep;
      return;
    }
    case CSR_MCOUNTEREN:
      s.mcounteren = value & (MCOUNTEREN_CY | MCOUNTEREN_IR);
      return;
    case CSR_MSCRATCH:
      s.mscratch = value | 0;
      return;
    case CSR_MEPC:
      s.mepc = value & (s.compressed ? ~1 : ~3);
      return;
    case CSR_MCAUSE:
      s.mcause = value | 0;
      return;
    case CSR_MTVAL:
      s.mtval = value | 0;
      return;
    case CSR_MCYCLE:
      s.cycles = high(s.cycles) * TWO_32 + value - bump;
      return;
    case CSR_MCYCLEH:
      s.cycles = value * TWO_32 + low(s.cycles) - bump;
      return;
    case CSR_MINSTRET:
      s.instret = high(s.instret) * TWO_32 + value - bump;
      return;
    case CSR_MINSTRETH:
      s.instret = value * TWO_32 + low(s.instret) - bump;
      return;
    default:
      // mip's implemented bits are driven by the CLINT and PLIC, read-only here; misa and
      // the ID registers are read-only too.
      return;
  }
}
