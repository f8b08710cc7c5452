// The PMSAv7 MPU of ARMv6-M and ARMv7-M cores: MPU_TYPE, MPU_CTRL, MPU_RNR, MPU_RBAR (ADDR, VALID,
// REGION) and MPU_RASR (XN, AP, TEX/S/C/B, SRD, SIZE, ENABLE) with their _A1.._A3 aliases, and its
// checker. Unlike PMSAv8, regions are power-of-two sized and size-aligned, regions of 256 bytes or
// more have 8 subregions that can be disabled, and when regions overlap the highest-numbered one
// decides. Relies on `memory-map.ts` and the shared checker result types.

import { MpuRegisterError } from '../errors';
import {
  accessEnd,
  MPU_ALLOWED,
  type MpuCheckOptions,
  type MpuCheckResult,
  type MpuFaultReason,
} from './checker';
import {
  isDefaultExecuteNever,
  isPrivatePeripheralBus,
  type MemoryAccess,
  nextDefaultMapBoundary,
  SYSTEM_SPACE_BASE,
} from './memory-map';
import { MPU_CTRL, MPU_RNR, MPU_TYPE } from './pmsav8';

/** Address of the PMSAv7 MPU_RBAR: ADDR[31:5], VALID[4], REGION[3:0]. */
export const PMSAV7_RBAR = 0xe000ed9c;
/** Address of the PMSAv7 MPU_RASR: XN[28], AP[26:24], TEX[21:19], S[18], C[17], B[16], SRD[15:8], SIZE[5:1], ENABLE[0]. */
export const PMSAV7_RASR = 0xe000eda0;
/** MPU_RBAR.ADDR mask (the bits below the region size are ignored by the lookup). */
export const MPU_RBAR_ADDR_MASK = 0xffffffe0;
/** MPU_RBAR.VALID: on a write, REGION selects the region (and updates MPU_RNR). */
export const MPU_RBAR_VALID = 0x10;
/** MPU_RBAR.REGION mask. */
export const MPU_RBAR_REGION_MASK = 0xf;
/** MPU_RASR.XN. */
export const MPU_RASR_XN = 0x10000000;
/** MPU_RASR.AP shift (3 bits). */
export const MPU_RASR_AP_SHIFT = 24;
/** MPU_RASR.TEX shift (3 bits). */
export const MPU_RASR_TEX_SHIFT = 19;
/** MPU_RASR.S (shareable). */
export const MPU_RASR_S = 0x40000;
/** MPU_RASR.C (cacheable). */
export const MPU_RASR_C = 0x20000;
/** MPU_RASR.B (bufferable). */
export const MPU_RASR_B = 0x10000;
/** MPU_RASR.SRD shift: bit n disables subregion n. */
export const MPU_RASR_SRD_SHIFT = 8;
/** MPU_RASR.SIZE shift: region size is 2^(SIZE+1) bytes. */
export const MPU_RASR_SIZE_SHIFT = 1;
/** MPU_RASR.ENABLE. */
export const MPU_RASR_ENABLE = 0x1;
/** Bits of MPU_RASR that are not RES0. */
export const MPU_RASR_WRITABLE = 0x173fff3f;

/** PMSAv7 MPU_RASR.AP values (privileged / unprivileged access). */
export enum Pmsav7AccessPermission {
  /** 0b000: no access. */
  NoAccess = 0,
  /** 0b001: privileged read/write, unprivileged none. */
  PrivilegedReadWrite = 1,
  /** 0b010: privileged read/write, unprivileged read-only. */
  PrivilegedReadWriteUnprivilegedReadOnly = 2,
  /** 0b011: read/write for both. */
  ReadWrite = 3,
  /** 0b100: reserved (UNPREDICTABLE). */
  Reserved = 4,
  /** 0b101: privileged read-only, unprivileged none. */
  PrivilegedReadOnly = 5,
  /** 0b110: read-only for both. */
  ReadOnly = 6,
  /** 0b111: read-only for both (same as 0b110 on ARMv7-M). */
  ReadOnlyAlias = 7,
}

/** 2^k for k = 0..32 (a table: `**` with a variable exponent is slow in the lookup loop). */
const POW2: readonly number[] = Array.from({ length: 33 }, (_, k) => 2 ** k);

/** Which PMSAv7 flavour: ARMv6-M regions are at least 256 bytes, ARMv7-M regions at least 32. */
export type Pmsav7Profile = 'armv6m' | 'armv7m';

/** The smallest region of a profile, as log2 of bytes. */
export function pmsav7MinSizeLog2(profile: Pmsav7Profile): number {
  return profile === 'armv6m' ? 8 : 5;
}

