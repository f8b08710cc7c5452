// The PMSAv8 MPU of an Armv8-M core (one security state's bank): the memory-mapped registers
// MPU_TYPE, MPU_CTRL, MPU_RNR, MPU_RBAR/RLAR and their _A1.._A3 aliases, MPU_MAIR0/1, with the
// architecture's read/write semantics (RES0 bits read as zero, UNPREDICTABLE writes rejected), and
// the MAIR attribute encodings. The access checker lives in `checker.ts`; it reads this model
// through `regionRegisters` and `ctrl` only.

import { MpuRegisterError } from '../errors';
import { type MpuCheckOptions, type MpuCheckResult, checkPmsav8 } from './checker';
import type { MemoryAccess } from './memory-map';

/** Address of MPU_TYPE (read-only): DREGION[15:8], SEPARATE[0]. */
export const MPU_TYPE = 0xe000ed90;
/** Address of MPU_CTRL: PRIVDEFENA[2], HFNMIENA[1], ENABLE[0]. */
export const MPU_CTRL = 0xe000ed94;
/** Address of MPU_RNR: REGION[7:0], selects the region MPU_RBAR/MPU_RLAR access. */
export const MPU_RNR = 0xe000ed98;
/** Address of MPU_RBAR: BASE[31:5], SH[4:3], AP[2:1], XN[0]. */
export const MPU_RBAR = 0xe000ed9c;
/** Address of MPU_RLAR: LIMIT[31:5], PXN[4] (v8.1-M), AttrIndx[3:1], EN[0]. */
export const MPU_RLAR = 0xe000eda0;
/** Address of MPU_RBAR_A1: MPU_RBAR of region (RNR[7:2] : 1). */
export const MPU_RBAR_A1 = 0xe000eda4;
/** Address of MPU_RLAR_A1: MPU_RLAR of region (RNR[7:2] : 1). */
export const MPU_RLAR_A1 = 0xe000eda8;
/** Address of MPU_RBAR_A2: MPU_RBAR of region (RNR[7:2] : 2). */
export const MPU_RBAR_A2 = 0xe000edac;
/** Address of MPU_RLAR_A2: MPU_RLAR of region (RNR[7:2] : 2). */
export const MPU_RLAR_A2 = 0xe000edb0;
/** Address of MPU_RBAR_A3: MPU_RBAR of region (RNR[7:2] : 3). */
export const MPU_RBAR_A3 = 0xe000edb4;
/** Address of MPU_RLAR_A3: MPU_RLAR of region (RNR[7:2] : 3). */
export const MPU_RLAR_A3 = 0xe000edb8;
/** Address of MPU_MAIR0: Attr3[31:24], Attr2[23:16], Attr1[15:8], Attr0[7:0]. */
export const MPU_MAIR0 = 0xe000edc0;
/** Address of MPU_MAIR1: Attr7[31:24] .. Attr4[7:0]. */
export const MPU_MAIR1 = 0xe000edc4;

