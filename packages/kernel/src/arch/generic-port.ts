// GenericPort: the host model of an architecture, for tests and host-only systems. A context is
// a plain register file in one shared Uint32Array; the protection unit is a list of grants per
// context; the timer just remembers its deadline; enclave memory is refused to every context
// outside the enclave whatever its grants say (the generic stand-in for SAU or monitor PMP). Relies on port.ts and @k5/abi's generic
// syscall convention.

import { SYSCALL_CONVENTIONS, type SyscallConvention } from '@k5/abi';
import type { EnclaveArch } from '../enclave/enclave-identity';
import type {
  AccessKind,
  ArchPort,
  ContextId,
  EnclaveDomain,
  InterruptController,
  MemoryGrant,
} from './port';

const REGISTERS = 16;

/** Options of {@link GenericPort}. @public */
export interface GenericPortOptions {
  /** Interrupt lines of the modelled controller (default 32). */
  irqLines?: number;
}

/**
 * A register-file port with the ABI's generic convention (slots r0-r6, number r7). Contexts are
 * reused after destruction so that creating and destroying threads does not grow memory.
 * @public
 */
export class GenericPort implements ArchPort {
  readonly convention: SyscallConvention = SYSCALL_CONVENTIONS.generic;
  readonly registerCount = REGISTERS;
  readonly interrupts: InterruptController & { readonly masked: ReadonlySet<number> };
  /** The armed timer deadline, or null. */
  timerDeadline: number | null = null;
  /** The context the kernel last switched to (null = idle). */
  running: ContextId | null = null;
  private regs = new Uint32Array(REGISTERS * 64);
  private maps: (readonly MemoryGrant[])[] = [];
  private free: number[] = [];
  private next = 0;
  readonly enclaveArch: EnclaveArch = 'generic';
  /** Loaded enclaves, and the enclave id each context runs inside (0 = none). */
  private readonly enclaves = new Map<number, EnclaveDomain>();
  private enclaveOf: number[] = [];

  constructor(options: GenericPortOptions = {}) {
    const masked = new Set<number>();
    this.interrupts = {
      lineCount: options.irqLines ?? 32,
      masked,
      mask: (irq) => {
        masked.add(irq);
      },
      unmask: (irq) => {
        masked.delete(irq);
      },
    };
  }

  createContext(): ContextId {
    const id = this.free.pop() ?? this.next++;
    if ((id + 1) * REGISTERS > this.regs.length) {
      const grown = new Uint32Array(this.regs.length * 2);
      grown.set(this.regs);
      this.regs = grown;
    }
    this.regs.fill(0, id * REGISTERS, (id + 1) * REGISTERS);
    this.maps[id] = [];
    this.enclaveOf[id] = 0;
    return id as ContextId;
  }

  destroyContext(ctx: ContextId): void {
    this.maps[ctx] = [];
    this.enclaveOf[ctx] = 0;
    this.free.push(ctx);
  }

  readRegister(ctx: ContextId, index: number): number {
    return this.regs[ctx * REGISTERS + index]!;
  }

  writeRegister(ctx: ContextId, index: number, value: number): void {
    this.regs[ctx * REGISTERS + index] = value;
  }

  syscallNumber(ctx: ContextId): number {
    return this.regs[ctx * REGISTERS + 7]!;
  }

  argument(ctx: ContextId, slot: number): number {
    return this.regs[ctx * REGISTERS + slot]!;
  }

  setResult(ctx: ContextId, slot: number, value: number): void {
    this.regs[ctx * REGISTERS + slot] = value;
  }

  copyRegisters(from: ContextId, to: ContextId, first: number, count: number): void {
    // Slots are registers 0-6 in the generic convention. Message-sized copies are unrolled: the
    // IPC fastpath calls this twice per round trip, and the loop costs more than the copies.
    const regs = this.regs;
    const src = from * REGISTERS + first;
    const dst = to * REGISTERS + first;
    switch (count) {
      case 4:
        regs[dst] = regs[src]!;
        regs[dst + 1] = regs[src + 1]!;
        regs[dst + 2] = regs[src + 2]!;
        regs[dst + 3] = regs[src + 3]!;
        return;
      case 3:
        regs[dst] = regs[src]!;
        regs[dst + 1] = regs[src + 1]!;
        regs[dst + 2] = regs[src + 2]!;
        return;
      case 2:
        regs[dst] = regs[src]!;
        regs[dst + 1] = regs[src + 1]!;
        return;
      case 1:
        regs[dst] = regs[src]!;
        return;
    }
    for (let i = 0; i < count; i++) regs[dst + i] = regs[src + i]!;
  }

  setMemoryMap(ctx: ContextId, grants: readonly MemoryGrant[]): void {
    this.maps[ctx] = grants;
  }

  checkAccess(ctx: ContextId, address: number, size: number, kind: AccessKind): boolean {
    const grants = this.maps[ctx];
    if (!grants) return false;
    if (this.enclaves.size > 0 && this.inForeignEnclave(ctx, address, size)) return false;
    for (const g of grants) {
      if (address >= g.base && address + size <= g.base + g.size) return (g.access & kind) === kind;
    }
    return false;
  }

  private inForeignEnclave(ctx: ContextId, address: number, size: number): boolean {
    for (const e of this.enclaves.values()) {
      if (address < e.base + e.size && e.base < address + size && this.enclaveOf[ctx] !== e.id)
        return true;
    }
    return false;
  }

  addEnclave(domain: EnclaveDomain): void {
    this.enclaves.set(domain.id, domain);
  }

  removeEnclave(id: number): void {
    this.enclaves.delete(id);
  }

  setEnclave(ctx: ContextId, domain: EnclaveDomain | null): void {
    this.enclaveOf[ctx] = domain?.id ?? 0;
  }

  setTimer(deadline: number | null): void {
    this.timerDeadline = deadline;
  }

  switchTo(ctx: ContextId | null): void {
    this.running = ctx;
  }
}