/** A decoded MPU_RASR value. */
export interface Pmsav7Rasr {
  /** Execute never. */
  readonly xn: boolean;
  /** Access permissions. */
  readonly ap: Pmsav7AccessPermission;
  /** TEX[2:0]. */
  readonly tex: number;
  /** Shareable. */
  readonly s: boolean;
  /** Cacheable. */
  readonly c: boolean;
  /** Bufferable. */
  readonly b: boolean;
  /** Subregion disable bits (bit n disables subregion n). */
  readonly srd: number;
  /** log2 of the region size in bytes (SIZE + 1), 5..32. */
  readonly sizeLog2: number;
  /** Region enabled. */
  readonly enable: boolean;
}

/** Decodes an MPU_RASR value. */
export function decodeRasr(value: number): Pmsav7Rasr {
  return {
    xn: (value & MPU_RASR_XN) !== 0,
    ap: ((value >>> MPU_RASR_AP_SHIFT) & 7) as Pmsav7AccessPermission,
    tex: (value >>> MPU_RASR_TEX_SHIFT) & 7,
    s: (value & MPU_RASR_S) !== 0,
    c: (value & MPU_RASR_C) !== 0,
    b: (value & MPU_RASR_B) !== 0,
    srd: (value >>> MPU_RASR_SRD_SHIFT) & 0xff,
    sizeLog2: ((value >>> MPU_RASR_SIZE_SHIFT) & 0x1f) + 1,
    enable: (value & MPU_RASR_ENABLE) !== 0,
  };
}

/** Encodes an MPU_RASR value (no validation beyond field widths; see {@link Pmsav7Mpu.write}). */
export function encodeRasr(f: Pmsav7Rasr): number {
  return (
    ((f.xn ? MPU_RASR_XN : 0) |
      ((f.ap & 7) << MPU_RASR_AP_SHIFT) |
      ((f.tex & 7) << MPU_RASR_TEX_SHIFT) |
      (f.s ? MPU_RASR_S : 0) |
      (f.c ? MPU_RASR_C : 0) |
      (f.b ? MPU_RASR_B : 0) |
      ((f.srd & 0xff) << MPU_RASR_SRD_SHIFT) |
      (((f.sizeLog2 - 1) & 0x1f) << MPU_RASR_SIZE_SHIFT) |
      (f.enable ? MPU_RASR_ENABLE : 0)) >>>
    0
  );
}

/** Memory type decoded from TEX/C/B (ARMv7-M ARM, "TEX, C, B, and S encoding"). */
export type Pmsav7MemoryType = 'strongly-ordered' | 'device' | 'normal' | 'reserved';

/** The memory type of a TEX/C/B combination. */
export function pmsav7MemoryType(tex: number, c: boolean, b: boolean): Pmsav7MemoryType {
  if (tex >= 4) return 'normal'; // 0b1BB_AA: cached Normal memory, BB outer and AA inner policy
  const cb = (c ? 2 : 0) | (b ? 1 : 0);
  switch (tex) {
    case 0:
      return cb === 0 ? 'strongly-ordered' : cb === 1 ? 'device' : 'normal';
    case 1:
      // 0b001 C=1 B=0 is IMPLEMENTATION DEFINED; it is treated as Normal here.
      return cb === 1 ? 'reserved' : 'normal';
    case 2:
      return cb === 0 ? 'device' : 'reserved';
    default:
      return 'reserved';
  }
}

/** Whether AP grants a read at a privilege. */
export function pmsav7CanRead(ap: number, privileged: boolean): boolean {
  return privileged ? ap !== 0 && ap !== 4 : ap === 2 || ap === 3 || ap === 6 || ap === 7;
}

/** Whether AP grants a write at a privilege. */
export function pmsav7CanWrite(ap: number, privileged: boolean): boolean {
  return privileged ? ap >= 1 && ap <= 3 : ap === 3;
}

/** Options of {@link Pmsav7Mpu}. */
export interface Pmsav7MpuOptions {
  /** Number of regions (8 on most ARMv6-M/ARMv7-M cores, 16 on some). At most 16 here. */
  readonly regions: number;
  /** ARMv6-M (256-byte minimum region) or ARMv7-M (32 bytes). Defaults to ARMv7-M. */
  readonly profile?: Pmsav7Profile;
}

/**
 * A PMSAv7 MPU. Register semantics: writing MPU_RBAR with VALID set first sets MPU_RNR to REGION;
 * reads of MPU_RBAR return VALID = 0 and REGION = MPU_RNR[3:0]. The _A1.._A3 aliases are the same
 * registers. Enabling a region with SIZE below the profile's minimum, SRD bits on a region under 256
 * bytes, or the reserved AP 0b100 is UNPREDICTABLE and throws {@link MpuRegisterError}. A base not
 * aligned to the region size is accepted and its low bits ignored, as the lookup does.
 */
