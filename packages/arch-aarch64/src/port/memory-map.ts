// Turns the kernel's memory grants for one thread into page-table mappings. AArch64 protects
// memory in 4 KiB pages while K5 regions may be as small as 32 bytes, so each grant is rounded
// out to whole pages, overlapping pages take the union of the grants' rights, and equal
// neighbours are merged so the builder can use 2 MiB or 1 GiB blocks. Where the page tables
// grant more than the grants do (a sub-page grant, or a write-only grant: AArch64 has no
// write-only encoding) the page is recorded as "refined" and the port checks those accesses
// against the exact grants as well. VA = PA: K5 regions are physical objects and host tasks
// address them by their physical base. Relies on @k5/kernel's MemoryGrant and AccessKind.

import { AccessKind, type MemoryGrant } from '@k5/kernel';

/** The translation granule: 4 KiB. */
export const PAGE_SIZE = 4096;

/** One identity mapping the port installs: a page-aligned range with the rights of its pages. */
export interface PlannedMapping {
  /** First address (VA = PA), 4 KiB aligned. */
  readonly va: number;
  /** Bytes, a multiple of 4 KiB. */
  readonly size: number;
  /** The kernel's AccessKind bits the page tables allow (Read, Write, Execute). */
  readonly access: number;
}

/** A page-aligned range whose page-table rights exceed the grants inside it. */
export interface RefinedRange {
  /** First address, 4 KiB aligned. */
  readonly start: number;
  /** One past the last address, 4 KiB aligned. */
  readonly end: number;
}

/** What one thread's grants become. */
export interface MemoryPlan {
  /** Non-overlapping mappings in address order. */
  readonly mappings: readonly PlannedMapping[];
  /** Ranges where an access must also fit inside one exact grant. */
  readonly refined: readonly RefinedRange[];
}

interface Span {
  start: number;
  end: number;
  access: number;
  exact: boolean;
}

/**
 * Plans the mappings of a grant list. Grants without rights or bytes are ignored; grants that
 * reach beyond 2^32 are clipped (K5 addresses are 32-bit words).
 */
export function planMemoryMap(grants: readonly MemoryGrant[]): MemoryPlan {
  const spans: Span[] = [];
  const points = new Set<number>();
  for (const g of grants) {
    const access = g.access & (AccessKind.Read | AccessKind.Write | AccessKind.Execute);
    if (access === 0 || !(g.size > 0) || !(g.base >= 0)) continue;
    const end = Math.min(g.base + g.size, 2 ** 32);
    const start = Math.floor(g.base / PAGE_SIZE) * PAGE_SIZE;
    const pageEnd = Math.ceil(end / PAGE_SIZE) * PAGE_SIZE;
    if (pageEnd <= start) continue;
    // A write-only grant maps read/write, so its pages need the exact check too.
    const writeOnly = (access & AccessKind.Write) !== 0 && (access & AccessKind.Read) === 0;
    spans.push({
      start,
      end: pageEnd,
      access,
      exact: start === g.base && pageEnd === end && !writeOnly,
    });
    points.add(start);
    points.add(pageEnd);
  }
  const sorted = [...points].sort((a, b) => a - b);
  const mappings: PlannedMapping[] = [];
  const refined: RefinedRange[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const a = sorted[i]!;
    const b = sorted[i + 1]!;
    let access = 0;
    let covered = false;
    for (const s of spans) {
      if (s.start <= a && s.end >= b) {
        access |= s.access;
        covered = true;
      }
    }
    if (!covered) continue;
    // The page tables are exact here when one exact grant alone gives every right of the union.
    if (!spans.some((s) => s.exact && s.start <= a && s.end >= b && s.access === access))
      addRange(refined, a, b);
    const last = mappings[mappings.length - 1];
    if (last !== undefined && last.va + last.size === a && last.access === access) {
      mappings[mappings.length - 1] = { va: last.va, size: last.size + (b - a), access };
    } else mappings.push({ va: a, size: b - a, access });
  }
  return { mappings, refined };
}

/** Whether `[address, address + size)` touches a refined range. */
export function touchesRefined(
  refined: readonly RefinedRange[],
  address: number,
  size: number,
): boolean {
  for (const r of refined) if (address < r.end && address + size > r.start) return true;
  return false;
}

/** The exact rule for refined pages: one grant contains the whole access and allows `kind`. */
export function grantsAllow(
  grants: readonly MemoryGrant[],
  address: number,
  size: number,
  kind: number,
): boolean {
  for (const g of grants) {
    if (address >= g.base && address + size <= g.base + g.size && (g.access & kind) === kind)
      return true;
  }
  return false;
}

function addRange(out: RefinedRange[], start: number, end: number): void {
  const last = out[out.length - 1];
  if (last !== undefined && last.end === start) out[out.length - 1] = { start: last.start, end };
  else out.push({ start, end });
}
