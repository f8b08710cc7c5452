// VMSAv8-64 stage-1 translation table descriptors for the 4 KiB granule (levels 0-3): bit
// positions with the Arm ARM's names, exact encode/decode of invalid, table, block (L1 1 GiB,
// L2 2 MiB) and page (L3) descriptors. A descriptor is handled as two 32-bit halves
// ({@link DescriptorWords}) so the walker's hot path stays in Smi arithmetic; BigInt helpers exist
// for display and tests. Output addresses are Numbers below 2^48. Relies on errors.ts.

import { Aarch64Error, checkField } from '../errors';

// ---- bit positions in the 64-bit descriptor (Arm ARM D8.3, "VMSAv8-64 descriptor formats") ----

/** Bit 0: the descriptor is valid. */
export const DESC_VALID_BIT = 0;
/** Bit 1: 1 = table (levels 0-2) or page (level 3); 0 = block (levels 1-2). */
export const DESC_TYPE_BIT = 1;
/** Lowest bit of AttrIndx[2:0], descriptor bits [4:2]: index into MAIR_EL1. */
export const ATTRINDX_SHIFT = 2;
/** Bit 5: NS, non-secure output address (ignored in Non-secure state). */
export const NS_BIT = 5;
/** Lowest bit of AP[2:1], descriptor bits [7:6]. */
export const AP_SHIFT = 6;
/** Lowest bit of SH[1:0], descriptor bits [9:8]. */
export const SH_SHIFT = 8;
/** Bit 10: AF, the access flag. */
export const AF_BIT = 10;
/** Bit 11: nG, not global (the entry is tagged with the current ASID). */
export const NG_BIT = 11;
/** Bit 52: Contiguous hint. */
export const CONTIGUOUS_BIT = 52;
/** Bit 53: PXN, privileged execute-never. */
export const PXN_BIT = 53;
/** Bit 54: UXN (also called XN), unprivileged execute-never. */
export const UXN_BIT = 54;
/** Lowest of the software-reserved bits [58:55]. */
export const SOFTWARE_SHIFT = 55;
/** Bit 59 of a table descriptor: PXNTable. */
export const PXNTABLE_BIT = 59;
/** Bit 60 of a table descriptor: UXNTable (XNTable). */
export const UXNTABLE_BIT = 60;
/** Lowest bit of APTable[1:0], table descriptor bits [62:61]. */
export const APTABLE_SHIFT = 61;
/** Bit 63 of a table descriptor: NSTable. */
export const NSTABLE_BIT = 63;

/** Size in bytes of the region one descriptor maps at levels 0-3 (4 KiB granule). */
export const LEVEL_SIZE: readonly [number, number, number, number] = [
  2 ** 39,
  2 ** 30,
  2 ** 21,
  2 ** 12,
];

/** AP[2:1]: data access permissions of a block or page (stage 1, EL1&0 regime). */
export enum AccessPermission {
  /** 0b00: EL1 read/write, EL0 no access. */
  PrivReadWrite = 0,
  /** 0b01: EL1 and EL0 read/write. */
  ReadWrite = 1,
  /** 0b10: EL1 read-only, EL0 no access. */
  PrivReadOnly = 2,
  /** 0b11: EL1 and EL0 read-only. */
  ReadOnly = 3,
}

/** SH[1:0]: shareability of Normal memory. 0b01 is reserved. */
export enum Shareability {
  /** 0b00 */
  NonShareable = 0,
  /** 0b10 */
  OuterShareable = 2,
  /** 0b11 */
  InnerShareable = 3,
}

/** APTable[1:0]: limits on the permissions of every later level. */
export enum ApTable {
  /** 0b00: no effect. */
  NoEffect = 0,
  /** 0b01: no access from EL0. */
  NoEl0 = 1,
  /** 0b10: no write access at any EL. */
  NoWrite = 2,
  /** 0b11: no write access, and no access from EL0. */
  NoWriteNoEl0 = 3,
}

/** A 64-bit descriptor as its low (bits [31:0]) and high (bits [63:32]) unsigned words. */
export interface DescriptorWords {
  /** Bits [31:0], unsigned. */
  lo: number;
  /** Bits [63:32], unsigned. */
  hi: number;
}

/** An invalid (fault) descriptor: bit 0 clear, or a reserved encoding at this level. */
export interface InvalidDescriptor {
  /** Discriminant. */
  kind: 'invalid';
}

/** A table descriptor: points to the next-level table, with hierarchical limits. */
export interface TableDescriptor {
  /** Discriminant. */
  kind: 'table';
  /** Next-level table address, bits [47:12]. */
  address: number;
  /** PXNTable. */
  pxnTable: boolean;
  /** UXNTable. */
  uxnTable: boolean;
  /** APTable. */
  apTable: ApTable;
  /** NSTable. */
  nsTable: boolean;
}

