// When RiscvPort refuses a kernel enclave: the security monitor can guard an enclave only with
// one NAPOT PMP entry over RAM that no other enclave or the monitor uses, entered at addresses
// inside it, and only while it has a free guard entry. Checked before anything changes, so a
// kernel can ask first and a refusal leaves the PMP as it was. Relies on the NAPOT helpers, the
// PMP register file and the memory bus.

import type { EnclaveDomain } from '@k5/kernel';
import { blocksOverlap, isNapotBlock } from '../enclave/napot-entry';
import type { NapotBlock } from '../enclave/types';
import { RiscvError } from '../errors';
import type { MemoryBus } from '../hart/memory';
import type { PmpRegisters } from '../pmp/registers';

/** What the refusal depends on. */
export interface EnclaveBudget {
  /** Enclaves already guarded. */
  readonly added: readonly EnclaveDomain[];
  /** PMP entries the kernel locked (a monitor needs entry 0: none may be locked). */
  readonly lockedEntries: number;
  readonly pmp: PmpRegisters;
  readonly bus: MemoryBus;
  /** The monitor's memory (attached or to be created). */
  readonly monitorMemory: NapotBlock;
  /** Guard entries the monitor has (or will have). */
  readonly maxEnclaves: number;
}

/** Why `domain` cannot be guarded, or null when it can. */
export function enclaveRefusal(domain: EnclaveDomain, budget: EnclaveBudget): RiscvError | null {
  const { pmp, bus } = budget;
  const memory = { base: domain.base, size: domain.size };
  const what = `enclave ${domain.id} [0x${domain.base.toString(16)}, +0x${domain.size.toString(16)})`;
  if (budget.added.some((d) => d.id === domain.id)) {
    return new RiscvError('enclave-bad-state', `enclave ${domain.id} is already added`);
  }
  if (budget.lockedEntries > 0) {
    return new RiscvError(
      'enclave-bad-state',
      'a port with locked kernel regions cannot hold enclaves: the security monitor needs PMP entry 0',
    );
  }
  if (!isNapotBlock(memory, pmp)) {
    return new RiscvError(
      'enclave-invalid-layout',
      `${what} must be a naturally aligned power of two of at least ${Math.max(8, pmp.granuleBytes)} bytes: one PMP guard entry covers it`,
    );
  }
  const ram = bus.ramAt(domain.base);
  if (ram === undefined || !ram.contains(domain.base + domain.size - 1)) {
    return new RiscvError(
      'enclave-invalid-layout',
      `${what} must lie in one RAM region of the bus`,
    );
  }
  if ([budget.monitorMemory, ...budget.added].some((b) => blocksOverlap(b, memory))) {
    return new RiscvError(
      'enclave-invalid-layout',
      `${what} overlaps the monitor or another enclave`,
    );
  }
  const inside = (a: number) => a >= domain.base && a < domain.base + domain.size;
  if (domain.entries.length === 0 || !domain.entries.every((a) => inside(a) && a % 2 === 0)) {
    return new RiscvError(
      'enclave-invalid-layout',
      `${what}: it needs entries, each a halfword-aligned address inside its memory`,
    );
  }
  if (budget.added.length >= budget.maxEnclaves) {
    return new RiscvError(
      'enclave-out-of-resources',
      `${what}: the security monitor has ${budget.maxEnclaves} guard PMP entries and all are in use`,
    );
  }
  return null;
}
