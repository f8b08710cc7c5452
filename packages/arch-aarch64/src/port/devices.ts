// Device windows: physical ranges the port maps as Device-nGnRE memory (MAIR index 1) and never
// executable, instead of Normal memory. The kernel's grants do not say what kind of memory a
// region is, so the board tells the port which physical pages are devices (a UART, a timer
// block). A planned mapping that crosses a window's edge is split there, so each piece is
// either all device or all memory. Relies on memory-map.ts and errors.ts.

import { Aarch64Error } from '../errors';
import { PAGE_SIZE, type PlannedMapping } from './memory-map';

/** A device's MMIO range in physical memory. */
export interface DeviceWindow {
  /** First byte, 4 KiB aligned. */
  readonly base: number;
  /** Bytes, a positive multiple of 4 KiB. */
  readonly size: number;
  /** For error messages and traces (default "device"). */
  readonly name?: string;
}

/** A planned mapping with the memory type the port gives it. */
export interface TypedMapping extends PlannedMapping {
  /** Whether the range lies in a device window (Device-nGnRE, execute-never). */
  readonly device: boolean;
}

/**
 * Checks device windows: page-aligned, inside the 32-bit space, not overlapping. Returns them
 * sorted by base. Throws `misaligned`, `out-of-range` or `overlap`.
 */
export function checkDeviceWindows(windows: readonly DeviceWindow[]): readonly DeviceWindow[] {
  const sorted = [...windows].sort((a, b) => a.base - b.base);
  for (const [i, w] of sorted.entries()) {
    const name = w.name ?? 'device';
    if (!Number.isInteger(w.base) || !Number.isInteger(w.size) || w.size <= 0) {
      throw new Aarch64Error(
        'out-of-range',
        `device window ${name} needs an integer base and a positive integer size, got base ${w.base} size ${w.size}`,
      );
    }
    if (w.base % PAGE_SIZE !== 0 || w.size % PAGE_SIZE !== 0) {
      throw new Aarch64Error(
        'misaligned',
        `device window ${name} at 0x${w.base.toString(16)} (+0x${w.size.toString(16)}) must be 4 KiB aligned and a multiple of 4 KiB: the MMU types memory per page`,
      );
    }
    if (w.base < 0 || w.base + w.size > 2 ** 32) {
      throw new Aarch64Error(
        'out-of-range',
        `device window ${name} must lie below 2^32 (K5 addresses are 32-bit words)`,
      );
    }
    const prev = sorted[i - 1];
    if (prev !== undefined && prev.base + prev.size > w.base) {
      throw new Aarch64Error(
        'overlap',
        `device windows ${prev.name ?? 'device'} and ${name} overlap at 0x${w.base.toString(16)}`,
      );
    }
  }
  return sorted;
}

/**
 * Splits mappings at device-window edges and types each piece. `windows` must come from
 * {@link checkDeviceWindows} (sorted, disjoint).
 */
export function typeMappings(
  mappings: readonly PlannedMapping[],
  windows: readonly DeviceWindow[],
): TypedMapping[] {
  const out: TypedMapping[] = [];
  for (const m of mappings) {
    let at = m.va;
    const end = m.va + m.size;
    for (const w of windows) {
      const wEnd = w.base + w.size;
      if (wEnd <= at || w.base >= end) continue;
      if (w.base > at) out.push({ va: at, size: w.base - at, access: m.access, device: false });
      const stop = Math.min(end, wEnd);
      const from = Math.max(at, w.base);
      out.push({ va: from, size: stop - from, access: m.access, device: true });
      at = stop;
    }
    if (at < end) out.push({ va: at, size: end - at, access: m.access, device: false });
  }
  return out;
}
