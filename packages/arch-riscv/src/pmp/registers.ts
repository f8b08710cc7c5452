// The PMP register file: pmpcfg0-15 and pmpaddr0-63 as RV32 CSRs, with the WARL rules of
// the privileged spec (reserved R=0/W=1 combination, granularity G read-back, NA4 not
// selectable when G ≥ 1, unimplemented entries read as zero) and the L-bit locks (a locked
// entry ignores writes; a locked TOR entry also locks its predecessor's pmpaddr). Owns the
// decoded address range of every entry; matching lives in `checker.ts`. Relies on `errors.ts`.

import { RiscvError } from '../errors';

/** pmpcfg entry field `R`: read permission. */
export const PMP_R = 1 << 0;
/** pmpcfg entry field `W`: write permission. */
export const PMP_W = 1 << 1;
/** pmpcfg entry field `X`: execute permission. */
export const PMP_X = 1 << 2;
/** Bit position of the two-bit address-matching field `A`. */
export const PMP_A_SHIFT = 3;
/** pmpcfg entry field `A` mask. */
export const PMP_A = 3 << PMP_A_SHIFT;
/** pmpcfg entry field `L`: locked, and enforced in M mode. */
export const PMP_L = 1 << 7;

/** Address-matching modes (values of the `A` field). */
export enum PmpAddressMatching {
  /** Null region: matches nothing. */
  Off = 0,
  /** Top of range: `pmpaddr[i-1] ≤ a < pmpaddr[i]` (shifted left by 2). */
  Tor = 1,
  /** Naturally aligned four-byte region. */
  Na4 = 2,
  /** Naturally aligned power-of-two region of at least 8 bytes. */
  Napot = 3,
}

/** Options of a {@link PmpRegisters} file. */
export interface PmpOptions {
  /** Implemented entries: 0, 16 or 64 (default 16). */
  entries?: 0 | 16 | 64;
  /** Granularity G: the PMP granule is 2^(G+2) bytes (default 0, a 4-byte granule). */
  granularity?: number;
}

/** The byte range an entry matches, `[start, end)`, in a 34-bit physical space. */
export interface PmpRange {
  /** First byte matched. */
  readonly start: number;
  /** One past the last byte matched (may be 2^34). */
  readonly end: number;
}

/** Number of pmpcfg CSRs on RV32. */
export const PMPCFG_COUNT = 16;
/** Number of pmpaddr CSRs. */
export const PMPADDR_COUNT = 64;

/** The PMP CSRs of one hart. */
export class PmpRegisters {
  /** Number of implemented entries (0, 16 or 64). */
  readonly entryCount: number;
  /** Granularity G (granule = 2^(G+2) bytes). */
  readonly granularity: number;
  /** Incremented on every change that can change a PMP decision. */
  version = 0;
  private readonly cfg = new Uint8Array(PMPADDR_COUNT);
  private readonly addr = new Uint32Array(PMPADDR_COUNT);

  /** @param options - entry count and granularity */
  constructor(options: PmpOptions = {}) {
    const entries = options.entries ?? 16;
    const g = options.granularity ?? 0;
    if (entries !== 0 && entries !== 16 && entries !== 64) {
      throw new RiscvError('invalid-argument', `PMP entries must be 0, 16 or 64, got ${entries}`);
    }
    if (!Number.isInteger(g) || g < 0 || g > 30) {
      throw new RiscvError('invalid-argument', `PMP granularity G must be 0..30, got ${g}`);
    }
    this.entryCount = entries;
    this.granularity = g;
  }

  /** Granule size in bytes, 2^(G+2). */
  get granuleBytes(): number {
    return 2 ** (this.granularity + 2);
  }

  /** The configuration byte of entry `i` (0 for unimplemented entries). */
  entryConfig(i: number): number {
    return i < this.entryCount ? this.cfg[i]! : 0;
  }

  /** True when entry `i` has its L bit set. */
  isLocked(i: number): boolean {
    return (this.entryConfig(i) & PMP_L) !== 0;
  }

  /** True when any implemented entry is locked (locked entries also bind M mode). */
  hasLockedEntries(): boolean {
    for (let i = 0; i < this.entryCount; i++) if (this.cfg[i]! & PMP_L) return true;
    return false;
  }

  /** Reads pmpcfg`n` (n = 0..15): entries 4n..4n+3, one byte each. */
  readCfg(n: number): number {
    checkIndex(n, PMPCFG_COUNT, 'pmpcfg');
    let value = 0;
    for (let b = 0; b < 4; b++) value |= this.entryConfig(n * 4 + b) << (8 * b);
    return value >>> 0;
  }

  /** Writes pmpcfg`n`; each entry's byte is legalised and locked entries keep theirs. */
  writeCfg(n: number, value: number): void {
    checkIndex(n, PMPCFG_COUNT, 'pmpcfg');
    for (let b = 0; b < 4; b++) this.writeEntryConfig(n * 4 + b, (value >>> (8 * b)) & 0xff);
  }

