// MMU faults and their fault status codes (the DFSC/IFSC field of ESR_EL1, ISS[5:0]). Owns the
// enum of status codes with the Arm ARM's encodings, the fault record the walker and the
// permission check return, and the mapping between the two. Relies on descriptors.ts (Level).

import type { Level } from './descriptors';

/** DFSC / IFSC values (ESR_EL1.ISS[5:0] for data and instruction aborts). */
export enum FaultStatusCode {
  /** 0b000000: address size fault, level 0 or the translation table base register. */
  AddressSizeL0 = 0x00,
  /** 0b000001 */
  AddressSizeL1 = 0x01,
  /** 0b000010 */
  AddressSizeL2 = 0x02,
  /** 0b000011 */
  AddressSizeL3 = 0x03,
  /** 0b000100: translation fault, level 0. */
  TranslationL0 = 0x04,
  /** 0b000101 */
  TranslationL1 = 0x05,
  /** 0b000110 */
  TranslationL2 = 0x06,
  /** 0b000111 */
  TranslationL3 = 0x07,
  /** 0b001001: access flag fault, level 1 (level 0 needs FEAT_LPA2). */
  AccessFlagL1 = 0x09,
  /** 0b001010 */
  AccessFlagL2 = 0x0a,
  /** 0b001011 */
  AccessFlagL3 = 0x0b,
  /** 0b001101: permission fault, level 1 (level 0 needs FEAT_LPA2). */
  PermissionL1 = 0x0d,
  /** 0b001110 */
  PermissionL2 = 0x0e,
  /** 0b001111 */
  PermissionL3 = 0x0f,
  /** 0b010000: synchronous external abort, not on a table walk. */
  SyncExternal = 0x10,
  /** 0b010100: synchronous external abort on a walk, level 0. */
  SyncExternalWalkL0 = 0x14,
  /** 0b010101 */
  SyncExternalWalkL1 = 0x15,
  /** 0b010110 */
  SyncExternalWalkL2 = 0x16,
  /** 0b010111 */
  SyncExternalWalkL3 = 0x17,
  /** 0b100001: alignment fault. */
  Alignment = 0x21,
  /** 0b110000: TLB conflict abort. */
  TlbConflict = 0x30,
}

/** The MMU fault kinds the walker and permission check produce. */
export type MmuFaultKind = 'address-size' | 'translation' | 'access-flag' | 'permission';

/** Base status code of each kind; the level is added to it. */
const KIND_BASE: Readonly<Record<MmuFaultKind, number>> = {
  'address-size': 0x00,
  translation: 0x04,
  'access-flag': 0x08,
  permission: 0x0c,
};

/** An access: what the CPU tried to do. */
export enum AccessKind {
  /** A data read. */
  Read = 0,
  /** A data write. */
  Write = 1,
  /** An instruction fetch. */
  Execute = 2,
}

/** The exception level of an access: EL0 (task) or EL1 (kernel). */
export type ExceptionLevel = 0 | 1;

/** A stage-1 MMU fault with its level and status code. */
export interface MmuFault {
  /** Which check failed. */
  kind: MmuFaultKind;
  /** The lookup level that faulted (0 for a TTBR or VA-range problem). */
  level: Level;
  /** DFSC / IFSC for ESR_EL1. */
  statusCode: FaultStatusCode;
}

/** The fault status code of a fault kind at a level. */
export function faultStatusCode(kind: MmuFaultKind, level: Level): FaultStatusCode {
  return (KIND_BASE[kind] + level) as FaultStatusCode;
}

/** Builds a fault record. */
export function mmuFault(kind: MmuFaultKind, level: Level): MmuFault {
  return { kind, level, statusCode: faultStatusCode(kind, level) };
}

/**
 * Decodes an MMU fault status code back into kind and level; `undefined` for codes that are not
 * stage-1 MMU faults (external aborts, alignment, ...).
 */
export function decodeFaultStatus(code: number): MmuFault | undefined {
  if (code < 0 || code > 0x0f || !Number.isInteger(code)) return undefined;
  const kinds: MmuFaultKind[] = ['address-size', 'translation', 'access-flag', 'permission'];
  const kind = kinds[code >>> 2]!;
  return { kind, level: (code & 3) as Level, statusCode: code as FaultStatusCode };
}

/** A human-readable name of a fault status code, for logs and error messages. */
export function describeFaultStatus(code: number): string {
  const mmu = decodeFaultStatus(code);
  if (mmu !== undefined) return `${mmu.kind} fault, level ${mmu.level}`;
  switch (code) {
    case FaultStatusCode.SyncExternal:
      return 'synchronous external abort';
    case FaultStatusCode.Alignment:
      return 'alignment fault';
    case FaultStatusCode.TlbConflict:
      return 'TLB conflict abort';
    default:
      if (code >= 0x14 && code <= 0x17) {
        return `synchronous external abort on a table walk, level ${code - 0x14}`;
      }
      return `fault status 0x${code.toString(16)}`;
  }
}