/** The attributes shared by block and page descriptors. */
export interface LeafAttributes {
  /** AttrIndx[2:0]: MAIR_EL1 attribute index. */
  attrIndx: number;
  /** NS. */
  ns: boolean;
  /** AP[2:1]. */
  ap: AccessPermission;
  /** SH[1:0]. */
  sh: Shareability;
  /** AF, the access flag. */
  af: boolean;
  /** nG: true = ASID-tagged, false = global. */
  nG: boolean;
  /** Contiguous hint. */
  contiguous: boolean;
  /** PXN. */
  pxn: boolean;
  /** UXN / XN. */
  uxn: boolean;
  /** Software-reserved bits [58:55], 0-15. */
  software: number;
}

/** A block (L1: 1 GiB, L2: 2 MiB) or page (L3: 4 KiB) descriptor. */
export interface LeafDescriptor extends LeafAttributes {
  /** Discriminant: `block` at levels 1-2, `page` at level 3. */
  kind: 'block' | 'page';
  /** Output address, aligned to the level's size. */
  outputAddress: number;
}

/** Any decoded descriptor. */
export type Descriptor = InvalidDescriptor | TableDescriptor | LeafDescriptor;

/** Translation table level of the 4 KiB granule. */
export type Level = 0 | 1 | 2 | 3;

const HI_ADDR_MASK = 0xffff; // OA bits [47:32] in the high word

/** Reads OA bits [47:12] of a descriptor; `loMask` keeps the level's aligned low bits. */
function outputAddressOf(lo: number, hi: number, loMask: number): number {
  return (hi & HI_ADDR_MASK) * 0x1_0000_0000 + ((lo & loMask) >>> 0);
}

/** Low-word mask of the output address at each level (bits below the level size cleared). */
export const OA_LO_MASK: readonly [number, number, number, number] = [
  0xfffff000, // level 0 only holds tables: address bits [31:12]
  0xc0000000,
  0xffe00000,
  0xfffff000,
];

/**
 * Decodes a descriptor read at `level`. Reserved encodings (bits[1:0] = 0b01 at level 0 or level
 * 3) decode as `invalid`, as the walker treats them (a Translation fault).
 */
export function decodeDescriptor(words: DescriptorWords, level: Level): Descriptor {
  const { lo, hi } = words;
  if ((lo & 1) === 0) return { kind: 'invalid' };
  const isTableOrPage = (lo & 2) !== 0;
  if (level === 0 && !isTableOrPage) return { kind: 'invalid' };
  if (level === 3 && !isTableOrPage) return { kind: 'invalid' };
  if (isTableOrPage && level !== 3) {
    return {
      kind: 'table',
      address: outputAddressOf(lo, hi, 0xfffff000),
      pxnTable: ((hi >>> (PXNTABLE_BIT - 32)) & 1) === 1,
      uxnTable: ((hi >>> (UXNTABLE_BIT - 32)) & 1) === 1,
      apTable: ((hi >>> (APTABLE_SHIFT - 32)) & 3) as ApTable,
      nsTable: hi >>> (NSTABLE_BIT - 32) === 1,
    };
  }
  return {
    kind: level === 3 ? 'page' : 'block',
    outputAddress: outputAddressOf(lo, hi, OA_LO_MASK[level]),
    ...decodeLeafAttributes(words),
  };
}

/** Decodes the attribute fields of a block or page descriptor (no validity check). */
export function decodeLeafAttributes(words: DescriptorWords): LeafAttributes {
  const { lo, hi } = words;
  return {
    attrIndx: (lo >>> ATTRINDX_SHIFT) & 7,
    ns: ((lo >>> NS_BIT) & 1) === 1,
    ap: ((lo >>> AP_SHIFT) & 3) as AccessPermission,
    sh: ((lo >>> SH_SHIFT) & 3) as Shareability,
    af: ((lo >>> AF_BIT) & 1) === 1,
    nG: ((lo >>> NG_BIT) & 1) === 1,
    contiguous: ((hi >>> (CONTIGUOUS_BIT - 32)) & 1) === 1,
    pxn: ((hi >>> (PXN_BIT - 32)) & 1) === 1,
    uxn: ((hi >>> (UXN_BIT - 32)) & 1) === 1,
    software: (hi >>> (SOFTWARE_SHIFT - 32)) & 0xf,
  };
}

