// MAIR_EL1, the Memory Attribute Indirection Register: eight 8-bit attribute encodings selected by
// a descriptor's AttrIndx. Owns the encode/decode of one attribute byte (Device-nGnRnE ... Normal
// write-back) and of the whole 64-bit register (a BigInt at the API: the register is 64 bits).
// Relies on errors.ts.

import { Aarch64Error, checkField } from '../errors';

/** Attr<n> is MAIR_EL1 bits [8n+7:8n]. */
export const MAIR_ATTR_WIDTH = 8;

/** Device memory types (Attr = 0b0000_dd00). */
export enum DeviceType {
  /** 0x00 */
  nGnRnE = 0,
  /** 0x04 */
  nGnRE = 1,
  /** 0x08 */
  nGRE = 2,
  /** 0x0C */
  GRE = 3,
}

/** Cacheability of one level (inner or outer) of Normal memory. */
export type Cacheability =
  | { policy: 'non-cacheable' }
  | {
      /** Write-back or write-through. */
      policy: 'write-back' | 'write-through';
      /** Transient hint. */
      transient: boolean;
      /** Read-allocate. */
      readAllocate: boolean;
      /** Write-allocate. */
      writeAllocate: boolean;
    };

/** One decoded MAIR attribute. */
export type MemoryAttribute =
  | { kind: 'device'; device: DeviceType }
  | { kind: 'normal'; inner: Cacheability; outer: Cacheability };

/** Well-known attribute bytes. */
export const MAIR_DEVICE_nGnRnE = 0x00;
/** Device-nGnRE (typical for MMIO). */
export const MAIR_DEVICE_nGnRE = 0x04;
/** Normal, inner and outer Non-cacheable. */
export const MAIR_NORMAL_NC = 0x44;
/** Normal, inner and outer write-through non-transient, read/write-allocate. */
export const MAIR_NORMAL_WT = 0xbb;
/** Normal, inner and outer write-back non-transient, read/write-allocate. */
export const MAIR_NORMAL_WB = 0xff;

function encodeCacheability(c: Cacheability): number {
  if (c.policy === 'non-cacheable') return 0b0100;
  const rw = (c.readAllocate ? 2 : 0) | (c.writeAllocate ? 1 : 0);
  if (c.transient) {
    // Transient: 0b00RW write-through, 0b01RW write-back; RW = 00 is not a transient encoding.
    if (rw === 0) {
      throw new Aarch64Error(
        'unsupported',
        'a transient cacheability needs read- or write-allocate (0b0000 and 0b0100 mean other types)',
      );
    }
    return (c.policy === 'write-back' ? 0b0100 : 0b0000) | rw;
  }
  return (c.policy === 'write-back' ? 0b1100 : 0b1000) | rw;
}

function decodeCacheability(nibble: number): Cacheability {
  if (nibble === 0b0100) return { policy: 'non-cacheable' };
  const readAllocate = (nibble & 2) !== 0;
  const writeAllocate = (nibble & 1) !== 0;
  const transient = (nibble & 0b1000) === 0;
  const policy = (nibble & 0b0100) !== 0 ? 'write-back' : 'write-through';
  return { policy, transient, readAllocate, writeAllocate };
}

/** Encodes one attribute as its MAIR byte. */
export function encodeMairAttribute(attr: MemoryAttribute): number {
  if (attr.kind === 'device') {
    checkField('device type', attr.device, 2);
    return attr.device << 2;
  }
  return (encodeCacheability(attr.outer) << 4) | encodeCacheability(attr.inner);
}

/**
 * Decodes one MAIR byte. Throws `unsupported` for encodings this model leaves out (0b0000_xx01,
 * 0b0000_xx1x device variants and the FEAT_XS / FEAT_MTE tagged forms).
 */
export function decodeMairAttribute(byte: number): MemoryAttribute {
  checkField('MAIR attribute', byte, 8);
  const outer = byte >>> 4;
  const inner = byte & 0xf;
  if (outer === 0) {
    if ((inner & 3) !== 0) {
      throw new Aarch64Error(
        'unsupported',
        `MAIR attribute 0x${byte.toString(16)} is a reserved or FEAT_XS Device encoding`,
      );
    }
    return { kind: 'device', device: (inner >>> 2) as DeviceType };
  }
  if (inner === 0) {
    throw new Aarch64Error(
      'unsupported',
      `MAIR attribute 0x${byte.toString(16)} has inner 0b0000 (UNPREDICTABLE or FEAT_MTE/XS form)`,
    );
  }
  return { kind: 'normal', inner: decodeCacheability(inner), outer: decodeCacheability(outer) };
}

/** Builds MAIR_EL1 from up to eight attribute bytes (Attr0 first; missing ones are 0x00). */
export function encodeMair(attrs: readonly number[]): bigint {
  if (attrs.length > 8) {
    throw new Aarch64Error('out-of-range', `MAIR_EL1 holds 8 attributes, got ${attrs.length}`);
  }
  let value = 0n;
  attrs.forEach((byte, i) => {
    checkField(`Attr${i}`, byte, 8);
    value |= BigInt(byte) << BigInt(i * MAIR_ATTR_WIDTH);
  });
  return value;
}

/** Splits MAIR_EL1 into its eight attribute bytes, Attr0 first. */
export function decodeMair(mair: bigint): number[] {
  const out: number[] = [];
  for (let i = 0; i < 8; i++) out.push(Number((mair >> BigInt(i * 8)) & 0xffn));
  return out;
}
