// What the MPU solvers are asked for: a task's memory regions as the kernel sees them (ranges with
// read/write/execute and device attributes), their validation, and their merging into maximal runs
// of identical attributes. Shared by the PMSAv8 and PMSAv7 solvers; relies on nothing else.

import { MpuSolverError } from '../errors';

/** One memory region a task may access, as the kernel describes it. */
export interface RegionRequest {
  /** A name for error messages and reports, for example `stack` or `uart0`. */
  readonly name?: string;
  /** First byte. */
  readonly base: number;
  /** Size in bytes (at least 1). */
  readonly size: number;
  /** Unprivileged reads allowed. */
  readonly read: boolean;
  /** Unprivileged writes allowed. */
  readonly write: boolean;
  /** Unprivileged instruction fetches allowed. */
  readonly execute: boolean;
  /** Device memory (peripherals) rather than Normal memory. Defaults to false. */
  readonly device?: boolean;
}

/** A maximal run of requested bytes with one set of attributes, after merging. */
export interface MergedRange {
  /** First byte. */
  readonly base: number;
  /** One past the last byte (may be 2^32). */
  readonly end: number;
  /** Reads allowed. */
  readonly read: boolean;
  /** Writes allowed. */
  readonly write: boolean;
  /** Fetches allowed. */
  readonly execute: boolean;
  /** Device memory. */
  readonly device: boolean;
  /** Names (or `#index`) of the requests merged into this run, in address order. */
  readonly names: readonly string[];
}

/** `name (0xbase..0xlast)` for messages; unnamed requests are called `#index`. */
export function describeRequest(request: RegionRequest, index: number): string {
  const name = request.name ?? `#${index}`;
  const last = request.base + request.size - 1;
  return `region "${name}" (0x${hex(request.base)}..0x${hex(last)})`;
}

/** Lower-case hexadecimal without prefix. */
export function hex(value: number): string {
  return value.toString(16);
}

function sameAttributes(
  a: Pick<MergedRange, 'read' | 'write' | 'execute' | 'device'>,
  b: Pick<MergedRange, 'read' | 'write' | 'execute' | 'device'>,
): boolean {
  return (
    a.read === b.read && a.write === b.write && a.execute === b.execute && a.device === b.device
  );
}

/** Throws {@link MpuSolverError} `bad-range` unless the request is a non-empty 32-bit range. */
export function validateRange(request: RegionRequest, index: number): void {
  const { base, size } = request;
  if (
    !Number.isInteger(base) ||
    !Number.isInteger(size) ||
    base < 0 ||
    size < 1 ||
    base + size > 0x100000000
  ) {
    throw new MpuSolverError(
      'bad-range',
      `region "${request.name ?? `#${index}`}" has base ${base} and size ${size}: it must be a non-empty range of whole bytes inside the 32-bit address space`,
    );
  }
}

/**
 * Validates every request's range, rejects overlapping requests whose attributes differ (the solver
 * cannot know which one is meant), and merges overlapping or adjacent requests with identical
 * attributes into maximal runs, sorted by address. Requests granting nothing are dropped after the
 * overlap check.
 */
export function mergeRequests(requests: readonly RegionRequest[]): MergedRange[] {
  const items = requests.map((r, i) => {
    validateRange(r, i);
    return {
      index: i,
      request: r,
      base: r.base,
      end: r.base + r.size,
      read: r.read,
      write: r.write,
      execute: r.execute,
      device: r.device ?? false,
    };
  });
  items.sort((x, y) => x.base - y.base || x.end - y.end || x.index - y.index);
  // Conflicts: any overlapping pair with different attributes. Sorted by base, a pair overlaps when
  // the later one starts before the earlier one ends.
  for (let i = 0; i < items.length; i++) {
    const a = items[i]!;
    for (let j = i + 1; j < items.length && items[j]!.base < a.end; j++) {
      const b = items[j]!;
      if (!sameAttributes(a, b)) {
        throw new MpuSolverError(
          'conflicting-overlap',
          `${describeRequest(a.request, a.index)} and ${describeRequest(b.request, b.index)} overlap with different attributes; split them so that every byte has one meaning`,
        );
      }
    }
  }
  const runs: { base: number; end: number; attrs: (typeof items)[number]; names: string[] }[] = [];
  for (const it of items) {
    if (!it.read && !it.write && !it.execute) continue;
    const last = runs[runs.length - 1];
    const name = it.request.name ?? `#${it.index}`;
    if (last !== undefined && it.base <= last.end && sameAttributes(last.attrs, it)) {
      last.end = Math.max(last.end, it.end);
      last.names.push(name);
    } else {
      runs.push({ base: it.base, end: it.end, attrs: it, names: [name] });
    }
  }
  return runs.map((r) => ({
    base: r.base,
    end: r.end,
    read: r.attrs.read,
    write: r.attrs.write,
    execute: r.attrs.execute,
    device: r.attrs.device,
    names: r.names,
  }));
}

/**
 * The permissions a request asks for at one address, by a plain scan (the reference the property
 * tests compare the checkers with). Undefined when no request covers the address.
 */
export function requestedAt(
  requests: readonly RegionRequest[],
  address: number,
): { read: boolean; write: boolean; execute: boolean } | undefined {
  let found: { read: boolean; write: boolean; execute: boolean } | undefined;
  for (const r of requests) {
    if (address >= r.base && address < r.base + r.size) {
      if (found === undefined) found = { read: r.read, write: r.write, execute: r.execute };
    }
  }
  return found;
}
