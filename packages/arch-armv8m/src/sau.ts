// The Security Attribution Unit of TrustZone-M: SAU_CTRL (ENABLE, ALLNS), SAU_TYPE (SREGION),
// SAU_RNR, SAU_RBAR (BADDR), SAU_RLAR (LADDR, NSC, ENABLE), the attribution of an address as
// Secure, Non-secure or Non-secure callable (combined with an optional IDAU, the more secure answer
// wins; addresses hit by several SAU regions are Secure; some System addresses are exempt), and the
// SG-gateway rule that decides whether a Non-secure branch into Secure memory may enter there.
// Relies on `errors.ts` only.

import { MpuRegisterError } from './errors';

/** Address of SAU_CTRL: ALLNS[1], ENABLE[0]. */
export const SAU_CTRL = 0xe000edd0;
/** Address of SAU_TYPE (read-only): SREGION[7:0]. */
export const SAU_TYPE = 0xe000edd4;
/** Address of SAU_RNR: REGION[7:0]. */
export const SAU_RNR = 0xe000edd8;
/** Address of SAU_RBAR: BADDR[31:5]. */
export const SAU_RBAR = 0xe000eddc;
/** Address of SAU_RLAR: LADDR[31:5], NSC[1], ENABLE[0]. */
export const SAU_RLAR = 0xe000ede0;
/** SAU_CTRL.ENABLE. */
export const SAU_CTRL_ENABLE = 0x1;
/** SAU_CTRL.ALLNS: with the SAU disabled, memory is Non-secure (instead of Secure). */
export const SAU_CTRL_ALLNS = 0x2;
/** SAU_RBAR.BADDR / SAU_RLAR.LADDR mask (32-byte granules, limit inclusive). */
export const SAU_ADDR_MASK = 0xffffffe0;
/** SAU_RLAR.NSC: the region is Non-secure callable. */
export const SAU_RLAR_NSC = 0x2;
/** SAU_RLAR.ENABLE. */
export const SAU_RLAR_ENABLE = 0x1;
/** The SG instruction (Secure Gateway), as two halfwords 0xe97f 0xe97f. */
export const SG_OPCODE = 0xe97fe97f;

/** The security attribute of an address. */
export enum SecurityAttribute {
  /** Non-secure. */
  NonSecure = 0,
  /** Secure and Non-secure callable: Non-secure code may branch to an SG instruction here. */
  NonSecureCallable = 1,
  /** Secure. */
  Secure = 2,
}

/**
 * An Implementation Defined Attribution Unit: the SoC's fixed attribution. Returns the IDAU's
 * attribute, or `exempt` for addresses the IDAU exempts from attribution.
 */
export type Idau = (address: number) => SecurityAttribute | 'exempt';

/** Options of {@link Sau}. */
export interface SauOptions {
  /** Number of SAU regions (SAU_TYPE.SREGION), 0..255; 8 on the Cortex-M33. */
  readonly regions: number;
  /** The IDAU; without one, the IDAU answers Non-secure everywhere (it never makes things less secure). */
  readonly idau?: Idau;
}

/** The result of attributing one address. */
export interface Attribution {
  /** The attribute. */
  readonly attribute: SecurityAttribute;
  /** The SAU region that matched alone, if any. */
  readonly region?: number;
  /**
   * Whether the address is exempt from attribution: the access then keeps the security state it is
   * made in, and `attribute` (reported as Secure) does not apply.
   */
  readonly exempt: boolean;
}

/**
 * Whether the architecture exempts an address from SAU and IDAU attribution: parts of the PPB
 * (ITM/DWT/FPB at 0xe0000000..0xe0002fff, the SCS at 0xe000e000..0xe000efff and its Non-secure alias
 * 0xe002e000..0xe002efff, TPIU/ETM 0xe0040000..0xe0041fff, the ROM table 0xe00ff000..0xe00fffff) and
 * instruction fetches from the System space.
 */
