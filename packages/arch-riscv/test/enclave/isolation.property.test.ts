// Property: whatever the OS side writes into the PMP entries it owns (any mode, any address,
// any permission), U mode reaches no byte of any enclave's memory nor of the monitor's, and no
// mode reaches the monitor's; the running enclave reaches its own memory and nothing of
// another enclave's. Checked through the PMP checker at each block's edges and random points.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SecurityMonitor } from '../../src/enclave/security-monitor';
import type { NapotBlock } from '../../src/enclave/types';
import { Hart } from '../../src/hart/hart';
import { MemoryBus } from '../../src/hart/memory';
import { PmpAccess, PmpChecker } from '../../src/pmp/checker';
import { PrivilegeMode } from '../../src/trap';

const RAM = 0x8000_0000;
const RAM_SIZE = 0x1_0000;
const MONITOR: NapotBlock = { base: RAM + 0xff00, size: 0x100 };
const ACCESSES = [PmpAccess.Read, PmpAccess.Write, PmpAccess.Execute];

/** Two enclaves in disjoint 16 KiB quarters below the monitor, each a NAPOT block. */
const enclaveBlock = (quarter: number) =>
  fc
    .integer({ min: 3, max: 13 })
    .chain((bits) =>
      fc
        .integer({ min: 0, max: 2 ** (14 - bits) - 1 })
        .map(
          (k): NapotBlock => ({ base: RAM + quarter * 0x4000 + k * 2 ** bits, size: 2 ** bits }),
        ),
    );

const osEntry = fc.record({
  cfg: fc.integer({ min: 0, max: 0x7f }), // never L: the OS side's entries stay its own
  addr: fc.oneof(
    fc.integer({ min: 0, max: 0xffff_ffff }),
    fc.integer({ min: RAM / 4, max: (RAM + RAM_SIZE) / 4 }),
    fc.constant((RAM / 4 + (RAM_SIZE / 8 - 1)) >>> 0),
  ),
});

function probes(block: NapotBlock, extra: number[]): number[] {
  const last = block.base + block.size - 4;
  return [
    block.base,
    last,
    ...extra.map((f) => block.base + 4 * Math.floor((f * block.size) / 4)),
  ].filter((a) => a <= last);
}

describe('enclave isolation under any OS-side PMP programming', () => {
  it('holds for random enclaves, OS entries and probe addresses', () => {
    fc.assert(
      fc.property(
        enclaveBlock(0),
        enclaveBlock(2),
        fc.array(osEntry, { minLength: 1, maxLength: 13 }),
        fc.array(fc.double({ min: 0, max: 0.999, noNaN: true }), { maxLength: 8 }),
        fc.boolean(),
        (a, b, entries, points, running) => {
          const bus = new MemoryBus();
          bus.addRam(RAM, RAM_SIZE);
          const hart = new Hart({ bus, stopOnTrap: true });
          const monitor = new SecurityMonitor({ hart, memory: MONITOR });
          const ids = [a, b].map((memory) =>
            monitor.createEnclave({ memory, entryPoints: [memory.base], image: new Uint8Array(0) }),
          );
          monitor.setOsLayout({
            entries: entries.map((e, i) => ({ index: monitor.firstOsEntry + i, ...e })),
            used: entries.length,
          });
          if (running) monitor.enter(ids[0]!, a.base);
          const checker = new PmpChecker(hart.pmp);
          for (const access of ACCESSES) {
            for (const address of probes(MONITOR, points)) {
              for (const mode of [PrivilegeMode.User, PrivilegeMode.Machine]) {
                expect(checker.allows(address, 4, access, mode)).toBe(false);
              }
            }
            for (const address of probes(b, points)) {
              expect(checker.allows(address, 4, access, PrivilegeMode.User)).toBe(false);
            }
            for (const address of probes(a, points)) {
              expect(checker.allows(address, 4, access, PrivilegeMode.User)).toBe(running);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