/** MPU_TYPE.DREGION shift: the number of regions the MPU implements. */
export const MPU_TYPE_DREGION_SHIFT = 8;
/** MPU_TYPE.DREGION mask. */
export const MPU_TYPE_DREGION_MASK = 0xff00;
/** MPU_TYPE.SEPARATE: always 0 on M profile (unified instruction and data regions). */
export const MPU_TYPE_SEPARATE = 0x1;
/** MPU_CTRL.ENABLE: the MPU is enabled. */
export const MPU_CTRL_ENABLE = 0x1;
/** MPU_CTRL.HFNMIENA: the MPU stays enabled at negative execution priority (HardFault, NMI, FAULTMASK). */
export const MPU_CTRL_HFNMIENA = 0x2;
/** MPU_CTRL.PRIVDEFENA: privileged accesses that hit no region use the default memory map. */
export const MPU_CTRL_PRIVDEFENA = 0x4;
/** MPU_RNR.REGION mask. */
export const MPU_RNR_REGION_MASK = 0xff;
/** MPU_RBAR.BASE mask: bits [31:5] of the first byte of the region. */
export const MPU_RBAR_BASE_MASK = 0xffffffe0;
/** MPU_RBAR.SH shift (shareability, 2 bits). */
export const MPU_RBAR_SH_SHIFT = 3;
/** MPU_RBAR.SH mask. */
export const MPU_RBAR_SH_MASK = 0x18;
/** MPU_RBAR.AP shift (access permissions, 2 bits: AP[2] read-only, AP[1] unprivileged allowed). */
export const MPU_RBAR_AP_SHIFT = 1;
/** MPU_RBAR.AP mask. */
export const MPU_RBAR_AP_MASK = 0x6;
/** MPU_RBAR.XN: execute never. */
export const MPU_RBAR_XN = 0x1;
/** MPU_RLAR.LIMIT mask: bits [31:5] of the last byte; bits [4:0] of the limit are taken as 0b11111. */
export const MPU_RLAR_LIMIT_MASK = 0xffffffe0;
/** MPU_RLAR.PXN: privileged execute never (Armv8.1-M only, RES0 otherwise). */
export const MPU_RLAR_PXN = 0x10;
/** MPU_RLAR.AttrIndx shift: index of the attribute byte in MPU_MAIR0/1. */
export const MPU_RLAR_ATTRINDX_SHIFT = 1;
/** MPU_RLAR.AttrIndx mask. */
export const MPU_RLAR_ATTRINDX_MASK = 0xe;
/** MPU_RLAR.EN: the region is enabled. */
export const MPU_RLAR_EN = 0x1;
/** The PMSAv8 region granule: bases and limits are multiples of 32 bytes. */
export const PMSAV8_GRANULE = 32;

/** MPU_RBAR.AP values (Armv8-M). */
export enum MpuAccessPermission {
  /** 0b00: read/write by privileged code only. */
  PrivilegedReadWrite = 0,
  /** 0b01: read/write by any privilege level. */
  ReadWrite = 1,
  /** 0b10: read-only by privileged code only. */
  PrivilegedReadOnly = 2,
  /** 0b11: read-only by any privilege level. */
  ReadOnly = 3,
}

/** MPU_RBAR.SH values. */
export enum Shareability {
  /** 0b00: non-shareable. */
  NonShareable = 0,
  /** 0b01: reserved (UNPREDICTABLE). */
  Reserved = 1,
  /** 0b10: outer shareable. */
  OuterShareable = 2,
  /** 0b11: inner shareable. */
  InnerShareable = 3,
}

/** Device memory types, encoded in MAIR bits [3:2] when bits [7:4] are zero. */
export type DeviceMemoryType = 'nGnRnE' | 'nGnRE' | 'nGRE' | 'GRE';

/** One cache policy (inner or outer) of Normal memory. */
export type CachePolicy =
  | { readonly policy: 'non-cacheable' }
  | {
      readonly policy: 'write-through' | 'write-back';
      /** Transient hint (0b00RW / 0b01RW encodings). */
      readonly transient: boolean;
      /** Read-allocate hint (R bit). */
      readonly readAllocate: boolean;
      /** Write-allocate hint (W bit). */
      readonly writeAllocate: boolean;
    };

/** A decoded MAIR attribute byte. */
export type MemoryAttribute =
  | { readonly kind: 'device'; readonly type: DeviceMemoryType }
  | { readonly kind: 'normal'; readonly outer: CachePolicy; readonly inner: CachePolicy }
  | { readonly kind: 'unpredictable'; readonly byte: number };

