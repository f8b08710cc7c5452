// The Secure Fault Status Register (SFSR) and Secure Fault Address Register (SFAR) of TrustZone-M:
// which security check failed (an entry that is not an SG in Non-secure callable memory, a bad
// integrity signature or EXC_RETURN on a return to Secure state, a Non-secure access to Secure
// memory, a branch to Non-secure memory not flagged as a domain crossing, lazy FP errors) and at
// which address. Only visible to Secure code. Relies on nothing.

/** Address of SFSR (Secure only). */
export const SCB_SFSR = 0xe000ede4;
/** Address of SFAR (Secure only): valid when SFSR.SFARVALID is set. */
export const SCB_SFAR = 0xe000ede8;

/** SFSR bits. */
export const SFSR = Object.freeze({
  /** Invalid entry point: a Non-secure branch or exception reached Secure code not at an SG in NSC memory. */
  INVEP: 1 << 0,
  /** Invalid integrity signature in the additional state context on a return to Secure state. */
  INVIS: 1 << 1,
  /** Invalid exception return: a Non-secure handler returned with EXC_RETURN.ES = 1 or DCRS = 0. */
  INVER: 1 << 2,
  /** Attribution unit violation: a Non-secure access to memory the SAU/IDAU attribute Secure. */
  AUVIOL: 1 << 3,
  /** Invalid transition: Secure code branched to Non-secure memory without BXNS/BLXNS. */
  INVTRAN: 1 << 4,
  /** Lazy state preservation error. */
  LSPERR: 1 << 5,
  /** SFAR holds the faulting address. */
  SFARVALID: 1 << 6,
  /** Lazy state error. */
  LSERR: 1 << 7,
});

/** A SecureFault cause, named after its SFSR bit. */
export type SecureFaultCause = 'INVEP' | 'INVIS' | 'INVER' | 'AUVIOL' | 'INVTRAN';

/** A SecureFault as the PE records it: the SFSR bits it sets and, for AUVIOL, the SFAR value. */
export interface SecureFault {
  /** What failed. */
  readonly cause: SecureFaultCause;
  /** The SFSR bits this fault sets (the cause, plus SFARVALID when `sfar` is given). */
  readonly sfsr: number;
  /** The faulting address, for attribution violations. */
  readonly sfar?: number;
}

/** Builds the record of one SecureFault. */
export function secureFault(cause: SecureFaultCause, sfar?: number): SecureFault {
  const bit = SFSR[cause];
  return sfar === undefined
    ? { cause, sfsr: bit }
    : { cause, sfsr: (bit | SFSR.SFARVALID) >>> 0, sfar: sfar >>> 0 };
}

/** The names of the set SFSR bits, low bit first. */
export function sfsrBitNames(sfsr: number): string[] {
  return Object.entries(SFSR)
    .filter(([, bit]) => (sfsr & bit) !== 0)
    .map(([name]) => name);
}