export function isSauExempt(address: number, instructionFetch = false): boolean {
  const a = address >>> 0;
  return (
    (instructionFetch && a >= 0xe0000000) ||
    (a >= 0xe0000000 && a <= 0xe0002fff) ||
    (a >= 0xe000e000 && a <= 0xe000efff) ||
    (a >= 0xe002e000 && a <= 0xe002efff) ||
    (a >= 0xe0040000 && a <= 0xe0041fff) ||
    (a >= 0xe00ff000 && a <= 0xe00fffff)
  );
}

/** A model of the SAU. Reset: SAU_CTRL = 0 (everything Secure), regions disabled. */
export class Sau {
  /** Number of regions. */
  readonly regionCount: number;
  private readonly idau: Idau | undefined;
  private ctrlValue = 0;
  private rnrValue = 0;
  private readonly rbars: Uint32Array;
  private readonly rlars: Uint32Array;

  /** @param options - region count and IDAU. */
  constructor(options: SauOptions) {
    const n = options.regions;
    if (!Number.isInteger(n) || n < 0 || n > 255) {
      throw new MpuRegisterError('unpredictable-value', `SAU_TYPE.SREGION ${n} is not 0..255`);
    }
    this.regionCount = n;
    this.idau = options.idau;
    this.rbars = new Uint32Array(n);
    this.rlars = new Uint32Array(n);
  }

  /** SAU_CTRL. */
  get ctrl(): number {
    return this.ctrlValue;
  }

  /** Reads a register by address. */
  read(address: number): number {
    switch (address >>> 0) {
      case SAU_CTRL:
        return this.ctrlValue;
      case SAU_TYPE:
        return this.regionCount;
      case SAU_RNR:
        return this.rnrValue;
      case SAU_RBAR:
        return this.rbars[this.current()]!;
      case SAU_RLAR:
        return this.rlars[this.current()]!;
      default:
        throw this.notRegister(address);
    }
  }

  /** Writes a register by address; RES0 bits are dropped, an unimplemented region throws. */
  write(address: number, value: number): void {
    value >>>= 0;
    switch (address >>> 0) {
      case SAU_CTRL:
        this.ctrlValue = value & 3;
        return;
      case SAU_TYPE:
        throw new MpuRegisterError('bad-access', 'SAU_TYPE is read-only');
      case SAU_RNR: {
        const r = value & 0xff;
        if (r >= this.regionCount) throw this.outOfRange(r);
        this.rnrValue = r;
        return;
      }
      case SAU_RBAR:
        this.rbars[this.current()] = (value & SAU_ADDR_MASK) >>> 0;
        return;
      case SAU_RLAR:
        this.rlars[this.current()] = (value & (SAU_ADDR_MASK | 3)) >>> 0;
        return;
      default:
        throw this.notRegister(address);
    }
  }

  /** Sets one region directly: first and last byte (32-byte granules), NSC, enabled. */
  setRegion(n: number, base: number, limit: number, nsc: boolean, enable = true): void {
    if (!Number.isInteger(n) || n < 0 || n >= this.regionCount) throw this.outOfRange(n);
    if (base % 32 !== 0 || (limit & 0x1f) !== 0x1f) {
      throw new MpuRegisterError(
        'unpredictable-value',
        `SAU region ${n}: base 0x${base.toString(16)} must be 32-byte aligned and limit 0x${limit.toString(16)} must end a granule (0x..1f)`,
      );
    }
    this.rbars[n] = base >>> 0;
    this.rlars[n] = ((limit & SAU_ADDR_MASK) | (nsc ? SAU_RLAR_NSC : 0) | (enable ? 1 : 0)) >>> 0;
  }