/** MAIR byte for Device-nGnRnE memory (0b0000_0000). */
export const MAIR_DEVICE_NGNRNE = 0x00;
/** MAIR byte for Device-nGnRE memory (0b0000_0100). */
export const MAIR_DEVICE_NGNRE = 0x04;
/** MAIR byte for Device-nGRE memory (0b0000_1000). */
export const MAIR_DEVICE_NGRE = 0x08;
/** MAIR byte for Device-GRE memory (0b0000_1100). */
export const MAIR_DEVICE_GRE = 0x0c;
/** MAIR byte for Normal memory, inner and outer Non-cacheable (0b0100_0100). */
export const MAIR_NORMAL_NON_CACHEABLE = 0x44;
/** MAIR byte for Normal memory, inner and outer Write-Back non-transient, read- and write-allocate (0b1111_1111). */
export const MAIR_NORMAL_WRITE_BACK = 0xff;
/** MAIR byte for Normal memory, inner and outer Write-Through non-transient, read-allocate (0b1010_1010). */
export const MAIR_NORMAL_WRITE_THROUGH = 0xaa;

const DEVICE_TYPES: readonly DeviceMemoryType[] = ['nGnRnE', 'nGnRE', 'nGRE', 'GRE'];

function decodeCacheNibble(nibble: number): CachePolicy | undefined {
  const r = (nibble & 2) !== 0;
  const w = (nibble & 1) !== 0;
  switch (nibble >> 2) {
    case 0: // 0b00RW: Write-Through transient; RW = 00 is not a cache policy.
      return nibble === 0
        ? undefined
        : { policy: 'write-through', transient: true, readAllocate: r, writeAllocate: w };
    case 1: // 0b0100: Non-cacheable; 0b01RW otherwise Write-Back transient.
      return nibble === 0b0100
        ? { policy: 'non-cacheable' }
        : { policy: 'write-back', transient: true, readAllocate: r, writeAllocate: w };
    case 2:
      return { policy: 'write-through', transient: false, readAllocate: r, writeAllocate: w };
    default:
      return { policy: 'write-back', transient: false, readAllocate: r, writeAllocate: w };
  }
}

/**
 * Decodes one MAIR attribute byte (Armv8-M MAIR_ATTR encoding). Encodings the architecture calls
 * UNPREDICTABLE (Device with bits [1:0] set, Normal with an inner nibble of 0b0000) decode as
 * `unpredictable` rather than throwing, because a register may legally hold them until used.
 */
export function decodeMairAttribute(byte: number): MemoryAttribute {
  byte &= 0xff;
  const outer = byte >> 4;
  const inner = byte & 0xf;
  if (outer === 0) {
    if ((byte & 0b11) !== 0) return { kind: 'unpredictable', byte };
    return { kind: 'device', type: DEVICE_TYPES[byte >> 2]! };
  }
  const o = decodeCacheNibble(outer);
  const i = decodeCacheNibble(inner);
  if (o === undefined || i === undefined) return { kind: 'unpredictable', byte };
  return { kind: 'normal', outer: o, inner: i };
}

function encodeCachePolicy(p: CachePolicy): number {
  if (p.policy === 'non-cacheable') return 0b0100;
  const rw = (p.readAllocate ? 2 : 0) | (p.writeAllocate ? 1 : 0);
  if (p.transient) {
    if (rw === 0) {
      throw new MpuRegisterError(
        'unpredictable-value',
        'a transient cache policy needs read- or write-allocate: 0b0000 and 0b0100 mean something else',
      );
    }
    return (p.policy === 'write-through' ? 0b0000 : 0b0100) | rw;
  }
  return (p.policy === 'write-through' ? 0b1000 : 0b1100) | rw;
}

/** Encodes a memory attribute as a MAIR byte; throws {@link MpuRegisterError} for `unpredictable`. */
export function encodeMairAttribute(attr: MemoryAttribute): number {
  switch (attr.kind) {
    case 'device':
      return DEVICE_TYPES.indexOf(attr.type) << 2;
    case 'normal':
      return (encodeCachePolicy(attr.outer) << 4) | encodeCachePolicy(attr.inner);
    default:
      throw new MpuRegisterError(
        'unpredictable-value',
        `MAIR byte 0x${attr.byte.toString(16)} is UNPREDICTABLE; encode a device or normal attribute`,
      );
  }
}

