// Kernel enclaves on the SAU: the port keeps the loaded enclaves (EnclaveDomain: naturally
// aligned power-of-two memory with declared entry addresses) and plans the SAU for them. Non-secure
// memory minus every enclave's memory is attributed Non-secure; the 32-byte granules holding each
// declared entry's SG instruction are Non-secure callable; everything else (each enclave's own
// memory, and memory the board does not give to Non-secure code) stays Secure, because an enabled
// SAU attributes an address in no region Secure. A plan that needs more regions than the SAU has
// is refused with a typed error before anything changes. Relies on the `Sau` model, the layout
// helpers of `trustzone/` and `@k5/kernel`'s EnclaveDomain.

import type { EnclaveDomain } from '@k5/kernel';
import { type GatewayOutcome, nonSecureBranch, type Sau, SG_OPCODE } from '../sau';
import { applySauPlan, type AddressRange, type SauPlan } from '../trustzone/layout';
import { ArmV8mPortError } from './port-errors';

/** The SAU's granule: regions start and end on 32-byte boundaries. */
const GRANULE = 32;
/** The whole 32-bit space, the default Non-secure memory. */
export const WHOLE_ADDRESS_SPACE: AddressRange = Object.freeze({ base: 0, size: 0x1_0000_0000 });
/** UDF #0 twice: what the port's gateway image holds around the SG instructions. */
const GATEWAY_FILLER_WORD = 0xde00de00;

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}

/** An entry address as the SG rule sees it: the Thumb bit of a branch target is not an address bit. */
function entryAddress(entry: number): number {
  return entry - (entry % 2);
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}

/** Checks what the kernel promises about a domain, and that its entries can hold an SG. */
function checkDomain(d: EnclaveDomain): void {
  const where = `enclave ${d.id} at ${hex(d.base)}+${hex(d.size)}`;
  if (!isPowerOfTwo(d.size) || d.size < GRANULE || !Number.isInteger(d.base)) {
    throw new ArmV8mPortError(
      'bad-enclave',
      `${where}: its size must be a power of two of at least ${GRANULE} bytes (one SAU granule)`,
    );
  }
  if (d.base < 0 || d.base % d.size !== 0 || d.base + d.size > 0x1_0000_0000) {
    throw new ArmV8mPortError(
      'bad-enclave',
      `${where}: its memory must be naturally aligned and inside the 32-bit space`,
    );
  }
  for (const entry of d.entries) {
    const a = Number.isInteger(entry) ? entryAddress(entry) : Number.NaN;
    if (!(a >= d.base && a + 4 <= d.base + d.size)) {
      throw new ArmV8mPortError(
        'bad-enclave',
        `${where}: entry ${hex(entry)} must lie inside the enclave with room for its 4-byte SG`,
      );
    }
  }
}

function overlaps(a: AddressRange, b: AddressRange): boolean {
  return a.base < b.base + b.size && b.base < a.base + a.size;
}

/** Sorts ranges and joins touching or overlapping ones. */
function merge(ranges: readonly AddressRange[]): AddressRange[] {
  const out: { base: number; size: number }[] = [];
  for (const r of [...ranges].sort((x, y) => x.base - y.base)) {
    const last = out[out.length - 1];
    if (last && r.base <= last.base + last.size) {
      last.size = Math.max(last.size, r.base + r.size - last.base);
    } else out.push({ base: r.base, size: r.size });
  }
  return out;
}

/** `ranges` without the bytes of `holes` (both merged first). */
function subtract(ranges: readonly AddressRange[], holes: readonly AddressRange[]): AddressRange[] {
  let pieces = merge(ranges);
  for (const h of merge(holes)) {
    pieces = pieces.flatMap((p) => {
      if (!overlaps(p, h)) return [p];
      const out: AddressRange[] = [];
      if (p.base < h.base) out.push({ base: p.base, size: h.base - p.base });
      const end = h.base + h.size;
      if (end < p.base + p.size) out.push({ base: end, size: p.base + p.size - end });
      return out;
    });
  }
  return pieces;
}

/** The Non-secure callable granules of a domain: those its entries' SG instructions occupy. */
export function gatewayGranules(d: EnclaveDomain): AddressRange[] {
  return merge(
    d.entries.map((e) => {
      const a = entryAddress(e);
      const first = a - (a % GRANULE);
      const last = a + 3 - ((a + 3) % GRANULE);
      return { base: first, size: last - first + GRANULE };
    }),
  );
}

/**
 * Plans the SAU for Non-secure memory `nonSecure` (32-byte granules) and the loaded enclaves:
 * Non-secure regions first, then Non-secure callable ones.
 *
 * @throws {@link ArmV8mPortError} `bad-enclave` for a domain the SAU cannot express or two
 * enclaves sharing memory; `sau-exhausted` when the regions needed exceed `regionCount`.
 */