function checkAddress(what: string, address: number, alignment: number): void {
  if (!Number.isInteger(address) || address < 0 || address >= 2 ** 48) {
    throw new Aarch64Error(
      'out-of-range',
      `${what} 0x${address.toString(16)} must be a non-negative integer below 2^48`,
    );
  }
  if (address % alignment !== 0) {
    throw new Aarch64Error(
      'misaligned',
      `${what} 0x${address.toString(16)} must be aligned to 0x${alignment.toString(16)} bytes`,
    );
  }
}

function splitAddress(address: number): DescriptorWords {
  return { lo: (address % 0x1_0000_0000) >>> 0, hi: Math.floor(address / 0x1_0000_0000) };
}

/** The invalid descriptor (all zeros). */
export const INVALID_DESCRIPTOR: Readonly<DescriptorWords> = Object.freeze({ lo: 0, hi: 0 });

/**
 * Encodes a descriptor for `level`. Throws `Aarch64Error` for a kind the level cannot hold
 * (`unsupported`), a misaligned or too large address, or a field out of range.
 */
export function encodeDescriptor(descriptor: Descriptor, level: Level): DescriptorWords {
  if (descriptor.kind === 'invalid') return { lo: 0, hi: 0 };
  if (descriptor.kind === 'table') {
    if (level === 3) {
      throw new Aarch64Error('unsupported', 'a table descriptor cannot appear at level 3');
    }
    checkAddress('next-level table address', descriptor.address, 4096);
    checkField('APTable', descriptor.apTable, 2);
    const w = splitAddress(descriptor.address);
    const hi =
      w.hi |
      (descriptor.pxnTable ? 1 << (PXNTABLE_BIT - 32) : 0) |
      (descriptor.uxnTable ? 1 << (UXNTABLE_BIT - 32) : 0) |
      (descriptor.apTable << (APTABLE_SHIFT - 32)) |
      (descriptor.nsTable ? 1 << (NSTABLE_BIT - 32) : 0);
    return { lo: (w.lo | 3) >>> 0, hi: hi >>> 0 };
  }
  if (descriptor.kind === 'page' && level !== 3) {
    throw new Aarch64Error('unsupported', `a page descriptor only exists at level 3, not ${level}`);
  }
  if (descriptor.kind === 'block' && level !== 1 && level !== 2) {
    throw new Aarch64Error(
      'unsupported',
      `a block descriptor only exists at levels 1 and 2 with the 4 KiB granule, not ${level}`,
    );
  }
  checkAddress('output address', descriptor.outputAddress, LEVEL_SIZE[level]);
  const w = splitAddress(descriptor.outputAddress);
  const attrs = encodeLeafAttributes(descriptor);
  return {
    lo: (w.lo | attrs.lo | (level === 3 ? 3 : 1)) >>> 0,
    hi: (w.hi | attrs.hi) >>> 0,
  };
}

/** Encodes the attribute fields of a block or page (without address and type bits). */
export function encodeLeafAttributes(attrs: LeafAttributes): DescriptorWords {
  checkField('AttrIndx', attrs.attrIndx, 3);
  checkField('AP', attrs.ap, 2);
  checkField('software bits', attrs.software, 4);
  if ((attrs.sh as number) === 1 || !(attrs.sh >= 0 && attrs.sh <= 3)) {
    throw new Aarch64Error('field-range', `SH must be 0b00, 0b10 or 0b11 (0b01 is reserved)`);
  }
  const lo =
    (attrs.attrIndx << ATTRINDX_SHIFT) |
    (attrs.ns ? 1 << NS_BIT : 0) |
    (attrs.ap << AP_SHIFT) |
    (attrs.sh << SH_SHIFT) |
    (attrs.af ? 1 << AF_BIT : 0) |
    (attrs.nG ? 1 << NG_BIT : 0);
  const hi =
    (attrs.contiguous ? 1 << (CONTIGUOUS_BIT - 32) : 0) |
    (attrs.pxn ? 1 << (PXN_BIT - 32) : 0) |
    (attrs.uxn ? 1 << (UXN_BIT - 32) : 0) |
    (attrs.software << (SOFTWARE_SHIFT - 32));
  return { lo: lo >>> 0, hi: hi >>> 0 };
}

/** Joins descriptor words into one 64-bit BigInt. */
export function descriptorToBigInt(words: DescriptorWords): bigint {
  return (BigInt(words.hi >>> 0) << 32n) | BigInt(words.lo >>> 0);
}

/** Splits a 64-bit BigInt into descriptor words. */
export function descriptorFromBigInt(value: bigint): DescriptorWords {
  return {
    lo: Number(value & 0xffff_ffffn),
    hi: Number((value >> 32n) & 0xffff_ffffn),
  };
}