/** A decoded MPU_RBAR value. */
export interface Pmsav8Rbar {
  /** First byte of the region (BASE:0b00000). */
  readonly base: number;
  /** Shareability. */
  readonly sh: Shareability;
  /** Access permissions. */
  readonly ap: MpuAccessPermission;
  /** Execute never. */
  readonly xn: boolean;
}

/** A decoded MPU_RLAR value. */
export interface Pmsav8Rlar {
  /** Last byte of the region, inclusive (LIMIT:0b11111). */
  readonly limit: number;
  /** Privileged execute never (v8.1-M). */
  readonly pxn: boolean;
  /** Index of the MAIR attribute. */
  readonly attrIndx: number;
  /** Region enabled. */
  readonly en: boolean;
}

/** Decodes an MPU_RBAR value. */
export function decodeRbar(value: number): Pmsav8Rbar {
  return {
    base: (value & MPU_RBAR_BASE_MASK) >>> 0,
    sh: ((value & MPU_RBAR_SH_MASK) >>> MPU_RBAR_SH_SHIFT) as Shareability,
    ap: ((value & MPU_RBAR_AP_MASK) >>> MPU_RBAR_AP_SHIFT) as MpuAccessPermission,
    xn: (value & MPU_RBAR_XN) !== 0,
  };
}

/** Encodes an MPU_RBAR value; the base must be a multiple of 32. */
export function encodeRbar(fields: Pmsav8Rbar): number {
  if (fields.base % PMSAV8_GRANULE !== 0 || fields.base < 0 || fields.base > 0xffffffff) {
    throw new MpuRegisterError(
      'unpredictable-value',
      `MPU_RBAR.BASE 0x${fields.base.toString(16)} is not a 32-byte aligned 32-bit address`,
    );
  }
  return (
    (fields.base |
      (fields.sh << MPU_RBAR_SH_SHIFT) |
      (fields.ap << MPU_RBAR_AP_SHIFT) |
      (fields.xn ? MPU_RBAR_XN : 0)) >>>
    0
  );
}

/** Decodes an MPU_RLAR value. */
export function decodeRlar(value: number): Pmsav8Rlar {
  return {
    limit: ((value & MPU_RLAR_LIMIT_MASK) | 0x1f) >>> 0,
    pxn: (value & MPU_RLAR_PXN) !== 0,
    attrIndx: (value & MPU_RLAR_ATTRINDX_MASK) >>> MPU_RLAR_ATTRINDX_SHIFT,
    en: (value & MPU_RLAR_EN) !== 0,
  };
}

/** Encodes an MPU_RLAR value; the limit is the inclusive last byte and must end in 0b11111. */
export function encodeRlar(fields: Pmsav8Rlar): number {
  if ((fields.limit & 0x1f) !== 0x1f || fields.limit < 0 || fields.limit > 0xffffffff) {
    throw new MpuRegisterError(
      'unpredictable-value',
      `MPU_RLAR limit 0x${fields.limit.toString(16)} must be the last byte of a 32-byte granule (end in 0x1f)`,
    );
  }
  if (fields.attrIndx < 0 || fields.attrIndx > 7 || !Number.isInteger(fields.attrIndx)) {
    throw new MpuRegisterError('unpredictable-value', `AttrIndx ${fields.attrIndx} is not 0..7`);
  }
  return (
    ((fields.limit & MPU_RLAR_LIMIT_MASK) |
      (fields.pxn ? MPU_RLAR_PXN : 0) |
      (fields.attrIndx << MPU_RLAR_ATTRINDX_SHIFT) |
      (fields.en ? MPU_RLAR_EN : 0)) >>>
    0
  );
}

