// Placing enclaves with the SAU: Non-secure task memory is attributed Non-secure, each enclave's
// gateway veneers Non-secure callable, and everything else (the kernel, every enclave's own
// memory) stays Secure because an enabled SAU attributes unlisted addresses Secure. The planner
// checks the enclave rules (no Non-secure range touches enclave memory, entries lie in the
// gateway), merges adjacent ranges of one kind, and fails with a clear error when the SAU has too
// few regions. Also writes the gateway image: SG at each declared entry, a permanently undefined
// instruction everywhere else, so that no other address of the gateway is an entry. Relies on the
// `Sau` model.

import type { RegionRequest } from '../mpu/regions';
import type { WordMemory } from '../registers';
import { SAU_CTRL, SAU_CTRL_ENABLE, type Sau } from '../sau';
import { TrustZoneError } from './errors';

/** A range of memory: `size` bytes from `base`. */
export interface AddressRange {
  readonly base: number;
  readonly size: number;
}

/** A range of an enclave's own memory, with what the enclave itself may do there. */
export interface EnclaveMemory extends AddressRange {
  /** The enclave's rights (unprivileged, through MPU_S). Default: read and write, no execute. */
  readonly permissions?: {
    readonly read: boolean;
    readonly write: boolean;
    readonly execute: boolean;
  };
}

/** One enclave's place in the address map. */
export interface TrustZoneEnclaveLayout {
  /** A name for error messages. */
  readonly name: string;
  /** Its own memory (code, data, stack): attributed Secure, reachable by the enclave only. */
  readonly memory: readonly EnclaveMemory[];
  /** Its Non-secure callable region, holding the gateway veneers. */
  readonly gateway: AddressRange;
  /** The declared entry points: each an SG instruction inside `gateway` (halfword aligned). */
  readonly entries: readonly number[];
}

/** The whole map the SAU is planned for. */
export interface TrustZoneLayout {
  /** Memory Non-secure tasks may use. */
  readonly nonSecure: readonly AddressRange[];
  /** The enclaves. */
  readonly enclaves: readonly TrustZoneEnclaveLayout[];
}

/** One SAU region of a plan: first and last byte (inclusive), Non-secure callable or not. */
export interface SauRegionConfig {
  readonly base: number;
  readonly limit: number;
  readonly nsc: boolean;
}

/** SAU regions realising a layout, in region order. */
export interface SauPlan {
  readonly regions: readonly SauRegionConfig[];
}

/** First halfword of SG (both halfwords are 0xe97f). */
const SG_HALFWORD = 0xe97f;
/** UDF #0 (T1), the filler of gateway memory: executing it is an UndefinedInstruction fault. */
export const GATEWAY_FILLER_HALFWORD = 0xde00;

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}

function checkRange(what: string, r: AddressRange): void {
  if (!Number.isInteger(r.base) || !Number.isInteger(r.size) || r.size < 32) {
    throw new TrustZoneError(
      'bad-range',
      `${what}: base ${r.base} and size ${r.size} must be integers, size at least 32 bytes`,
    );
  }
  if (r.base < 0 || r.base + r.size > 0x100000000) {
    throw new TrustZoneError(
      'bad-range',
      `${what}: ${hex(r.base)}+${hex(r.size)} leaves the 32-bit address space`,
    );
  }
  if (r.base % 32 !== 0 || r.size % 32 !== 0) {
    throw new TrustZoneError(
      'misaligned',
      `${what}: ${hex(r.base)}+${hex(r.size)} must be in whole 32-byte SAU granules`,
    );
  }
}

function overlaps(a: AddressRange, b: AddressRange): boolean {
  return a.base < b.base + b.size && b.base < a.base + a.size;
}

/** Sorts ranges and joins touching or overlapping ones. */
function merge(ranges: readonly AddressRange[]): AddressRange[] {
  const sorted = [...ranges].sort((a, b) => a.base - b.base);
  const out: { base: number; size: number }[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.base <= last.base + last.size) {
      last.size = Math.max(last.size, r.base + r.size - last.base);
    } else out.push({ base: r.base, size: r.size });
  }
  return out;
}

function checkEnclave(e: TrustZoneEnclaveLayout): void {
  e.memory.forEach((r, i) => {
    checkRange(`enclave ${e.name} memory #${i}`, r);
  });
  checkRange(`enclave ${e.name} gateway`, e.gateway);
  for (const r of e.memory) {
    if (overlaps(r, e.gateway)) {
      throw new TrustZoneError(
        'overlap',
        `enclave ${e.name}: its gateway ${hex(e.gateway.base)} overlaps its own memory at ${hex(r.base)}; Non-secure callable memory must hold veneers only`,
      );
    }
  }
  if (e.entries.length === 0) {
    throw new TrustZoneError('bad-entry', `enclave ${e.name} declares no entry point`);
  }
  const seen = new Set<number>();
  for (const entry of e.entries) {
    const inside =
      Number.isInteger(entry) &&
      entry >= e.gateway.base &&
      entry + 4 <= e.gateway.base + e.gateway.size;
    if (!inside || entry % 2 !== 0 || seen.has(entry)) {
      throw new TrustZoneError(
        'bad-entry',
        `enclave ${e.name}: entry ${hex(entry)} must be a distinct halfword-aligned address with its 4-byte SG inside the gateway ${hex(e.gateway.base)}..${hex(e.gateway.base + e.gateway.size - 1)}`,
      );
    }
    seen.add(entry);
  }
}