export function planEnclaveSau(
  nonSecure: readonly AddressRange[],
  enclaves: readonly EnclaveDomain[],
  regionCount: number,
): SauPlan {
  enclaves.forEach((d, i) => {
    checkDomain(d);
    const other = enclaves.slice(i + 1).find((e) => overlaps(d, e));
    if (other) {
      throw new ArmV8mPortError(
        'bad-enclave',
        `enclaves ${d.id} and ${other.id} share memory at ${hex(Math.max(d.base, other.base))}`,
      );
    }
  });
  const ns = subtract(nonSecure, enclaves);
  const nsc = merge(enclaves.flatMap(gatewayGranules));
  const needed = ns.length + nsc.length;
  if (needed > regionCount) {
    throw new ArmV8mPortError(
      'sau-exhausted',
      `${enclaves.length} enclave(s) need ${needed} SAU regions (${ns.length} Non-secure pieces around them, ${nsc.length} Non-secure callable gateways) but the SAU has ${regionCount}; destroy an enclave or give Non-secure code fewer, larger ranges`,
    );
  }
  const region = (r: AddressRange, isNsc: boolean) => ({
    base: r.base,
    limit: r.base + r.size - 1,
    nsc: isNsc,
  });
  return { regions: [...ns.map((r) => region(r, false)), ...nsc.map((r) => region(r, true))] };
}

/**
 * The enclaves a port enforces and the SAU that enforces them. Adding and removing replans the
 * whole SAU; a refused plan leaves the SAU and the set of enclaves as they were.
 */
export class EnclaveAttribution {
  /** The SAU this attribution programs. */
  readonly sau: Sau;
  private readonly nonSecure: readonly AddressRange[];
  private readonly domains = new Map<number, EnclaveDomain>();

  /**
   * @param sau - the SAU to program (enabled by the first plan).
   * @param nonSecure - memory Non-secure code may be given (32-byte granules).
   */
  constructor(sau: Sau, nonSecure: readonly AddressRange[]) {
    this.sau = sau;
    this.nonSecure = nonSecure;
    for (const r of nonSecure) {
      if (r.base % GRANULE !== 0 || r.size % GRANULE !== 0 || r.size <= 0) {
        throw new ArmV8mPortError(
          'bad-option',
          `Non-secure memory ${hex(r.base)}+${hex(r.size)} must be whole 32-byte SAU granules`,
        );
      }
    }
    applySauPlan(sau, planEnclaveSau(nonSecure, [], sau.regionCount));
  }

  /** The loaded enclaves, by kernel id. */
  get enclaves(): ReadonlyMap<number, EnclaveDomain> {
    return this.domains;
  }

  /** Checks whether `domain` could be added now; returns the refusal instead of throwing. */
  refusal(domain: EnclaveDomain): ArmV8mPortError | null {
    try {
      this.planWith(domain);
      return null;
    } catch (e) {
      if (e instanceof ArmV8mPortError) return e;
      throw e;
    }
  }

  /** Adds an enclave and reprograms the SAU. @throws {@link ArmV8mPortError} as {@link planEnclaveSau}. */
  add(domain: EnclaveDomain): void {
    const plan = this.planWith(domain);
    this.domains.set(domain.id, { ...domain, entries: [...domain.entries] });
    applySauPlan(this.sau, plan);
  }

  /** Removes an enclave (an unknown id changes nothing) and reprograms the SAU. */
  remove(id: number): boolean {
    if (!this.domains.delete(id)) return false;
    applySauPlan(
      this.sau,
      planEnclaveSau(this.nonSecure, [...this.domains.values()], this.sau.regionCount),
    );
    return true;
  }

  /** The enclave whose memory holds `address`, if any. */
  enclaveAt(address: number): EnclaveDomain | undefined {
    for (const d of this.domains.values()) {
      if (address >= d.base && address < d.base + d.size) return d;
    }
    return undefined;
  }

  /**
   * The 32-bit instruction word a Non-secure branch finds at `address` in a gateway (first
   * halfword high): SG at a declared entry, UDF around it. The port models the Non-secure callable
   * granules as holding only the veneers; elsewhere the answer is 0.
   */
  gatewayInstruction(address: number): number {
    const d = this.enclaveAt(address);
    if (!d) return 0;
    if (d.entries.some((e) => entryAddress(e) === address)) return SG_OPCODE;
    return gatewayGranules(d).some((g) => address >= g.base && address < g.base + g.size)
      ? GATEWAY_FILLER_WORD
      : 0;
  }

  /** The SG rule for a Non-secure branch to `target` (Thumb bit ignored). */
  branch(target: number): GatewayOutcome {
    const t = entryAddress(target);
    return nonSecureBranch(this.sau, t, this.gatewayInstruction(t));
  }

  private planWith(domain: EnclaveDomain): SauPlan {
    const others = [...this.domains.values()].filter((d) => d.id !== domain.id);
    if (this.domains.has(domain.id)) {
      throw new ArmV8mPortError('bad-enclave', `enclave ${domain.id} was already added`);
    }
    return planEnclaveSau(this.nonSecure, [...others, domain], this.sau.regionCount);
  }
}