/** Options of {@link Pmsav8Mpu}. */
export interface Pmsav8MpuOptions {
  /** Number of regions (MPU_TYPE.DREGION): 0, 4, 8, 12 or 16 on real cores; up to 255 here. */
  readonly regions: number;
  /** Whether MPU_RLAR.PXN is implemented (Armv8.1-M). Defaults to false (the bit is RES0). */
  readonly pxn?: boolean;
}

/** The registers of one region, as stored. */
export interface Pmsav8RegionRegisters {
  /** MPU_RBAR value. */
  readonly rbar: number;
  /** MPU_RLAR value. */
  readonly rlar: number;
}

/**
 * One bank of the PMSAv8 MPU. Reads and writes go through {@link Pmsav8Mpu.read} and
 * {@link Pmsav8Mpu.write} with the register's address, exactly as a simulator's PPB would forward
 * them; {@link Pmsav8Mpu.check} answers whether an access is allowed.
 *
 * Reset state: MPU_CTRL = 0, every region disabled, MPU_RNR = 0, MAIRs = 0 (the architecture leaves
 * RNR, RBAR, RLAR other than EN, and MAIR UNKNOWN at reset; zero is one allowed value).
 */
export class Pmsav8Mpu {
  /** Number of implemented regions. */
  readonly regionCount: number;
  /** Whether PXN is implemented. */
  readonly hasPxn: boolean;
  private ctrlValue = 0;
  private rnrValue = 0;
  private readonly rbars: Uint32Array;
  private readonly rlars: Uint32Array;
  private readonly mair = new Uint32Array(2);

  /** @param options - number of regions and v8.1-M features. */
  constructor(options: Pmsav8MpuOptions) {
    const n = options.regions;
    if (!Number.isInteger(n) || n < 0 || n > 255) {
      throw new MpuRegisterError('unpredictable-value', `MPU_TYPE.DREGION ${n} is not 0..255`);
    }
    this.regionCount = n;
    this.hasPxn = options.pxn ?? false;
    this.rbars = new Uint32Array(n);
    this.rlars = new Uint32Array(n);
  }

  /** MPU_CTRL value. */
  get ctrl(): number {
    return this.ctrlValue;
  }

  /** MPU_TYPE value: DREGION in bits [15:8], SEPARATE = 0. */
  get type(): number {
    return this.regionCount << MPU_TYPE_DREGION_SHIFT;
  }

  /** The MAIR attribute byte selected by an AttrIndx (0..7). */
  attribute(attrIndx: number): number {
    return (this.mair[attrIndx >> 2]! >>> ((attrIndx & 3) * 8)) & 0xff;
  }

  /** The stored registers of region `n`. */
  regionRegisters(n: number): Pmsav8RegionRegisters {
    this.assertRegion(n, 'region');
    return { rbar: this.rbars[n]!, rlar: this.rlars[n]! };
  }

  /** MPU_RBAR of region `n`, without range check (the checker's fast path). */
  rbarOf(n: number): number {
    return this.rbars[n] ?? 0;
  }

  /** MPU_RLAR of region `n`, without range check (the checker's fast path). */
  rlarOf(n: number): number {
    return this.rlars[n] ?? 0;
  }

  /**
   * Sets both registers of region `n` at once (what a context switch does with the aliases).
   * RES0 bits are cleared as a write through the registers would.
   */
  setRegion(n: number, rbar: number, rlar: number): void {
    this.assertRegion(n, 'region');
    this.rbars[n] = rbar >>> 0;
    this.rlars[n] = this.maskRlar(rlar);
  }

  /** Reads a register by address; throws {@link MpuRegisterError} for an address that is not one. */
  read(address: number): number {
    switch (address >>> 0) {
      case MPU_TYPE:
        return this.type;
      case MPU_CTRL:
        return this.ctrlValue;
      case MPU_RNR:
        return this.rnrValue;
      case MPU_MAIR0:
        return this.mair[0]!;
      case MPU_MAIR1:
        return this.mair[1]!;
      default: {
        const slot = this.aliasSlot(address);
        return slot.rlar ? this.rlars[slot.region]! : this.rbars[slot.region]!;
      }
    }
  }