/**
 * Plans the SAU for a layout on an SAU with `regionCount` regions: merged Non-secure ranges
 * first, then merged gateways (NSC). Everything else is Secure.
 *
 * @throws {@link TrustZoneError} `bad-range`/`misaligned` for a range off the 32-byte SAU grid,
 * `overlap` when Non-secure memory or another enclave touches an enclave's memory or gateway,
 * `bad-entry` for an entry outside its gateway, `too-many-regions` when the merged ranges need
 * more regions than the SAU has.
 */
export function planSau(layout: TrustZoneLayout, regionCount: number): SauPlan {
  layout.nonSecure.forEach((r, i) => {
    checkRange(`Non-secure range #${i}`, r);
  });
  for (const e of layout.enclaves) checkEnclave(e);
  const secureOf = (e: TrustZoneEnclaveLayout) => [...e.memory, e.gateway];
  for (const e of layout.enclaves) {
    for (const s of secureOf(e)) {
      const ns = layout.nonSecure.find((r) => overlaps(r, s));
      if (ns) {
        throw new TrustZoneError(
          'overlap',
          `Non-secure range ${hex(ns.base)}+${hex(ns.size)} overlaps enclave ${e.name} at ${hex(s.base)}+${hex(s.size)}`,
        );
      }
    }
  }
  layout.enclaves.forEach((a, i) => {
    for (const b of layout.enclaves.slice(i + 1)) {
      for (const ra of secureOf(a)) {
        if (secureOf(b).some((rb) => overlaps(ra, rb))) {
          throw new TrustZoneError(
            'overlap',
            `enclaves ${a.name} and ${b.name} share memory at ${hex(ra.base)}`,
          );
        }
      }
    }
  });
  const ns = merge(layout.nonSecure);
  const nsc = merge(layout.enclaves.map((e) => e.gateway));
  const needed = ns.length + nsc.length;
  if (needed > regionCount) {
    throw new TrustZoneError(
      'too-many-regions',
      `the layout needs ${needed} SAU regions (${ns.length} Non-secure, ${nsc.length} Non-secure callable after merging) but the SAU has ${regionCount}`,
    );
  }
  const region = (r: AddressRange, isNsc: boolean): SauRegionConfig => ({
    base: r.base,
    limit: r.base + r.size - 1,
    nsc: isNsc,
  });
  return { regions: [...ns.map((r) => region(r, false)), ...nsc.map((r) => region(r, true))] };
}

/** Loads a plan into the SAU (unused regions disabled) and enables it. */
export function applySauPlan(sau: Sau, plan: SauPlan): void {
  if (plan.regions.length > sau.regionCount) {
    throw new TrustZoneError(
      'too-many-regions',
      `the plan has ${plan.regions.length} regions but the SAU has ${sau.regionCount}`,
    );
  }
  for (let n = 0; n < sau.regionCount; n++) {
    const r = plan.regions[n];
    if (r) sau.setRegion(n, r.base, r.limit, r.nsc);
    else sau.setRegion(n, 0, 0x1f, false, false);
  }
  sau.write(SAU_CTRL, SAU_CTRL_ENABLE);
}

/** Writes one halfword into word memory (little-endian: the lower address is the low half). */
export function writeHalfword(memory: WordMemory, address: number, value: number): void {
  const word = address - (address % 4);
  const shift = (address % 4) * 8;
  const old = memory.readWord(word) >>> 0;
  const mask = 0xffff * 2 ** shift;
  memory.writeWord(word, ((old & ~mask) | ((value & 0xffff) << shift)) >>> 0);
}

/** Reads one halfword from word memory. */
export function readHalfword(memory: WordMemory, address: number): number {
  const word = address - (address % 4);
  return (memory.readWord(word) >>> ((address % 4) * 8)) & 0xffff;
}

/**
 * Writes an enclave's gateway image: UDF everywhere, then SG at each declared entry, so the
 * declared entries are the only addresses of the gateway a Non-secure branch can enter at.
 */
export function writeGatewayImage(memory: WordMemory, enclave: TrustZoneEnclaveLayout): void {
  checkEnclave(enclave);
  const { base, size } = enclave.gateway;
  for (let a = base; a < base + size; a += 2) writeHalfword(memory, a, GATEWAY_FILLER_HALFWORD);
  for (const entry of enclave.entries) {
    writeHalfword(memory, entry, SG_HALFWORD);
    writeHalfword(memory, entry + 2, SG_HALFWORD);
  }
}

/**
 * The Secure MPU requests of an enclave: its own memory with its permissions, for `solvePmsav8`
 * into MPU_S while the enclave runs (Secure, unprivileged). With these loaded and PRIVDEFENA set,
 * the enclave reaches nothing but its own memory, while the privileged kernel keeps the default
 * map. The gateway needs no region: Non-secure callers execute it in Secure state before the
 * enclave's code takes over.
 */
export function enclaveRegionRequests(enclave: TrustZoneEnclaveLayout): RegionRequest[] {
  return enclave.memory.map((m, i) => ({
    name: `${enclave.name}#${i}`,
    base: m.base,
    size: m.size,
    ...(m.permissions ?? { read: true, write: true, execute: false }),
  }));
}