export class Pmsav7Mpu {
  /** Number of regions. */
  readonly regionCount: number;
  /** The profile. */
  readonly profile: Pmsav7Profile;
  private ctrlValue = 0;
  private rnrValue = 0;
  private readonly rbars: Uint32Array;
  private readonly rasrs: Uint32Array;

  /** @param options - region count and profile. */
  constructor(options: Pmsav7MpuOptions) {
    const n = options.regions;
    if (!Number.isInteger(n) || n < 0 || n > 16) {
      throw new MpuRegisterError('unpredictable-value', `PMSAv7 DREGION ${n} is not 0..16`);
    }
    this.regionCount = n;
    this.profile = options.profile ?? 'armv7m';
    this.rbars = new Uint32Array(n);
    this.rasrs = new Uint32Array(n);
  }

  /** MPU_CTRL value. */
  get ctrl(): number {
    return this.ctrlValue;
  }

  /** Registers of region `n`: base (ADDR bits only) and RASR. */
  regionRegisters(n: number): { rbar: number; rasr: number } {
    this.assertRegion(n, 'region');
    return { rbar: this.rbars[n]!, rasr: this.rasrs[n]! };
  }

  /** Sets both registers of region `n` with the same checks as register writes. */
  setRegion(n: number, rbar: number, rasr: number): void {
    this.assertRegion(n, 'region');
    this.validateRasr(rasr >>> 0);
    this.rbars[n] = (rbar & MPU_RBAR_ADDR_MASK) >>> 0;
    this.rasrs[n] = (rasr & MPU_RASR_WRITABLE) >>> 0;
  }

  /** Reads a register by address. */
  read(address: number): number {
    switch (address >>> 0) {
      case MPU_TYPE:
        return this.regionCount << 8;
      case MPU_CTRL:
        return this.ctrlValue;
      case MPU_RNR:
        return this.rnrValue;
      default: {
        const rasr = this.slot(address);
        this.assertRegion(this.rnrValue, 'MPU_RNR');
        return rasr
          ? this.rasrs[this.rnrValue]!
          : (this.rbars[this.rnrValue]! | (this.rnrValue & MPU_RBAR_REGION_MASK)) >>> 0;
      }
    }
  }

  /** Writes a register by address (see the class notes for what throws). */
  write(address: number, value: number): void {
    value >>>= 0;
    switch (address >>> 0) {
      case MPU_TYPE:
        throw new MpuRegisterError('bad-access', 'MPU_TYPE is read-only');
      case MPU_CTRL: {
        const v = value & 7;
        if ((v & 2) !== 0 && (v & 1) === 0) {
          throw new MpuRegisterError(
            'unpredictable-value',
            'MPU_CTRL with HFNMIENA=1 and ENABLE=0 is UNPREDICTABLE; set ENABLE too or clear HFNMIENA',
          );
        }
        this.ctrlValue = v;
        return;
      }
      case MPU_RNR:
        this.assertRegion(value & 0xff, 'MPU_RNR.REGION');
        this.rnrValue = value & 0xff;
        return;
      default: {
        const rasr = this.slot(address);
        if (!rasr && (value & MPU_RBAR_VALID) !== 0) {
          this.assertRegion(value & MPU_RBAR_REGION_MASK, 'MPU_RBAR.REGION');
          this.rnrValue = value & MPU_RBAR_REGION_MASK;
        }
        this.assertRegion(this.rnrValue, 'MPU_RNR');
        if (rasr) {
          this.validateRasr(value);
          this.rasrs[this.rnrValue] = (value & MPU_RASR_WRITABLE) >>> 0;
        } else {
          this.rbars[this.rnrValue] = (value & MPU_RBAR_ADDR_MASK) >>> 0;
        }
      }
    }
  }

