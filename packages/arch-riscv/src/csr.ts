// Control and status register numbers and fields of the RISC-V privileged architecture
// (machine level, RV32, M and U modes). Owns only names and bit layouts; the behaviour of
// each register (WARL legalisation, privilege checks) lives in `hart/csr-file.ts` and
// `pmp/registers.ts`. Relies on nothing.

// ---- Machine information registers (read-only) ----

/** `mvendorid`: vendor ID (read-only). */
export const CSR_MVENDORID = 0xf11;
/** `marchid`: architecture ID (read-only). */
export const CSR_MARCHID = 0xf12;
/** `mimpid`: implementation ID (read-only). */
export const CSR_MIMPID = 0xf13;
/** `mhartid`: hardware thread ID (read-only). */
export const CSR_MHARTID = 0xf14;
/** `mconfigptr`: pointer to the configuration data structure (read-only, zero here). */
export const CSR_MCONFIGPTR = 0xf15;

// ---- Machine trap setup ----

/** `mstatus`: machine status. */
export const CSR_MSTATUS = 0x300;
/** `misa`: ISA and extensions. */
export const CSR_MISA = 0x301;
/** `mie`: machine interrupt enable. */
export const CSR_MIE = 0x304;
/** `mtvec`: machine trap-handler base address and mode. */
export const CSR_MTVEC = 0x305;
/** `mcounteren`: which counters U mode may read. */
export const CSR_MCOUNTEREN = 0x306;
/** `mstatush`: upper half of `mstatus` on RV32 (all fields zero on this hart). */
export const CSR_MSTATUSH = 0x310;

// ---- Machine trap handling ----

/** `mscratch`: scratch register for machine trap handlers. */
export const CSR_MSCRATCH = 0x340;
/** `mepc`: machine exception program counter. */
export const CSR_MEPC = 0x341;
/** `mcause`: machine trap cause. */
export const CSR_MCAUSE = 0x342;
/** `mtval`: machine trap value (bad address or instruction). */
export const CSR_MTVAL = 0x343;
/** `mip`: machine interrupt pending. */
export const CSR_MIP = 0x344;

// ---- Machine memory protection ----

/** `pmpcfg0`: the first of 16 PMP configuration registers (`pmpcfg0` + n). */
export const CSR_PMPCFG0 = 0x3a0;
/** `pmpaddr0`: the first of 64 PMP address registers (`pmpaddr0` + n). */
export const CSR_PMPADDR0 = 0x3b0;

// ---- Machine counters ----

/** `mcycle`: low 32 bits of the machine cycle counter. */
export const CSR_MCYCLE = 0xb00;
/** `minstret`: low 32 bits of the machine instructions-retired counter. */
export const CSR_MINSTRET = 0xb02;
/** `mcycleh`: high 32 bits of `mcycle` (RV32). */
export const CSR_MCYCLEH = 0xb80;
/** `minstreth`: high 32 bits of `minstret` (RV32). */
export const CSR_MINSTRETH = 0xb82;

// ---- Unprivileged counter shadows ----

/** `cycle`: read-only shadow of `mcycle`. */
export const CSR_CYCLE = 0xc00;
/** `time`: read-only shadow of the platform timer (not implemented by this hart). */
export const CSR_TIME = 0xc01;
/** `instret`: read-only shadow of `minstret`. */
export const CSR_INSTRET = 0xc02;
/** `cycleh`: read-only shadow of `mcycleh`. */
export const CSR_CYCLEH = 0xc80;
/** `instreth`: read-only shadow of `minstreth`. */
export const CSR_INSTRETH = 0xc82;

// ---- mstatus fields ----

/** `mstatus.MIE`: machine interrupts globally enabled. */
export const MSTATUS_MIE = 1 << 3;
/** `mstatus.MPIE`: MIE before the last trap into M mode. */
export const MSTATUS_MPIE = 1 << 7;
/** Bit position of `mstatus.MPP`, the privilege mode before the last trap. */
export const MSTATUS_MPP_SHIFT = 11;
/** `mstatus.MPP` mask (two bits). */
export const MSTATUS_MPP = 3 << MSTATUS_MPP_SHIFT;
/** `mstatus.MPRV`: loads and stores in M mode use the privilege in MPP. */
export const MSTATUS_MPRV = 1 << 17;
/** `mstatus.TW`: WFI in a less privileged mode raises illegal instruction. */
export const MSTATUS_TW = 1 << 21;
/** The `mstatus` bits this hart implements as writable (M and U modes, no S, no FP). */
export const MSTATUS_WRITABLE =
  MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_TW;

// ---- mie / mip bits ----

/** `mip.MSIP` / `mie.MSIE`: machine software interrupt. */
export const MIP_MSIP = 1 << 3;
/** `mip.MTIP` / `mie.MTIE`: machine timer interrupt. */
export const MIP_MTIP = 1 << 7;
/** `mip.MEIP` / `mie.MEIE`: machine external interrupt. */
export const MIP_MEIP = 1 << 11;
/** The interrupt bits this hart implements (machine software, timer and external). */
export const MIP_IMPLEMENTED = MIP_MSIP | MIP_MTIP | MIP_MEIP;

// ---- mtvec ----

/** `mtvec.MODE` mask. */
export const MTVEC_MODE = 3;
/** `mtvec.MODE` Direct: all traps set pc to BASE. */
export const MTVEC_MODE_DIRECT = 0;
/** `mtvec.MODE` Vectored: interrupts set pc to BASE + 4 × cause. */
export const MTVEC_MODE_VECTORED = 1;

// ---- mcounteren bits ----

/** `mcounteren.CY`: U mode may read `cycle`/`cycleh`. */
export const MCOUNTEREN_CY = 1 << 0;
/** `mcounteren.IR`: U mode may read `instret`/`instreth`. */
export const MCOUNTEREN_IR = 1 << 2;

// ---- misa ----

/** `misa.MXL` for RV32 (value 1 in bits 31:30). */
export const MISA_MXL_32 = 1 << 30;

/** The `misa` extension bit for a letter (`'A'` is bit 0, `'Z'` bit 25). */
export function misaBit(letter: string): number {
  const code = letter.toUpperCase().charCodeAt(0) - 65;
  if (!(code >= 0 && code < 26)) throw new RangeError(`not an extension letter: ${letter}`);
  return 1 << code;
}

/**
 * The lowest privilege level that may access a CSR (bits 9:8 of its number: 0 user,
 * 1 supervisor, 2 hypervisor, 3 machine).
 */
export function csrMinimumPrivilege(csr: number): number {
  return (csr >>> 8) & 3;
}

/** True when a CSR number is in a read-only range (bits 11:10 equal `0b11`). */
export function csrIsReadOnly(csr: number): boolean {
  return ((csr >>> 10) & 3) === 3;
}