  /**
   * Writes one entry's configuration byte with the WARL rules: writes to a locked or
   * unimplemented entry are ignored, bits 6:5 read as zero, the reserved R=0/W=1 combination
   * is legalised by clearing W, and NA4 becomes OFF when G ≥ 1.
   */
  writeEntryConfig(i: number, value: number): void {
    checkIndex(i, PMPADDR_COUNT, 'PMP entry');
    if (i >= this.entryCount || this.cfg[i]! & PMP_L) return;
    let v = value & (PMP_R | PMP_W | PMP_X | PMP_A | PMP_L);
    if ((v & (PMP_R | PMP_W)) === PMP_W) v &= ~PMP_W;
    if (this.granularity >= 1 && (v & PMP_A) >>> PMP_A_SHIFT === PmpAddressMatching.Na4) {
      v &= ~PMP_A;
    }
    if (v !== this.cfg[i]) {
      this.cfg[i] = v;
      this.version++;
    }
  }

  /** Reads pmpaddr`i` with the granularity read-back rules. */
  readAddr(i: number): number {
    checkIndex(i, PMPADDR_COUNT, 'pmpaddr');
    if (i >= this.entryCount) return 0;
    const raw = this.addr[i]!;
    const g = this.granularity;
    if (g === 0) return raw;
    const napot = (this.cfg[i]! & (2 << PMP_A_SHIFT)) !== 0;
    if (napot) return g >= 2 ? (raw | lowMask(g - 1)) >>> 0 : raw;
    return (raw & ~lowMask(g)) >>> 0;
  }

  /**
   * Writes pmpaddr`i` (bits 33:2 of an address). Ignored for unimplemented entries, for a
   * locked entry, and when entry i+1 is a locked TOR entry (whose lower bound this is).
   */
  writeAddr(i: number, value: number): void {
    checkIndex(i, PMPADDR_COUNT, 'pmpaddr');
    if (i >= this.entryCount || this.addrLocked(i)) return;
    const v = value >>> 0;
    if (v !== this.addr[i]) {
      this.addr[i] = v;
      this.version++;
    }
  }

  /** True when entry `i` holds exactly this configuration byte and raw pmpaddr value. */
  holds(i: number, cfg: number, addr: number): boolean {
    return i < this.entryCount && this.cfg[i] === cfg && this.addr[i] === addr >>> 0;
  }

  /**
   * A string that is equal for two register files exactly when every PMP decision is (same
   * entries, configurations, addresses and granularity); caches of decisions key on it.
   */
  contentKey(): string {
    let key = `${this.entryCount}/${this.granularity}`;
    for (let i = 0; i < this.entryCount; i++) key += `,${this.cfg[i]}:${this.addr[i]}`;
    return key;
  }

  /** True when writes to pmpaddr`i` are ignored because of an L bit. */
  addrLocked(i: number): boolean {
    if (this.cfg[i]! & PMP_L) return true;
    const next = i + 1 < this.entryCount ? this.cfg[i + 1]! : 0;
    return (next & PMP_L) !== 0 && (next & PMP_A) >>> PMP_A_SHIFT === PmpAddressMatching.Tor;
  }

  /** The address-matching mode of entry `i`. */
  matching(i: number): PmpAddressMatching {
    return ((this.entryConfig(i) & PMP_A) >>> PMP_A_SHIFT) as PmpAddressMatching;
  }

  /**
   * The byte range entry `i` matches, or `undefined` when it matches nothing (OFF, or a TOR
   * entry whose top is not above its bottom).
   */
  range(i: number): PmpRange | undefined {
    const a = this.matching(i);
    if (a === PmpAddressMatching.Off) return undefined;
    const g = this.granularity;
    const raw = this.addr[i]!;
    if (a === PmpAddressMatching.Tor) {
      // pmpaddr bits G-1:0 do not take part in TOR matching.
      const top = clearLow(raw, g) * 4;
      const bottom = i === 0 ? 0 : clearLow(this.addr[i - 1]!, g) * 4;
      return bottom < top ? { start: bottom, end: top } : undefined;
    }
    if (a === PmpAddressMatching.Na4) return { start: raw * 4, end: raw * 4 + 4 };
    const value = g >= 2 ? (raw | lowMask(g - 1)) >>> 0 : raw;
    let ones = 0;
    while (ones < 32 && (value >>> ones) & 1) ones++;
    const size = 2 ** (ones + 3);
    const start = ones >= 31 ? 0 : clearLow(value, ones + 1) * 4;
    return { start, end: start + size };
  }

  /** Sets every register back to its reset value (all entries OFF and unlocked). */
  reset(): void {
    this.cfg.fill(0);
    this.addr.fill(0);
    this.version++;
  }
}

function checkIndex(i: number, count: number, what: string): void {
  if (!Number.isInteger(i) || i < 0 || i >= count) {
    throw new RiscvError('invalid-argument', `${what} index must be 0..${count - 1}, got ${i}`);
  }
}

function lowMask(bits: number): number {
  return bits >= 32 ? 0xffff_ffff : (2 ** bits - 1) >>> 0;
}

function clearLow(value: number, bits: number): number {
  if (bits >= 32) return 0;
  return (value - (value % 2 ** bits)) >>> 0;
}