  /**
   * Writes a register by address. RES0 bits are ignored. Writes the architecture calls
   * UNPREDICTABLE or CONSTRAINED UNPREDICTABLE (MPU_RNR naming an unimplemented region, MPU_CTRL
   * with HFNMIENA set and ENABLE clear, MPU_TYPE) throw {@link MpuRegisterError} instead.
   */
  write(address: number, value: number): void {
    value >>>= 0;
    switch (address >>> 0) {
      case MPU_TYPE:
        throw new MpuRegisterError('bad-access', 'MPU_TYPE is read-only');
      case MPU_CTRL: {
        const v = value & (MPU_CTRL_ENABLE | MPU_CTRL_HFNMIENA | MPU_CTRL_PRIVDEFENA);
        if ((v & MPU_CTRL_HFNMIENA) !== 0 && (v & MPU_CTRL_ENABLE) === 0) {
          throw new MpuRegisterError(
            'unpredictable-value',
            'MPU_CTRL with HFNMIENA=1 and ENABLE=0 is UNPREDICTABLE; set ENABLE too or clear HFNMIENA',
          );
        }
        this.ctrlValue = v;
        return;
      }
      case MPU_RNR: {
        const region = value & MPU_RNR_REGION_MASK;
        this.assertRegion(region, 'MPU_RNR.REGION');
        this.rnrValue = region;
        return;
      }
      case MPU_MAIR0:
        this.mair[0] = value;
        return;
      case MPU_MAIR1:
        this.mair[1] = value;
        return;
      default: {
        const slot = this.aliasSlot(address);
        if (slot.rlar) this.rlars[slot.region] = this.maskRlar(value);
        else this.rbars[slot.region] = value;
      }
    }
  }

  /**
   * Checks one access against this MPU. See {@link checkPmsav8} for the rules.
   *
   * @param address - first byte accessed.
   * @param size - number of bytes (at least 1).
   * @param access - read, write or execute (instruction fetch).
   * @param privileged - whether the access is privileged.
   * @param options - execution priority details.
   */
  check(
    address: number,
    size: number,
    access: MemoryAccess,
    privileged: boolean,
    options?: MpuCheckOptions,
  ): MpuCheckResult {
    return checkPmsav8(this, address, size, access, privileged, options);
  }

  private maskRlar(value: number): number {
    const mask = this.hasPxn ? 0xffffffff : ~MPU_RLAR_PXN;
    return (value & mask) >>> 0;
  }

  private aliasSlot(address: number): { region: number; rlar: boolean } {
    const a = address >>> 0;
    if (a < MPU_RBAR || a > MPU_RLAR_A3 || (a & 3) !== 0) {
      throw new MpuRegisterError(
        'not-a-register',
        `0x${a.toString(16)} is not a PMSAv8 MPU register (MPU_TYPE 0xe000ed90 .. MPU_MAIR1 0xe000edc4)`,
      );
    }
    const index = (a - MPU_RBAR) >> 2; // 0: RBAR, 1: RLAR, 2: RBAR_A1, ...
    const alias = index >> 1;
    // MPU_RBAR/RLAR address the region in RNR; alias n addresses region RNR[7:2]:n.
    const region = alias === 0 ? this.rnrValue : (this.rnrValue & ~3) | alias;
    this.assertRegion(region, alias === 0 ? 'MPU_RNR' : `MPU_RNR[7:2]:${alias}`);
    return { region, rlar: (index & 1) === 1 };
  }

  private assertRegion(region: number, what: string): void {
    if (!Number.isInteger(region) || region < 0 || region >= this.regionCount) {
      throw new MpuRegisterError(
        'region-out-of-range',
        `${what} selects region ${region}, but this MPU implements ${this.regionCount} regions (0..${this.regionCount - 1})`,
      );
    }
  }
}
