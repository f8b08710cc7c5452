// The hart keeps permission maps per PMP content: switching back to an earlier layout must give
// exactly the decisions of that layout (not the last one painted), in U mode fetches and loads.
import { describe, expect, it } from 'vitest';
import { CSR_MCAUSE } from '../csr';
import { type PmpLayout, solvePmp, applyPmpLayout } from '../pmp/solver';
import { ExceptionCause, PrivilegeMode } from '../trap';
import { StopReason } from './execute';
import { Hart } from './hart';
import { MemoryBus } from './memory';

const RAM = 0x8000_0000;
const lw = (rd: number, rs1: number, imm: number) =>
  ((imm << 20) | (rs1 << 15) | (2 << 12) | (rd << 7) | 0x03) >>> 0;

describe('permission maps cached per PMP content', () => {
  it('gives each of several alternating layouts its own decisions', () => {
    const bus = new MemoryBus();
    bus.addRam(RAM, 0x1_0000);
    const hart = new Hart({ bus, stopOnTrap: true });
    const code = { base: RAM, size: 0x100, read: true, execute: true };
    // Layout i may read the 256-byte block at RAM + 0x1000 * (i + 1) only.
    const layouts: PmpLayout[] = [0, 1, 2, 3, 4, 5].map((i) =>
      solvePmp([code, { base: RAM + 0x1000 * (i + 1), size: 0x100, read: true }]),
    );
    const word = new Uint8Array(4);
    new DataView(word.buffer).setUint32(0, lw(6, 10, 0), true);
    bus.load(RAM, word);
    for (let round = 0; round < 3; round++) {
      for (const [i, layout] of layouts.entries()) {
        applyPmpLayout(hart.pmp, layout);
        for (const j of [0, 1, 2, 3, 4, 5]) {
          hart.pc = RAM;
          hart.mode = PrivilegeMode.User;
          hart.setRegister(10, RAM + 0x1000 * (j + 1));
          const stop = hart.run(1);
          if (i === j) expect(stop).toBe(StopReason.Budget);
          else {
            expect(stop).toBe(StopReason.Trap);
            expect(hart.readCsr(CSR_MCAUSE)).toBe(ExceptionCause.LoadAccessFault);
          }
        }
      }
    }
  });
});