  /**
   * Attributes one address. With the SAU disabled, everything is Secure unless ALLNS is set; with it
   * enabled, an address in exactly one enabled region is Non-secure (NSC clear) or Non-secure
   * callable (NSC set), in none or in several it is Secure. The IDAU's answer is then combined and
   * the more secure of the two wins (Secure over NSC over Non-secure).
   */
  attribute(address: number, instructionFetch = false): Attribution {
    const a = address >>> 0;
    const idau = this.idau?.(a) ?? SecurityAttribute.NonSecure;
    if (idau === 'exempt' || isSauExempt(a, instructionFetch)) {
      return { attribute: SecurityAttribute.Secure, exempt: true };
    }
    let sau = SecurityAttribute.Secure;
    let region: number | undefined;
    if ((this.ctrlValue & SAU_CTRL_ENABLE) !== 0) {
      let hits = 0;
      for (let r = 0; r < this.regionCount; r++) {
        const rlar = this.rlars[r]!;
        if ((rlar & 1) === 0) continue;
        const base = this.rbars[r]!;
        const limit = ((rlar & SAU_ADDR_MASK) | 0x1f) >>> 0;
        if (a < base || a > limit) continue;
        hits++;
        region = r;
        sau =
          (rlar & SAU_RLAR_NSC) !== 0
            ? SecurityAttribute.NonSecureCallable
            : SecurityAttribute.NonSecure;
      }
      if (hits !== 1) {
        sau = SecurityAttribute.Secure;
        region = undefined;
      }
    } else if ((this.ctrlValue & SAU_CTRL_ALLNS) !== 0) {
      sau = SecurityAttribute.NonSecure;
    }
    const attribute = Math.max(sau, idau) as SecurityAttribute;
    return region === undefined
      ? { attribute, exempt: false }
      : { attribute, region, exempt: false };
  }

  private current(): number {
    if (this.rnrValue >= this.regionCount) throw this.outOfRange(this.rnrValue);
    return this.rnrValue;
  }

  private outOfRange(r: number): MpuRegisterError {
    return new MpuRegisterError(
      'region-out-of-range',
      `SAU region ${r} is not implemented (SAU_TYPE.SREGION = ${this.regionCount})`,
    );
  }

  private notRegister(address: number): MpuRegisterError {
    return new MpuRegisterError(
      'not-a-register',
      `0x${(address >>> 0).toString(16)} is not an SAU register (0xe000edd0..0xe000ede0)`,
    );
  }
}

/** Outcome of a Non-secure branch to an address: enter Secure state, stay Non-secure, or fault. */
export type GatewayOutcome =
  | { readonly kind: 'non-secure' }
  | { readonly kind: 'secure-entry' }
  | { readonly kind: 'secure-fault'; readonly reason: 'INVEP' };

/**
 * The SG-gateway rule for a branch or call from Non-secure state: a Non-secure target runs as is; a
 * target in Secure memory is entered only if it is Non-secure callable and the instruction there is
 * SG, otherwise SecureFault with SFSR.INVEP (invalid entry point).
 *
 * @param sau - attribution.
 * @param target - branch target (the Thumb bit already removed).
 * @param instruction - the 32-bit word at the target, first halfword in the high 16 bits.
 */
export function nonSecureBranch(sau: Sau, target: number, instruction: number): GatewayOutcome {
  const { attribute } = sau.attribute(target, true);
  if (attribute === SecurityAttribute.NonSecure) return { kind: 'non-secure' };
  if (attribute === SecurityAttribute.NonSecureCallable && instruction >>> 0 === SG_OPCODE) {
    return { kind: 'secure-entry' };
  }
  return { kind: 'secure-fault', reason: 'INVEP' };
}

/**
 * Finds unintended entry points: words equal to SG that lie in Non-secure callable memory but are not
 * one of the intended veneers. Non-secure code could branch to any of them and enter Secure state,
 * which is why NSC memory should hold veneers only.
 *
 * @param sau - attribution.
 * @param words - `[address, word]` pairs of the Secure image (first halfword in the high 16 bits).
 * @param veneers - addresses of the intended gateway veneers.
 */
export function unintendedGateways(
  sau: Sau,
  words: ReadonlyArray<readonly [number, number]>,
  veneers: ReadonlySet<number>,
): number[] {
  const out: number[] = [];
  for (const [address, word] of words) {
    if (word >>> 0 !== SG_OPCODE || veneers.has(address)) continue;
    if (sau.attribute(address, true).attribute === SecurityAttribute.NonSecureCallable) {
      out.push(address);
    }
  }
  return out;
}
