// Human-readable PMP configuration: one line per entry that matches something, for layout
// printouts (the riscv-echo app, `k5 explain`-style tools) and test failure messages. Relies
// on the PMP register file's own decoding of modes and ranges.

import { PMP_L, PMP_R, PMP_W, PMP_X, PmpAddressMatching, type PmpRegisters } from './registers';

/** One active PMP entry, decoded. */
export interface PmpEntryDescription {
  /** Entry index (lower wins). */
  readonly index: number;
  /** OFF never appears here. */
  readonly mode: 'TOR' | 'NA4' | 'NAPOT';
  /** First byte matched. */
  readonly start: number;
  /** One past the last byte matched. */
  readonly end: number;
  /** `rwx` with `-` for a missing permission, and ` L` when locked (binds M mode too). */
  readonly permissions: string;
  /** The line: `entry 2  NAPOT [0x20001000, 0x20001400)  r-x`. */
  readonly text: string;
}

const MODES = {
  [PmpAddressMatching.Tor]: 'TOR',
  [PmpAddressMatching.Na4]: 'NA4',
  [PmpAddressMatching.Napot]: 'NAPOT',
} as const;

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

/** The entries of `pmp` that match an address range, lowest index first. */
export function describePmp(pmp: PmpRegisters): PmpEntryDescription[] {
  const out: PmpEntryDescription[] = [];
  for (let i = 0; i < pmp.entryCount; i++) {
    const range = pmp.range(i);
    const matching = pmp.matching(i);
    if (range === undefined || matching === PmpAddressMatching.Off) continue;
    const cfg = pmp.entryConfig(i);
    const permissions =
      (cfg & PMP_R ? 'r' : '-') +
      (cfg & PMP_W ? 'w' : '-') +
      (cfg & PMP_X ? 'x' : '-') +
      (cfg & PMP_L ? ' L' : '');
    const mode = MODES[matching];
    out.push({
      index: i,
      mode,
      start: range.start,
      end: range.end,
      permissions,
      text: `entry ${String(i).padEnd(2)} ${mode.padEnd(5)} [${hex(range.start)}, ${hex(range.end)})  ${permissions}`,
    });
  }
  return out;
}