  /**
   * Checks one access. The highest-numbered enabled region whose enabled subregion contains a byte
   * decides for that byte; a byte in a disabled subregion falls through to lower regions and then to
   * the background map. Execute needs read permission and XN = 0; System space and Device or
   * Strongly-ordered regions never execute (the latter is UNPREDICTABLE in the architecture; this
   * model faults, as for PMSAv8).
   */
  check(
    address: number,
    size: number,
    access: MemoryAccess,
    privileged: boolean,
    options?: MpuCheckOptions,
  ): MpuCheckResult {
    const end = accessEnd(address, size);
    const ctrl = this.ctrlValue;
    const active = (ctrl & 1) !== 0 && !(options?.negativePriority === true && (ctrl & 2) === 0);
    const execute = access === 'execute';
    let a = address;
    while (a < end) {
      let next = nextDefaultMapBoundary(a);
      let reason: MpuFaultReason | undefined;
      let decided = -1;
      if (isPrivatePeripheralBus(a)) {
        if (execute) reason = 'default-map-execute-never';
        else if (!privileged) {
          return {
            allowed: false,
            fault: 'BusFault',
            reason: 'ppb-unprivileged',
            address: a,
            access,
          };
        }
      } else if (!active) {
        if (execute && isDefaultExecuteNever(a)) reason = 'default-map-execute-never';
      } else {
        for (let r = this.regionCount - 1; r >= 0; r--) {
          const rasr = this.rasrs[r]!;
          if ((rasr & 1) === 0) continue;
          const sizeLog2 = ((rasr >>> 1) & 0x1f) + 1;
          const regionSize = POW2[sizeLog2]!;
          // Low ADDR bits below the region size are ignored (integer mask: fmod is slow).
          const base = sizeLog2 === 32 ? 0 : (this.rbars[r]! & ~(regionSize - 1)) >>> 0;
          if (a < base) {
            if (base < next) next = base;
            continue;
          }
          if (a >= base + regionSize) continue;
          let pieceEnd = base + regionSize;
          if (sizeLog2 >= 8) {
            const sub = regionSize / 8;
            const index = (a - base) >>> (sizeLog2 - 3);
            pieceEnd = base + (index + 1) * sub;
            if (pieceEnd < next) next = pieceEnd;
            if (((rasr >>> 8) >> index) & 1) continue; // disabled subregion: lower regions decide
          }
          if (pieceEnd < next) next = pieceEnd;
          decided = r;
          break;
        }
        if (decided >= 0) {
          const rasr = this.rasrs[decided]!;
          const ap = (rasr >>> 24) & 7;
          const ok =
            access === 'write' ? pmsav7CanWrite(ap, privileged) : pmsav7CanRead(ap, privileged);
          if (!ok) reason = 'permission';
          else if (execute) {
            const type = pmsav7MemoryType(
              (rasr >>> 19) & 7,
              (rasr & MPU_RASR_C) !== 0,
              (rasr & MPU_RASR_B) !== 0,
            );
            if ((rasr & MPU_RASR_XN) !== 0) reason = 'execute-never';
            else if (a >= SYSTEM_SPACE_BASE) reason = 'default-map-execute-never';
            else if (type === 'device' || type === 'strongly-ordered') reason = 'device-execute';
          }
        } else if (privileged && (ctrl & 4) !== 0) {
          if (execute && isDefaultExecuteNever(a)) reason = 'default-map-execute-never';
        } else {
          reason = 'background';
        }
      }
      if (reason !== undefined) {
        return decided >= 0
          ? { allowed: false, fault: 'MemManage', reason, address: a, access, region: decided }
          : { allowed: false, fault: 'MemManage', reason, address: a, access };
      }
      a = next;
    }
    return MPU_ALLOWED;
  }

  private validateRasr(value: number): void {
    if ((value & 1) === 0) return; // a disabled region may hold anything
    const f = decodeRasr(value);
    const min = pmsav7MinSizeLog2(this.profile);
    if (f.sizeLog2 < min) {
      throw new MpuRegisterError(
        'unpredictable-value',
        `MPU_RASR.SIZE ${f.sizeLog2 - 1} (2^${f.sizeLog2} bytes) is below the ${this.profile} minimum of ${2 ** min} bytes`,
      );
    }
    if (f.sizeLog2 < 8 && f.srd !== 0) {
      throw new MpuRegisterError(
        'unpredictable-value',
        `MPU_RASR.SRD must be 0 for a region of ${2 ** f.sizeLog2} bytes: only regions of 256 bytes or more have subregions`,
      );
    }
    if (f.ap === Pmsav7AccessPermission.Reserved) {
      throw new MpuRegisterError('unpredictable-value', 'MPU_RASR.AP 0b100 is reserved');
    }
  }

  private slot(address: number): boolean {
    const a = address >>> 0;
    if (a < PMSAV7_RBAR || a > 0xe000edb8 || (a & 3) !== 0) {
      throw new MpuRegisterError(
        'not-a-register',
        `0x${a.toString(16)} is not a PMSAv7 MPU register (MPU_TYPE 0xe000ed90 .. MPU_RASR_A3 0xe000edb8)`,
      );
    }
    return ((a - PMSAV7_RBAR) >> 2) % 2 === 1;
  }

  private assertRegion(region: number, what: string): void {
    if (!Number.isInteger(region) || region < 0 || region >= this.regionCount) {
      throw new MpuRegisterError(
        'region-out-of-range',
        `${what} selects region ${region}, but this MPU implements ${this.regionCount} regions`,
      );
    }
  }
}
